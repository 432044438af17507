"""Every fixture article page extracts to the expected JSON written by hand beside it."""

import json
from pathlib import Path

import pytest
from regenerate_expected import expected_path, fixture_pages

from crawler.extract import extract, site_spiders

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
PAGES = fixture_pages(SITES)


def test_every_site_has_fixture_pages():
    urls = [url for url, _ in PAGES]
    for name, spider in site_spiders().items():
        assert any(spider.on_site(url) for url in urls), f"{name}: no fixture page on its domains"


@pytest.mark.parametrize(("url", "page"), PAGES, ids=[p.stem for _, p in PAGES])
def test_fixture_page_extracts_to_its_expected_json(url, page):
    expected = json.loads(expected_path(page).read_text("utf-8"))
    assert extract(page.read_text("utf-8"), url) == expected
