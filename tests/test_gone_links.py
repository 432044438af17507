"""Article URLs that answer 404 or 410 are recorded as gone and not requested again for
GONE_RECHECK_AFTER: a listing or sitemap that keeps a dead link no longer has it fetched, and
failing, on every run (crawler/spiders/base.py, crawler/seen.py). Real crawls over a replay."""

import json
from pathlib import Path

from crawling import crawl, written
from sitegen import article_url, build_site

ARTICLES = 40


def site_with_dead_links(root: Path) -> set[str]:
    # Every entry point served (robots.txt, sitemaps, listing, feed): the rerun's few requests
    # all answer, so its health is judged on the dead links alone.
    build_site(root, ARTICLES, sitemaps=2, listing_pages=2, feed_items=10, robots=True)
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    dead = {article_url(n): 404 for n in range(0, ARTICLES, 8)}
    dead[article_url(3)] = 410
    moved = article_url(5)  # redirected to a page that is gone: the discovered URL is recorded
    dead_target = "https://hanoimoi.vn/da-go-bo-999999.html"
    manifest[moved] = {"status": 301, "headers": {"Location": dead_target}}
    manifest[dead_target] = {"status": 404}
    for url, status in dead.items():
        manifest[url] = {"status": status}
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return {*dead, moved}


def test_a_gone_article_is_not_requested_again_until_its_recheck(tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    gone = site_with_dead_links(site)

    status, stats, log = crawl("hanoimoi", data, "since=2020-01-01", replay=site)
    assert status == 0, log
    assert len(written(data, "hanoimoi")) == ARTICLES - len(gone)
    assert stats["articles/gone"] == len(gone)
    assert stats["discovery/article_requests"] == ARTICLES

    # The rerun requests nothing: every link is written or gone. The site stays healthy.
    status, stats, log = crawl("hanoimoi", data, "since=2020-01-01", replay=site)
    assert status == 0, log
    assert stats["discovery/gone"] == len(gone)
    assert stats["discovery/already_seen"] == ARTICLES - len(gone)
    assert "discovery/article_requests" not in stats
    for url in gone:
        assert f"<404 {url}>" not in log and f"<410 {url}>" not in log

    # Once their records are older than GONE_RECHECK_AFTER, they are tried again.
    status, stats, log = crawl(
        "hanoimoi", data, "since=2020-01-01", replay=site, GONE_RECHECK_AFTER="0m"
    )
    assert stats["discovery/article_requests"] == len(gone)
    assert stats["articles/gone"] == len(gone)
    assert "discovery/gone" not in stats


def test_refresh_requests_gone_articles_again(tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    gone = site_with_dead_links(site)
    crawl("hanoimoi", data, "since=2020-01-01", replay=site)
    _, stats, _ = crawl("hanoimoi", data, "since=2020-01-01", "refresh=1", replay=site)
    assert stats["discovery/article_requests"] == ARTICLES
    assert stats["articles/gone"] == len(gone)


def test_a_recheck_span_that_makes_no_sense_is_a_usage_error(tmp_path: Path) -> None:
    status, _, log = crawl("hanoimoi", tmp_path / "data", GONE_RECHECK_AFTER="a week")
    assert status == 2, log
    assert "GONE_RECHECK_AFTER='a week': expected" in log


def test_a_run_that_finds_only_gone_links_has_found_links(tmp_path: Path) -> None:
    site, data = tmp_path / "site", tmp_path / "data"
    build_site(site, 6, sitemaps=2, listing_pages=1, feed_items=3, robots=True)
    manifest = json.loads((site / "manifest.json").read_text("utf-8"))
    for n in range(6):
        manifest[article_url(n)] = {"status": 410}
    (site / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    status, stats, _ = crawl("hanoimoi", data, "since=2020-01-01", replay=site)
    assert status == 3  # every article page requested failed: that is news
    assert stats["articles/gone"] == 6
    status, stats, log = crawl("hanoimoi", data, "since=2020-01-01", replay=site)
    assert stats["discovery/gone"] == 6
    assert "found no article link" not in log
    assert status == 0, log
