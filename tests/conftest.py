"""Shared pytest options: the long reliability and load tests run only with ``--long``.

CI runs the quick tests; ``scripts/test --long -m long`` runs the long ones (20 kills over
2,000 articles, 20,000 articles under load), whose latest figures are in docs/reliability.md.
"""

import pytest


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", help="also run the tests marked long")


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a long test, run only with --long")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--long"):
        return
    skip = pytest.mark.skip(reason="a long test: run it with --long (see docs/reliability.md)")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def redis_server():
    """One real redis-server for the session (tests/redis_server.py)."""
    # Imported here, so that only the tests that use Redis need the redis package.
    from tests.redis_server import RedisServer

    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server) -> str:
    """The session's Redis, emptied (FLUSHALL: every database) so that each test starts clean."""
    with redis_server.client() as client:
        client.flushall()
    return redis_server.url
