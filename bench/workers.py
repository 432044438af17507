"""Distributed mode's throughput with 1, 2 and 4 workers, against a local crawl, and its Redis cost.

    .venv/bin/python bench/workers.py [--articles N] [--rounds N] [--entries N] [--quick]

Builds the replay site bench/throughput.py crawls (tests/sitegen.py, N articles, default 3,000,
padded to 60 KB, a sitemap index over children of 1,000, a listing, a feed, robots.txt) and
starts its own redis-server (tests/redis_server.py: 127.0.0.1, a free port, no persistence).
Then, ``--rounds`` times (default 2), the order turning each round, it crawls the site as:

- ``local``: ``scrapy crawl hanoimoi -a since=2020-01-01`` without REDIS_URL (SQLite seen store);
- ``1w``, ``2w``, ``4w``: that many processes of the same command started together, each with
  ``-s REDIS_URL=... -s WORKER_ID=w<k>``, on one fresh DATA_DIR, after FLUSHALL and CONFIG
  RESETSTAT.

A configuration's wall time runs from its first process's start to its last one's exit (start-up
imports included: a worker pays them too). Each must exit 0 and its output hold every article of
the site exactly once. The ratios are medians of the per-round ratios of articles/s.

Then the Redis cost: commands per article written (INFO commandstats of the timed 1-worker runs,
which count the commands scripts run too; one more 1-worker run under MONITOR tells the commands
clients sent from those run inside scripts), the round trip's latency from Python (median of
``--pings`` PINGs and EVALSHAs of ``return 1``), and the memory per entry of a set of 16-byte
members (the dupefilter; the seen store's content keys) and of a hash of 16-byte fields and
values (the seen store's URLs), filled with ``--entries`` random ones (default 1,000,000).
Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

from redis_server import RedisServer  # noqa: E402
from throughput import build_throughput_site  # noqa: E402

SITE = "hanoimoi"
# Commands the bench itself sends between RESETSTAT and the read of the stats.
BENCH_COMMANDS = {"config|resetstat", "info", "flushall"}
MONITOR_END = "workers-bench-monitor-end"
STDERR_TAIL = 30  # lines shown of a failed worker's log


@dataclass
class Run:
    label: str
    workers: int  # 0: local mode
    wall_s: float
    written: int
    cpu_s: float  # user + system of the crawl processes (wait4)
    split: dict[str, int]  # worker id -> lines written
    close_spread_s: float  # last worker's close minus the first's (Scrapy's finish_time)
    redis_cpu_s: float = 0.0
    commands: Counter = field(default_factory=Counter)  # INFO commandstats calls

    @property
    def rate(self) -> float:
        return self.written / self.wall_s


def crawl(label: str, workers: int, site: Path, urls: set[str], work: Path, redis) -> Run:
    """One configuration: ``workers`` distributed processes, or a local crawl when 0."""
    data = work / f"{label}-data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    names = [f"w{k}" for k in range(1, workers + 1)] or ["local"]
    if workers:
        redis.client.flushall()
        redis.client.config_resetstat()
        cpu_before = redis_cpu(redis.client)
    processes = []
    started = time.monotonic()
    for name in names:
        command = [sys.executable, "-m", "scrapy", "crawl", SITE, "-a", "since=2020-01-01"]
        settings = [f"REPLAY_DIR={site}", f"DATA_DIR={data}", f"STATS_FILE={data / name}.json"]
        if workers:
            settings += [f"REDIS_URL={redis.url}", f"WORKER_ID={name}"]
        for setting in settings:
            command += ["-s", setting]
        with open(data / f"{name}.err", "wb") as err:
            processes.append(
                subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
            )
    cpu = 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
    wall = time.monotonic() - started
    for name, process in zip(names, processes, strict=True):
        if process.returncode != 0:
            tail = (data / f"{name}.err").read_text("utf-8", "replace").splitlines()[-STDERR_TAIL:]
            raise SystemExit(
                f"{label}: {name} exited with status {process.returncode}; its stderr ends:\n"
                + "\n".join(tail)
            )
    written = check_output(label, data, urls)
    split, spread = split_and_spread(data, names)
    run = Run(label, workers, wall, written, cpu, split, spread)
    if workers:
        run.redis_cpu_s = redis_cpu(redis.client) - cpu_before
        stats = redis.client.info("commandstats")
        run.commands = Counter(
            {
                name.removeprefix("cmdstat_"): value["calls"]
                for name, value in stats.items()
                if name.removeprefix("cmdstat_") not in BENCH_COMMANDS
            }
        )
    return run


def check_output(label: str, data: Path, urls: set[str]) -> int:
    """Every article of the site written exactly once, across all the run's files."""
    counts = Counter(
        json.loads(line)["url"]
        for file in (data / SITE).glob("*.jsonl")
        for line in file.read_text("utf-8").splitlines()
    )
    duplicates = sorted(url for url, count in counts.items() if count > 1)
    missing = sorted(urls - counts.keys())
    unknown = sorted(counts.keys() - urls)
    if duplicates or missing or unknown:
        raise SystemExit(
            f"{label}: not exactly once: {len(duplicates)} written twice or more "
            f"{duplicates[:3]}, {len(missing)} missing {missing[:3]}, {len(unknown)} not of the "
            f"site {unknown[:3]}"
        )
    return sum(counts.values())


def split_and_spread(data: Path, names: list[str]) -> tuple[dict[str, int], float]:
    """Lines per worker (from the file names ``<day>.<worker>.jsonl``), and the seconds between
    the first and the last worker's close."""
    split = Counter()
    for file in (data / SITE).glob("*.jsonl"):
        worker = file.name.split(".")[1] if file.name.count(".") == 2 else "local"
        split[worker] += sum(1 for _ in file.open("rb"))
    closes = []
    for name in names:
        stats = json.loads((data / f"{name}.json").read_text("utf-8"))
        closes.append(datetime.fromisoformat(stats["finish_time"]).timestamp())
    return {name: split[name] for name in names}, max(closes) - min(closes)


def redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def monitored_crawl(site: Path, urls: set[str], work: Path, redis) -> tuple[int, Counter, Counter]:
    """A 1-worker crawl under MONITOR: the commands clients sent (a round trip each, but for
    those pipelined together) and those scripts ran, by name. Not timed: MONITOR slows the
    server."""
    client, lua = Counter(), Counter()
    monitor = redis.client.monitor()
    monitor.__enter__()  # MONITOR is on once this returns: nothing of the crawl is missed

    def read() -> None:
        connection = monitor.connection
        while True:
            line = connection.read_response().decode("utf-8", "replace")
            # <time> [<db> <client or "lua">] "<COMMAND>" "<arg>" ...
            source = line.split("[", 1)[1].split("]", 1)[0].split(" ", 1)[1]
            rest = line.split("] ", 1)[1]
            name = rest.split('"')[1].lower()
            if name == "echo" and MONITOR_END in rest:
                return
            (lua if source == "lua" else client)[name] += 1

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        run = crawl("monitored", 1, site, urls, work, redis)
    finally:
        redis.client.echo(MONITOR_END)
        reader.join(60)
        monitor.__exit__(None, None, None)
    if reader.is_alive():
        raise SystemExit("the MONITOR reader did not reach the end of the crawl's commands")
    # The bench's own FLUSHALL, RESETSTAT and INFO calls are not the crawl's.
    for name in ("flushall", "config", "info"):
        client.pop(name, None)
    return run.written, client, lua


def seen_store_bytes(client) -> list[tuple[str, int, float]]:
    """The seen store's keys a crawl leaves (they outlive it): entries and bytes per entry."""
    rows = []
    for name, size in (("urls", client.hlen), ("contents", client.scard)):
        key = f"hanoi-press:seen:{name}"
        held = size(key)
        rows.append((key, held, client.memory_usage(key, samples=0) / held))
    return rows


def latency_us(client, count: int) -> tuple[float, float]:
    """Median round trip of a PING and of an EVALSHA of a trivial script, in µs, the two
    alternating so that a busy spell of the shared machine weighs on both."""
    script = client.register_script("return 1")
    script()  # loads it
    times: dict[object, list[int]] = {client.ping: [], script: []}
    for _ in range(count):
        for call, spent in times.items():
            start = time.perf_counter_ns()
            call()
            spent.append(time.perf_counter_ns() - start)
    return tuple(statistics.median(spent) / 1000 for spent in times.values())


def table_bytes(entries: int) -> int:
    """Bytes of a Redis dict's bucket array for ``entries``: it doubles to the next power of two
    (8-byte pointers), so it does not grow linearly."""
    return 8 * 2 ** math.ceil(math.log2(max(entries, 4)))


def memory_per_entry(client, entries: int) -> list[tuple[str, float, float]]:
    """Bytes per entry (MEMORY USAGE, every element counted) of a set of 16-byte members and of
    a hash of 16-byte fields to 16-byte values, and the 10-million projection of each."""
    client.flushall()
    blob = os.urandom(32 * entries)
    members = [blob[i : i + 16] for i in range(0, 16 * entries, 16)]
    values = [blob[i : i + 16] for i in range(16 * entries, 32 * entries, 16)]
    batch = 1000
    with client.pipeline(transaction=False) as pipe:
        for start in range(0, entries, batch):
            pipe.sadd("bench:set", *members[start : start + batch])
            pipe.hset(
                "bench:hash",
                mapping=dict(
                    zip(members[start : start + batch], values[start : start + batch], strict=True)
                ),
            )
        pipe.execute()
    rows = []
    for label, key, size in (
        ("set of 16-byte members (dupefilter; seen contents)", "bench:set", client.scard),
        ("hash 16-byte -> 16-byte (seen urls)", "bench:hash", client.hlen),
    ):
        held = size(key)
        usage = client.memory_usage(key, samples=0)
        per_entry = usage / held
        # The 10-million projection: the entries linearly, the bucket array at its real size.
        ten_million = (usage - table_bytes(held)) / held * 1e7 + table_bytes(10**7)
        rows.append((label, per_entry, ten_million))
    client.flushall()
    return rows


@dataclass
class RedisHandle:
    url: str
    client: object


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000, help="site size (3000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every configuration (2)")
    parser.add_argument(
        "--entries", type=int, default=1_000_000, help="entries of the memory test (1,000,000)"
    )
    parser.add_argument("--pings", type=int, default=20_000, help="round trips timed (20,000)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="for CI: 150 articles, 1 round, 1 and 2 workers, 50,000 entries, 2,000 pings",
    )
    options = parser.parse_args(argv)
    options.workers = (1, 2, 4)
    if options.quick:
        options.articles, options.rounds, options.workers = 150, 1, (1, 2)
        options.entries, options.pings = 50_000, 2_000
    if options.articles < 100:
        parser.error("--articles must be at least 100")
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    if options.entries < 1000 or options.pings < 100:
        parser.error("--entries must be at least 1000 and --pings at least 100")
    work = Path(tempfile.mkdtemp(prefix="workers-bench-"))
    try:
        with RedisServer() as server, server.client() as client:
            print(run(options, work, RedisHandle(server.url, client)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def run(options: argparse.Namespace, work: Path, redis: RedisHandle) -> str:
    site = work / "site"
    urls = set(build_throughput_site(site, options.articles, page_kb=60))
    sizes = [p.stat().st_size for p in (site / "a").iterdir()]
    labels = ["local", *(f"{n}w" for n in options.workers)]
    lines = [
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (os.cpu_count()), load average {os.getloadavg()[0]:.1f}",
        f"site: {options.articles} articles of {statistics.mean(sizes) / 1024:.0f} KB; "
        f"configurations {', '.join(labels)}; rounds: {options.rounds}",
        "",
        f"{'round':>5} {'run':>6} {'wall s':>7} {'written':>7} {'art/s':>6} {'CPU ms/art':>10} "
        f"{'Redis ms/art':>12} {'close spread s':>14}  split",
    ]
    runs: dict[str, list[Run]] = {label: [] for label in labels}
    for n in range(options.rounds):
        order = labels[n % len(labels) :] + labels[: n % len(labels)]
        for label in order:
            workers = 0 if label == "local" else int(label[:-1])
            runs[label].append(crawl(label, workers, site, urls, work, redis))
        for label in labels:
            r = runs[label][-1]
            redis_ms = f"{r.redis_cpu_s / r.written * 1000:12.3f}" if r.workers else f"{'-':>12}"
            lines.append(
                f"{n + 1:>5} {label:>6} {r.wall_s:>7.1f} {r.written:>7} {r.rate:>6.1f} "
                f"{r.cpu_s / r.written * 1000:>10.2f} {redis_ms} {r.close_spread_s:>14.1f}  "
                + " / ".join(f"{k} {v}" for k, v in r.split.items())
            )
    lines.append(
        f"exactly once: each of the {len(runs) * options.rounds} runs wrote each of the "
        f"{options.articles} articles once (0 duplicates, 0 missing)"
    )

    def median_ratio(top: str, bottom: str) -> tuple[float, list[float]]:
        ratios = [a.rate / b.rate for a, b in zip(runs[top], runs[bottom], strict=True)]
        return statistics.median(ratios), ratios

    lines += ["", f"{'ratio of articles/s':<22} {'median':>7}  rounds"]
    pairs = [("1w", "local")] + [(f"{n}w", "1w") for n in options.workers if n > 1]
    for top, bottom in pairs:
        median, ratios = median_ratio(top, bottom)
        name = f"{top[:-1]}-worker{'s' if top != '1w' else ''}/" + (
            "local" if bottom == "local" else "1-worker"
        )
        lines.append(f"{name:<22} {median:>7.3f}  " + " ".join(f"{r:.3f}" for r in ratios))
    lines.append(
        "absolute, median of rounds: "
        + ", ".join(
            f"{label} {statistics.median(r.rate for r in runs[label]):.1f} art/s"
            for label in labels
        )
    )

    one = runs["1w"]
    written = sum(r.written for r in one)
    commands = sum((r.commands for r in one), Counter())
    monitored_written, client_calls, lua_calls = monitored_crawl(site, urls, work, redis)
    seen_rows = seen_store_bytes(redis.client)
    ping_us, evalsha_us = latency_us(redis.client, options.pings)
    lines += [
        "",
        "Redis commands per article written, 1 worker: all (INFO commandstats of the timed runs,",
        "scripts' inner commands included) and, from one more run under MONITOR, the commands",
        "clients sent (pipelined ones share a round trip) and those run inside scripts",
        f"{'command':<18} {'all':>7} {'sent':>11} {'in scripts':>10}",
    ]
    names = sorted(
        set(commands) | set(client_calls) | set(lua_calls),
        key=lambda name: (-commands[name], name),
    )
    # The crawl's start and end (joining, heartbeats, the last checks) cost a few calls per
    # crawl, not per article: one row for them.
    rows = {
        name: (
            commands[name] / written,
            client_calls[name] / monitored_written,
            lua_calls[name] / monitored_written,
        )
        for name in names
    }
    rare = [rows.pop(name) for name in names if max(rows[name]) < 0.01]
    if rare:
        rows[f"{len(rare)} others"] = tuple(sum(column) for column in zip(*rare, strict=True))
    for name, (all_calls, round_trips, in_scripts) in rows.items():
        lines.append(f"{name:<18} {all_calls:>7.2f} {round_trips:>11.2f} {in_scripts:>10.2f}")
    trips = sum(client_calls.values()) / monitored_written
    scripted = sum(client_calls[n] for n in ("evalsha", "eval")) / monitored_written
    lines.append(
        f"{'total':<18} {commands.total() / written:>7.2f} {trips:>11.2f} "
        f"{sum(lua_calls.values()) / monitored_written:>10.2f}"
    )
    # The blocking cost, at most: each command sent at the measured latency, scripts at
    # EVALSHA's (commands pipelined together wait for one round trip, not one each).
    blocked_us = (trips - scripted) * ping_us + scripted * evalsha_us
    per_article_us = statistics.median(r.wall_s / r.written for r in one) * 1e6
    local_cpu = statistics.median(r.cpu_s / r.written for r in runs["local"]) * 1000
    one_cpu = statistics.median(r.cpu_s / r.written for r in one) * 1000
    redis_cpu_ms = statistics.median(r.redis_cpu_s / r.written for r in one) * 1000
    lines += [
        f"round trip from Python (redis-py, no crawl running, median of {options.pings}): "
        f"PING {ping_us:.0f} µs, EVALSHA of 'return 1' {evalsha_us:.0f} µs",
        f"blocking Redis time per article, at most: {trips:.2f} commands sent ({scripted:.2f} "
        f"scripts) = {blocked_us:.0f} µs, {blocked_us / per_article_us:.1%} of the 1-worker "
        f"crawl's {per_article_us:.0f} µs per article (wall)",
        f"CPU per article (crawl processes): local {local_cpu:.2f} ms, 1 worker {one_cpu:.2f} ms "
        f"({one_cpu / local_cpu:.3f}x); redis-server {redis_cpu_ms:.3f} ms",
        f"measured 1-worker/local throughput: {median_ratio('1w', 'local')[0]:.3f}",
    ]

    lines += [
        "",
        "Redis memory (MEMORY USAGE SAMPLES 0 / entries): the seen store after the last "
        "1-worker crawl",
        *(
            f"  {key}: {held} entries, {per_entry:.1f} B/entry"
            for key, held, per_entry in seen_rows
        ),
        f"and {options.entries:,} random entries",
        f"{'structure':<52} {'B/entry':>8} {'10 million':>11}",
    ]
    for label, per_entry, ten_million in memory_per_entry(redis.client, options.entries):
        lines.append(f"{label:<52} {per_entry:>8.1f} {ten_million / 1e9:>8.2f} GB")
    lines.append(
        "(10 million: the entries linearly, the bucket array at its power-of-two size, "
        f"{table_bytes(10**7) / 1e6:.0f} MB)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
