"""A page is parsed once per response, whatever the fields and fallbacks: the site's parser and,
when it finds no article, the generic extractor read the same tree (trafilatura a copy of it),
which the site's parser leaves as it found it."""

from pathlib import Path

import lxml.etree
import lxml.html
import parsel
import pytest
import trafilatura
from regenerate_expected import fixture_pages

from crawler.extract import site_spiders, spider_for
from crawler.parsers.generic import GenericParser
from crawler.text import parse_html

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
PAGES = fixture_pages(SITES)
# In a comment, which no parser copies into what it returns: only a parse of the page holds it.
PROBE = "<!-- parse-probe-5c1e -->"


@pytest.fixture
def page_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per parse of a page holding PROBE, by any parser: lxml.html, parsel and
    trafilatura all parse through lxml.etree.fromstring."""
    parses: list[int] = []
    fromstring = lxml.etree.fromstring

    def counting(text, *args, **kwargs):
        raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        if PROBE[4:-4] in raw:
            parses.append(len(raw))
        return fromstring(text, *args, **kwargs)

    monkeypatch.setattr(lxml.etree, "fromstring", counting)
    return parses


def probed(page: Path) -> str:
    return page.read_text("utf-8").replace("<head>", "<head>" + PROBE, 1)


def test_the_probe_counts_a_parse_by_each_library(page_parses: list[int]) -> None:
    html = probed(PAGES[0][1])
    lxml.html.fromstring(html)
    parsel.Selector(text=html)
    trafilatura.extract(html)
    assert len(page_parses) == 3


@pytest.mark.parametrize(("url", "page"), PAGES, ids=[p.stem for _, p in PAGES])
def test_the_site_path_parses_the_page_once(url: str, page: Path, page_parses: list[int]):
    html = probed(page)
    assert PROBE in html
    spider = spider_for(url)
    fields, _ = spider.extract_article(html, url)
    assert fields["title"]
    assert len(page_parses) == 1


def test_the_fallback_path_parses_the_page_once(page_parses: list[int]) -> None:
    url, page = next((u, p) for u, p in PAGES if "hanoimoi.vn/" in u)
    html = probed(page)
    # A site whose parser finds none of its templates on another CMS's page: the generic
    # extractor reads it.
    spider = site_spiders()["vnexpress"]
    fields, fallback_reason = spider.extract_article(html, url)
    assert fields["extractor"] == "generic"
    assert fallback_reason
    assert len(page_parses) == 1
    page_parses.clear()
    assert GenericParser().parse(html, url)["body"] == fields["body"]
    assert len(page_parses) == 1


@pytest.mark.parametrize(("url", "page"), PAGES, ids=[p.stem for _, p in PAGES])
def test_the_site_parser_leaves_the_tree_as_it_found_it(url: str, page: Path) -> None:
    html = page.read_text("utf-8")
    tree = parse_html(html)
    before = lxml.etree.tostring(tree.root)
    spider_for(url).parser.parse(html, url, tree)
    assert lxml.etree.tostring(tree.root) == before
