"""A small HTTP/1.1 client for the surge benchmark: asyncio protocols, llhttp for parsing.

The load generator shares two cores with the server it measures, so every microsecond it
spends per request is one the server does not get. A general client (aiohttp) does a lot
per request that a benchmark does not need: URL objects, header multidicts, cookie and
redirect handling, decompression, tracing hooks, a stream reader per response. This one
writes a pre-built request, lets llhttp (``httptools``, the parser uvicorn uses) call back
with the status, headers and body, and keeps nothing else. It is still real HTTP over
TCP: it honours ``Connection: close`` (which servers without keep-alive send after every
response, so each request is then a new connection) and reuses keep-alive connections
otherwise, and it reads Content-Length, chunked and close-delimited bodies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httptools

USER_AGENT = b"chorus-bench/1 (sign_surge)"
FORM_CONTENT_TYPE = b"application/x-www-form-urlencoded"


class HttpError(Exception):
    """The server's answer could not be read as HTTP, or the connection broke first."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    set_cookie: bool
    location: bytes = b""  # where a redirect points


class _Connection(asyncio.Protocol):
    """One TCP connection; one request at a time; llhttp's callbacks fill in the answer."""

    __slots__ = (
        "_body",
        "_closed",
        "_delimited",
        "_headers_done",
        "_location",
        "_parser",
        "_set_cookie",
        "_waiter",
        "keep_alive",
        "transport",
    )

    def __init__(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Response] | None = None
        self._body: list[bytes] = []
        self._set_cookie = False
        self._location = b""
        self._headers_done = False
        self._delimited = False  # Content-Length or chunked: the parser sees the end itself
        self._closed = False
        self.keep_alive = False
        self.transport: asyncio.Transport | None = None

    # asyncio.Protocol

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(HttpError(f"unreadable response: {error}"))
            self.close()

    def eof_received(self) -> bool:
        return False  # close our side too; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self.keep_alive = False
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if exc is None and self._headers_done and not self._delimited:
            self._complete()  # the body ran until the server closed the connection
        else:
            self._fail(HttpError(f"connection closed before the response ended ({exc or 'EOF'})"))

    # llhttp callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        lowered = name.lower()
        if lowered == b"set-cookie":
            self._set_cookie = True
        elif lowered in (b"content-length", b"transfer-encoding"):
            self._delimited = True
        elif lowered == b"location":
            self._location = value

    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._complete()

    # the client's side

    def send(self, request: bytes) -> asyncio.Future[Response]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._body = []
        self._set_cookie = self._headers_done = self._delimited = False
        self._location = b""
        self.transport.write(request)
        return self._waiter

    @property
    def reusable(self) -> bool:
        return self.keep_alive and not self._closed and self.transport is not None and not self.transport.is_closing()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _complete(self) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        self.keep_alive = self._parser.should_keep_alive()
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        waiter.set_result(Response(self._parser.get_status_code(), body, self._set_cookie, self._location))

    def _fail(self, error: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)


class HttpClient:
    """Requests to one host and port; idle keep-alive connections are reused, others closed.

    Every request sends Host, User-Agent and ``Accept: */*``, plus the headers given, and
    never a cookie. Errors raise HttpError, OSError (a refused connection) or TimeoutError.
    """

    def __init__(self, host: str, port: int, *, timeout: float = 30.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self._head = f"Host: {host}:{port}\r\n".encode() + b"User-Agent: " + USER_AGENT + b"\r\nAccept: */*\r\n"
        self._idle: list[_Connection] = []

    def encode(
        self, method: str, path: str, *, headers: Iterable[tuple[str, str]] = (), form: dict[str, str] | None = None
    ) -> bytes:
        """The request's bytes; build one once to send it many times."""
        lines = [f"{method} {path} HTTP/1.1\r\n".encode(), self._head]
        lines += [f"{name}: {value}\r\n".encode("latin-1") for name, value in headers]
        body = b""
        if form is not None:
            body = urlencode(form).encode("ascii")
            lines.append(b"Content-Type: " + FORM_CONTENT_TYPE + b"\r\n")
        if body or method in {"POST", "PUT", "PATCH"}:
            lines.append(b"Content-Length: %d\r\n" % len(body))
        lines.append(b"\r\n")
        return b"".join(lines) + body

    async def send(self, request: bytes) -> Response:
        """Send encoded request bytes; the whole response, or an exception."""
        async with asyncio.timeout(self.timeout):
            while self._idle:
                connection = self._idle.pop()
                if connection.reusable:
                    try:
                        return await self._exchange(connection, request)
                    except HttpError:
                        continue  # the server dropped an idle connection: try a fresh one
            loop = asyncio.get_running_loop()
            _, fresh = await loop.create_connection(_Connection, self.host, self.port)
            return await self._exchange(fresh, request)

    async def request(
        self, method: str, path: str, *, headers: Iterable[tuple[str, str]] = (), form: dict[str, str] | None = None
    ) -> Response:
        return await self.send(self.encode(method, path, headers=headers, form=form))

    async def _exchange(self, connection: _Connection, request: bytes) -> Response:
        try:
            response = await connection.send(request)
        except BaseException:
            connection.close()
            raise
        if connection.reusable:
            self._idle.append(connection)
        else:
            connection.close()
        return response

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()
