"""Lookups, inserts, memory and disk of the seen store at 10k, 1M and 10M articles.

    .venv/bin/python bench/seen_store.py [--sizes 10k,1M,10M] [--repeat N] [--keep-dir DIR]
                                         [--pragma NAME=VALUE ...]

Each size is built once (bulk, in one transaction) into a SeenStore and, beside it, a plain
one-table SQLite of the same 16-byte URL keys: the baseline. Each size is then measured in a
fresh subprocess, so that its memory is its own: every row times the store and its baseline in
that process, round after round, back to back and swapping which goes first, and reports the
medians and the median of the per-round ratios (the machines are shared and noisy; noise that
hits both sides alike leaves the ratio standing). ``--pragma`` sets a PRAGMA on the store's
connection only, so that its effect shows in the ratios. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.seen import SeenStore  # noqa: E402
from crawler.urls import url_key  # noqa: E402

LINE = b'{"body":"' + b"x" * 3060 + b'"}\n'  # about the size of one article's JSON line
JSONL = Path("hanoimoi") / "2024-12-05.jsonl"  # record() wants a real output file
PLAIN = "plain.sqlite3"
PLAIN_SCHEMA = "CREATE TABLE IF NOT EXISTS k (key BLOB PRIMARY KEY) WITHOUT ROWID"
SAMPLE = 2000  # keys per lookup row and round: enough to time, few enough to keep rounds short
BATCH = 1000  # keys per known_keys() call
URL_ENTRIES = SAMPLE  # entries keyed by url_key() of a real-looking URL, for the has_url row
RECORDS = 200  # record() calls per round
BULK = 2000  # rows per bulk insert and round
BUILD_CHUNK = 100_000  # rows per executemany() while building

Batch = Callable[[], int]  # runs once, returns how many items it did


def parse_size(text: str) -> int:
    units = {"k": 1_000, "M": 1_000_000}
    if text[-1:] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def show_size(n: int) -> str:
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return str(n)


def digest(tag: str, i: int) -> bytes:
    return hashlib.blake2b(f"{tag}{i}".encode(), digest_size=16).digest()


def known_url(i: int) -> str:
    return f"https://hanoimoi.vn/bai-viet-thu-{i}-{700000 + i}.html"


def unknown_url(i: int) -> str:
    return f"https://nguoihanoi.vn/tin-chua-gap-{i}-{900000 + i}.html"


def known_key(i: int) -> bytes:
    # The first entries are real URL keys (for has_url); the rest skip url_key()'s ~15 µs each,
    # which would make building 10M entries take minutes: the keys are blake2b digests alike.
    return url_key(known_url(i)) if i < URL_ENTRIES else digest("url", i)


def rows_of(n: int) -> Iterator[tuple[bytes, bytes]]:
    """The store's (url key, content key) pairs, in the random order record() would add them."""
    for i in range(n):
        yield known_key(i), digest("content", i)


def db_bytes(directory: Path, name: str) -> int:
    return sum(f.stat().st_size for f in directory.glob(f"{name}*"))


def build(directory: Path, n: int) -> dict[str, float]:
    """The store and the plain table of ``n`` entries, and the seconds each took to build."""
    meta_path = directory / "build.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta["entries"] == n:
            return meta
    wall = time.perf_counter()
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    store = SeenStore(directory)
    jsonl = directory / JSONL  # written after the store opened, which would recover its line
    jsonl.parent.mkdir()
    jsonl.write_bytes(LINE)
    plain = open_plain(directory)
    store_s = plain_s = 0.0
    for db in (store.db, plain):
        # A cache that holds the whole B-tree while building: random-order inserts stay in memory.
        db.execute("PRAGMA cache_size=-4000000")
        db.execute("BEGIN IMMEDIATE")
    rows = rows_of(n)
    # One pass over the keys for both databases; making them is left out of both times.
    while chunk := list(islice(rows, BUILD_CHUNK)):
        contents = [(content,) for _, content in chunk]
        keys = [(key,) for key, _ in chunk]
        started = time.perf_counter()
        store.db.executemany("INSERT INTO urls (key, content) VALUES (?, ?)", chunk)
        store.db.executemany("INSERT OR IGNORE INTO contents (key) VALUES (?)", contents)
        middle = time.perf_counter()
        plain.executemany("INSERT INTO k (key) VALUES (?)", keys)
        store_s += middle - started
        plain_s += time.perf_counter() - middle
    store.db.execute("INSERT INTO files (path, size) VALUES (?, ?)", (JSONL.as_posix(), len(LINE)))
    started = time.perf_counter()
    store.db.execute("COMMIT")
    store.close()  # the last close checkpoints the WAL into the database file
    middle = time.perf_counter()
    plain.execute("COMMIT")
    plain.close()
    store_s += middle - started
    plain_s += time.perf_counter() - middle

    meta = {
        "entries": n,
        "build_s": time.perf_counter() - wall,
        "store_build_s": store_s,
        "plain_build_s": plain_s,
        "store_bytes": db_bytes(directory, "seen.sqlite3"),
        "plain_bytes": db_bytes(directory, PLAIN),
    }
    meta_path.write_text(json.dumps(meta))
    return meta


def open_plain(directory: Path) -> sqlite3.Connection:
    """The baseline: one WITHOUT ROWID table of 16-byte keys, with the store's own settings."""
    db = sqlite3.connect(directory / PLAIN, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(PLAIN_SCHEMA)
    return db


def status_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process.

    Not ru_maxrss: Linux carries the parent's peak over into a child across exec, so a
    subprocess started by a parent that built a big store would report the parent's.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def per_item_us(batch: Batch) -> float:
    start = time.perf_counter_ns()
    items = batch()
    return (time.perf_counter_ns() - start) / items / 1000


def interleave(
    work: Batch, baseline: Batch, rounds: int, undo: Callable[[], None]
) -> tuple[float, float, float]:
    """Median µs per item of each side and the median of their per-round ratios.

    ``undo`` runs untimed after each batch: inserts are taken back, so every round (and every
    size) measures a store of the size it names.
    """
    work(), baseline(), undo()  # warm-up: statement caches, the page cache
    work_us: list[float] = []
    base_us: list[float] = []
    for i in range(rounds):
        # Alternating the order keeps a side from always running on a warmer (or colder) CPU.
        for side in (baseline, work) if i % 2 else (work, baseline):
            (base_us if side is baseline else work_us).append(per_item_us(side))
            undo()
    ratio = statistics.median(w / b for w, b in zip(work_us, base_us, strict=True))
    return statistics.median(work_us), statistics.median(base_us), ratio


def measure(directory: Path, n: int, rounds: int, pragmas: list[str]) -> dict:
    """Run in a fresh process: every row at this size, then this process's memory."""
    rss_start = status_kib("VmRSS")
    store = SeenStore(directory)
    for pragma in pragmas:
        store.db.execute(f"PRAGMA {pragma}")
    plain = open_plain(directory)
    step = max(1, n // SAMPLE)
    known_keys = [known_key(i) for i in range(0, n, step)][:SAMPLE]
    unknown_keys = [digest("unknown", i) for i in range(SAMPLE)]
    known_urls = [known_url(i) for i in range(min(n, URL_ENTRIES))]
    unknown_urls = [unknown_url(i) for i in range(len(known_urls))]
    batches = {
        "known": [known_keys[i : i + BATCH] for i in range(0, len(known_keys), BATCH)],
        "unknown": [unknown_keys[i : i + BATCH] for i in range(0, len(unknown_keys), BATCH)],
    }

    def check(found: int, expected: int) -> None:
        if found != expected:
            raise AssertionError(f"found {found} keys, expected {expected}")

    def each(keys: list[bytes], expect: bool, lookup: Callable[[bytes], bool]) -> Batch:
        def batch() -> int:
            check(sum(lookup(key) for key in keys), len(keys) if expect else 0)
            return len(keys)

        return batch

    def plain_has(key: bytes) -> bool:
        return plain.execute("SELECT 1 FROM k WHERE key = ?", (key,)).fetchone() is not None

    def in_batches(name: str, expect: bool, lookup: Callable[[list[bytes]], int]) -> Batch:
        def batch() -> int:
            keys = sum(len(b) for b in batches[name])
            check(sum(lookup(b) for b in batches[name]), keys if expect else 0)
            return keys

        return batch

    def plain_known(keys: list[bytes]) -> int:
        query = f"SELECT key FROM k WHERE key IN ({','.join('?' * len(keys))})"
        return len(plain.execute(query, keys).fetchall())

    def by_url(urls: list[str], expect: bool) -> Batch:
        return each(urls, expect, store.has_url)

    def keys_of(urls: list[str]) -> Batch:
        def batch() -> int:
            for url in urls:
                url_key(url)
            return len(urls)

        return batch

    jsonl = directory / JSONL
    # Fresh keys for every insert; their own tag keeps them apart from the built ones.
    fresh = iter(range(10**12))
    added: list[bytes] = []  # url and content keys inserted since the last undo

    def new_key() -> bytes:
        added.append(digest("new", next(fresh)))
        return added[-1]

    def undo() -> None:
        for db, tables in ((store.db, ("urls", "contents")), (plain, ("k",))):
            db.execute("BEGIN IMMEDIATE")
            for table in tables:
                db.executemany(f"DELETE FROM {table} WHERE key = ?", [(k,) for k in added])
            db.execute("COMMIT")
        added.clear()

    def records() -> int:
        urls = [f"https://hanoimoi.vn/bai-moi-{next(fresh)}.html" for _ in range(RECORDS)]
        added.extend(url_key(url) for url in urls)
        for url in urls:
            store.record(url, new_key().hex(), jsonl, len(LINE))
        return RECORDS

    def plain_records() -> int:
        urls = [f"https://hanoimoi.vn/bai-moi-{next(fresh)}.html" for _ in range(RECORDS)]
        added.extend(url_key(url) for url in urls)
        for url in urls:
            plain.execute("BEGIN IMMEDIATE")
            plain.execute("INSERT INTO k (key) VALUES (?)", (url_key(url),))
            plain.execute("COMMIT")
        return RECORDS

    def bulk() -> int:
        rows = [(new_key(), new_key()) for _ in range(BULK)]
        store.db.execute("BEGIN IMMEDIATE")
        store.db.executemany("INSERT INTO urls (key, content) VALUES (?, ?)", rows)
        store.db.executemany("INSERT INTO contents (key) VALUES (?)", [(c,) for _, c in rows])
        store.db.execute("COMMIT")
        return BULK

    def plain_bulk() -> int:
        rows = [(new_key(),) for _ in range(BULK)]
        plain.execute("BEGIN IMMEDIATE")
        plain.executemany("INSERT INTO k (key) VALUES (?)", rows)
        plain.execute("COMMIT")
        return BULK

    rows = []

    def row(name: str, work: Batch, base_name: str, baseline: Batch) -> None:
        work_us, base_us, ratio = interleave(work, baseline, rounds, undo)
        rows.append((name, work_us, base_name, base_us, ratio))

    for name, keys, expect in (("known", known_keys, True), ("unknown", unknown_keys, False)):
        row(
            f"has_key {name}",
            each(keys, expect, store.has_key),
            "plain =?",
            each(keys, expect, plain_has),
        )
    for name, expect in (("known", True), ("unknown", False)):
        row(
            f"known_keys {name} x{BATCH}",
            in_batches(name, expect, lambda keys: len(store.known_keys(keys))),
            f"plain IN x{BATCH}",
            in_batches(name, expect, plain_known),
        )
    for name, urls, expect in (("known", known_urls, True), ("unknown", unknown_urls, False)):
        row(f"has_url {name}", by_url(urls, expect), "url_key() alone", keys_of(urls))
    row("record() /article", records, "url_key()+plain txn", plain_records)
    row(f"bulk insert x{BULK}", bulk, f"plain bulk x{BULK}", plain_bulk)
    # Before closing: closing unmaps what --pragma mmap_size mapped, which counts in RSS.
    rss_end = status_kib("VmRSS")
    store.close()
    plain.close()
    return {
        "rows": rows,
        "rss_start_kib": rss_start,
        "rss_end_kib": rss_end,
        "peak_kib": status_kib("VmHWM"),
    }


def table(size: int, meta: dict, result: dict) -> str:
    lines = [
        f"{'entries ' + show_size(size):<25}{'µs':>8}{'/s':>10}  {'baseline':<20}"
        f"{'µs':>8}{'/s':>10}{'ratio':>8}"
    ]
    for name, work, base_name, base, ratio in result["rows"]:
        lines.append(
            f"{name:<25}{work:>8.2f}{1e6 / work:>10,.0f}  {base_name:<20}"
            f"{base:>8.2f}{1e6 / base:>10,.0f}{ratio:>7.3g}x"
        )
    n = meta["entries"]
    lines.append(
        f"built in {meta['build_s']:.0f} s: inserts {meta['store_build_s']:.1f} s "
        f"({n / meta['store_build_s']:,.0f} articles/s), plain {meta['plain_build_s']:.1f} s; "
        f"on disk {meta['store_bytes'] / n:.1f} B/article "
        f"(plain {meta['plain_bytes'] / n:.1f} B/key); RSS {result['rss_start_kib'] / 1024:.1f} "
        f"MiB after imports, {result['rss_end_kib'] / 1024:.1f} MiB at the end, "
        f"peak {result['peak_kib'] / 1024:.1f} MiB"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10k,1M,10M", help="entries, comma-separated (10k,1M,10M)"
    )
    parser.add_argument("--repeat", type=int, default=15, help="rounds per row (15)")
    parser.add_argument(
        "--keep-dir", type=Path, help="build here and keep it: a later run reuses what it finds"
    )
    parser.add_argument(
        "--pragma", action="append", default=[], help="NAME=VALUE on the store's connection"
    )
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # DIR N: the subprocess
    options = parser.parse_args(argv)
    if options.measure:
        directory, n = Path(options.measure[0]), int(options.measure[1])
        print(json.dumps(measure(directory, n, options.repeat, options.pragma)))
        return 0
    sizes = [parse_size(s) for s in options.sizes.split(",")]
    if options.repeat < 1 or min(sizes) < 1:
        parser.error("--repeat and --sizes must be at least 1")
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs, --repeat {options.repeat}"
        f"{''.join(f' --pragma {p}' for p in options.pragma)}, medians of rounds"
    )
    root = options.keep_dir or Path(tempfile.mkdtemp(prefix="seen-bench-"))
    try:
        for n in sizes:
            directory = root / show_size(n)
            meta = build(directory, n)
            command = [sys.executable, __file__, "--measure", str(directory), str(n)]
            command += ["--repeat", str(options.repeat)]
            command += [arg for p in options.pragma for arg in ("--pragma", p)]
            result = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
            print(table(n, meta, result), flush=True)
    finally:
        if not options.keep_dir:
            shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
