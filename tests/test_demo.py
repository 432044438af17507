"""The README's demo: a whole offline crawl of the fixture sites, its report and its lines."""

import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_shows_a_whole_crawl_in_under_a_minute(tmp_path):
    started = time.monotonic()
    done = subprocess.run(
        [str(ROOT / "scripts" / "demo"), str(tmp_path / "data")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert elapsed < 60
    out = done.stdout
    for site in ("hanoimoi", "nguoihanoi", "vnexpress", "hanoigov"):
        assert any(line.split()[:2] == [site, "healthy"] for line in out.splitlines()), site
    (total,) = re.findall(r"(\d+) total", out)
    files = (tmp_path / "data").glob("*/*.jsonl")
    assert int(total) == sum(len(f.read_text("utf-8").splitlines()) for f in files)
    assert int(total) > 30
    assert '"site": "hanoimoi"' in out
    assert "crawlall exit status: 0" in out
    assert list((tmp_path / "data" / "reports").glob("*.json"))
