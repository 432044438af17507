"""The politeness contract of crawler/settings.py, read as Scrapy reads it."""

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.extract import site_spiders
from crawler.spiders.nguoihanoi import NguoiHaNoiSpider

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return get_project_settings()


def test_the_project_settings_are_read(settings: Settings) -> None:
    assert settings["BOT_NAME"] == "hanoi-press-crawler"
    assert settings.getlist("SPIDER_MODULES") == ["crawler.spiders"]


def test_robots_txt_is_obeyed(settings: Settings) -> None:
    assert settings.getbool("ROBOTSTXT_OBEY") is True


def test_at_most_two_requests_at_a_time_per_site(settings: Settings) -> None:
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2


def test_requests_are_spaced_and_throttled(settings: Settings) -> None:
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getbool("RANDOMIZE_DOWNLOAD_DELAY") is True  # Scrapy's jitter, kept on
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") <= 2


def test_the_user_agent_names_the_project_and_its_contact(settings: Settings) -> None:
    user_agent = settings["USER_AGENT"]
    assert settings["BOT_NAME"] in user_agent
    assert settings["CONTACT"]
    assert settings["CONTACT"] in user_agent
    assert user_agent == "hanoi-press-crawler/0.1 (+mailto:hanoi-press-crawler@example.invalid)"


def crawl_user_agent(settings: Settings, **command_line: str) -> str:
    """The User-Agent a crawl sends, given ``-s NAME=VALUE`` options (as ``scrapy crawl`` does)."""
    settings.setdict(command_line, priority="cmdline")
    crawler = Crawler(NguoiHaNoiSpider, settings)
    return UserAgentMiddleware.from_crawler(crawler).user_agent


def test_a_crawl_sends_the_projects_user_agent(settings: Settings) -> None:
    assert crawl_user_agent(settings) == settings["USER_AGENT"]


def test_contact_on_the_command_line_reaches_the_user_agent(settings: Settings) -> None:
    assert crawl_user_agent(settings, CONTACT="mailto:ops@example.org") == (
        "hanoi-press-crawler/0.1 (+mailto:ops@example.org)"
    )


def test_user_agent_on_the_command_line_wins_over_contact(settings: Settings) -> None:
    user_agent = crawl_user_agent(
        settings, CONTACT="mailto:ops@example.org", USER_AGENT="my-bot/2 (+mailto:me@example.org)"
    )
    assert user_agent == "my-bot/2 (+mailto:me@example.org)"


def test_downloads_are_bounded(settings: Settings) -> None:
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 16 * 1024 * 1024
    assert settings.getint("DOWNLOAD_MAXSIZE") == 8 * 1024 * 1024
    assert 0 < settings.getint("DOWNLOAD_TIMEOUT") <= 60


def test_feeds_are_written_in_utf8(settings: Settings) -> None:
    assert settings["FEED_EXPORT_ENCODING"] == "utf-8"


def test_the_pipelines_run_normalize_validate_dedup_write(settings: Settings) -> None:
    pipelines = settings.getdict("ITEM_PIPELINES")
    order = sorted(pipelines, key=pipelines.__getitem__)
    assert order == [
        "crawler.pipelines.NormalizePipeline",
        "crawler.pipelines.ValidatePipeline",
        "crawler.pipelines.DedupPipeline",
        "crawler.pipelines.JsonLinesWriterPipeline",
    ]
    assert len(set(pipelines.values())) == 4  # no tie left to chance


def test_the_seen_store_extension_is_enabled(settings: Settings) -> None:
    assert settings.getdict("EXTENSIONS")["crawler.seen.SeenStore"] is not None


def test_scrapy_list_prints_the_three_sites() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    listed = done.stdout.splitlines()
    # Every site's spider, sorted; the first three sites among them.
    assert listed == sorted(site_spiders())
    assert {"hanoimoi", "nguoihanoi", "nhipsonghanoi"} <= set(listed)
