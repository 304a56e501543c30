"""A test mailer that refuses some addresses or drops the connection, like a real SMTP server might."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Refuses recipients containing "refuse"; loses the connection on "drop"."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            for address in message.to:
                if "refuse" in address:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
                if "drop" in address:
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return int(super().send_messages(messages))
