"""Servers that fail the way real ones do, for the fault tests: a redis-server of the test's own
(killed, restarted on its port, paused) and a server that accepts connections and never answers."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import redis

from tests.conftest import service_missing
from tests.servers import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PortTaken(RuntimeError):
    """The free port a server was given was taken before it could bind it."""


class RedisServer:
    """A redis-server on a free port of 127.0.0.1 keeping nothing on disk; never the shared one."""

    def __init__(self, directory):
        if not os.path.exists(REDIS_SERVER):
            service_missing(f"redis-server at {REDIS_SERVER}")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> "RedisServer":
        """Started on its port and answering, and the server answering there is this one: a port
        found free can be taken by another test's server before this one binds it (xdist), and a
        ping would then reach that one, which its own test kills later."""
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise PortTaken(f"redis-server exited at start (port {self.port} taken?)")
            try:
                pid = self.client().info("server")["process_id"]
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
                continue
            if pid != self.process.pid:
                self.process.kill()
                raise PortTaken(f"port {self.port} is another redis-server's (pid {pid})")
            return self

    @classmethod
    def started(cls, directory) -> "RedisServer":
        """A new server, on another free port if the first one found is taken meanwhile."""
        for _ in range(2):
            with contextlib.suppress(PortTaken):
                return cls(directory).start()
        return cls(directory).start()

    def stop(self) -> None:
        """Gone at once, as a crashed or restarting Redis is: connections are refused."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def pause(self) -> None:
        """Still accepting connections (the kernel does), never answering: a Redis that hangs."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


class HangingServer:
    """Accepts connections on a free port, reads what it is sent, and never answers."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.received = 0  # bytes, over every connection
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            connection.settimeout(None)
            self.connections.append(connection)
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection: socket.socket) -> None:
        try:
            while data := connection.recv(4096):
                with self._lock:
                    self.received += len(data)
        except OSError:
            pass

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()
        for connection in self.connections:
            connection.close()
