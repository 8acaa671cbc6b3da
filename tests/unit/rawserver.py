"""A bare HTTP server on 127.0.0.1 for tests that need an answer no framework would send
(one byte at a time, an endless body): it reads each request's head and hands the
connection to :meth:`RawServer.answer`."""

from __future__ import annotations

import socket
import threading


class RawServer:
    """Accepts connections on a free port of 127.0.0.1 until :meth:`close`."""

    def __init__(self) -> None:
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def answer(self, conn: socket.socket) -> None:
        """Answer one request whose head was read (its small body is ignored)."""
        raise NotImplementedError

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            self.answer(conn)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._accepter.join(2)
        for thread in self._threads:
            thread.join(5)
