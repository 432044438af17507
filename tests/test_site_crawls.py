"""Every spider of `scrapy list` has fixtures and an end-to-end crawl over them.

`tests/fixtures/crawls/<spider>.json` says what a crawl from the spider's default entry points
writes over the replay of tests/fixtures/sites (on an empty DATA_DIR), and stats it must show;
each written line must equal the hand-written expected JSON of its page. A spider added without
fixture pages or without this file fails here.
"""

import json
from pathlib import Path

import pytest
from crawling import CRAWL_FIELDS, ROOT, crawl, expected_articles, written

from crawler.extract import site_spiders

CRAWLS = ROOT / "tests" / "fixtures" / "crawls"
SPIDERS = sorted(site_spiders())


def crawl_expectation(site: str) -> dict:
    return json.loads((CRAWLS / f"{site}.json").read_text("utf-8"))


@pytest.mark.parametrize("site", SPIDERS)
def test_every_spider_has_fixture_pages_and_a_crawl_expectation(site):
    pages = [a for a in expected_articles().values() if a["site"] == site]
    assert pages, f"{site}: no fixture page with an expected JSON under tests/fixtures/sites"
    assert (CRAWLS / f"{site}.json").is_file(), f"{site}: no tests/fixtures/crawls/{site}.json"


@pytest.mark.parametrize("site", SPIDERS)
def test_crawl_from_the_default_entry_points(site, tmp_path: Path):
    expectation = crawl_expectation(site)
    status, stats, log = crawl(site, tmp_path, *expectation["arguments"])
    assert status == 0, log
    lines = written(tmp_path, site)
    assert sorted(a["url"] for a in lines) == sorted(expectation["written"])
    expected = expected_articles()
    for article in lines:
        fields = {k: v for k, v in article.items() if k not in CRAWL_FIELDS}
        assert fields == expected[article["url"]]
    for name, value in expectation["stats"].items():
        assert stats.get(name) == value, name
