"""bench/throughput.py runs, end to end, on a small site: the full crawl writes every article,
the ceiling and engine crawls fetch the same pages and write none, and the ratios and the
profile summary are printed. No figure is asserted (docs/benchmarks.md has them)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_small_run_prints_both_ratios_and_where_the_time_goes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "bench/throughput.py", "--articles", "120", "--page-kb", "8",
         "--rounds", "1", "--profile", "--workdir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    rows = re.findall(r"^\s+1\s+(full|ceiling|engine)\s+(\d+)\s+(\d+)\s", out, re.M)
    assert sorted(rows) == [("ceiling", "120", "0"), ("engine", "120", "0"), ("full", "120", "120")]
    assert re.search(r"full/ceiling: median \d\.\d{3}", out)
    assert re.search(r"full/engine: median \d\.\d{3}", out)
    assert "extraction (NewsSpider.extract_article)" in out and "total (profiled)" in out


def test_the_ceiling_spiders_are_not_the_projects() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "hanoimoi" in done.stdout.split()
    assert not any("ceiling" in name or "engine" in name for name in done.stdout.split())
