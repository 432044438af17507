"""Tests of ``scrapy crawlstate``: the real command against the real Redis of tests/redis_server.py,
its keys written directly in the layout of crawler/cluster/keys.py."""

import json
import subprocess
import sys

import pytest
import redis

from crawler.cluster.keys import DEFAULT_PREFIX, CrawlKeys, SeenKeys
from tests.crawling import ROOT
from tests.redis_server import free_port

SITE, OTHER = "vnexpress", "dantri"
TOKEN = {"host": "worker-host-a", "pid": 4242, "since": "2025-03-01T08:00:00+07:00", "nonce": "n"}


def crawlstate(redis_url: str | None, *arguments: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "scrapy", "crawlstate", *arguments]
    if redis_url is not None:
        command += ["-s", f"REDIS_URL={redis_url}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def add_crawl(client: redis.Redis, site: str, *, live: bool) -> CrawlKeys:
    """A crawl as its workers leave it: w1 alive if ``live``, w2 dead, w3 still starting."""
    keys = CrawlKeys(DEFAULT_PREFIX, site)
    client.zadd(keys.queue, {f'{{"url":"https://{site}.vn/{n}.html"}}': -n for n in range(4)})
    client.sadd(keys.dupefilter, *(bytes([n]) * 16 for n in range(6)))
    client.hset(
        keys.leases,
        mapping={"w1:1": '0|{"url":"a"}', "w1:2": '0|{"url":"b"}', "w2:7": "0|{}", "w3:start": ""},
    )
    client.sadd(keys.workers, "w1", "w2", "w3")
    client.hset(keys.info, mapping={"started_at": "2025-03-01T08:00:01+07:00", "started_by": "w1"})
    if live:
        client.set(keys.worker("w1"), json.dumps(TOKEN), px=60_000)
    return keys


def add_seen(client: redis.Redis) -> SeenKeys:
    keys = SeenKeys(DEFAULT_PREFIX)
    client.hset(keys.urls, mapping={bytes([n]) * 16: bytes([n + 100]) * 16 for n in range(5)})
    client.sadd(keys.contents, *(bytes([n + 100]) * 16 for n in range(5)))
    client.hset(keys.files, mapping={"vnexpress/2025-03-01.w1.jsonl": 4096})
    client.hset(keys.pending, "vnexpress/w1", b"claim")
    client.hset(keys.stolen, "vnexpress/w2", "10|vnexpress/2025-03-01.w2.jsonl")
    client.zadd(keys.gone, {b"g" * 16: 1.0, b"h" * 16: 2.0})
    return keys


@pytest.fixture
def client(redis_url: str):
    with redis.Redis.from_url(redis_url) as client:
        yield client


def test_summary_shows_counts_and_workers(redis_url: str, client: redis.Redis) -> None:
    add_crawl(client, SITE, live=True)
    add_crawl(client, OTHER, live=False)
    add_seen(client)

    done = crawlstate(redis_url)

    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    section = done.stdout.split(f"\n{SITE}\n")[1].split("\n\n")[0]
    assert ["queued", "4"] == section.splitlines()[0].split()[:2]
    assert ["dupefilter", "6"] == section.splitlines()[1].split()[:2]
    assert "in flight: w1 2, w2 1; starting: w3" in section
    assert "2025-03-01T08:00:01+07:00 by w1" in section
    assert "1 alive" in section
    assert "w1: alive, pid 4242 on worker-host-a since 2025-03-01T08:00:00+07:00" in section
    assert "w2: dead" in section
    assert "w3: dead" in section
    assert f"\n{OTHER}\n" in done.stdout
    assert "0 alive" in done.stdout.split(f"\n{OTHER}\n")[1]
    assert ["articles", "5"] in [line[:2] for line in lines]
    assert ["pending", "1"] in [line[:2] for line in lines]
    assert "vnexpress/w1" in done.stdout
    assert ["gone", "2"] in [line[:2] for line in lines]
    assert "bytes per article" in done.stdout
    assert "no persistence" in done.stdout  # the test server runs without any


def test_json_has_the_counts(redis_url: str, client: redis.Redis) -> None:
    add_crawl(client, SITE, live=True)
    add_crawl(client, OTHER, live=False)
    add_seen(client)

    done = crawlstate(redis_url, "--json", "--sites", SITE)

    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout)
    assert list(state["sites"]) == [SITE]
    crawl = state["sites"][SITE]
    assert crawl["queued"] == 4
    assert crawl["dupefilter"] == 6
    assert crawl["leases"] == {"in_flight": {"w1": 2, "w2": 1}, "starting": ["w3"]}
    assert crawl["started_by"] == "w1"
    workers = {worker["id"]: worker for worker in crawl["workers"]}
    assert {w: workers[w]["alive"] for w in workers} == {"w1": True, "w2": False, "w3": False}
    assert workers["w1"]["pid"] == 4242
    assert workers["w1"]["host"] == "worker-host-a"
    assert 0 < workers["w1"]["lock_ttl_s"] <= 60
    assert all(size > 0 for size in crawl["memory"].values())
    seen = state["seen"]
    assert (seen["articles"], seen["contents"], seen["files"], seen["gone"]) == (5, 5, 1, 2)
    assert seen["pending"] == {"count": 1, "writers": ["vnexpress/w1"]}
    assert seen["stolen"] == {"count": 1, "writers": ["vnexpress/w2"]}
    assert seen["bytes_per_article"] == round(seen["memory_total"] / 5)
    server = state["redis"]
    assert server["url"] == redis_url
    assert server["persists"] is False
    assert server["maxmemory_policy"]


def test_an_empty_redis_has_no_crawl(redis_url: str) -> None:
    done = crawlstate(redis_url)
    assert done.returncode == 0, done.stderr
    assert "no crawl in Redis" in done.stdout


def test_clear_deletes_only_the_named_sites_crawl(redis_url: str, client: redis.Redis) -> None:
    cleared = add_crawl(client, SITE, live=False)
    kept = add_crawl(client, OTHER, live=False)
    seen = add_seen(client)
    before = {key: client.dump(key) for key in [*kept.all(), *seen.all()] if client.exists(key)}

    done = crawlstate(redis_url, "--clear", "--sites", SITE)

    assert done.returncode == 0, done.stderr
    assert f"{SITE}: deleted 5 crawl keys" in done.stdout
    assert client.keys(f"{cleared.base}*") == []
    assert {key: client.dump(key) for key in before} == before
    assert len(client.keys("*")) == len(before)


def test_clear_refuses_a_live_worker_unless_forced(redis_url: str, client: redis.Redis) -> None:
    keys = add_crawl(client, SITE, live=True)
    add_seen(client)

    refused = crawlstate(redis_url, "--clear", "--sites", SITE)

    assert refused.returncode == 75
    assert "w1 (pid 4242 on worker-host-a)" in refused.stderr
    assert all(client.exists(key) for key in keys.all())

    forced = crawlstate(redis_url, "--clear", "--sites", SITE, "--force", "--json")

    assert forced.returncode == 0, forced.stderr
    report = json.loads(forced.stdout)
    assert report["refused"] == {}
    assert report["cleared"][SITE]["deleted_keys"] == 5
    assert [w["id"] for w in report["cleared"][SITE]["fenced_workers"]] == ["w1"]
    assert client.keys(f"{keys.base}*") == []
    assert client.hlen(SeenKeys(DEFAULT_PREFIX).urls) == 5


def test_forced_clear_says_the_workers_stop(redis_url: str, client: redis.Redis) -> None:
    add_crawl(client, SITE, live=True)
    done = crawlstate(redis_url, "--clear", "--sites", SITE, "--force")
    assert done.returncode == 0, done.stderr
    assert "w1 (pid 4242 on worker-host-a)" in done.stdout
    assert "will stop" in done.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--clear"], "--clear needs --sites"),
        (["--sites", "nowhere"], "unknown nowhere; expected some of"),
        (["--clear", "--sites", f"{SITE},nowhere"], "unknown nowhere"),
        (["--force"], "--force goes with --clear"),
    ],
)
def test_usage_errors(redis_url: str, arguments: list[str], message: str) -> None:
    done = crawlstate(redis_url, *arguments)
    assert done.returncode == 2
    assert message in done.stderr


def test_no_redis_url_is_a_usage_error() -> None:
    done = crawlstate(None)
    assert done.returncode == 2
    assert "expected -s REDIS_URL=redis://host:port/db" in done.stderr


def test_redis_not_answering() -> None:
    port = free_port()
    done = crawlstate(f"redis://:secret@127.0.0.1:{port}/0")
    assert done.returncode == 1
    assert f"redis://127.0.0.1:{port}/0" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "secret" not in done.stdout + done.stderr
