"""An HTTP server in a background thread: how the demo site, the test fixtures and the
benchmarks serve pages on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class BackgroundServer:
    """Serve `handler` from a daemon thread until `stop()`; port 0 picks a free port."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0):
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True  # a client that keeps a connection open never blocks stop()
        threading.Thread(target=self.server.serve_forever, name="local-http", daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `handler` for the length of the block; yields the base URL."""
    server = BackgroundServer(handler, host, port)
    try:
        yield server.url
    finally:
        server.stop()
