"""One crawl of a generated replay site, every pipeline on: memory curve, throughput, seen store.

    .venv/bin/python bench/load.py [--articles N] [--json FILE] [--baseline extract,no-pipelines]
                                   [--reference N] [--setting NAME=VALUE ...]

Builds a tests/sitegen.py site of N articles (default 20,000): a sitemap index over one child
sitemap per 1,000 articles, a 10-page section listing and a home feed that list some of them
again, and a robots.txt. Runs ``scrapy crawl hanoimoi -a since=2020-01-01`` over it in a
subprocess with the project's own settings (every item pipeline, the seen store, spidermon, the
run report, an INFO log to a file) and samples, every 0.5 s, the crawl's RSS (VmRSS of
/proc/<pid>/status) and CPU time (/proc/<pid>/stat) with the number of lines written so far.

Prints the curve at every 10% of the lines written (RSS, articles/s and CPU per article in the
decile, the seen store's database and WAL), the peak RSS (the higher of the child's ru_maxrss
and the samples), RSS at 100% over RSS at 10% (near 1: flat while writing), and the bytes per
article of the seen store (seen.sqlite3 and its -wal, after the run) and of the output.

Flat from 10% to 100% is not the whole story: what a crawl allocates before its first tenth
(the queued article URLs of every sitemap) is in RSS at 10% already. So a reference crawl of a
site a tenth the size (``--reference``, 0 to skip) runs too, and RSS at the end of writing and
the peak are compared between the two: their growth per 1,000 articles of the site, next to
what the spider's per-run set legitimately takes (``_requested``, the 16-byte url_key of every
article URL queued, measured here with tracemalloc).

Throughput is also given as a ratio to baselines run in the same invocation (docs/benchmarks.md:
the machines are shared and noisy): ``extract`` (default) reads each of the same pages and runs
``crawler.extract.extract`` on it in this process, without Scrapy, half of the pages before the
crawl and half after, so that a slow spell weighs on both sides; ``no-pipelines`` crawls the
same site again with ITEM_PIPELINES off (a second full crawl). ``--setting`` passes a Scrapy
setting to the measured crawls (the main and reference ones), for experiments. Results go in
docs/reliability/load.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The crawler package, and tests/ for the one generator of load and crash sites.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sitegen import build_site  # noqa: E402

from crawler.extract import extract  # noqa: E402
from crawler.urls import url_key  # noqa: E402

SITE = "hanoimoi"
INTERVAL = 0.5  # seconds between samples
ARTICLES_PER_SITEMAP = 1000
LISTING_PAGES = 10
LISTING_SIZE = 20
FEED_ITEMS = 50
BASELINES = ("extract", "no-pipelines")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    t: float  # seconds since the crawl was started
    lines: int  # complete lines written so far
    rss_kib: int  # VmRSS
    cpu_s: float  # user + system CPU time of the crawl so far
    seen_db: int  # bytes of seen.sqlite3
    seen_wal: int  # bytes of seen.sqlite3-wal


@dataclass
class Crawl:
    label: str
    articles: int  # in the site
    exit_status: int
    wall_s: float
    cpu_s: float  # user + system of the whole crawl process (wait4)
    max_rss_kib: int  # ru_maxrss (wait4)
    lines: int  # written, counted after the process ended
    stats: dict
    seen_bytes: int  # seen.sqlite3 + -wal after the run
    output_bytes: int
    samples: list[Sample] = field(default_factory=list)


def build(root: Path, articles: int) -> list[str]:
    """The load site: what a real OneCMS site offers to discover its articles."""
    return build_site(
        root,
        articles,
        sitemaps=max(1, articles // ARTICLES_PER_SITEMAP),
        listing_pages=LISTING_PAGES,
        listing_size=LISTING_SIZE,
        feed_items=FEED_ITEMS,
        robots=True,
    )


class LineCounter:
    """Complete lines in DATA_DIR/*/*.jsonl, read incrementally (only the bytes added)."""

    def __init__(self, data: Path):
        self.data = data
        self.offsets: dict[Path, int] = {}
        self.lines = 0

    def update(self) -> int:
        for file in self.data.glob("*/*.jsonl"):
            offset = self.offsets.get(file, 0)
            with open(file, "rb") as stream:
                stream.seek(offset)
                chunk = stream.read()
            complete = chunk.rfind(b"\n") + 1
            self.lines += chunk.count(b"\n", 0, complete)
            self.offsets[file] = offset + complete
        return self.lines


def rss_and_cpu(pid: int) -> tuple[int, float] | None:
    """VmRSS in KiB and CPU seconds; None once the process is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            rss = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), None)
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            # Fields after the command name, which is in parentheses and may hold spaces.
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, ValueError):
        return None
    if rss is None:
        return None
    return rss, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def seen_store_bytes(data: Path) -> tuple[int, int]:
    """Bytes of the seen store's database and of its write-ahead log."""
    return file_size(data / "seen.sqlite3"), file_size(data / "seen.sqlite3-wal")


def crawl(
    label: str,
    site: Path,
    articles: int,
    work: Path,
    settings: list[str],
    timeout: float,
) -> Crawl:
    """Run the crawl in a subprocess, sampling its RSS, CPU and lines written every INTERVAL."""
    data = work / f"{label}-data"
    log, stats_file = work / f"{label}.log", work / f"{label}-stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", SITE, "-a", "since=2020-01-01"]
    for setting in (
        f"REPLAY_DIR={site}",
        f"DATA_DIR={data}",
        f"LOG_FILE={log}",
        f"STATS_FILE={stats_file}",
        *settings,
    ):
        command += ["-s", setting]
    counter = LineCounter(data)
    samples: list[Sample] = []
    with open(work / f"{label}.out", "wb") as out:
        start = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    tick = 0
    while True:
        measured = rss_and_cpu(process.pid)
        lines = counter.update()
        now = time.monotonic() - start
        if measured is not None:
            rss, cpu = measured
            samples.append(Sample(round(now, 3), lines, rss, cpu, *seen_store_bytes(data)))
        # wait4, not Popen.wait: it also gives the child's peak RSS and CPU time.
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if now > timeout:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        tick += 1
        time.sleep(max(0.0, start + tick * INTERVAL - time.monotonic()))
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return Crawl(
        label=label,
        articles=articles,
        exit_status=process.returncode,
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        max_rss_kib=usage.ru_maxrss,  # KiB on Linux
        lines=counter.update(),
        stats=stats,
        seen_bytes=sum(seen_store_bytes(data)),
        output_bytes=sum(f.stat().st_size for f in data.glob(f"{SITE}/*.jsonl")),
        samples=samples,
    )


def extract_pages(pages: list[tuple[str, Path]]) -> tuple[float, float]:
    """Wall and CPU seconds to read and extract each page, as the crawl's replay does."""
    wall, cpu = time.perf_counter(), time.process_time()
    for url, path in pages:
        extract(path.read_text("utf-8"), url, site=SITE)
    return time.perf_counter() - wall, time.process_time() - cpu


def spider_set_kib(urls: list[str]) -> float:
    """What the spider's per-run set takes for these URLs: ``_requested``, their url_key
    digests (article requests skip the dupefilter, so it holds no fingerprint of them)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    requested = {url_key(url) for url in urls}
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del requested
    return size / 1024


def crossing(samples: list[Sample], target: int) -> tuple[float, Sample] | None:
    """When ``target`` lines were reached (linear between samples), and the first sample there."""
    previous = None
    for sample in samples:
        if sample.lines >= target:
            if previous is None or sample.lines == previous.lines:
                return sample.t, sample
            share = (target - previous.lines) / (sample.lines - previous.lines)
            return previous.t + share * (sample.t - previous.t), sample
        previous = sample
    return None


def analyse(run: Crawl) -> tuple[dict, list[dict]]:
    """The figures of a crawl, and its curve at every tenth of the lines it wrote."""
    samples, written = run.samples, run.lines
    figures: dict = {
        "articles": run.articles,
        "written": written,
        "exit_status": run.exit_status,
        "wall_s": run.wall_s,
        "cpu_s": run.cpu_s,
        # ru_maxrss can read a little under a VmRSS sample (the kernel sums its per-CPU RSS
        # counters lazily): the peak is the higher of the two.
        "peak_rss_mib": max([run.max_rss_kib, *(s.rss_kib for s in samples)]) / 1024,
        "ru_maxrss_mib": run.max_rss_kib / 1024,
        "seen_bytes": run.seen_bytes,
        "seen_bytes_per_article": run.seen_bytes / written if written else None,
        "seen_wal_max_kib": max((s.seen_wal for s in samples), default=0) / 1024,
        "output_bytes_per_article": run.output_bytes / written if written else None,
        "articles_per_s_wall": written / run.wall_s if run.wall_s else None,
    }
    curve: list[dict] = []
    before = [s for s in samples if s.lines == 0]
    first = crossing(samples, 1)
    if not written or first is None:
        return figures, curve
    s = before[-1] if before else first[1]
    curve.append({"percent": 0, "articles": 0, "t": s.t, "rss_mib": s.rss_kib / 1024,
                  "articles_per_s": None, "cpu_ms_per_article": None,
                  "seen_db_kib": s.seen_db / 1024, "seen_wal_kib": s.seen_wal / 1024})  # fmt: skip
    last_t, last_n, last_sample = first[0], 1, first[1]
    for decile in range(1, 11):
        target = math.ceil(decile * written / 10)
        t, sample = crossing(samples, target) or (samples[-1].t, samples[-1])
        rate = (target - last_n) / (t - last_t) if t > last_t else None
        lines = sample.lines - last_sample.lines
        cpu = (sample.cpu_s - last_sample.cpu_s) / lines * 1000 if lines > 0 else None
        curve.append({"percent": decile * 10, "articles": target, "t": round(t, 2),
                      "rss_mib": sample.rss_kib / 1024, "articles_per_s": rate,
                      "cpu_ms_per_article": cpu, "seen_db_kib": sample.seen_db / 1024,
                      "seen_wal_kib": sample.seen_wal / 1024})  # fmt: skip
        last_t, last_n, last_sample = t, target, sample
    low, high = curve[1], curve[-1]
    figures["rss_before_first_line_mib"] = curve[0]["rss_mib"]
    figures["rss_10_mib"] = low["rss_mib"]
    figures["rss_100_mib"] = high["rss_mib"]
    figures["rss_100_over_10"] = high["rss_mib"] / low["rss_mib"]
    thousands = (high["articles"] - low["articles"]) / 1000
    figures["growth_10_100_kib_per_1000"] = (
        (high["rss_mib"] - low["rss_mib"]) * 1024 / thousands if thousands else None
    )
    writing = high["t"] - first[0]
    figures["writing_s"] = writing
    figures["articles_per_s"] = (written - 1) / writing if writing > 0 else None
    cpu_lines = last_sample.lines - first[1].lines
    figures["cpu_ms_per_article"] = (
        (last_sample.cpu_s - first[1].cpu_s) / cpu_lines * 1000 if cpu_lines > 0 else None
    )
    return figures, curve


def scaling(big: dict, small: dict) -> dict:
    """Growth per 1,000 articles of the site, between two crawls of different sizes."""
    thousands = (big["written"] - small["written"]) / 1000
    if thousands <= 0 or "rss_100_mib" not in big or "rss_100_mib" not in small:
        return {}
    return {
        "reference_articles": small["articles"],
        "reference_rss_100_mib": small["rss_100_mib"],
        "reference_peak_rss_mib": small["peak_rss_mib"],
        "rss_100_kib_per_1000": (big["rss_100_mib"] - small["rss_100_mib"]) * 1024 / thousands,
        "peak_kib_per_1000": (big["peak_rss_mib"] - small["peak_rss_mib"]) * 1024 / thousands,
    }


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "system": f"{platform.system()} {platform.release()}",
        "loadavg_start": os.getloadavg()[0],
    }


def _num(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(result: dict) -> str:
    """The printed summary (the JSON holds the same and every sample)."""
    m, f, site = result["machine"], result["figures"], result["site"]
    stats = result["stats"]
    lines = [
        f"{m['date']}, Python {m['python']}, {m['cpus']} CPUs ({m['cpu_model']}), {m['system']}, "
        f"load average {m['loadavg_start']:.1f} at the start, {m['loadavg_end']:.1f} at the end",
        f"site: {site['articles']} articles, {site['sitemaps']} child sitemaps, "
        f"{site['listing_pages']}-page listing, {site['feed_items']}-item feed; built in "
        f"{site['build_s']:.0f} s",
        f"crawl: exit status {f['exit_status']}, {f['written']} of {f['articles']} written, "
        f"{stats.get('downloader/response_count', 0)} responses, finish reason "
        f"{stats.get('finish_reason', '-')}; {f['wall_s']:.1f} s, {f['cpu_s']:.1f} s CPU"
        + (f"; settings {' '.join(result['settings'])}" if result["settings"] else ""),
        "",
        f"{'written':>8} {'articles':>9} {'t (s)':>7} {'RSS MiB':>8} {'art/s':>6} "
        f"{'CPU ms/art':>10} {'db KiB':>7} {'wal KiB':>8}",
    ]
    for p in result["curve"]:
        lines.append(
            f"{p['percent']:>7}% {p['articles']:>9} {p['t']:>7.1f} {p['rss_mib']:>8.1f} "
            f"{_num(p['articles_per_s'], '.0f'):>6} {_num(p['cpu_ms_per_article'], '.2f'):>10} "
            f"{p['seen_db_kib']:>7.0f} {p['seen_wal_kib']:>8.0f}"
        )
    lines.append("")
    lines.append(
        f"peak RSS {f['peak_rss_mib']:.1f} MiB (ru_maxrss {f['ru_maxrss_mib']:.1f}); "
        f"before the first line {_num(f.get('rss_before_first_line_mib'), '.1f')} MiB"
    )
    if "rss_100_over_10" in f:
        lines.append(
            f"RSS at 10% {f['rss_10_mib']:.1f} MiB, at 100% {f['rss_100_mib']:.1f} MiB: "
            f"{f['rss_100_over_10']:.3f}x, {_num(f['growth_10_100_kib_per_1000'], '.0f')} KiB "
            f"per 1,000 articles written"
        )
    s = result["scaling"]
    if s:
        lines.append(
            f"against a {s['reference_articles']}-article site (RSS at 100% "
            f"{s['reference_rss_100_mib']:.1f} MiB, peak {s['reference_peak_rss_mib']:.1f}): "
            f"RSS at 100% grows {s['rss_100_kib_per_1000']:.0f} KiB and the peak "
            f"{s['peak_kib_per_1000']:.0f} KiB per 1,000 articles of the site"
        )
    lines.append(
        f"the spider's per-run set (_requested url_key digests): "
        f"{f['spider_set_kib_per_1000']:.0f} KiB per 1,000 articles (tracemalloc)"
    )
    lines.append(
        f"throughput {_num(f.get('articles_per_s'), '.0f')} articles/s from the first line to "
        f"the last, {_num(f['articles_per_s_wall'], '.0f')}/s over the whole run; "
        f"{_num(f.get('cpu_ms_per_article'), '.2f')} ms CPU per article while writing"
    )
    for b in result["baselines"].values():
        lines.append(f"baseline: {b['summary']}")
    lines.append(
        f"seen store after the run: {f['seen_bytes']} bytes, "
        f"{_num(f['seen_bytes_per_article'], '.1f')} bytes/article (seen.sqlite3 + -wal, "
        f"checkpointed at close; the WAL reached {f['seen_wal_max_kib']:.0f} KiB while running); "
        f"output {_num(f['output_bytes_per_article'], '.0f')} bytes/article"
    )
    return "\n".join(lines)


def extract_baseline(times: list[tuple[float, float]], pages: int, figures: dict) -> dict:
    wall, cpu = sum(t for t, _ in times), sum(c for _, c in times)
    ms, cpu_ms = wall / pages * 1000, cpu / pages * 1000
    baseline = {"pages": pages, "ms_per_page": ms, "cpu_ms_per_page": cpu_ms}
    summary = f"extract() alone, {pages} pages: {1000 / ms:.0f} pages/s, {cpu_ms:.2f} ms CPU a page"
    if figures.get("articles_per_s") and figures.get("cpu_ms_per_article"):
        baseline["time_ratio"] = (1000 / figures["articles_per_s"]) / ms
        baseline["cpu_ratio"] = figures["cpu_ms_per_article"] / cpu_ms
        summary += (
            f"; an article in the crawl takes {baseline['time_ratio']:.2f}x the time and "
            f"{baseline['cpu_ratio']:.2f}x the CPU"
        )
    baseline["summary"] = summary
    return baseline


def no_pipelines_baseline(bare: Crawl, crawled: Crawl) -> dict:
    items = bare.stats.get("item_scraped_count", 0)
    baseline = {
        "exit_status": bare.exit_status,
        "items": items,
        "wall_s": bare.wall_s,
        "cpu_s": bare.cpu_s,
        "peak_rss_mib": max([bare.max_rss_kib, *(s.rss_kib for s in bare.samples)]) / 1024,
    }
    summary = (
        f"the same crawl with ITEM_PIPELINES off: {items} items in {bare.wall_s:.1f} s, "
        f"{bare.cpu_s:.1f} s CPU, peak RSS {baseline['peak_rss_mib']:.1f} MiB"
    )
    if items and crawled.lines:
        baseline["wall_ratio"] = (crawled.wall_s / crawled.lines) / (bare.wall_s / items)
        baseline["cpu_ratio"] = (crawled.cpu_s / crawled.lines) / (bare.cpu_s / items)
        summary += (
            f"; with them an article takes {baseline['wall_ratio']:.2f}x the time and "
            f"{baseline['cpu_ratio']:.2f}x the CPU (whole runs)"
        )
    baseline["summary"] = summary
    return baseline


def run(
    articles: int,
    reference: int,
    baselines: list[str],
    settings: list[str],
    work: Path,
    timeout: float,
) -> dict:
    started = time.monotonic()
    urls = build(work / "site", articles)
    build_s = time.monotonic() - started
    if reference:
        build(work / "reference-site", reference)
    pages = [(url, work / "site" / "a" / f"{n}.html") for n, url in enumerate(urls)]
    result: dict = {
        "machine": machine(),
        "command": " ".join(["bench/load.py", *sys.argv[1:]]),
        "settings": settings,
        "site": {
            "articles": articles,
            "sitemaps": max(1, articles // ARTICLES_PER_SITEMAP),
            "listing_pages": LISTING_PAGES,
            "feed_items": FEED_ITEMS,
            "build_s": round(build_s, 1),
        },
        "baselines": {},
        "scaling": {},
    }
    extract_times = []
    if "extract" in baselines:
        extract_pages(pages[:20])  # warm-up: imports, lazily built parsers
        extract_times.append(extract_pages(pages[::2]))
    crawled = crawl("crawl", work / "site", articles, work, settings, timeout)
    if "extract" in baselines:
        extract_times.append(extract_pages(pages[1::2]))
    figures, curve = analyse(crawled)
    figures["spider_set_kib_per_1000"] = spider_set_kib(urls) / (articles / 1000)
    if extract_times:
        result["baselines"]["extract"] = extract_baseline(extract_times, len(pages), figures)
    if reference:
        small = crawl("reference", work / "reference-site", reference, work, settings, timeout)
        small_figures, _ = analyse(small)
        result["reference"] = small_figures
        result["scaling"] = scaling(figures, small_figures)
    if "no-pipelines" in baselines:
        bare = crawl("no-pipelines", work / "site", articles, work, ["ITEM_PIPELINES={}"], timeout)
        result["baselines"]["no-pipelines"] = no_pipelines_baseline(bare, crawled)
    # Others' work on a shared machine shows here: read the wall-time figures in its light.
    result["machine"]["loadavg_end"] = os.getloadavg()[0]
    result["stats"] = crawled.stats
    result["figures"] = figures
    result["curve"] = curve
    result["samples"] = [asdict(s) for s in crawled.samples]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000, help="site size (20000)")
    parser.add_argument(
        "--reference",
        type=int,
        help="size of the reference site (default: a tenth of --articles; 0: none)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure and sample here")
    parser.add_argument(
        "--baseline",
        default="extract",
        help=f"comma-separated, of {', '.join(BASELINES)} (default: extract; '' for none)",
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for the measured crawls (repeatable)",
    )
    parser.add_argument("--workdir", type=Path, help="build and crawl here, and keep it")
    parser.add_argument("--timeout", type=float, default=3600, help="kill a crawl after (s)")
    options = parser.parse_args(argv)
    baselines = [b for b in options.baseline.split(",") if b]
    reference = options.articles // 10 if options.reference is None else options.reference
    if options.articles < 10:
        parser.error("--articles must be at least 10")
    if not 0 <= reference < options.articles:
        parser.error("--reference must be between 0 and --articles")
    if unknown := set(baselines) - set(BASELINES):
        parser.error(f"unknown baseline {sorted(unknown)}: expected {', '.join(BASELINES)}")
    if bad := [s for s in options.setting if "=" not in s]:
        parser.error(f"--setting expects NAME=VALUE, got {bad[0]!r}")
    if options.workdir:
        if options.workdir.exists() and any(options.workdir.iterdir()):
            parser.error(f"--workdir {options.workdir} is not empty")
        options.workdir.mkdir(parents=True, exist_ok=True)
        work = options.workdir
    else:
        work = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        result = run(options.articles, reference, baselines, options.setting, work, options.timeout)
    finally:
        if not options.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(report(result))
    if options.json:
        options.json.write_text(json.dumps(result, indent=1, default=str), "utf-8")
    return 0 if result["figures"]["exit_status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
