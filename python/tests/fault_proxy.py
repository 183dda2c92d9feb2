"""A tiny HTTP proxy in front of the real server that can lose responses or inject errors."""

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class Seen:
    method: str
    path: str
    body: bytes


# What to do with a request, given it and the requests seen before it (itself included):
# "forward", "drop" (forward it, then close the client's connection without an answer), or an
# int status to answer with instead of forwarding.
Decide = Callable[[Seen, list[Seen]], object]


class FaultProxy:
    def __init__(self, upstream: str, decide: Decide) -> None:
        target = urlsplit(upstream)
        self.upstream_host = target.hostname or "127.0.0.1"
        self.upstream_port = target.port or 80
        self.decide = decide
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, body)
                with proxy.lock:
                    proxy.seen.append(seen)
                    action = proxy.decide(seen, list(proxy.seen))
                if isinstance(action, int):
                    self._answer(action, {"Content-Type": "text/plain"}, b"injected")
                    return
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                if action == "drop":
                    self.close_connection = True  # the server did the work; the client never hears
                    return
                self._answer(status, headers, data)

            def _answer(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _relay  # noqa: N815

        return Handler

    def _forward(
        self, method: str, path: str, headers: Message, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        try:
            sent = {
                k: v
                for k, v in headers.items()
                if k.lower() not in HOP_BY_HOP and k.lower() != "host"
            }
            conn.request(method, path, body=body or None, headers=sent)
            response = conn.getresponse()
            data = response.read()
            kept = {
                k: v
                for k, v in response.getheaders()
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"
            }
            return response.status, kept, data
        finally:
            conn.close()

    def count(self, method: str, suffix: str) -> int:
        with self.lock:
            return sum(1 for s in self.seen if s.method == method and s.path.endswith(suffix))


@contextmanager
def fault_proxy(upstream: str, decide: Decide) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream, decide)
    thread = threading.Thread(target=proxy.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
        thread.join(timeout=5)


def first_only(method: str, suffix: str, action: object) -> Decide:
    """Applies `action` to the first request with `method` whose path ends with `suffix`."""

    def decide(seen: Seen, history: list[Seen]) -> object:
        matching = [
            s for s in history if s.method == method and s.path.split("?")[0].endswith(suffix)
        ]
        if (
            seen.method == method
            and seen.path.split("?")[0].endswith(suffix)
            and len(matching) == 1
        ):
            return action
        return "forward"

    return decide
