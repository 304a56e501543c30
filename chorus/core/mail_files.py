"""Development mail: one ``.eml`` file per message under ``var/mail/``.

Django's file backend appends every message of a connection to one ``.log`` file with
dashed separators, which no mail program opens. This backend keeps that backend's
checks of the directory and writes each message on its own, as the raw RFC 5322 bytes
a mail program (or a text editor) reads. The file name holds only the time and a random
part: never a subject or an address.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class EmlFileBackend(FileEmailBackend):
    """Writes each message to ``<file_path>/<time>-<random>.eml``."""

    def open(self) -> bool:
        return False  # nothing to hold open: each message gets its own file

    def close(self) -> None:
        return None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        written = 0
        for message in email_messages:
            if not message.recipients():
                continue
            self.write_eml(message)
            written += 1
        return written

    def write_eml(self, message: EmailMessage) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = Path(self.file_path) / f"{stamp}-{secrets.token_hex(4)}.eml"
        # "x": never overwrite another message's file.
        with path.open("xb") as eml:
            eml.write(message.message().as_bytes())
        return path
