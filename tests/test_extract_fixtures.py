"""Every fixture article page extracts to the expected JSON written by hand beside it."""

import json
from pathlib import Path

import pytest
from regenerate_expected import expected_path, fixture_pages

from crawler.extract import extract

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
PAGES = fixture_pages(SITES)


def test_every_site_has_fixture_pages():
    hosts = {url.split("/")[2] for url, _ in PAGES}
    assert hosts == {"hanoimoi.vn", "nhipsonghanoi.hanoimoi.vn", "nguoihanoi.vn"}


@pytest.mark.parametrize(("url", "page"), PAGES, ids=[p.stem for _, p in PAGES])
def test_fixture_page_extracts_to_its_expected_json(url, page):
    expected = json.loads(expected_path(page).read_text("utf-8"))
    assert extract(page.read_text("utf-8"), url) == expected
