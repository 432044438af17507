"""Load: one process crawls a generated replay site with every pipeline on (bench/load.py).

Must hold: every article is written, once; memory stays flat while the articles are written (RSS
at the end within 1.5x of RSS at a tenth); the figures (curve, peak, throughput and its ratio to
the extract() baseline, seen store and output bytes per article) are produced. The quick test
crawls 2,000 articles; the long one (``--long``) 20,000, whose latest figures are in
docs/reliability/load.md. Real processes and files: the bench runs as a script.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sitegen import article_url

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "load.py"
FLAT = 1.5  # RSS at 100% of the articles written over RSS at 10%: generous on purpose


def _load(tmp_path: Path, articles: int, timeout: float) -> tuple[dict, Path]:
    work, report = tmp_path / "work", tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--articles", str(articles), "--json", str(report),
         "--workdir", str(work)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "peak RSS" in done.stdout and "bytes/article" in done.stdout
    return json.loads(report.read_text("utf-8")), work


def _check(result: dict, work: Path, articles: int) -> None:
    figures = result["figures"]
    assert figures["exit_status"] == 0
    assert figures["written"] == articles
    urls = [
        json.loads(line)["url"]
        for file in sorted((work / "crawl-data" / "hanoimoi").glob("*.jsonl"))
        for line in file.read_text("utf-8").splitlines()
    ]
    assert len(urls) == len(set(urls)), "an article was written twice"
    assert set(urls) == {article_url(n) for n in range(articles)}

    curve = result["curve"]
    assert [point["percent"] for point in curve] == list(range(0, 101, 10))
    assert all(point["rss_mib"] > 0 for point in curve)
    assert figures["rss_100_mib"] < FLAT * figures["rss_10_mib"], curve
    assert figures["peak_rss_mib"] >= figures["rss_100_mib"]

    assert figures["articles_per_s"] > 0 and figures["cpu_ms_per_article"] > 0
    # A decile whose end fell after the last sample has no rate of its own; the rest must.
    assert sum(point["articles_per_s"] is not None for point in curve[1:]) >= 9
    assert result["baselines"]["extract"]["time_ratio"] > 0
    assert result["baselines"]["extract"]["cpu_ratio"] > 0
    # SQLite with 16-byte keys: ~65 bytes an article (docs/benchmarks.md); the output ~2 KB.
    assert 20 < figures["seen_bytes_per_article"] < 1000
    assert 500 < figures["output_bytes_per_article"] < 20_000
    assert figures["spider_set_kib_per_1000"] > 0
    assert result["scaling"]["rss_100_kib_per_1000"] is not None


def test_a_crawl_of_2000_articles_writes_them_all_in_flat_memory(tmp_path):
    result, work = _load(tmp_path, 2000, timeout=600)
    _check(result, work, 2000)


@pytest.mark.long
def test_a_crawl_of_20000_articles_writes_them_all_in_flat_memory(tmp_path):
    result, work = _load(tmp_path, 20_000, timeout=3600)
    _check(result, work, 20_000)
