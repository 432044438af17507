"""Distributed mode (crawler/cluster/): worker processes sharing one real Redis.

The crawl tests run two real `scrapy crawl` workers over one replay site of 1,000 articles;
the others drive the Redis seen store's claims and recovery directly, as a worker would.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from crawling import ROOT
from jsonschema import Draft202012Validator
from scrapy import Request
from scrapy.settings import Settings
from scrapy.utils.request import request_from_dict
from sitegen import article_url, build_site

from crawler.cluster import serializer
from crawler.cluster.keys import CrawlKeys, SeenKeys
from crawler.cluster.seen import Fenced, RedisSeenStore
from crawler.cluster.worker import WorkerLock
from crawler.dates import VN_TZ
from crawler.locks import SiteLocked
from crawler.report import HEALTHY, judge
from crawler.seen import AlreadyWritten
from crawler.urls import url_key

ARTICLES = 1000
# The generated site has a sitemap and nothing else: its feed and listing would answer 404.
SITEMAP_ONLY = "start=https://hanoimoi.vn/sitemap.xml"
# Short enough that a killed worker's requests come back within seconds; long enough that a
# live worker on a loaded machine keeps its lock (at 3 s, one was fenced once in ten runs).
FAST_FAILOVER = {"REDIS_WORKER_TIMEOUT": "6", "REDIS_HEARTBEAT": "1"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    build_site(root, ARTICLES)
    return root


def start_worker(
    worker: str, data: Path, redis_url: str, site: Path, *arguments: str, **settings: str
) -> subprocess.Popen:
    command = [sys.executable, "-m", "scrapy", "crawl", "hanoimoi", "-a", "since=2020-01-01"]
    for argument in arguments:
        command += ["-a", argument]
    given = {
        "REPLAY_DIR": str(site),
        "DATA_DIR": str(data),
        "REDIS_URL": redis_url,
        "WORKER_ID": worker,
        "STATS_FILE": str(data / f"stats-{worker}.json"),
        **settings,
    }
    for name, value in given.items():
        command += ["-s", f"{name}={value}"]
    with open(data / f"log-{worker}.txt", "w") as log:  # the child keeps its own copy
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def finish(process: subprocess.Popen, data: Path, worker: str) -> tuple[int, dict]:
    status = process.wait(timeout=240)
    stats_file = data / f"stats-{worker}.json"
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return status, stats


def log_of(data: Path, worker: str) -> str:
    return (data / f"log-{worker}.txt").read_text("utf-8")[-4000:]


def lines_by_worker(data: Path) -> dict[str, list[str]]:
    urls: dict[str, list[str]] = {}
    for file in sorted((data / "hanoimoi").glob("*.jsonl")):
        worker = file.name.split(".")[1]
        text = file.read_text("utf-8")
        urls.setdefault(worker, []).extend(json.loads(line)["url"] for line in text.splitlines())
    return urls


def crawl_keys(redis_url: str) -> list[bytes]:
    with redis.Redis.from_url(redis_url) as client:
        return client.keys(CrawlKeys("hanoi-press", "hanoimoi").base + "*")


def test_two_workers_write_each_of_1000_articles_once(
    tmp_path: Path, site: Path, redis_url: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    workers = {w: start_worker(w, data, redis_url, site, SITEMAP_ONLY) for w in ("w1", "w2")}
    results = {w: finish(p, data, w) for w, p in workers.items()}
    for worker, (status, _) in results.items():
        assert status == 0, log_of(data, worker)
    urls = lines_by_worker(data)
    everything = [url for worker in urls for url in urls[worker]]
    assert sorted(everything) == sorted(article_url(n) for n in range(ARTICLES))
    # Both took a share: a second worker that sat idle would be no scale-out.
    assert set(urls) == {"w1", "w2"} and min(len(u) for u in urls.values()) > 50, {
        w: len(u) for w, u in urls.items()
    }
    day = datetime.now(VN_TZ).date().isoformat()
    assert {f.name for f in (data / "hanoimoi").glob("*.jsonl")} <= {
        f"{day}.w1.jsonl",
        f"{day}.w2.jsonl",
    }
    for _, stats in results.values():
        assert stats["finish_reason"] == "finished"
        assert stats["scheduler/dequeued/redis"] > 0
    # The crawl's keys are gone with it; the seen store stays.
    assert crawl_keys(redis_url) == []
    with redis.Redis.from_url(redis_url) as client:
        assert client.hlen(SeenKeys("hanoi-press").urls) == ARTICLES
    # Nothing is written again by a second crawl of the same site.
    again = start_worker("w1", data, redis_url, site, SITEMAP_ONLY)
    status, stats = finish(again, data, "w1")
    assert status == 0, log_of(data, "w1")
    assert stats.get("articles/written", 0) == 0
    assert stats["discovery/already_seen"] == ARTICLES


def test_a_worker_killed_mid_crawl_leaves_its_work_to_the_other(
    tmp_path: Path, site: Path, redis_url: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    first = start_worker("w1", data, redis_url, site, SITEMAP_ONLY, **FAST_FAILOVER)
    second = start_worker("w2", data, redis_url, site, SITEMAP_ONLY, **FAST_FAILOVER)
    day = datetime.now(VN_TZ).date().isoformat()
    output = data / "hanoimoi" / f"{day}.w1.jsonl"
    deadline = time.monotonic() + 120
    while not (output.exists() and output.read_bytes().count(b"\n") >= 100):
        assert time.monotonic() < deadline and first.poll() is None, log_of(data, "w1")
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    status, stats = finish(second, data, "w2")
    assert status == 0, log_of(data, "w2")
    # The killed worker held requests; they came back to the queue and w2 finished them.
    assert stats["redis/leases_requeued"] > 0
    # A line w1 wrote but had not confirmed when it died is settled when w1 starts again:
    # kept if no one else wrote it, cut if w2 took its claim over.
    settle = start_worker("w1", data, redis_url, site, SITEMAP_ONLY, **FAST_FAILOVER)
    status, _ = finish(settle, data, "w1")
    assert status == 0, log_of(data, "w1")
    urls = lines_by_worker(data)
    everything = [url for worker in urls for url in urls[worker]]
    assert sorted(everything) == sorted(article_url(n) for n in range(ARTICLES))
    with redis.Redis.from_url(redis_url) as client:
        seen = SeenKeys("hanoi-press")
        assert client.hlen(seen.pending) == 0
        assert client.hlen(seen.stolen) == 0
        assert client.hlen(seen.urls) == ARTICLES


def test_a_second_process_of_one_worker_is_refused(
    tmp_path: Path, site: Path, redis_url: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    lock = WorkerLock(settings_for(redis_url, tmp_path, "w1"), "hanoimoi").acquire()
    try:
        process = start_worker("w1", data, redis_url, site)
        status, _ = finish(process, data, "w1")
    finally:
        lock.release()
    assert status == 75
    assert "worker w1 is running already" in log_of(data, "w1")
    assert "WORKER_ID" in log_of(data, "w1")


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("WORKER_ID=a/b", "WORKER_ID='a/b': expected 1 to 64 letters"),
        ("REDIS_HEARTBEAT=20", "expected a heartbeat at most a third of the timeout"),
        ("REDIS_WORKER_TIMEOUT=-1", "REDIS_WORKER_TIMEOUT='-1': expected a positive number"),
        ("REDIS_KEY_PREFIX=a%b", "REDIS_KEY_PREFIX='a%b': expected"),
    ],
)
def test_a_bad_distributed_setting_stops_the_command(
    tmp_path: Path, redis_url: str, setting: str, expected: str
) -> None:
    command = [sys.executable, "-m", "scrapy", "crawl", "hanoimoi"]
    command += ["-s", f"REDIS_URL={redis_url}", "-s", f"DATA_DIR={tmp_path}", "-s", setting]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert expected in done.stderr


def test_a_redis_that_does_not_answer_stops_the_site_and_hides_its_password(
    tmp_path: Path,
) -> None:
    from redis_server import free_port

    url = f"redis://:secret@127.0.0.1:{free_port()}/0"
    command = [sys.executable, "-m", "scrapy", "crawl", "hanoimoi"]
    command += ["-s", f"REDIS_URL={url}", "-s", f"DATA_DIR={tmp_path}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "did not answer" in done.stdout
    assert "secret" not in done.stdout + done.stderr


def test_local_mode_loads_no_distributed_code() -> None:
    code = (
        "import sys, crawler.spiders.base, crawler.pipelines, crawler.runner, crawler.seen;"
        "sys.exit(any(m.startswith(('crawler.cluster', 'scrapy_redis')) for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# The seen store's claims, driven as a worker's writer drives them --------------------------


def settings_for(redis_url: str, data: Path, worker: str, **more: str) -> Settings:
    return Settings({"REDIS_URL": redis_url, "DATA_DIR": str(data), "WORKER_ID": worker, **more})


class Writer:
    """A worker's lock and seen store, and its output file, as the writer pipeline uses them."""

    def __init__(self, redis_url: str, data: Path, worker: str):
        self.settings = settings_for(redis_url, data, worker)
        self.lock = WorkerLock(self.settings, "hanoimoi").acquire()
        self.store = RedisSeenStore(self.settings, "hanoimoi")
        self.file = data / "hanoimoi" / f"2026-11-27.{worker}.jsonl"
        self.file.parent.mkdir(parents=True, exist_ok=True)

    def line(self, url: str, content: str) -> bytes:
        return (json.dumps({"url": url, "content_hash": content}) + "\n").encode()

    def write(self, url: str, content: str, *, refresh: bool = False, confirm: bool = True):
        start = self.file.stat().st_size if self.file.exists() else 0
        self.store.claim(url, content, self.file, start, refresh)
        with open(self.file, "ab") as stream:
            stream.write(self.line(url, content))
        if confirm:
            self.store.record(url, content, self.file, self.file.stat().st_size)

    def die(self) -> None:
        """As a killed process: its lock expires, nothing is released."""
        self.lock.client.delete(self.lock.keys.worker(self.lock.worker))


URL_A = article_url(1)
URL_B = article_url(2)
HASH_1 = "11" * 16
HASH_2 = "22" * 16


def test_a_claim_refuses_a_written_url_and_a_written_content(
    tmp_path: Path, redis_url: str
) -> None:
    writer = Writer(redis_url, tmp_path, "w1")
    writer.write(URL_A, HASH_1)
    with pytest.raises(AlreadyWritten, match="duplicate_url"):
        writer.store.claim(URL_A, HASH_2, writer.file, 0, False)
    with pytest.raises(AlreadyWritten, match="duplicate_content"):
        writer.store.claim(URL_B, HASH_1, writer.file, 0, False)
    # refresh=1 writes a URL again when its content changed, and only then.
    with pytest.raises(AlreadyWritten, match="duplicate_url"):
        writer.store.claim(URL_A, HASH_1, writer.file, 0, True)
    writer.write(URL_A, HASH_2, refresh=True)
    assert writer.store.url_content_changed(URL_A, HASH_2) is False
    assert writer.store.recorded_size(writer.file) == writer.file.stat().st_size


def test_a_live_writers_claim_holds_and_a_dead_writers_is_taken_over(
    tmp_path: Path, redis_url: str
) -> None:
    first = Writer(redis_url, tmp_path, "w1")
    second = Writer(redis_url, tmp_path, "w2")
    first.write(URL_A, HASH_1, confirm=False)  # claimed and written, not yet confirmed
    with pytest.raises(AlreadyWritten, match="duplicate_url"):
        second.store.claim(URL_A, HASH_1, second.file, 0, False)
    first.die()
    # A claim is not a written article: the dedup pipeline lets the article through to the
    # claim, which takes the dead writer's over.
    assert second.store.url_content_changed(URL_A, HASH_1) is None
    second.write(URL_A, HASH_1)
    # w1 restarts: the line it wrote is cut, as w2's stands.
    restarted = Writer(redis_url, tmp_path, "w1")
    restarted.store.recover()
    assert first.file.read_bytes() == b""
    assert second.file.read_bytes() == second.line(URL_A, HASH_1)
    keys = SeenKeys("hanoi-press")
    assert restarted.store.client.hlen(keys.pending) == 0
    assert restarted.store.client.hlen(keys.stolen) == 0


def test_a_restarted_writer_keeps_its_whole_pending_line_and_cuts_a_torn_one(
    tmp_path: Path, redis_url: str
) -> None:
    writer = Writer(redis_url, tmp_path, "w1")
    writer.write(URL_A, HASH_1, confirm=False)
    writer.die()
    Writer(redis_url, tmp_path, "w1").store.recover()
    assert writer.store.has_url(URL_A)
    assert writer.store.recorded_size(writer.file) == writer.file.stat().st_size

    start = writer.file.stat().st_size
    writer = Writer(redis_url, tmp_path, "w1")
    writer.store.claim(URL_B, HASH_2, writer.file, start, False)
    with open(writer.file, "ab") as stream:
        stream.write(writer.line(URL_B, HASH_2)[:20])  # killed mid-write
    writer.die()
    Writer(redis_url, tmp_path, "w1").store.recover()
    assert writer.file.stat().st_size == start
    assert not writer.store.has_url(URL_B) and not writer.store.has_content(HASH_2)


def test_lines_redis_never_heard_of_are_recorded_at_start(tmp_path: Path, redis_url: str) -> None:
    writer = Writer(redis_url, tmp_path, "w1")
    writer.write(URL_A, HASH_1)
    with redis.Redis.from_url(redis_url) as client:
        client.flushall()  # a Redis restarted without persistence
    restarted = Writer(redis_url, tmp_path, "w1")
    restarted.store.recover()
    assert restarted.store.has_url(URL_A) and restarted.store.has_content(HASH_1)
    assert restarted.store.recorded_size(writer.file) == writer.file.stat().st_size


def test_a_writer_whose_lock_expired_is_fenced(tmp_path: Path, redis_url: str) -> None:
    writer = Writer(redis_url, tmp_path, "w1")
    writer.die()
    with pytest.raises(Fenced):
        writer.store.claim(URL_A, HASH_1, writer.file, 0, False)
    other = WorkerLock(settings_for(redis_url, tmp_path, "w1"), "hanoimoi")
    other.client = redis.Redis.from_url(redis_url)
    other.client.set(other.keys.worker("w1"), "another process")
    with pytest.raises(SiteLocked):
        WorkerLock(settings_for(redis_url, tmp_path, "w1"), "hanoimoi").acquire()


def test_gone_links_are_batched_and_pruned(tmp_path: Path, redis_url: str) -> None:
    writer = Writer(redis_url, tmp_path, "w1")
    store = writer.store
    store.mark_gone(url_key(URL_A), 100.0)
    store.mark_gone(url_key(URL_B), 200.0)
    assert store.gone_keys([url_key(URL_A), url_key(URL_B)], 150.0) == {url_key(URL_B)}
    store.prune_gone(150.0)
    assert store.gone_keys([url_key(URL_A), url_key(URL_B)], 0.0) == {url_key(URL_B)}
    writer.write(URL_A, HASH_1)
    assert store.known_keys([url_key(URL_A), url_key(URL_B)]) == {url_key(URL_A)}


def test_queued_requests_are_json_not_pickle() -> None:
    request = Request(
        article_url(3),
        headers={"Referer": article_url(4)},
        meta={"depth": 2, "redirect_urls": [article_url(5)]},
        cb_kwargs={"page": 3},
        priority=-1,
        body=b"\xff\x00",
        method="POST",
    )
    data = serializer.dumps(request.to_dict())
    assert data.startswith(b"{") and b"pickle" not in data
    back = request_from_dict(serializer.loads(data))
    assert back.url == request.url and back.method == "POST" and back.body == b"\xff\x00"
    assert back.headers[b"Referer"] == article_url(4).encode()
    assert back.meta == request.meta and back.cb_kwargs == {"page": 3}
    assert back.priority == -1
    # A plain article request is its URL, little more.
    assert len(serializer.dumps(Request(article_url(3)).to_dict())) < len(article_url(3)) + 40


def test_crawlall_workers_have_logs_and_reports_of_their_own_and_share_the_window(
    tmp_path: Path, site: Path, redis_url: str
) -> None:
    data = tmp_path / "data"

    def crawlall(worker: str, *arguments: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "scrapy", "crawlall", "--sites", "hanoimoi"]
        command += ["-a", SITEMAP_ONLY, *arguments]
        for name, value in {
            "REPLAY_DIR": site,
            "DATA_DIR": data,
            "REDIS_URL": redis_url,
            "WORKER_ID": worker,
        }.items():
            command += ["-s", f"{name}={value}"]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    first = crawlall("w1", "-a", "since=2020-01-01")
    assert first.returncode == 0, first.stdout + first.stderr[-2000:]
    [log] = (data / "logs").glob("*-w1.log")
    [report] = (data / "reports").glob("*-w1.json")
    assert log.stem == report.stem
    schema = json.loads((ROOT / "crawler" / "schemas" / "report.schema.json").read_text())
    Draft202012Validator(schema).validate(json.loads(report.read_text("utf-8")))
    with redis.Redis.from_url(redis_url) as client:
        started = client.get(CrawlKeys("hanoi-press", "hanoimoi").last_success).decode()
    assert started[:16] <= json.loads(report.read_text("utf-8"))["run"]["started_at"][:16]
    # Another worker's run, on another machine's DATA_DIR, takes its window from Redis.
    data = tmp_path / "elsewhere"
    second = crawlall("w2")
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    since = datetime.fromisoformat(started) - timedelta(hours=6)
    assert f"since={since.isoformat()}" in next((data / "logs").glob("*-w2.log")).read_text()


def test_a_worker_left_without_a_share_is_not_failing() -> None:
    settings = Settings({"REDIS_URL": "redis://127.0.0.1:1/0", "HEALTH_MIN_SAMPLE": 5})
    settings.setdict({"HEALTH_MAX_FALLBACK_SHARE": 0.2, "HEALTH_MAX_MISSING_SHARE": 0.2})
    settings.set("HEALTH_MAX_ERROR_SHARE", 0.5)
    idle = {"finish_reason": "finished", "downloader/request_count": 1}
    assert judge("hanoimoi", idle, settings).status == HEALTHY
    # It queued 40 article pages and the other workers answered them: not "none gave one".
    busy = {
        **idle,
        "scheduler/dequeued/redis": 2,
        "discovery/article_requests": 40,
        "articles/answered": 1,
        "articles/parsed": 1,
        "articles/written": 1,
    }
    assert judge("hanoimoi", busy, settings).status == HEALTHY
    # It read the sitemap and queued its 3 links; the others answered them all.
    found = {**idle, "scheduler/dequeued/redis": 1, "discovery/article_requests": 3}
    assert judge("hanoimoi", found, settings).status == HEALTHY
    failing = {**busy, "articles/answered": 6, "articles/parsed": 0, "articles/written": 0}
    assert judge("hanoimoi", failing, settings).reasons == [
        "none of 6 article pages requested gave an article"
    ]


def test_a_worker_whose_redis_goes_away_stops_failing(tmp_path: Path, site: Path) -> None:
    from redis_server import RedisServer

    data = tmp_path / "data"
    data.mkdir()
    with RedisServer() as server:
        worker = start_worker("w1", data, server.url, site, SITEMAP_ONLY, **FAST_FAILOVER)
        output = data / "hanoimoi" / f"{datetime.now(VN_TZ).date().isoformat()}.w1.jsonl"
        deadline = time.monotonic() + 120
        while not (output.exists() and output.read_bytes().count(b"\n") >= 100):
            assert time.monotonic() < deadline and worker.poll() is None, log_of(data, "w1")
            time.sleep(0.02)
        server.kill()
        status, stats = finish(worker, data, "w1")
    # Not "finished": a crawl cut short by its Redis must not look complete.
    assert status == 3, log_of(data, "w1")
    assert stats["finish_reason"] in ("write_failed", "worker_fenced")
    assert output.read_bytes().endswith(b"\n")  # no torn line


def test_a_worker_restarted_on_its_host_takes_its_dead_predecessors_lock_and_requests(
    tmp_path: Path, redis_url: str
) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    token = json.dumps({"host": socket.gethostname(), "pid": int(dead.stdout), "since": "-"})
    keys = CrawlKeys("hanoi-press", "hanoimoi")
    request = serializer.dumps(Request(article_url(7)).to_dict())
    with redis.Redis.from_url(redis_url) as client:
        client.set(keys.worker("w1"), token, px=60_000)  # killed: its lock outlives it
        client.hset(keys.leases, "w1:5", b"0|" + request)
        lock = WorkerLock(settings_for(redis_url, tmp_path, "w1"), "hanoimoi").acquire()
        assert client.get(keys.worker("w1")) != token.encode()
        assert client.zrange(keys.queue, 0, -1) == [request]
        assert client.hkeys(keys.leases) == [b"w1:start"]
        lock.release()
        # A live holder elsewhere is not taken over.
        elsewhere = json.dumps({"host": "another-host", "pid": 1, "since": "-"})
        client.set(keys.worker("w1"), elsewhere, px=60_000)
        with pytest.raises(SiteLocked, match="pid 1 on another-host"):
            WorkerLock(settings_for(redis_url, tmp_path, "w1"), "hanoimoi").acquire()


@pytest.mark.long
def test_workers_killed_again_and_again_write_every_article_once(
    tmp_path: Path, redis_url: str
) -> None:
    """20 kill -9s of either of two workers at random moments, each restarted at once."""
    import random

    site = tmp_path / "site"
    build_site(site, 2000)
    data = tmp_path / "data"
    data.mkdir()
    rng = random.Random(11)
    running = {w: start_worker(w, data, redis_url, site, SITEMAP_ONLY) for w in ("w1", "w2")}
    for _ in range(20):
        time.sleep(rng.uniform(0.2, 1.5))
        worker = rng.choice(sorted(running))
        running[worker].send_signal(signal.SIGKILL)
        running[worker].wait()
        running[worker] = start_worker(worker, data, redis_url, site, SITEMAP_ONLY)
    for worker, process in running.items():
        status, _ = finish(process, data, worker)
        assert status == 0, log_of(data, worker)
    for worker in running:  # each settles its last line, if any, and finds nothing new
        status, stats = finish(
            start_worker(worker, data, redis_url, site, SITEMAP_ONLY), data, worker
        )
        assert status == 0 and not stats.get("articles/written"), log_of(data, worker)
    urls = lines_by_worker(data)
    everything = [url for worker in urls for url in urls[worker]]
    assert sorted(everything) == sorted(article_url(n) for n in range(2000))
    with redis.Redis.from_url(redis_url) as client:
        seen = SeenKeys("hanoi-press")
        assert client.hlen(seen.pending) == 0 and client.hlen(seen.stolen) == 0
        assert client.hlen(seen.urls) == 2000


def test_two_workers_keep_one_processs_pace_on_a_live_site(tmp_path: Path, redis_url: str) -> None:
    """Over HTTP (a real server on 127.0.0.1 as the crawls' proxy): the site sees no more than
    one request per DOWNLOAD_DELAY, whichever worker sends them."""
    from faultserver import CRAWLS, FaultServer

    delay = 0.4
    crawl = CRAWLS["robots"]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    with FaultServer() as server:
        env["http_proxy"] = server.proxy
        processes = []
        for worker in ("w1", "w2"):
            command = [sys.executable, "-m", "scrapy", "crawl", "nguoihanoi"]
            command += ["-a", f"start={crawl.entry_url}", "-a", "since="]
            for name, value in {
                "DATA_DIR": tmp_path / "data",
                "REDIS_URL": redis_url,
                "WORKER_ID": worker,
                "DOWNLOAD_DELAY": delay,
                "AUTOTHROTTLE_ENABLED": "0",
                # One request at a time each, so that neither takes all three articles.
                "CONCURRENT_REQUESTS": "1",
                "STATS_FILE": tmp_path / f"stats-{worker}.json",
            }.items():
                command += ["-s", f"{name}={value}"]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
            )
        for process in processes:
            _, log = process.communicate(timeout=120)
            assert process.returncode == 0, log[-3000:]
        arrivals = sorted(hit[0] for hits in server.hits.values() for hit in hits)
    sent = [
        json.loads((tmp_path / f"stats-{w}.json").read_text())["downloader/request_count"]
        for w in ("w1", "w2")
    ]
    assert min(sent) >= 2 and sum(sent) == len(arrivals), (sent, server.hits)
    # Each request leaves no earlier than its booked turn, one DOWNLOAD_DELAY after the one
    # before (a worker's own slot delay may hold one back, bringing the next closer to it):
    # n requests span at least n - 1 delays. Two workers each on its own pace would take half.
    assert arrivals[-1] - arrivals[0] >= (len(arrivals) - 1) * delay * 0.95, arrivals
