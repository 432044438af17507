"""Running the real crawl command over the fixture sites, for the end-to-end tests."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
CRAWL_FIELDS = ("crawled_at", "content_hash", "schema_version")


def crawl(
    site: str, data: Path, *arguments: str, replay: Path = SITES, **settings: str
) -> tuple[int, dict, str]:
    """Run ``scrapy crawl site`` over the replay; return its exit status, final stats and log.

    ``arguments`` are ``-a`` values ("since=2020-01-01"); ``settings`` are ``-s`` ones.
    """
    stats_file = data / f"stats-{site}.json"
    stats_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "scrapy", "crawl", site]
    for argument in arguments:
        command += ["-a", argument]
    command += [
        "-s",
        f"REPLAY_DIR={replay}",
        "-s",
        f"DATA_DIR={data}",
        "-s",
        f"STATS_FILE={stats_file}",
    ]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return done.returncode, stats, done.stderr


def written(data: Path, site: str) -> list[dict]:
    return [
        json.loads(line)
        for file in sorted((data / site).glob("*.jsonl"))
        for line in file.read_text("utf-8").splitlines()
    ]


def expected_articles() -> dict[str, dict]:
    """The hand-written expected JSON of every fixture article, by canonical URL."""
    articles = {}
    for path in SITES.glob("**/*.expected.json"):
        article = json.loads(path.read_text("utf-8"))
        articles[article["url"]] = article
    return articles
