"""The spider's queue of discovered article URLs (crawler/spiders/base.py): at most
ARTICLE_REQUESTS_AHEAD article requests are in Scrapy's hands at a time, and every article is
still requested once and written once, whether its page answers, fails or redirects."""

import json
from pathlib import Path

from crawling import crawl, written
from sitegen import article_url, build_site

ARTICLES = 300


def test_a_sitemap_of_300_articles_is_fed_5_requests_at_a_time(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(site, ARTICLES)
    status, stats, log = crawl(
        "hanoimoi", tmp_path / "data", "since=2020-01-01", replay=site, ARTICLE_REQUESTS_AHEAD="5"
    )
    assert status == 0, log
    lines = written(tmp_path / "data", "hanoimoi")
    assert sorted(line["url"] for line in lines) == sorted(article_url(n) for n in range(ARTICLES))
    assert stats["discovery/article_requests"] == ARTICLES
    assert stats["discovery/article_requests_ahead_max"] == 5
    assert stats["finish_reason"] == "finished"


def test_failing_and_redirected_article_pages_do_not_stall_the_queue(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(site, ARTICLES)
    manifest_path = site / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    gone = {article_url(n) for n in range(0, ARTICLES, 10)}
    broken = {article_url(n) for n in range(5, ARTICLES, 50)}
    moved = {article_url(n): article_url(n + 1) for n in range(7, ARTICLES, 50)}
    for url in gone:
        manifest[url] = {"status": 404}
    for url in broken:
        manifest[url] = {"status": 500}
    for url, target in moved.items():
        manifest[url] = {"status": 301, "headers": {"Location": target}}
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    status, stats, log = crawl(
        "hanoimoi", tmp_path / "data", "since=2020-01-01", replay=site, ARTICLE_REQUESTS_AHEAD="3"
    )
    lines = written(tmp_path / "data", "hanoimoi")
    urls = [line["url"] for line in lines]
    # A moved page is its target's article, already written or dropped as a duplicate.
    expected = {article_url(n) for n in range(ARTICLES)} - gone - broken - set(moved)
    assert status == 0, log
    assert sorted(urls) == sorted(expected), log
    assert stats["discovery/article_requests"] == ARTICLES
    # Logged as Scrapy logs them without the queue: no failure goes unsaid.
    for url in gone:
        assert f"<404 {url}>" in log
    for url in broken:
        assert f"Gave up retrying <GET {url}> (failed 3 times): 500" in log
    assert stats["discovery/article_requests_ahead_max"] <= 3
    assert stats["finish_reason"] == "finished"


def test_a_queue_of_no_requests_is_a_usage_error(tmp_path: Path) -> None:
    for value in ("0", "-3", "many"):
        status, _, log = crawl("hanoimoi", tmp_path / "data", ARTICLE_REQUESTS_AHEAD=value)
        assert status == 2, log
        assert f"ARTICLE_REQUESTS_AHEAD='{value}': expected a whole number" in log
