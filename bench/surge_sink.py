"""The surge benchmark's SMTP server: real SMTP over TCP, routing each confirmation link to its signer.

It runs as its own process (one asyncio protocol per connection, on uvloop), so its CPU
shows as its own group in the benchmark's breakdown and it never shares an interpreter
lock with anything being measured. It speaks what Django's SMTP backend (smtplib) uses:
HELO/EHLO, MAIL FROM, RCPT TO, DATA (dot-terminated, dot-unstuffed), RSET, NOOP, VRFY and
QUIT, several messages per connection and any number of connections. It stores nothing:
for each message it counts one, finds the confirmation link (in the raw bytes once
quoted-printable soft line breaks are taken out; in the decoded text part of a base64
body) and writes ``recipient token`` as one line down the pipe of the client process
that signed as that recipient (``surge-p<process>-…@example.org``).

The parent starts it with ``serve`` as a process target and a duplex control pipe: the
sink sends ``"ready"`` once it listens; when the parent sends ``"stop"`` it answers with
the number of messages it accepted, and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
from multiprocessing.connection import Connection
from typing import Any

HOST = "127.0.0.1"
CONFIRM_LINK_BYTES = re.compile(rb"/campaigns/confirm/([A-Za-z0-9_-]{40,})/")
CONFIRM_LINK = re.compile(r"/campaigns/confirm/([A-Za-z0-9_-]+)/")
BASE64_BODY = re.compile(rb"^content-transfer-encoding:[ \t]*base64", re.IGNORECASE | re.MULTILINE)
ROUTE = re.compile(rb"surge-p(\d+)-", re.IGNORECASE)
ADDRESS = re.compile(rb"<([^>]*)>")
END_OF_DATA = b"\r\n.\r\n"
MAX_LINE = 4096

EHLO_REPLY = b"250-" + HOST.encode() + b"\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n"
OK = b"250 OK\r\n"


def token_from_message(content: bytes) -> str:
    """The confirmation token in a message, or "" (an "already signed" email has none).

    Django sends the text part quoted-printable (the link line is longer than 78
    characters), so a soft line break (``=`` CRLF) splits the link; the link's characters
    are never escaped, so taking the soft breaks out is enough to read it. Only a base64
    body needs the message parsed.
    """
    match = CONFIRM_LINK_BYTES.search(content)
    if match is None and b"=\r\n" in content:
        match = CONFIRM_LINK_BYTES.search(content.replace(b"=\r\n", b""))
    if match is not None:
        return match.group(1).decode("ascii")
    if not BASE64_BODY.search(content):
        return ""  # readable as it stands, and no link in it
    import email

    message = email.message_from_bytes(content)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
            found = CONFIRM_LINK.search(text)
            if found:
                return found.group(1)
    return ""


class Sink:
    """What all connections share: the count and the pipes to the client processes."""

    def __init__(self, routes: list[asyncio.WriteTransport]) -> None:
        self.routes = routes
        self.received = 0

    def deliver(self, recipients: list[bytes], content: bytes) -> None:
        self.received += 1
        if not recipients:
            return
        route = ROUTE.match(recipients[0])
        if route is None or int(route.group(1)) >= len(self.routes):
            return
        token = token_from_message(content)
        if token:
            self.routes[int(route.group(1))].write(recipients[0].lower() + b" " + token.encode("ascii") + b"\n")


class SmtpSession(asyncio.Protocol):
    """One SMTP connection: commands line by line, then the message until <CRLF>.<CRLF>."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.in_data = False
        self.scanned = 0  # in DATA: where to resume looking for the end
        self.sender: bytes | None = None
        self.recipients: list[bytes] = []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(b"220 " + HOST.encode() + b" ESMTP surge sink\r\n")

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        transport = self.transport
        assert transport is not None
        while buffer and not transport.is_closing():
            if self.in_data:
                end = buffer.find(END_OF_DATA, self.scanned)
                if end < 0:
                    self.scanned = max(0, len(buffer) - len(END_OF_DATA) + 1)
                    return
                # The buffer starts with the CRLF that ended the DATA command, so every
                # line of the message, the first included, follows a CRLF: one replace
                # undoes the dot-stuffing, and a message of no lines still ends cleanly.
                content = bytes(buffer[: end + 2]).replace(b"\r\n..", b"\r\n.")[2:]
                del buffer[: end + len(END_OF_DATA)]
                self.in_data = False
                self.sink.deliver(self.recipients, content)
                self.sender, self.recipients = None, []
                transport.write(OK)
                continue
            end = buffer.find(b"\r\n")
            if end < 0:
                if len(buffer) > MAX_LINE:
                    transport.write(b"500 Line too long\r\n")
                    transport.close()
                return
            line = bytes(buffer[:end])
            del buffer[: end + 2]
            self.command(line, transport)

    def command(self, line: bytes, transport: asyncio.Transport) -> None:
        verb, _, argument = line.partition(b" ")
        verb = verb.upper()
        if verb == b"MAIL":
            if argument[:5].upper() != b"FROM:":
                transport.write(b"501 Syntax: MAIL FROM:<address>\r\n")
            elif self.sender is not None:
                transport.write(b"503 Error: nested MAIL command\r\n")
            else:
                self.sender = _address(argument[5:])
                self.recipients = []
                transport.write(OK)
        elif verb == b"RCPT":
            if argument[:3].upper() != b"TO:":
                transport.write(b"501 Syntax: RCPT TO:<address>\r\n")
            elif self.sender is None:
                transport.write(b"503 Error: need MAIL command\r\n")
            else:
                self.recipients.append(_address(argument[3:]))
                transport.write(OK)
        elif verb == b"DATA":
            if not self.recipients:
                transport.write(b"503 Error: need RCPT command\r\n")
            else:
                self.in_data = True
                self.scanned = 0
                self.buffer[:0] = b"\r\n"
                transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"EHLO":
            self.sender, self.recipients = None, []
            transport.write(EHLO_REPLY)
        elif verb == b"HELO":
            self.sender, self.recipients = None, []
            transport.write(b"250 " + HOST.encode() + b"\r\n")
        elif verb == b"RSET":
            self.sender, self.recipients = None, []
            transport.write(OK)
        elif verb == b"NOOP":
            transport.write(OK)
        elif verb == b"VRFY":
            transport.write(b"252 Cannot VRFY user, but will accept message\r\n")
        elif verb == b"QUIT":
            transport.write(b"221 Bye\r\n")
            transport.close()
        else:
            transport.write(b"500 Error: command not recognized\r\n")

    def connection_lost(self, exc: Exception | None) -> None:
        self.buffer.clear()


def _address(argument: bytes) -> bytes:
    """The address in ``<address> [parameters]`` (or a bare address)."""
    match = ADDRESS.search(argument)
    if match:
        return match.group(1)
    parts = argument.split()
    return parts[0] if parts else b""


class _Quiet(asyncio.BaseProtocol):
    """The protocol of the pipes to the clients: nothing comes back."""


async def _serve(port: int, routes: list[Connection], control: Connection) -> int:
    loop = asyncio.get_running_loop()
    transports = []
    for route in routes:
        transport, _ = await loop.connect_write_pipe(_Quiet, route)
        transports.append(transport)
    sink = Sink(transports)
    server = await loop.create_server(lambda: SmtpSession(sink), HOST, port, backlog=512)
    stopping = loop.create_future()

    def on_control() -> None:
        with contextlib.suppress(EOFError):  # the parent went away: stop as well
            control.recv()
        if not stopping.done():
            stopping.set_result(None)

    loop.add_reader(control.fileno(), on_control)
    control.send("ready")
    await stopping
    loop.remove_reader(control.fileno())
    server.close()
    for transport in transports:
        transport.close()
    return sink.received


def serve(port: int, routes: list[Connection], control: Connection) -> None:
    """Process target: listen on 127.0.0.1:port until told to stop, then report the count."""
    import uvloop

    # Ctrl-C reaches the whole process group: the parent stops the sink once the mail has stopped.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    received = uvloop.run(_serve(port, routes, control))
    control.send(received)
