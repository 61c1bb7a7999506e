"""A TCP proxy in front of the test PostgreSQL that a test can cut (an outage) and restore (the server is back)."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlparse


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the real server. ``cut()`` drops every connection at once and
    refuses new ones (what a desk sees when the server or the network goes away); ``restore()``
    listens on the same port again. Plain sockets and threads: nothing here is the desk's code."""

    def __init__(self, target_url: str):
        parsed = urlparse(target_url)
        self.url = target_url
        self.target = (parsed.hostname or "localhost", parsed.port or 5432)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = 0
        self.accepted = 0
        self._listen()
        self.proxied_url = parsed._replace(netloc=f"{parsed.netloc.rpartition('@')[0]}@127.0.0.1:{self.port}"
                                           if "@" in parsed.netloc else f"127.0.0.1:{self.port}").geturl()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="cut-proxy-accept").start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut: the listener was closed
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    client.close()
                    server.close()
                    return
                self._sockets.update((client, server))
                self.accepted += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True, name="cut-proxy-pump").start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                self._drop(s)

    def _drop(self, s: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def cut(self) -> None:
        """The outage: every open connection is reset and new ones are refused."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets = list(self._sockets)
        if listener is not None:
            listener.close()
        for s in sockets:
            # RST rather than FIN: the desk's sockets see the connection fail, as when a server dies.
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self._drop(s)

    def refuse_new(self) -> None:
        """New connections are refused; those open now go on working (a half-broken network path)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    def restore(self) -> None:
        """The server is back on the same address."""
        with self._lock:
            if self._listener is not None:
                return
        self._listen()

    def close(self) -> None:
        self.cut()
