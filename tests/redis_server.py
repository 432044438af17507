"""A real redis-server for the distributed-mode tests: on 127.0.0.1 only, on a free port, with
no persistence and its working directory in a temporary directory.

``with RedisServer() as server:`` starts it and waits until it answers PING; leaving the block
stops it. ``server.url`` is what ``-s REDIS_URL=...`` takes, ``server.client()`` a client, and
``server.kill()`` kills it as a crash would. tests/conftest.py shares one per session
(``redis_server``) and empties it for each test (``redis_url``).
"""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

MISSING = (
    "redis-server is not installed: run scripts/test (it installs Debian's redis-server), "
    "or apt-get install redis-server"
)
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
# Another process may take the port between its release and the server's bind.
PORT_ATTEMPTS = 5


class RedisServerError(RuntimeError):
    pass


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def log(self) -> Path:
        """The server's standard output and error."""
        return Path(self._dir.name) / "redis-server.log"

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisServerError(MISSING)
        self._dir = tempfile.TemporaryDirectory(prefix="redis-server-")
        try:
            for attempt in range(1, PORT_ATTEMPTS + 1):
                if self._start_on(executable, free_port(), last=attempt == PORT_ATTEMPTS):
                    return
        except BaseException:
            self.stop()
            raise

    def _start_on(self, executable: str, port: int, *, last: bool) -> bool:
        """Starts the server on ``port``: False if the port was taken meanwhile."""
        # fmt: off
        command = [
            executable,
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--protected-mode", "yes",
            "--save", "",
            "--appendonly", "no",
            "--dir", self._dir.name,
            "--daemonize", "no",
        ]
        # fmt: on
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.port, self.url = port, f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.log.read_text("utf-8", "replace")
                if "Address already in use" in output and not last:
                    return False
                raise RedisServerError(
                    f"redis-server exited with status {self.process.returncode} at start:\n{output}"
                )
            if self._answers():
                return True
            time.sleep(0.05)
        raise RedisServerError(
            f"redis-server did not answer PING on port {port} within {START_TIMEOUT:.0f}s:\n"
            + self.log.read_text("utf-8", "replace")
        )

    def _answers(self) -> bool:
        """Whether our process (not another server that took the port) answers PING."""
        with self.client(socket_timeout=1) as client:
            try:
                return client.ping() and client.info("server")["process_id"] == self.process.pid
            except (redis.ConnectionError, redis.TimeoutError):
                return False

    def client(self, **options) -> redis.Redis:
        """A client of database 0; ``options`` go to ``redis.Redis``."""
        return redis.Redis.from_url(self.url, **options)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: nothing is saved or cleaned up."""
        self.process.kill()
        self.process.wait(STOP_TIMEOUT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
