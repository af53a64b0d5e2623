"""Helpers for the libSQL backend tests: a libSQL file as an extra database alias, and a stand-in
for a Turso primary that fails the way a network does."""

import subprocess
import sys
from contextlib import contextmanager

from django.db import connections

from pingtopass.db.libsql.base import DatabaseWrapper


@contextmanager
def libsql_database(path, alias="libsql", **options):
    """A libSQL file as database ``alias`` in this thread, whatever DATABASE_URL the suite runs on.

    Set on ``connections`` without a settings entry, which Django's test cases allow as a
    "dynamically created connection".
    """
    settings = {
        **connections["default"].settings_dict,
        "ENGINE": "pingtopass.db.libsql",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5, **options},
        "TEST": {"NAME": None},
    }
    connections[alias] = DatabaseWrapper(settings, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


# libSQL holds the GIL while it waits for the network, so the stand-in runs in its own process.
# It answers every HTTP request with one status ("reset" closes the connection instead) and prints
# the request line of each.
PRIMARY = r"""
import socket, struct, sys
status = sys.argv[1]
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
while True:
    conn, _ = server.accept()
    if status == "reset":
        print("CONNECT", flush=True)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        print(conn.recv(65536).split(b"\r\n")[0].decode(), flush=True)
        conn.sendall(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
    conn.close()
"""


class FakePrimary:
    def __init__(self, status: str):
        self.process = subprocess.Popen([sys.executable, "-c", PRIMARY, status], stdout=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.process.stdout.readline().strip()}"
        self._requests = None

    def requests(self) -> list[str]:
        """The requests it saw (stops it)."""
        if self._requests is None:
            self.process.terminate()
            self._requests = self.process.communicate(timeout=5)[0].splitlines()
        return self._requests

    def stop(self):
        self.requests()
