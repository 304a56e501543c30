"""Real listeners that stand in for a broken Redis: a refusing port, and one that never answers."""

from __future__ import annotations

import socket
import threading


def closed_port_url() -> str:
    """A Redis URL on a port that was free a moment ago: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


class SilentListener:
    """Accepts every connection and holds it open without ever replying."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.server.settimeout(0.05)
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.accept_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def accept_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _address = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=2)
        for connection in self.held:
            connection.close()
        self.server.close()
