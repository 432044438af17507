"""bench/workers.py runs, end to end, in its --quick form: a local crawl and 1 and 2 distributed
workers on a small site, each writing every article exactly once, then the ratios, the Redis
commands per article and the memory per entry are printed. No figure is asserted
(docs/benchmarks.md has them)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.redis_server import MISSING

ROOT = Path(__file__).resolve().parent.parent


def test_a_quick_run_writes_each_article_once_and_prints_the_table() -> None:
    if shutil.which("redis-server") is None:  # the bench starts its own, as the tests do
        pytest.fail(MISSING)
    done = subprocess.run(
        [sys.executable, "bench/workers.py", "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    rows = re.findall(r"^\s+1\s+(local|1w|2w)\s+[\d.]+\s+(\d+)\s", out, re.M)
    assert sorted(rows) == [("1w", "150"), ("2w", "150"), ("local", "150")]
    assert "each of the 3 runs wrote each of the 150 articles once (0 duplicates, 0 missing)" in out
    assert re.search(r"^\s+1\s+2w\s.*\s+w1 \d+ / w2 \d+$", out, re.M)
    assert re.search(r"^1-worker/local\s+\d+\.\d{3}", out, re.M)
    assert re.search(r"^2-workers/1-worker\s+\d+\.\d{3}", out, re.M)
    assert re.search(r"^evalsha\s+[\d.]+\s+[\d.]+\s+[\d.]+$", out, re.M)
    assert re.search(r"blocking Redis time per article, at most: [\d.]+ commands sent", out)
    assert re.search(r"^set of 16-byte members .*\s[\d.]+\s+[\d.]+ GB$", out, re.M)
    assert re.search(r"^hash 16-byte -> 16-byte .*\s[\d.]+\s+[\d.]+ GB$", out, re.M)
