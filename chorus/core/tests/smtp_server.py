"""A real SMTP server on localhost (aiosmtpd) that counts what it accepted per recipient."""

from __future__ import annotations

import collections
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from django.test import override_settings


class CountingHandler:
    def __init__(self) -> None:
        self.received: collections.Counter[str] = collections.Counter()
        self.total = 0
        self.samples: list[bytes] = []  # the first few messages, to parse in tests
        self.lock = threading.Lock()
        # Recipient address -> the SMTP reply that refuses it, e.g. "550 5.1.1 No such user".
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received[address.lower()] += 1
            self.total += 1
            if len(self.samples) < 3:
                self.samples.append(bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server() -> tuple[Controller, CountingHandler, int]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command otherwise
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler, port


@contextmanager
def smtp_mailer() -> Iterator[CountingHandler]:
    """A real SMTP server, with the default mailer sending to it for the block's duration."""
    controller, handler, port = start_server()
    smtp = {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "127.0.0.1", "port": port}}
    try:
        with override_settings(MAILERS={"default": smtp}):
            yield handler
    finally:
        controller.stop()
