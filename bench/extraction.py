"""Per-item costs of extraction, date parsing, the seen store and the writer's fsync.

    .venv/bin/python bench/extraction.py [--repeat N] [--articles N]

Each benchmark times its work and a baseline in the same process, round after round, back to
back and swapping which goes first, then prints the medians and the median of the per-round
ratios: the machines are shared and noisy, and noise that hits both sides alike leaves the
ratio standing. Extraction is timed a page at a time, on the real article pages of
../shared/corpus/vn and on the fixture article pages: the site's parser (extract()), the
generic path (extract(generic=True)), trafilatura.extract and the bare lxml.html.fromstring,
the floor for any parser. Results and the command go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
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
import lxml.html  # noqa: E402
import trafilatura  # noqa: E402
from printed_dates import PRINTED_DATES  # noqa: E402
from regenerate_expected import fixture_pages  # noqa: E402

from crawler.dates import _date_parser, parse_datetime  # noqa: E402
from crawler.extract import extract  # noqa: E402
from crawler.parsers.base import NoArticle  # noqa: E402
from crawler.seen import SeenStore  # noqa: E402
from crawler.urls import url_key  # noqa: E402

SITES = ROOT / "tests" / "fixtures" / "sites"
# Real article pages, kept outside the project: X.html with its URL in X.source.txt.
CORPUS = ROOT.parent / "shared" / "corpus" / "vn"

# Printed dates as the sites show them on pages, in meta tags and in RSS <pubDate>.
DATE_TEXTS = PRINTED_DATES
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


def corpus_pages(corpus: Path) -> list[tuple[str, str, str]]:
    """(name, URL, HTML) of each real article page: X.html, its URL on X.source.txt's page_url."""
    pages = []
    for source in sorted(corpus.glob("*/article-*.source.txt")):
        url = re.search(r"^page_url:\s*(\S+)", source.read_text("utf-8"), re.MULTILINE)
        page = source.with_name(source.name.removesuffix(".source.txt") + ".html")
        if url and page.exists():
            pages.append((f"{source.parent.name}/{page.stem}", url[1], page.read_text("utf-8")))
    return pages


def fixture_article_pages() -> list[tuple[str, str, str]]:
    return [
        (f"{path.relative_to(SITES).parts[0]}/{path.stem}"[:47], url, path.read_text("utf-8"))
        for url, path in fixture_pages(SITES)
    ]


PageRow = tuple[str, int, float, float, float, float, float, float, float]


def bench_page(name: str, url: str, html: str, rounds: int) -> PageRow:
    """One page's site parser, generic path, trafilatura and bare parse, round after round.

    Each round runs the four back to back, forwards in even rounds and backwards in odd ones;
    the ratios are medians of the per-round ratios.
    """

    def once(work: Callable[[], object]) -> Batch:
        def batch() -> int:
            try:
                work()
            except NoArticle:
                pass  # a page the generic path finds no article in costs what it costs
            return 1

        return batch

    sides = [
        once(lambda: lxml.html.fromstring(html)),
        once(lambda: extract(html, url)),
        once(lambda: extract(html, url, generic=True)),
        once(lambda: trafilatura.extract(html)),
    ]
    for side in sides:
        side()  # warm-up
    times: list[list[float]] = [[] for _ in sides]
    for i in range(rounds):
        order = range(len(sides)) if i % 2 == 0 else reversed(range(len(sides)))
        for k in order:
            times[k].append(per_item_us(sides[k]))
    bare, site, generic, traf = times
    med = statistics.median

    def ratio(a: list[float], b: list[float]) -> float:
        return med(x / y for x, y in zip(a, b, strict=True))

    return (
        name,
        len(html.encode("utf-8")) // 1024,
        med(bare),
        med(site),
        ratio(site, bare),
        med(generic),
        ratio(generic, bare),
        med(traf),
        ratio(traf, site),
    )


def page_table(title: str, rows: list[PageRow]) -> str:
    """A row a page, then the medians and ranges of its ratios and how many pages meet the
    targets: the site's parser within 2x the bare parse, and 5x quicker than trafilatura."""
    lines = [
        f"{title:<48}{'KB':>4}{'bare µs':>9}{'site µs':>9}{'site/bare':>10}"
        f"{'generic µs':>11}{'gen/bare':>9}{'trafil. µs':>11}{'traf/site':>10}"
    ]
    lines += [
        f"{n:<48}{kb:>4}{b:>9.0f}{s:>9.0f}{sb:>9.2f}x{g:>11.0f}{gb:>8.2f}x{t:>11.0f}{ts:>9.2f}x"
        for n, kb, b, s, sb, g, gb, t, ts in rows
    ]
    if rows:
        site_bare = [r[4] for r in rows]
        traf_site = [r[8] for r in rows]
        lines.append(
            f"{len(rows)} pages: site/bare median {statistics.median(site_bare):.2f}x "
            f"({min(site_bare):.2f}-{max(site_bare):.2f}), traf/site median "
            f"{statistics.median(traf_site):.2f}x ({min(traf_site):.2f}-{max(traf_site):.2f}); "
            f"site/bare <= 2 on {sum(r <= 2 for r in site_bare)}, "
            f"traf/site >= 5 on {sum(r >= 5 for r in traf_site)}"
        )
    return "\n".join(lines)


def bench_dates(rounds: int) -> tuple[list[Row], str]:
    def fast() -> int:
        for _ in range(100):  # microseconds a call: many calls per round to time them
            for text in DATE_TEXTS:
                parse_datetime(text)
        return 100 * len(DATE_TEXTS)

    def slow() -> int:
        for text in DATE_TEXTS:
            dateparser.parse(text, languages=["vi"], settings=DATEPARSER_SETTINGS)
        return len(DATE_TEXTS)

    def fallback() -> int:
        # The crawler's own fallback: one DateDataParser, built once and reused.
        parser = _date_parser(None)
        for text in DATE_TEXTS:
            parser.get_date_data(text)
        return len(DATE_TEXTS)

    rows = [
        row("parse_datetime /call", fast, "dateparser.parse", slow, rounds),
        row("parse_datetime /call", fast, "crawler's DateDataParser", fallback, rounds),
    ]
    missed = [
        t
        for t in DATE_TEXTS
        if dateparser.parse(t, languages=["vi"], settings=DATEPARSER_SETTINGS) is None
    ]
    read = sum(parse_datetime(t) is not None for t in DATE_TEXTS)
    note = (
        f"dates: parse_datetime {1 / rows[0][4]:.0f}x faster than dateparser.parse, "
        f"{1 / rows[1][4]:.0f}x than the crawler's DateDataParser; read of {len(DATE_TEXTS)}: "
        f"parse_datetime {read}, dateparser {len(DATE_TEXTS) - len(missed)} "
        f"(none in: {'; '.join(missed) or '-'})"
    )
    return rows, note


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
    lines = [f"{'benchmark':<24}{'µs':>10}  {'baseline':<26}{'µs':>10}{'ratio':>9}"]
    lines += [f"{n:<24}{w:>10.1f}  {bn:<26}{b:>10.2f}{r:>8.3g}x" for n, w, bn, b, r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=31, help="rounds per benchmark (31)")
    parser.add_argument("--articles", type=int, default=20_000, help="seen store size (20000)")
    options = parser.parse_args(argv)
    if options.repeat < 1 or options.articles < 1:
        parser.error("--repeat and --articles must be at least 1")
    started = time.monotonic()
    vn_rows = [bench_page(*page, options.repeat) for page in corpus_pages(CORPUS)]
    fixture_rows = [bench_page(*page, options.repeat) for page in fixture_article_pages()]
    date_rows, dates_note = bench_dates(options.repeat)
    seen_rows, seen_note = bench_seen(options.repeat, options.articles)
    fsync = bench_fsync(options.repeat)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, --repeat {options.repeat}, medians of rounds"
    )
    print(page_table(f"{CORPUS.relative_to(ROOT.parent)} article page", vn_rows))
    print(page_table("tests/fixtures/sites article page", fixture_rows))
    print(table([*date_rows, *seen_rows, fsync]))
    print(dates_note)
    print(seen_note)
    print(f"peak RSS {peak_mib:.0f} MiB, {time.monotonic() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
