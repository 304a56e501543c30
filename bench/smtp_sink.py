"""The SMTP server a sending benchmark delivers to: real SMTP over TCP on 127.0.0.1, counting what it accepts.

The server shares the machine's two cores with the workers being measured, so a heavy
one caps the figure by itself. Postfix's ``smtp-sink`` (Debian package ``postfix``) is a
small C server made for exactly this; when it is not installed, aiosmtpd (pure Python,
several times the CPU per message) stands in. Either way every message is accepted over
a real SMTP conversation and counted by the server, never by the sender.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from typing import IO, Any, Protocol

HOST = "127.0.0.1"
SMTP_SINK = "smtp-sink"
SINK_CHOICES = ("auto", "smtp-sink", "aiosmtpd")


class Sink(Protocol):
    name: str
    port: int

    @property
    def accepted(self) -> int: ...

    def stop(self) -> float | None:
        """Stop the server; the CPU seconds it used if it ran as its own process."""
        ...


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def find_smtp_sink() -> str | None:
    # Debian installs it in /usr/sbin, which is not on every user's PATH.
    return shutil.which(SMTP_SINK) or shutil.which(SMTP_SINK, path="/usr/sbin:/usr/local/sbin")


class PostfixSink:
    """Postfix's smtp-sink as a child process; its running counters (``-c``) say how many it accepted."""

    COUNTER = re.compile(rb"mesg=(\d+)")

    def __init__(self, binary: str) -> None:
        self.port = free_port()
        self.name = f"Postfix smtp-sink ({binary})"
        command = [binary, "-c"]
        if os.geteuid() == 0:
            command += ["-u", "nobody"]  # it refuses to run as root without a user to switch to
        command += [f"{HOST}:{self.port}", "256"]
        self._count = 0
        # Its complaints go to a file: a pipe nobody reads could fill up and stall it.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (open for the life of the sink; closed in stop())
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._errors)
        self._reader = threading.Thread(target=self._read_counters, daemon=True)
        self._reader.start()
        _wait_until_listening(self.port, process=self._process, errors=self._errors)

    def _read_counters(self) -> None:
        # Lines like "sess=3 quit=2 mesg=1200\r", written each time a message is accepted.
        assert self._process.stdout is not None
        pending = b""
        while chunk := os.read(self._process.stdout.fileno(), 65536):
            pending += chunk
            *records, pending = pending.split(b"\r")
            for record in reversed(records):
                if match := self.COUNTER.search(record):
                    self._count = int(match.group(1))
                    break

    @property
    def accepted(self) -> int:
        return self._count

    def stop(self) -> float:
        time.sleep(0.2)  # let the last counter line through
        self._process.terminate()
        _, status, usage = os.wait4(self._process.pid, 0)
        self._process.returncode = os.waitstatus_to_exitcode(status)
        self._reader.join(timeout=5)
        self._errors.close()
        return float(usage.ru_utime + usage.ru_stime)


class CountingHandler:
    """Does the least an aiosmtpd handler can: count and accept."""

    def __init__(self) -> None:
        self.total = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.total += 1  # handlers run on the server's one event loop thread: no lock needed
        return "250 Message accepted for delivery"


class AiosmtpdSink:
    """aiosmtpd on a thread of this process (its CPU shows up as the benchmark's own)."""

    def __init__(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # it logs every command otherwise
        self.port = free_port()
        self.name = "aiosmtpd (in the benchmark process)"
        self._handler = CountingHandler()
        self._controller = Controller(self._handler, hostname=HOST, port=self.port)
        self._controller.start()

    @property
    def accepted(self) -> int:
        return self._handler.total

    def stop(self) -> None:
        self._controller.stop()
        return None


def start_sink(choice: str = "auto") -> Sink:
    """Start the chosen server ("auto": smtp-sink when installed, else aiosmtpd)."""
    if choice not in SINK_CHOICES:
        raise ValueError(f"unknown SMTP sink {choice!r}")
    binary = find_smtp_sink() if choice in {"auto", "smtp-sink"} else None
    if binary:
        return PostfixSink(binary)
    if choice == "smtp-sink":
        raise SystemExit("smtp-sink is not installed (Debian: apt-get install postfix)")
    return AiosmtpdSink()


def _wait_until_listening(
    port: int, *, process: subprocess.Popen[bytes], errors: IO[bytes], seconds: float = 5.0
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            raise SystemExit(f"the SMTP sink exited at once: {errors.read().decode(errors='replace').strip()}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the SMTP sink is not listening on {HOST}:{port}")
