"""Per-item costs of extraction, date parsing, the seen store and the writer's fsync.

    .venv/bin/python bench/extraction.py [--repeat N] [--articles N]

Each benchmark times its work and a baseline in the same process, round after round, back to
back and swapping which goes first, then prints the medians and the median of the per-round
ratios: the machines are shared and noisy, and noise that hits both sides alike leaves the
ratio standing. Results and the command go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The crawler package, and tests/ for the one definition of "fixture article page".
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import dateparser  # noqa: E402
import parsel  # noqa: E402
from regenerate_expected import fixture_pages  # noqa: E402

from crawler.dates import parse_datetime  # noqa: E402
from crawler.extract import extract  # noqa: E402
from crawler.seen import SeenStore  # noqa: E402
from crawler.urls import url_key  # noqa: E402

SITES = ROOT / "tests" / "fixtures" / "sites"

# Printed dates as the sites show them on pages, in meta tags and in RSS <pubDate>.
DATE_TEXTS = [
    "10/12/2020 12:16",
    "Thứ năm, 10/12/2020 12:16 (GMT+7)",
    "12:16 10/12/2020",
    "10-12-2020 12:16",
    "Cập nhật: 08:30, 05/03/2024",
    "2024-12-05T08:30:00+07:00",
    "Fri, 15 May 2026 10:40:01 +0700",
]
# The settings the crawler's own dateparser fallback uses (less its PREFER_DAY_OF_MONTH).
DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
}
LINE = b'{"body":"' + b"x" * 3060 + b'"}\n'  # about the size of one article's JSON line
LOOKUPS = 2000  # per side and round: enough to time, small enough to keep rounds short

# A batch of work: runs it once and returns how many items (pages, calls, lookups) it did.
Batch = Callable[[], int]
Row = tuple[str, float, str, float, float]


def per_item_us(batch: Batch) -> float:
    start = time.perf_counter_ns()
    items = batch()
    return (time.perf_counter_ns() - start) / items / 1000


def interleave(work: Batch, baseline: Batch, rounds: int) -> tuple[float, float, float]:
    """Median µs per item of each side and the median of their per-round ratios."""
    work(), baseline()  # warm-up: imports, caches, lazily built parsers, page cache
    work_us: list[float] = []
    base_us: list[float] = []
    for i in range(rounds):
        # Alternating the order keeps a side from always running on a warmer (or colder) CPU.
        if i % 2:
            base_us.append(per_item_us(baseline))
            work_us.append(per_item_us(work))
        else:
            work_us.append(per_item_us(work))
            base_us.append(per_item_us(baseline))
    ratio = statistics.median(w / b for w, b in zip(work_us, base_us, strict=True))
    return statistics.median(work_us), statistics.median(base_us), ratio


def row(name: str, work: Batch, base_name: str, baseline: Batch, rounds: int) -> Row:
    work_us, base_us, ratio = interleave(work, baseline, rounds)
    return name, work_us, base_name, base_us, ratio


def bench_extraction(rounds: int) -> tuple[Row, int]:
    pages = [(url, path.read_text("utf-8")) for url, path in fixture_pages(SITES)]

    def work() -> int:
        for url, html in pages:
            extract(html, url)
        return len(pages)

    def baseline() -> int:
        # Parsing plus one walk of the whole tree: the least any extractor must do.
        for _, html in pages:
            parsel.Selector(text=html).xpath("string()").get()
        return len(pages)

    return row("extract() /page", work, "Selector+string()", baseline, rounds), len(pages)


def bench_dates(rounds: int) -> tuple[Row, str]:
    def fast() -> int:
        for _ in range(100):  # microseconds a call: many calls per round to time them
            for text in DATE_TEXTS:
                parse_datetime(text)
        return 100 * len(DATE_TEXTS)

    def slow() -> int:
        for text in DATE_TEXTS:
            dateparser.parse(text, languages=["vi"], settings=DATEPARSER_SETTINGS)
        return len(DATE_TEXTS)

    result = row("parse_datetime /call", fast, "dateparser.parse", slow, rounds)
    missed = [
        t
        for t in DATE_TEXTS
        if dateparser.parse(t, languages=["vi"], settings=DATEPARSER_SETTINGS) is None
    ]
    read = sum(parse_datetime(t) is not None for t in DATE_TEXTS)
    note = (
        f"dates read of {len(DATE_TEXTS)}: parse_datetime {read}, "
        f"dateparser {len(DATE_TEXTS) - len(missed)} (none in: {'; '.join(missed) or '-'})"
    )
    return result, note


def bench_seen(rounds: int, articles: int) -> tuple[list[Row], str]:
    known = [f"https://hanoimoi.vn/bai-viet-thu-{i}-{700000 + i}.html" for i in range(articles)]
    unknown = [f"https://nguoihanoi.vn/tin-chua-gap-{i}-{900000 + i}.html" for i in range(articles)]
    step = max(1, articles // LOOKUPS)  # the same spread-out sample every round
    known_sample, unknown_sample = known[::step][:LOOKUPS], unknown[::step][:LOOKUPS]
    keys = {url_key(url) for url in known}
    with tempfile.TemporaryDirectory() as tmp:
        store = SeenStore(tmp)
        # record() wants a real output file and its size, as the writer gives after a line.
        jsonl = Path(tmp) / "hanoimoi" / "2024-12-05.jsonl"
        jsonl.parent.mkdir()
        jsonl.write_bytes(LINE)
        start = time.perf_counter_ns()
        for url in known:
            # Random-looking like real content hashes: key order shapes the B-tree's fill.
            content_hash = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
            store.record(url, content_hash, jsonl, len(LINE))
        record_us = (time.perf_counter_ns() - start) / articles / 1000

        def lookups(urls: list[str], expect: bool, lookup: Callable[[str], bool]) -> Batch:
            def batch() -> int:
                if any(lookup(url) is not expect for url in urls):
                    raise AssertionError("the seen store and the set disagree")
                return len(urls)

            return batch

        def in_set(url: str) -> bool:
            # Same url_key() as has_url, so the ratio is SQLite against a hash table alone.
            return url_key(url) in keys

        rows = [
            row(
                f"has_url {name} /lookup",
                lookups(urls, expect, store.has_url),
                "url_key() in set",
                lookups(urls, expect, in_set),
                rounds,
            )
            for name, urls, expect in (
                ("known", known_sample, True),
                ("unknown", unknown_sample, False),
            )
        ]
        store.close()  # the last close checkpoints the WAL into the database file
        size = sum(f.stat().st_size for f in Path(tmp).glob("seen.sqlite3*"))
    note = (
        f"seen store: {articles} articles, record() {record_us:.1f} µs/article, "
        f"database {size / 1024 / (articles / 1000):.1f} KiB per 1,000 articles"
    )
    return rows, note


def bench_fsync(rounds: int) -> Row:
    # The system temp dir, which should sit on the same kind of disk as DATA_DIR;
    # on a tmpfs fsync costs nothing and the ratio would say so.
    with tempfile.TemporaryDirectory() as tmp:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT  # as the writer pipeline opens files
        synced = os.open(Path(tmp) / "synced.jsonl", flags, 0o644)
        plain = os.open(Path(tmp) / "plain.jsonl", flags, 0o644)

        def write_fsync() -> int:
            for _ in range(20):
                os.write(synced, LINE)
                os.fsync(synced)
            return 20

        def write_only() -> int:
            for _ in range(20):
                os.write(plain, LINE)
            return 20

        try:
            return row("write+fsync /line", write_fsync, "write", write_only, rounds)
        finally:
            os.close(synced)
            os.close(plain)


def table(rows: list[Row]) -> str:
    lines = [f"{'benchmark':<24}{'µs':>10}  {'baseline':<20}{'µs':>10}{'ratio':>9}"]
    lines += [f"{n:<24}{w:>10.1f}  {bn:<20}{b:>10.2f}{r:>8.3g}x" for n, w, bn, b, r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=31, help="rounds per benchmark (31)")
    parser.add_argument("--articles", type=int, default=20_000, help="seen store size (20000)")
    options = parser.parse_args(argv)
    if options.repeat < 1 or options.articles < 1:
        parser.error("--repeat and --articles must be at least 1")
    started = time.monotonic()
    extraction, pages = bench_extraction(options.repeat)
    dates, dates_note = bench_dates(options.repeat)
    seen_rows, seen_note = bench_seen(options.repeat, options.articles)
    fsync = bench_fsync(options.repeat)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, --repeat {options.repeat}, medians of rounds"
    )
    print(table([extraction, dates, *seen_rows, fsync]))
    print(f"extraction over {pages} fixture article pages")
    print(dates_note)
    print(seen_note)
    print(f"peak RSS {peak_mib:.0f} MiB, {time.monotonic() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
