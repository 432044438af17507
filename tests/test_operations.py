"""Operations: scrapy crawlall, the per-site locks, the run report and its exit status.

Real commands in subprocesses over replays of the fixture sites; nothing is mocked.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawling import ROOT, SITES, written
from jsonschema import Draft202012Validator
from sitegen import build_site

REPORT_SCHEMA = json.loads((ROOT / "crawler" / "schemas" / "report.schema.json").read_text("utf-8"))
ALL_SITES = sorted(
    subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
)
# A redesign: the OneCMS classes the hanoimoi parser knows are gone from its pages.
REDESIGN = {
    "c-detail-head": "article-top",
    "c-news-detail": "article-main",
    "b-maincontent": "article-text",
    "content-main-normal": "article-text",
    "sc-longform": "story",
    "block-sc-": "story-",
}


def scrapy(*arguments: str, data: Path, replay: Path = SITES, wait: bool = True):
    command = [sys.executable, "-m", "scrapy", *arguments]
    command += ["-s", f"REPLAY_DIR={replay}", "-s", f"DATA_DIR={data}"]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)


def report_of(data: Path) -> dict:
    (path,) = sorted((data / "reports").glob("*.json"))[-1:]
    report = json.loads(path.read_text("utf-8"))
    assert not list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report))
    return report


def redesigned_replay(tmp_path: Path) -> Path:
    """The fixture sites, hanoimoi's article pages redesigned."""
    replay = tmp_path / "sites"
    shutil.copytree(SITES, replay)
    for page in (replay / "hanoimoi.vn" / "articles").glob("*.html"):
        html = page.read_text("utf-8")
        for old, new in REDESIGN.items():
            html = html.replace(old, new)
        page.write_text(html, "utf-8")
    return replay


def test_crawlall_names_the_site_whose_layout_changed(tmp_path):
    data = tmp_path / "data"
    done = scrapy(
        "crawlall", "--sites", "hanoimoi,nguoihanoi", "-a", "since=2020-01-01",
        data=data, replay=redesigned_replay(tmp_path),
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    report = report_of(data)
    assert sorted(report["sites"]) == ["hanoimoi", "nguoihanoi"]
    assert report["run"]["failing"] == ["hanoimoi"]
    assert report["run"]["exit_status"] == 3
    hanoimoi, nguoihanoi = report["sites"]["hanoimoi"], report["sites"]["nguoihanoi"]
    assert nguoihanoi["status"] == "healthy"
    assert nguoihanoi["articles_written"] == 4
    assert nguoihanoi["fill_rates"] == {
        "authors": 0.75,
        "published_at": 1.0,
        "lead": 1.0,
        "related": 1.0,
    }
    assert hanoimoi["status"] == "failing"
    assert hanoimoi["fallbacks"] >= 5
    assert any("needed the generic extractor" in reason for reason in hanoimoi["reasons"])
    # The summary on standard output names the failing site and why.
    assert "FAILING hanoimoi: " in done.stdout
    assert "needed the generic extractor: its parser no longer fits the site" in done.stdout
    # Articles are still written: the output degrades, it does not stop.
    assert all(a["extractor"] == "generic" for a in written(data, "hanoimoi"))
    assert written(data, "hanoimoi")


def test_a_replay_where_every_page_is_missing_names_every_site(tmp_path):
    replay = tmp_path / "empty"
    replay.mkdir()
    (replay / "manifest.json").write_text("{}", "utf-8")
    data = tmp_path / "data"
    done = scrapy("crawlall", data=data, replay=replay)
    assert done.returncode == 3, done.stderr
    report = report_of(data)
    # Every spider of `scrapy list` is in the report, each failing with its reason.
    assert sorted(report["sites"]) == ALL_SITES
    assert report["run"]["failing"] == ALL_SITES
    for site in ALL_SITES:
        assert report["sites"][site]["reasons"][0].startswith("found no article link")
        assert f"FAILING {site}: found no article link" in done.stdout
    # crawlall logs to DATA_DIR/logs/<start>.log, one file a run.
    assert [p.stem for p in (data / "logs").glob("*.log")] == [report["run"]["id"]]


def test_a_healthy_run_exits_0_and_crawl_writes_a_report_too(tmp_path):
    data = tmp_path / "data"
    done = scrapy("crawl", "nguoihanoi", "-a", "since=2020-01-01", data=data)
    assert done.returncode == 0, done.stderr
    report = report_of(data)
    assert report["run"]["command"] == "crawl nguoihanoi"
    assert report["sites"]["nguoihanoi"]["status"] == "healthy"
    assert "nguoihanoi     healthy" in done.stdout or "nguoihanoi  healthy" in done.stdout


def test_since_defaults_to_the_last_healthy_run_less_the_overlap(tmp_path):
    data = tmp_path / "data"
    (data / "state").mkdir(parents=True)
    (data / "state" / "hanoimoi.json").write_text(
        json.dumps({"last_success": "2024-12-19T00:00:00+07:00"}), "utf-8"
    )
    done = scrapy("crawlall", "--sites", "hanoimoi", "-s", "SINCE_OVERLAP=12h", data=data)
    assert done.returncode == 0, done.stderr
    # since = 2024-12-18T12:00+07:00: only the articles published after it.
    assert sorted(a["url"] for a in written(data, "hanoimoi")) == [
        "https://hanoimoi.vn/pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html",
    ]
    state = json.loads((data / "state" / "hanoimoi.json").read_text("utf-8"))
    assert state["last_success"].startswith(report_of(data)["run"]["started_at"][:19])


def test_unknown_sites_stop_crawlall_saying_what_is_expected(tmp_path):
    done = scrapy("crawlall", "--sites", "hanoimoi,nosuchsite", data=tmp_path)
    assert done.returncode == 2
    assert "--sites 'hanoimoi,nosuchsite': unknown nosuchsite; expected some of" in done.stderr


def _wait_for_lock(data: Path, site: str, process: subprocess.Popen) -> None:
    lock = data / "locks" / f"{site}.lock"
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text()) or not (data / site).exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first crawl never took its lock"
        time.sleep(0.02)


@pytest.fixture
def big_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("big")
    build_site(site, 1500)
    return site


def test_a_second_run_of_a_held_site_exits_at_once(tmp_path, big_site):
    data = tmp_path / "data"
    first = scrapy(
        "crawl", "hanoimoi", "-a", "since=2020-01-01", data=data, replay=big_site, wait=False
    )
    try:
        _wait_for_lock(data, "hanoimoi", first)
        started = time.monotonic()
        second = scrapy("crawl", "hanoimoi", "-a", "since=2020-01-01", data=data, replay=big_site)
        assert time.monotonic() - started < 10
        assert second.returncode == 75
        assert f"hanoimoi is being crawled by another run (pid {first.pid} since " in second.stderr
        # crawlall skips the held site, says so, reports it, and crawls the others.
        both = scrapy(
            "crawlall", "--sites", "hanoimoi,nguoihanoi", "-a", "since=2020-01-01", data=data
        )
        assert both.returncode == 0, both.stderr
        report = report_of(data)
        assert report["sites"]["hanoimoi"]["status"] == "locked"
        assert report["sites"]["nguoihanoi"]["status"] == "healthy"
        assert "LOCKED hanoimoi: hanoimoi is being crawled by another run" in both.stdout
    finally:
        first.kill()
        first.communicate()


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path, big_site):
    data = tmp_path / "data"
    first = scrapy(
        "crawl", "hanoimoi", "-a", "since=2020-01-01", data=data, replay=big_site, wait=False
    )
    _wait_for_lock(data, "hanoimoi", first)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    assert str(first.pid) in (data / "locks" / "hanoimoi.lock").read_text()
    second = scrapy("crawl", "hanoimoi", "-a", "since=2020-01-01", data=data, replay=big_site)
    assert second.returncode == 0, second.stderr
    assert len(written(data, "hanoimoi")) == 1500


def test_a_site_that_cannot_start_is_in_the_report_and_fails_the_run(tmp_path):
    data = tmp_path / "data"
    # A start URL on hanoimoi.vn makes no sense to nguoihanoi: its crawl cannot start.
    done = scrapy(
        "crawlall", "--sites", "hanoimoi,nguoihanoi",
        "-a", "since=2020-01-01", "-a", "start=https://hanoimoi.vn/rss/home.rss",
        data=data,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    report = report_of(data)
    assert report["sites"]["hanoimoi"]["status"] == "healthy"
    nguoihanoi = report["sites"]["nguoihanoi"]
    assert nguoihanoi["status"] == "not_started"
    assert nguoihanoi["reasons"] == [
        "start='https://hanoimoi.vn/rss/home.rss': expected a URL on nguoihanoi.vn"
    ]
    assert report["run"]["failing"] == ["nguoihanoi"]
    assert "NOT STARTED nguoihanoi: start=" in done.stdout
