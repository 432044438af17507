"""A template's selectors led by a class, an id or an attribute are answered from the page's
values of it, the rest by Selector.css: either way, what Selector.css finds, in the same order."""

from dataclasses import fields
from pathlib import Path

import pytest

from crawler.parsers import (
    dantri,
    epi,
    kinhtedothi,
    liferay,
    mastercms,
    onecms,
    vietnamnet,
    vnexpress,
)
from crawler.parsers.base import Template, _Matches, select
from crawler.text import parse_html

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
FAMILIES = (dantri, epi, kinhtedothi, liferay, mastercms, onecms, vietnamnet, vnexpress)
TEMPLATE_SELECTORS = sorted(
    {
        selector
        for family in FAMILIES
        for template in vars(family).values()
        if isinstance(template, Template)
        for field in fields(template)
        if isinstance(selectors := getattr(template, field.name), tuple)
        for selector in selectors
    }
)
# Nested and repeated scopes, classes split by tabs and by a no-break space (a class of its
# own to XPath), ids holding spaces, compounds with several classes.
TRICKY = """<html><body>
<div class="x"><div class="x b"><span class="x">a<span class="name">b</span></span></div></div>
<div class="a\tb" id="maincontent"><p>q</p><b class="name">n</b><p style="right">r</p></div>
<div class="x a\xa0b"><i class="b">z</i></div><div class="x b"><i class="x">y</i></div>
<p id="a b"><i class="b">c</i></p><p id="a"><i class="b">d</i><i class="b c">e</i></p>
<ul class="tags"><li><a href="/1">1</a></li><li><ul class="tags"><li><a href="/2">2</a></li></ul></li></ul>
<div data-x="v"><a data-x="v w" href="/3">3</a><div data-x="v"><a data-x="" href="/4">4</a></div></div>
<p style="text-align: right" data-x="a b"><b>f</b></p><a data-x="v">5</a>
</body></html>"""
TRICKY_SELECTORS = (
    ".x",
    ".x .x",
    "div.x.b",
    ".x.b i",
    "div.x > i",
    ".x > .x",
    ".x .name",
    "#a .b",
    "#a > i.b.c",
    "p#a",
    "#maincontent > p",
    "#maincontent p[style*=right]",
    "div.a .name",
    ".b",
    ".tags a",
    ".tags > li > a",
    ".tags li + li a",
    ".missing a",
    "[data-x]",
    "a[data-x=v]",
    "[data-x='v'] a",
    "div[data-x=v] > a",
    '[data-x=""]',
    '[data-x="a b"] b',
    "[style*=right] b",
    'p[style*=""]',
    "[class*=na]",
    "[data-x=v].x",
)


@pytest.mark.parametrize(
    "selectors",
    [("[data-x=v]", "div.x.b"), ("[data-x=v]", ".missing"), (".missing", ".none"), (".x", ".b")],
)
def test_a_union_matches_what_selector_css_finds(selectors: tuple[str, ...]) -> None:
    page = parse_html(TRICKY)
    union = [s.root for s in _Matches(page).union(selectors)]
    assert union == [s.root for s in page.css(", ".join(selectors))]


def found(matches, selector):
    return [s.root for s in matches(selector)]


def expected(page, selector):
    return [s.root for s in select(page, selector)]


@pytest.mark.parametrize("path", sorted(SITES.glob("*/**/*.html")), ids=lambda p: p.stem[:40])
def test_template_selectors_match_what_selector_css_finds(path: Path) -> None:
    page = parse_html(path.read_text("utf-8"))
    matches = _Matches(page)
    for selector in TEMPLATE_SELECTORS:
        assert found(matches, selector) == expected(page, selector), selector


@pytest.mark.parametrize("selector", TRICKY_SELECTORS)
def test_nested_scopes_and_odd_classes_match_what_selector_css_finds(selector: str) -> None:
    page = parse_html(TRICKY)
    assert found(_Matches(page), selector) == expected(page, selector)
