"""tests/redis_server.py: the real redis-server the distributed-mode tests share."""

import socket
from pathlib import Path

import pytest
import redis

from tests import redis_server as module
from tests.redis_server import RedisServer, RedisServerError


def _workdir(server: RedisServer) -> Path:
    with server.client(decode_responses=True) as client:
        return Path(client.config_get("dir")["dir"])


def test_it_answers_ping_at_its_url(redis_server):
    assert redis_server.url == f"redis://127.0.0.1:{redis_server.port}/0"
    with redis.Redis.from_url(redis_server.url) as client:
        assert client.ping() is True
        assert client.info("server")["process_id"] == redis_server.process.pid


def test_it_listens_on_127_0_0_1_only_in_protected_mode(redis_server):
    with redis_server.client(decode_responses=True) as client:
        assert client.config_get("bind") == {"bind": "127.0.0.1"}
        assert client.config_get("protected-mode") == {"protected-mode": "yes"}


def test_it_keeps_nothing_on_disk(redis_server):
    with redis_server.client(decode_responses=True) as client:
        assert client.config_get("save") == {"save": ""}
        assert client.config_get("appendonly") == {"appendonly": "no"}
    workdir = _workdir(redis_server)
    assert workdir.name.startswith("redis-server-") and workdir.is_dir()


# Run twice: whichever runs second finds the first one's keys gone.
@pytest.mark.parametrize("run", [1, 2])
def test_redis_url_starts_empty(redis_url, run):
    with redis.Redis.from_url(redis_url) as client:
        assert client.info("keyspace") == {}  # no keys in any database
        client.set("left-over", run)
        client.execute_command("SELECT", 3)
        client.set("left-over", run)


def test_a_killed_server_refuses_connections_and_stops_cleanly():
    with RedisServer() as server:
        workdir = _workdir(server)
        server.kill()
        assert server.process.returncode == -9
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
        with server.client() as client, pytest.raises(redis.ConnectionError):
            client.ping()
    assert not workdir.exists()


def test_stopping_terminates_the_server_and_deletes_its_directory():
    with RedisServer() as server:
        workdir = _workdir(server)
    assert server.process.returncode == 0
    assert not workdir.exists()


def test_a_port_taken_before_the_server_binds_it_is_retried(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()  # another program's server, which does not answer PING
        ports = iter([taken.getsockname()[1], module.free_port()])
        monkeypatch.setattr(module, "free_port", lambda: next(ports))
        with RedisServer() as server:
            assert server.port != taken.getsockname()[1]
            assert server.client().ping()


def test_a_server_that_cannot_start_is_reported_with_its_log(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        # Bound, not listening: the server's bind fails, and connecting is refused at once.
        monkeypatch.setattr(module, "free_port", lambda: taken.getsockname()[1])
        with pytest.raises(RedisServerError, match="exited with status 1 at start") as error:
            RedisServer().start()
    assert "Address already in use" in str(error.value)


def test_a_missing_redis_server_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RedisServerError, match=r"run scripts/test .* apt-get install redis-server"):
        RedisServer().start()
