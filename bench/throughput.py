"""End-to-end throughput of a replay crawl against the engine's own ceiling.

    .venv/bin/python bench/throughput.py [--articles N] [--page-kb KB] [--rounds N]
                                         [--setting NAME=VALUE ...] [--profile] [--workdir DIR]

Builds a tests/sitegen.py site of N articles (default 3,000) whose pages carry a real page's
chrome up to ``--page-kb`` (default 60 KB: an inline script, a menu, sidebar boxes of links),
reached from a sitemap index over child sitemaps of 1,000, a listing, a feed and robots.txt.
Then, ``--rounds`` times, crawls it three times in subprocesses, the order turning each round:

- ``full``: ``scrapy crawl hanoimoi -a since=2020-01-01`` with the project's settings, every item
  pipeline, the seen store, spidermon and the run report on; replay has no politeness delay;
- ``ceiling``: the same crawl of bench/ceiling_spider.py's ``hanoimoi-ceiling``, which discovers
  and fetches the same pages, parses each once into a tree (``response.selector``) and neither
  reads fields nor writes: the engine's ceiling for a spider that must parse a page;
- ``engine``: the same without the parse (``hanoimoi-engine``): Scrapy alone.

Each crawl's rate is article pages per second of ``elapsed_time_seconds`` (Scrapy's own, from
the spider's opening to its close: start-up imports are left out of all). The figures are the
medians over the rounds of full/ceiling and full/engine, each round's crawls run back to back on
the shared machine.
``--profile`` adds one full crawl under cProfile and says where its time goes.
``--setting`` passes a Scrapy setting to both crawls (e.g. ``TWISTED_REACTOR_ENABLED=False``),
so an experiment is read as its own ratio to the ceiling. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sitegen import build_site  # noqa: E402

from crawler import pipelines, replay  # noqa: E402
from crawler.spiders import base  # noqa: E402

SPIDERS = {"full": "hanoimoi", "ceiling": "hanoimoi-ceiling", "engine": "hanoimoi-engine"}


@dataclass
class Crawl:
    label: str
    pages: int  # article pages answered
    written: int
    elapsed_s: float
    cpu_s: float  # user + system of the whole process, start-up included

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed_s


def crawl(
    label: str,
    spider: str,
    site: Path,
    work: Path,
    settings: list[str],
    profile: Path | None = None,
) -> Crawl:
    data = work / f"{label}-data"
    shutil.rmtree(data, ignore_errors=True)
    stats_file = work / f"{label}-stats.json"
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "scrapy", "crawl", spider, "-a", "since=2020-01-01"]
    for setting in (
        f"REPLAY_DIR={site}",
        f"DATA_DIR={data}",
        f"LOG_FILE={work / f'{label}.log'}",
        f"STATS_FILE={stats_file}",
        "SPIDER_MODULES=crawler.spiders,ceiling_spider",
        *settings,
    ):
        command += ["-s", setting]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)])}
    with open(work / f"{label}.out", "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    pages = stats.get("discovery/article_requests", 0)
    if not stats or not pages:
        raise SystemExit(f"{label}: the crawl failed (exit status {status}); see {work}")
    return Crawl(
        label=label,
        pages=pages,
        written=sum(1 for f in data.glob(f"{spider}/*.jsonl") for _ in f.open("rb")),
        elapsed_s=stats["elapsed_time_seconds"],
        cpu_s=usage.ru_utime + usage.ru_stime,
    )


def _function_key(obj: object) -> tuple[str, int, str]:
    """The function's key in a cProfile table: file, first line, name."""
    code = inspect.unwrap(getattr(obj, "__func__", obj)).__code__
    return code.co_filename, code.co_firstlineno, code.co_name


# Where a crawl's time goes: the cumulative time of these functions (cProfile counts each
# generator's resumptions under its function).
AREAS = {
    "extraction (NewsSpider.extract_article)": [base.NewsSpider.extract_article],
    "discovery (parse_entry: sitemaps, feed, listing, queueing)": [base.NewsSpider.parse_entry],
    "pipeline normalize": [pipelines.NormalizePipeline.process_item],
    "pipeline validate (JSON Schema)": [pipelines.ValidatePipeline.process_item],
    "pipeline dedup (seen store lookups)": [pipelines.DedupPipeline.process_item],
    "pipeline write (line, fsync, seen store record)": [
        pipelines.JsonLinesWriterPipeline.process_item
    ],
    "replay (reading the page files)": [replay.ReplayMiddleware.process_request],
}


def profile_summary(path: Path) -> list[tuple[str, float]]:
    """Seconds and share of the profiled run per area; the rest is Scrapy, Twisted, asyncio."""
    stats = pstats.Stats(str(path))
    table = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for area, functions in AREAS.items():
        seconds = 0.0
        for function in functions:
            seconds += table.get(_function_key(function), (0, 0, 0, 0.0))[3]
        rows.append((area, seconds))
    rows.append(
        (
            "the rest: Scrapy's engine, middlewares, signals, Twisted",
            total - sum(s for _, s in rows),
        )
    )
    rows.append(("total (profiled)", total))
    return rows


def top_functions(path: Path, count: int = 12) -> list[str]:
    """The functions with the most time of their own outside crawler/."""
    stats = pstats.Stats(str(path))
    table = stats.stats  # type: ignore[attr-defined]
    own = sorted(
        ((value[2], key) for key, value in table.items() if "/crawler/" not in key[0]), reverse=True
    )
    return [f"{tt:7.2f} s  {Path(key[0]).name}:{key[1]}({key[2]})" for tt, key in own[:count]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000, help="site size (3000)")
    parser.add_argument("--page-kb", type=int, default=60, help="article page size (60)")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of crawls (3)")
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--profile", action="store_true", help="add a profiled full crawl")
    parser.add_argument("--workdir", type=Path, help="build and crawl here, and keep it")
    options = parser.parse_args(argv)
    if options.articles < 100:
        parser.error("--articles must be at least 100")
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not 4 <= options.page_kb <= 2000:
        parser.error("--page-kb must be between 4 and 2000")
    if bad := [s for s in options.setting if "=" not in s]:
        parser.error(f"--setting expects NAME=VALUE, got {bad[0]!r}")
    work = options.workdir or Path(tempfile.mkdtemp(prefix="throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(run(options, work))
    finally:
        if not options.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def build_throughput_site(root: Path, articles: int, page_kb: int) -> list[str]:
    """The site of the throughput benches (this one and bench/workers.py): a sitemap per 1,000
    articles, a listing of 5 pages, a feed, robots.txt, pages padded to ``page_kb``."""
    return build_site(
        root,
        articles,
        sitemaps=max(1, articles // 1000),
        listing_pages=5,
        feed_items=50,
        robots=True,
        page_bytes=page_kb * 1024,
    )


def run(options: argparse.Namespace, work: Path) -> str:
    site = work / "site"
    build_throughput_site(site, options.articles, options.page_kb)
    sizes = [p.stat().st_size for p in (site / "a").iterdir()]
    lines = [
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        f"site: {options.articles} articles of {statistics.mean(sizes) / 1024:.0f} KB"
        + (f"; settings {' '.join(options.setting)}" if options.setting else ""),
        "",
        f"{'round':>5} {'crawl':>8} {'pages':>6} {'written':>7} {'s':>6} {'pages/s':>8} "
        f"{'CPU ms/page':>11}   full/this",
    ]
    ratios: dict[str, list[float]] = {"ceiling": [], "engine": []}
    labels = list(SPIDERS)
    for n in range(options.rounds):
        order = labels[n % 3 :] + labels[: n % 3]
        runs = {label: crawl(label, SPIDERS[label], site, work, options.setting) for label in order}
        full = runs["full"]
        if full.written != options.articles or {c.pages for c in runs.values()} != {full.pages}:
            raise SystemExit(
                f"round {n + 1}: full wrote {full.written} of {options.articles}; pages fetched: "
                + ", ".join(f"{c.label} {c.pages}" for c in runs.values())
            )
        for label in labels:
            c = runs[label]
            ratio = ""
            if label in ratios:
                ratios[label].append(full.rate / c.rate)
                ratio = f"   {ratios[label][-1]:.3f}"
            lines.append(
                f"{n + 1:>5} {c.label:>8} {c.pages:>6} {c.written:>7} {c.elapsed_s:>6.1f} "
                f"{c.rate:>8.1f} {c.cpu_s / c.pages * 1000:>11.2f}{ratio}"
            )
    lines.append("")
    for label, values in ratios.items():
        lines.append(
            f"full/{label}: median {statistics.median(values):.3f} over {len(values)} rounds "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )
    if options.profile:
        profile = work / "full.prof"
        crawl("profiled", SPIDERS["full"], site, work, options.setting, profile)
        lines += ["", "where a full crawl's time goes (cProfile; its overhead weighs most on "
                  "Python-heavy code, i.e. on the engine):"]  # fmt: skip
        rows = profile_summary(profile)
        total = rows[-1][1]
        lines += [f"  {seconds:7.2f} s {seconds / total:6.1%}  {area}" for area, seconds in rows]
        lines += ["", "most time of their own outside crawler/:"]
        lines += [f"  {line}" for line in top_functions(profile)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
