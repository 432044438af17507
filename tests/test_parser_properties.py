"""Property tests of the parsers: broken pages into ``extract``, never a crash or a dirty field.

Three kinds of page are generated (docs/reliability/parsers.md): the fixture article pages
mutated (elements deleted, duplicated, swapped, nested deep, tags, attributes, entities, scripts
and styles with marker text, control characters and odd Unicode inserted, the document cut at a
byte, its charset changed), random HTML from a small grammar, and random bytes. Each page goes to
``extract`` with its own URL and with an unknown host's (the generic extractor), and:

- ``extract`` returns a dict or raises ``NoArticle`` with a message; nothing else;
- no string of the dict (lists, related links, captions included) holds script or style marker
  text, an HTML tag ("<" then a letter or "/"; but for "<" and a letter that the page's <title>
  or <textarea> holds as text) or a control character (C0, DEL, C1; the body alone has "\\n\\n"
  between its paragraphs);
- its URLs are absolute http(s); published_at and updated_at are ISO 8601 with an offset, or
  None.

CI runs 100 examples a test, derandomized; ``pytest --long -m long`` runs 3,000 a test (or
PARSER_PROPERTY_EXAMPLES), new ones each run. The number of examples each test ran is printed at
the end of the module. The failing examples found so far are kept as regression tests at the end.
"""

import json
import os
import re
import time
from collections import Counter
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from parsel import Selector
from regenerate_expected import fixture_pages
from w3lib.encoding import html_to_unicode

from crawler.extract import extract
from crawler.parsers.base import NoArticle
from crawler.text import absolute_url, clean_text, images

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    (url, path.read_text("utf-8")) for url, path in fixture_pages(ROOT / "tests/fixtures/sites")
]
# A host no spider crawls: the generic extractor reads the page.
UNKNOWN_HOST = "https://tin-tuc.example.org"

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# CI: quick and the same examples every run.
QUICK = settings(max_examples=100, derandomize=True, **_COMMON)
# --long: thousands of examples (PARSER_PROPERTY_EXAMPLES to change), new ones each run; a
# failure prints its reproduction blob.
LONG_EXAMPLES = int(os.environ.get("PARSER_PROPERTY_EXAMPLES", "3000"))
LONG = settings(max_examples=LONG_EXAMPLES, print_blob=True, **_COMMON)

SCRIPT_MARKER = "SCRIPTMARKER"
STYLE_MARKER = "STYLEMARKER"
_TAG = re.compile(r"<[A-Za-z/]")
# C0 (tab, CR and the rest), DEL and C1; "\n" is checked apart.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_ISO_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


# The properties ------------------------------------------------------------------------------


def check_strings(value: object, path: str = "", literal: str = "") -> None:
    """No marker text, HTML tag or control character in any string under ``value``.

    ``literal`` is the text of the page's <title> and <textarea>: there "<" and a letter are
    text as the page shows it ("Giá <chưa chốt"), kept as such, and no tag; "</" never is.
    """
    if isinstance(value, str):
        for marker in (SCRIPT_MARKER, STYLE_MARKER):
            assert marker not in value, f"{path}: script/style text: {value!r}"
        for tag in _TAG.finditer(value):
            token = re.match(r"<\S*", value[tag.start() :])[0]
            ok = token[1] != "/" and token in literal
            assert ok, f"{path}: an HTML tag: {value!r}"
        assert not _CONTROL.search(value), f"{path}: a control character: {value!r}"
        if path != "body":
            assert "\n" not in value, f"{path}: a line break: {value!r}"
    elif isinstance(value, dict):
        for key, item in value.items():
            check_strings(item, f"{path}.{key}" if path else key, literal)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_strings(item, f"{path}[{i}]", literal)
    else:
        assert value is None or isinstance(value, (int, float, bool)), f"{path}: {value!r}"


def literal_text(html: str) -> str:
    """The clean text of the page's <title> and <textarea> elements."""
    sel = Selector(text=html, type="html")
    return clean_text(" ".join(sel.xpath("//title//text() | //textarea//text()").getall()))


def check_url(url: object, path: str) -> None:
    assert isinstance(url, str), f"{path}: {url!r}"
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, f"{path}: not absolute: {url!r}"


def check_article(article: object, literal: str = "") -> None:
    assert isinstance(article, dict), article
    check_strings(article, literal=literal)
    assert isinstance(article["title"], str) and article["title"], article["title"]
    body = article["body"]
    assert isinstance(body, str) and body, body
    for paragraph in body.split("\n\n"):
        assert paragraph and paragraph == paragraph.strip() and "\n" not in paragraph, body
    check_url(article["url"], "url")
    for i, image in enumerate(article["images"]):
        check_url(image["url"], f"images[{i}].url")
    for i, block in enumerate(article["related"]):
        for j, link in enumerate(block["links"]):
            check_url(link["url"], f"related[{i}].links[{j}].url")
    for key in ("published_at", "updated_at"):
        value = article[key]
        if value is not None:
            assert _ISO_OFFSET.match(value), f"{key}: {value!r}"
            assert datetime.fromisoformat(value).utcoffset() is not None, f"{key}: {value!r}"


# What each test ran: examples, extract calls, articles, NoArticle; printed at the end.
RUNS: dict[str, Counter] = {}


def run_extract(test: str, html: str, urls: list[str]) -> None:
    """``extract`` of the page at each URL: an article that passes the checks, or NoArticle."""
    counts = RUNS.setdefault(test, Counter())
    counts["examples"] += 1
    for url in urls:
        counts["calls"] += 1
        try:
            article = extract(html, url)
        except NoArticle as reason:
            assert str(reason).strip(), "NoArticle without a reason"
            counts["no article"] += 1
            continue
        counts["articles"] += 1
        check_article(article, literal_text(html))


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request):
    started = time.monotonic()
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    lines = [
        f"  {test}: {c['examples']} examples, {c['calls']} extract calls "
        f"({c['articles']} articles, {c['no article']} NoArticle)"
        for test, c in RUNS.items()
    ]
    summary = f"parser properties, {time.monotonic() - started:.1f} s:\n" + "\n".join(lines)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and lines:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(summary)


# Generated pieces ------------------------------------------------------------------------------

LOWER = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
ALPHABET = LOWER + LOWER.upper() + "0123456789"
PUNCTUATION = [" ", " ", " ", ", ", ". ", ": ", " - ", " – ", "/", "(", ")", '"', "'", "|"]
# Entities as written in HTML; "&lt;" only before a space, the page's own "<" then being text.
ENTITIES = [
    "&amp;", "&nbsp;", "&quot;", "&#39;", "&apos;", "&lt; ", "&gt;", "&eacute;", "&Agrave;",
    "&#7897;", "&#x1EC7;", "&#x1F600;", "&#8203;", "&shy;", "&#0;", "&#128;", "&#x85;", "&#x9c;",
    "&#xD800;", "&#1114112;", "&bogus;", "&amp", "&#", "&#x;", "&ndash;", "&hellip;", "&copy;",
]  # fmt: skip
# Odd but valid XML characters: RTL and LTR marks and overrides, line separators, invisible
# joiners, a combining accent, emoji (one code point and a ZWJ sequence), the replacement char.
ODD_UNICODE = [
    "\u200f", "\u200e", "\u202e", "\u202c", "\u2066", "\u2028", "\u2029", "\u200b", "\u2060",
    "\ufeff", "\u00ad", "\u0301", "😀", "👩‍👩‍👧", "🇻🇳", "\ufffd", "\u00a0", "\u3000",
]  # fmt: skip
# Control characters, U+FFFE and U+FFFF: most of them an XML tree refuses, so they go into the
# serialized page, never into the tree.
CONTROL_CHARS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85",
                 "\x9c", "\x9f", "\r", "\t", "\ufffe", "\uffff"]  # fmt: skip

words = st.text(ALPHABET, min_size=1, max_size=10)
_entity_holders = [chr(0xF0000 + i) for i in range(len(ENTITIES))]  # placeholders in the tree


# Words the parsers look for: related-block headings, tag labels, byline and date shapes.
PHRASES = [
    "Tin liên quan", "Xem thêm", "Nổi bật", "Đừng bỏ lỡ", "Từ khóa:", "Tags:", "Theo TTXVN",
    "(tổng hợp)", "Bài và ảnh:", "Nguồn:", "Trang chủ", "PV", "Ảnh: ", "Thứ Năm, 05/12/2024 - 08:30",
    "Cập nhật: 08:30, 05/03/2024", "Hà Nội", "Nguyễn Văn An - Trần Thị Bình",
]  # fmt: skip


@st.composite
def texts(draw, max_words: int = 8, entities: bool = True, controls: bool = False) -> str:
    """Vietnamese-looking words, punctuation, phrases, odd characters, (placeholders of)
    entities, and control characters where the text goes into markup, not into a tree."""
    pieces = [
        words,
        st.sampled_from(PUNCTUATION),
        st.sampled_from(PHRASES),
        st.sampled_from(ODD_UNICODE),
        st.sampled_from(_entity_holders if entities else PUNCTUATION),
    ]
    if controls:
        pieces.append(st.sampled_from(CONTROL_CHARS))
    count = draw(st.integers(1, max_words))
    return "".join(draw(st.one_of(pieces)) for _ in range(count))


def with_entities(html: str) -> str:
    for holder, entity in zip(_entity_holders, ENTITIES, strict=True):
        html = html.replace(holder, entity)
    return html


TAGS = [
    "div", "p", "span", "a", "b", "strong", "i", "em", "h1", "h2", "h3", "ul", "li", "table",
    "tr", "td", "figure", "figcaption", "img", "br", "article", "section", "header", "footer",
    "nav", "aside", "time", "blockquote", "center", "font", "main", "label", "button", "select",
    "option", "svg", "picture", "source", "iframe", "noscript", "form", "u", "sup", "abbr",
]  # fmt: skip
VOID = frozenset({"img", "br", "hr", "meta", "link", "input", "source", "base", "col", "wbr"})
# Elements whose content is text, not markup: nothing is put inside them.
RAW_TEXT = frozenset(
    {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext"}
)
ATTRIBUTES = [
    "class", "id", "href", "src", "data-src", "itemprop", "rel", "datetime", "content", "property",
    "name", "style", "align", "lang", "title", "type", "itemtype", "data-module", "alt", "dir",
]  # fmt: skip
# Class names and values the parsers' selectors look for.
ATTRIBUTE_VALUES = [
    "title", "detail-title", "sapo", "lead", "author", "byline", "tacgia", "date", "time",
    "publish-date", "tags", "tag", "caption", "image-caption", "breadcrumb", "related", "share",
    "detail-content", "article-body", "content", "fck_detail", "Normal", "author-name",
    "description", "datePublished", "headline", "articleBody", "name", "og:title",
    "og:description", "article:published_time", "tag", "text-align:right", "right", "rtl",
    "https://schema.org/NewsArticle", "application/ld+json", "text/javascript", "vi-VN", "",
    "source", "box-tag", "Tin liên quan", "Nổi bật", "Đừng bỏ lỡ", "Xem thêm",
]  # fmt: skip
URLS = [
    "/thoi-su/bai-viet-123456.html", "bai-viet.html", "//cdn.example.net/anh.jpg",
    "https://hanoimoi.vn/anh/a.jpg", "http://example.org/x", "javascript:void(0)",
    "mailto:toa-soan@example.org", "tel:0241234567", "data:image/gif;base64,R0lGOD",
    "ftp://example.org/anh.jpg", "#top", "?page=2", "http://[::1", "http://a b/c d.jpg",
    "https://", "http:/no-host", "file:///etc/passwd", " \n /xuong-dong.jpg ", "about:blank",
    "//", "https://example.org/%zz%", "HTTPS://EXAMPLE.ORG/HOA.JPG", "blob:https://x/1",
    "https://example.org/ảnh đẹp.jpg", "https://user:pass@example.org:99999/x",
]  # fmt: skip
DATES = [
    "10/12/2020 12:16", "2024-12-05T08:30:00+07:00", "2024-02-30T10:00:00", "31/02/2020",
    "2020-12-10T25:61:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
    "2024-01-01T00:00:00+99:99", "Thứ Năm, 05/12/2024 - 08:30", "08:30 05/12/2024", "hôm qua",
    "2 giờ trước", "Cập nhật: 08:30, 05/03/2024", "5 tháng 12 năm 2024", "1733369400",
    "Thu, 05 Dec 2024 08:30:00 GMT", "Sat, 99 Foo 2024 99:99", "2024", "năm 2024", "",
    "00/00/0000 00:00", "12/31/2024", "2024-12-05 08:30:00.123456789 +07:00",
    "05/12/2024 08:30 GMT+7", "05/12/2024 08:30 GMT-23:59", "ngày 32 tháng 13 năm 2024",
]  # fmt: skip

attribute_values = st.one_of(
    st.sampled_from(ATTRIBUTE_VALUES), st.sampled_from(URLS), st.sampled_from(DATES), texts(3)
)
attributes = st.dictionaries(st.sampled_from(ATTRIBUTES), attribute_values, max_size=3)


def _script(marker_at: int) -> str:
    return [
        f"<script>var s = '{SCRIPT_MARKER}'; document.write('<p>' + s + '</p>');</script>",
        f'<script type="text/template"><div class="detail-title">{SCRIPT_MARKER}</div></script>',
        f"<script>/*<![CDATA[*/ {SCRIPT_MARKER} /*]]>*/</script>",
        f"<style>.{STYLE_MARKER} {{ color: red }} p:before {{ content: '{STYLE_MARKER}' }}</style>",
        f"<style>/* {STYLE_MARKER} */</style>",
        f'<script type="module">{SCRIPT_MARKER}</script>',
    ][marker_at]


script_or_style = st.integers(0, 5).map(_script)


# (a) Mutated fixture pages -----------------------------------------------------------------------


@dataclass
class Mutation:
    """One change to a page: what, where (indexes taken modulo the candidates), with what."""

    kind: str
    at: int
    to: int = 0
    payload: str = ""


class Case:
    """A generated page and the URLs it is extracted at; its repr says how it was made (a
    fixture page's URL and the steps that ``mutate`` replays; the page itself when short)."""

    def __init__(self, name: str, html: str, urls: list[str], steps: Sequence[Mutation] = ()):
        self.name, self.html, self.urls, self.steps = name, html, urls, list(steps)

    def __repr__(self) -> str:
        page = repr(self.html) if len(self.html) <= 2000 else f"<{len(self.html)} characters>"
        return f"Case({self.name!r}, steps={self.steps!r}, html={page})"


def _elements(doc: etree._Element, with_text: bool) -> list[etree._Element]:
    found = [e for e in doc.iter() if isinstance(e.tag, str) and e.getparent() is not None]
    if with_text:
        found = [e for e in found if (e.text or "").strip()] or found
    return found


def _container(element: etree._Element) -> etree._Element:
    """Where new children may go: the element, or its parent if it holds no markup."""
    if element.tag in VOID or element.tag in RAW_TEXT:
        return element.getparent()
    return element


def _fragment(markup: str) -> etree._Element:
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def _apply_tree(doc: etree._Element, m: Mutation) -> None:
    """A structural mutation of the parsed page, in place."""
    elements = _elements(doc, with_text=m.kind in ("inject", "text", "nest"))
    if not elements:
        return
    target = elements[m.at % len(elements)]
    if m.kind == "delete":
        target.drop_tree()
    elif m.kind == "unwrap":
        # A script or style unwrapped would make its code the page's text, marker and all:
        # the marker check would then flag text that is really there.
        if target.tag not in RAW_TEXT:
            target.drop_tag()
    elif m.kind == "duplicate":
        target.addnext(deepcopy(target))
    elif m.kind == "swap":
        other = elements[m.to % len(elements)]
        if other is target or target in other.iterancestors() or other in target.iterancestors():
            return
        holder = etree.Element("span")
        target.addprevious(holder)
        other.addprevious(target)
        holder.addprevious(other)
        holder.getparent().remove(holder)
    elif m.kind == "nest":
        # Wrap the element in m.to elements.
        for i in range(m.to):
            wrapper = etree.Element(TAGS[(m.at + i) % 8])
            target.addprevious(wrapper)
            wrapper.append(target)
            target = wrapper
    elif m.kind in ("insert", "inject", "text"):
        parent = _container(target)
        if parent is None:
            return
        if m.kind == "text":
            # Text before the element's first child (or as its only text).
            parent.text = (parent.text or "") + m.payload
            return
        at = m.to % (len(parent) + 1)
        for node in reversed(list(_fragment(m.payload))):
            parent.insert(at, node)
    elif m.kind == "attribute":
        name, _, value = m.payload.partition("=")
        target.set(name, value)


def _apply_text(html: str, m: Mutation) -> str:
    """A mutation of the serialized page: characters, a cut, a charset."""
    if m.kind == "chars":
        at = m.at % (len(html) + 1)
        return html[:at] + m.payload + html[at:]
    if m.kind == "bytes":
        data = html.encode("utf-8")
        at = m.at % (len(data) + 1)
        return (data[:at] + m.payload.encode("latin-1") + data[at:]).decode("utf-8", "replace")
    if m.kind == "truncate":
        data = html.encode("utf-8")
        return data[: m.at % (len(data) + 1)].decode("utf-8", errors="replace")
    if m.kind == "charset":
        # As Scrapy and the CLI read a page: the bytes, decoded by the page's own <meta charset>.
        html = re.sub(r"<meta[^>]*charset[^>]*>", "", html, flags=re.IGNORECASE)
        meta = f'<meta charset="{m.payload}">'
        head = re.search(r"<head[^>]*>", html, re.IGNORECASE)
        at = head.end() if head else 0
        html = html[:at] + meta + html[at:]
        encoding = m.payload if m.to % 2 else "utf-8"  # the bytes in the declared charset or not
        try:
            data = html.encode(encoding, errors="xmlcharrefreplace")
        except (LookupError, UnicodeError):
            data = html.encode("utf-8")
        return html_to_unicode(None, data)[1]
    if m.kind == "xml-declaration":
        return f'<?xml version="1.0" encoding="{m.payload}"?>\n' + html
    raise AssertionError(m.kind)


CHARSETS = ["utf-8", "windows-1258", "windows-1252", "iso-8859-1", "utf-16", "utf-16le",
            "shift_jis", "gb18030", "tcvn", "viscii", "bogus-charset", "", "utf-7"]  # fmt: skip

markup = st.one_of(
    script_or_style,
    st.builds(
        lambda tag, attrs, text: _element(tag, attrs, text),
        st.sampled_from(TAGS),
        attributes,
        texts(),
    ),
)


def _element(tag: str, attrs: dict[str, str], text: str) -> str:
    rendered = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
    if tag in VOID:
        return f"<{tag}{rendered}>"
    return f"<{tag}{rendered}>{text}</{tag}>"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


tree_mutations = st.one_of(
    st.builds(Mutation, st.sampled_from(["delete", "unwrap", "duplicate"]), st.integers(0, 10**4)),
    st.builds(Mutation, st.just("swap"), st.integers(0, 10**4), st.integers(0, 10**4)),
    st.builds(
        Mutation,
        st.just("nest"),
        st.integers(0, 10**4),
        st.one_of(st.integers(1, 10), st.integers(200, 1200)),
    ),
    st.builds(Mutation, st.just("insert"), st.integers(0, 10**4), st.integers(0, 50), markup),
    st.builds(
        Mutation, st.just("inject"), st.integers(0, 10**4), st.integers(0, 50), script_or_style
    ),
    st.builds(Mutation, st.just("text"), st.integers(0, 10**4), st.just(0), texts()),
    st.builds(
        Mutation,
        st.just("attribute"),
        st.integers(0, 10**4),
        st.just(0),
        st.builds(lambda k, v: f"{k}={v}", st.sampled_from(ATTRIBUTES), attribute_values),
    ),
)
text_mutations = st.one_of(
    st.builds(
        Mutation,
        st.just("chars"),
        st.integers(0, 10**6),
        st.just(0),
        st.lists(st.sampled_from(CONTROL_CHARS + ODD_UNICODE), min_size=1, max_size=4).map("".join),
    ),
    st.builds(
        Mutation,
        st.just("bytes"),
        st.integers(0, 10**6),
        st.just(0),
        st.binary(min_size=1, max_size=16).map(lambda b: b.decode("latin-1")),
    ),
    st.builds(Mutation, st.just("truncate"), st.integers(0, 10**6)),
    st.builds(
        Mutation, st.just("charset"), st.just(0), st.integers(0, 1), st.sampled_from(CHARSETS)
    ),
    st.builds(
        Mutation, st.just("xml-declaration"), st.just(0), st.just(0), st.sampled_from(CHARSETS)
    ),
)


def _url_elsewhere(url: str) -> str:
    parts = urlsplit(url)
    return UNKNOWN_HOST + parts.path + (f"?{parts.query}" if parts.query else "")


@st.composite
def mutated_pages(draw) -> Case:
    url, _ = PAGES[draw(st.integers(0, len(PAGES) - 1))]
    steps = draw(st.lists(tree_mutations, max_size=8))
    steps += draw(st.lists(text_mutations, max_size=3))
    return mutate(url, steps)


def mutate(url: str, steps: Sequence[Mutation]) -> Case:
    """The fixture page of ``url`` changed by ``steps``: first those on its tree, in order, then
    those on its text."""
    page = dict(PAGES)[url]
    doc = lxml_html.document_fromstring(page.encode("utf-8"), parser=_PARSER)
    for step in steps:
        if step.kind not in _TEXT_KINDS:
            _apply_tree(doc, step)
    html = with_entities(lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"))
    for step in steps:
        if step.kind in _TEXT_KINDS:
            html = _apply_text(html, step)
    return Case(url, html, [url, _url_elsewhere(url)], steps)


_TEXT_KINDS = frozenset({"chars", "bytes", "truncate", "charset", "xml-declaration"})
_PARSER = lxml_html.HTMLParser(encoding="utf-8", huge_tree=True)


@QUICK
@given(mutated_pages())
def test_mutated_fixture_pages(case: Case) -> None:
    run_extract("mutated fixture pages", case.html, case.urls)


@pytest.mark.long
@LONG
@given(mutated_pages())
def test_mutated_fixture_pages_long(case: Case) -> None:
    run_extract("mutated fixture pages (long)", case.html, case.urls)


# (b) Random HTML from a grammar ----------------------------------------------------------------


def _json_ld(fields: dict) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(node, ensure_ascii=False)}</script>'


json_ld = st.builds(
    _json_ld,
    st.fixed_dictionaries(
        {},
        optional={
            "headline": texts(6, entities=False),
            "description": texts(12, entities=False),
            "datePublished": st.sampled_from(DATES),
            "dateModified": st.sampled_from(DATES),
            "author": st.one_of(
                texts(3, entities=False),
                st.fixed_dictionaries({"@type": st.just("Person"), "name": texts(3, False)}),
                st.lists(st.fixed_dictionaries({"name": texts(3, False)}), max_size=3),
            ),
            "mainEntityOfPage": st.sampled_from(URLS),
            "articleSection": texts(2, entities=False),
            "inLanguage": st.sampled_from(["vi", "vi-VN", "en", "", "x"]),
        },
    ),
)
head_parts = st.one_of(
    texts(6).map(lambda t: f"<title>{t}</title>"),
    st.builds(
        lambda p, v: f'<meta property="{p}" content="{_attr(v)}">',
        st.sampled_from(
            [
                "og:title",
                "og:description",
                "article:published_time",
                "og:url",
                "og:type",
                "og:site_name",
                "description",
                "author",
                "article:tag",
                "article:section",
            ]
        ),
        attribute_values,
    ),
    st.sampled_from(URLS).map(lambda u: f'<link rel="canonical" href="{_attr(u)}">'),
    st.sampled_from(CHARSETS).map(lambda c: f'<meta charset="{c}">'),
    json_ld,
    script_or_style,
)


def _render(node) -> str:
    if isinstance(node, str):
        return node
    tag, attrs, children = node
    inner = "".join(_render(child) for child in children)
    return _element(tag, attrs, inner)


CONTAINERS = [t for t in TAGS if t not in VOID and t not in RAW_TEXT]
body_nodes = st.recursive(
    st.one_of(
        texts(controls=True),
        script_or_style,
        st.tuples(st.sampled_from(TAGS), attributes, st.just([])),
        st.builds(lambda a, src: ("img", {**a, "src": src}, []), attributes, st.sampled_from(URLS)),
    ),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(CONTAINERS), attributes, st.lists(children, max_size=6)),
        st.tuples(
            st.just("a"),
            st.fixed_dictionaries({"href": st.sampled_from(URLS)}),
            st.lists(children, max_size=2),
        ),
    ),
    max_leaves=60,
)


@st.composite
def grammar_pages(draw) -> Case:
    head = "".join(draw(st.lists(head_parts, max_size=8)))
    body = "".join(_render(n) for n in draw(st.lists(body_nodes, min_size=1, max_size=6)))
    lang = draw(st.sampled_from(["", ' lang="vi"', ' lang="en-US"', ' lang="???"']))
    html = with_entities(
        f"<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>"
    )
    url, _ = PAGES[draw(st.integers(0, len(PAGES) - 1))]
    return Case("grammar", html, [url, _url_elsewhere(url)])


@QUICK
@given(grammar_pages())
def test_random_html(case: Case) -> None:
    run_extract("random HTML", case.html, case.urls)


@pytest.mark.long
@LONG
@given(grammar_pages())
def test_random_html_long(case: Case) -> None:
    run_extract("random HTML (long)", case.html, case.urls)


# (c) Random bytes ------------------------------------------------------------------------------


@st.composite
def byte_pages(draw) -> Case:
    data = draw(st.binary(max_size=4000))
    # As bytes come off the wire: decoded with replacement, or by their own <meta charset>.
    html = data.decode("utf-8", errors="replace")
    if draw(st.booleans()):
        html = html_to_unicode(None, data)[1]
    url, _ = PAGES[draw(st.integers(0, len(PAGES) - 1))]
    return Case("bytes", html, [url, _url_elsewhere(url)])


@QUICK
@given(byte_pages())
def test_random_bytes(case: Case) -> None:
    run_extract("random bytes", case.html, case.urls)


@pytest.mark.long
@LONG
@given(byte_pages())
def test_random_bytes_long(case: Case) -> None:
    run_extract("random bytes (long)", case.html, case.urls)


# Sanity: the untouched fixture pages pass the same checks -------------------------------------


@pytest.mark.parametrize(("url", "page"), PAGES, ids=[urlsplit(u).path[-30:] for u, _ in PAGES])
def test_fixture_pages_pass_the_checks(url: str, page: str) -> None:
    check_article(extract(page, url))
    check_article(extract(page, _url_elsewhere(url)))


# Regressions: the failing examples the properties found, as hypothesis reported them -----------

SCRIPT = _script(0)
FIXTURE_REGRESSIONS = {
    # A script inside the headline was title text (text_of read script and style text).
    "script in the headline": (
        "https://baophunuthudo.vn/tin-tuc-hoi/phu-nu-thu-do-huong-ung-ngay-quoc-te-phu-nu-8-3-61877.html",
        [Mutation("inject", 8, 0, SCRIPT)],
    ),
    # ... and inside a related link, the link's title (titled_links read text_content()).
    "script in a related link": (
        "https://dantri.com.vn/xa-hoi/ha-noi-mo-them-ba-tuyen-buyt-dien-noi-trung-tam-voi-ngoai-thanh-20230614091522456.htm",
        [Mutation("insert", 1435, 0, SCRIPT)],
    ),
    # ... and inside a tag link after "Từ khóa:" (the generic extractor's labelled tags).
    "script in a tag link": (
        "https://www.anninhthudo.vn/khoi-to-doi-tuong-lua-dao-chiem-doat-tien-dat-coc-mua-dat-post598102.antd",
        [Mutation("inject", 23, 0, SCRIPT)],
    ),
    # A control character in an href went into the related link's URL as it was.
    "control character in an href": (
        "https://tuoitrethudo.vn/tuoi-tre-thu-do-ra-quan-chien-dich-tinh-nguyen-mua-dong-2024-251806.html",
        [Mutation("duplicate", 216), Mutation("bytes", 77343, 0, "\x01")],
    ),
    # A C1 control character (U+0080) stayed in the body: clean_text removed C0 only.
    "C1 control character in the body": (
        "https://tuoitrethudo.vn/hoc-sinh-ha-noi-hao-hung-voi-ngay-hoi-khoa-hoc-sang-tao-251744.html",
        [Mutation("chars", 16549, 0, "\x80")],
    ),
    # A control character that lxml parses but refuses on a change: ValueError when an element
    # before it was dropped from the body (its tail moves), or when the image's attributes were
    # read (a control character in an attribute's name).
    "control character after a dropped element": (
        "https://hanoimoi.vn/pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html",
        [
            Mutation("nest", 0, 200),
            Mutation("chars", 0, 0, "\x00"),
            Mutation("bytes", 6831, 0, "\x01"),
        ],
    ),
    "control character in an attribute name": (
        "https://hanoimoi.vn/pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html",
        [
            Mutation("nest", 0, 200),
            Mutation("chars", 0, 0, "\x00"),
            Mutation("bytes", 13674, 0, "\x01"),
        ],
    ),
    # A script in the heading of Dân trí's most-read box was the block's name (own_related read
    # normalize-space(), script text and all).
    "script in a most-read heading": (
        "https://dantri.com.vn/thoi-su/ha-noi-thong-xe-cau-vuot-nut-giao-vanh-dai-25-voi-duong-kim-giang-20251114080512345.htm",
        [
            Mutation("delete", 1),
            Mutation("delete", 2),
            Mutation("insert", 0, 0, SCRIPT),
            Mutation("inject", 1614, 0, SCRIPT),
        ],
    ),
    # A page cut short in "</" inside its <title>: the fragment was text, and so in the body.
    "page cut inside a closing tag": (
        "https://dantri.com.vn/thoi-su/ha-noi-thong-xe-cau-vuot-nut-giao-vanh-dai-25-voi-duong-kim-giang-20251114080512345.htm",
        [
            Mutation("text", 0, 0, "000000ẠẠẠẠẠẠ, , , \u200f\U000f0001"),
            Mutation("chars", 0, 0, "\x00\x00\x80\ufffe"),
            Mutation("truncate", 472),
            Mutation("truncate", 44025),
        ],
    ),
    # "</title>" broken by a DEL: the open <title> held the rest of the page as text, and the
    # generic extractor made it the title, markup and all (and trafilatura the body).
    "title left open": (
        "https://kinhtedothi.vn/ha-noi-phat-dong-thang-hanh-dong-vi-an-toan-thuc-pham.html",
        [
            Mutation(
                "insert",
                0,
                0,
                '<div class="detail-title" id="/thoi-su/bai-viet-123456.html" href="//cdn.example.net/anh.jpg">0</div>',
            ),
            Mutation("nest", 0, 5),
            Mutation("chars", 362, 0, "\x7f"),
        ],
    ),
    # "</p>" broken by a DEL: text to the parser ("<\x7f/p>"), "</p>" once trafilatura dropped
    # the DEL (clean_text made it a space).
    "DEL inside an end tag": (
        "https://hanoi.gov.vn/tin-tuc-su-kien/-/view_content/4218735-thanh-pho-ha-noi-tong-ket-cong-tac-cai-cach-hanh-chinh-nam-2024.html",
        [
            Mutation("nest", 18, 7),
            Mutation("nest", 18, 7),
            Mutation("attribute", 64, 0, "id=12/31/2024"),
            Mutation("text", 17, 0, "000Xem thêm\U000f0000"),
            Mutation("chars", 18818, 0, "\x7f"),
        ],
    ),
}
GRAMMAR_REGRESSIONS = {
    "script in the headline": "<!DOCTYPE html><html><head></head><body>0<h1><script>var s = 'SCRIPTMARKER'; document.write('<p>' + s + '</p>');</script></h1></body></html>",
    # urljoin raises ValueError on a broken IPv6 host: the whole page was lost.
    "broken IPv6 image URL": '<!DOCTYPE html><html><head><title>0</title></head><body><div><img src="http://[::1">00</div></body></html>',
    "javascript: image URL": '<!DOCTYPE html><html><head><title>0</title></head><body><div><img src="javascript:void(0)">00</div></body></html>',
    "C1 control character in the title": "<!DOCTYPE html><html><head></head><body><h1>0\x80</h1></body></html>",
    # A microdata author's name was its string(), script text included.
    "script in a microdata author": '<!DOCTYPE html><html><head><title>Tin liên quan</title></head><body><div class="title" itemprop="author"><script>/*<![CDATA[*/ SCRIPTMARKER /*]]>*/</script>0</div></body></html>',
}


@pytest.mark.parametrize("name", FIXTURE_REGRESSIONS)
def test_regression_mutated_fixture_page(name: str) -> None:
    url, steps = FIXTURE_REGRESSIONS[name]
    case = mutate(url, steps)
    run_extract("regressions", case.html, case.urls)


@pytest.mark.parametrize("name", GRAMMAR_REGRESSIONS)
def test_regression_random_html(name: str) -> None:
    url = PAGES[0][0]
    run_extract("regressions", GRAMMAR_REGRESSIONS[name], [url, _url_elsewhere(url)])


def test_regression_scripts_leave_the_fields_as_they_were() -> None:
    """The pages with a script injected give the fields of the untouched page."""
    for name, field_name, at_unknown_host in (
        ("script in the headline", "title", False),
        ("script in a related link", "related", False),
        ("script in a tag link", "tags", True),
    ):
        url, steps = FIXTURE_REGRESSIONS[name]
        if at_unknown_host:
            url = _url_elsewhere(url)
        page = dict(PAGES)[FIXTURE_REGRESSIONS[name][0]]
        mutated = mutate(FIXTURE_REGRESSIONS[name][0], steps).html
        assert extract(mutated, url)[field_name] == extract(page, url)[field_name], name


def test_regression_script_in_a_vnexpress_topic_link() -> None:
    """The same bug as Dân trí's most-read heading, in VnExpress's topic bar: its name."""
    url = "https://vnexpress.net/ha-noi-mo-rong-khong-gian-di-bo-quanh-ho-hoan-kiem-4830125.html"
    page = dict(PAGES)[url]
    topic = 'data-medium="Menu-Topic">'
    assert topic in page
    mutated = page.replace(topic, topic + SCRIPT, 1)
    assert extract(mutated, url)["related"] == extract(page, url)["related"]
    run_extract("regressions", mutated, [url])


def test_a_bare_less_than_sign_in_the_title_is_text() -> None:
    """Not a bug: in <title> "<" and a letter are text, shown so by browsers and kept so."""
    html = (
        "<html><head><title>Giá <chưa chốt</title></head><body><h1>Giá <b>vàng</b></h1>"
        "<div class='content'><p>Giá vàng hôm nay chưa chốt, các cửa hàng vẫn treo biển.</p>"
        "<p>Người mua chờ thêm một phiên nữa để xem giá có giảm hay không.</p></div></body></html>"
    )
    assert "<chưa" in literal_text(html)
    run_extract("regressions", html, ["https://tin-tuc.example.org/gia-vang-123456.html"])


def test_regression_broken_image_urls_are_left_out() -> None:
    base = "https://tin-tuc.example.org/bai-viet-123456.html"
    body = Selector(
        text="<div><img src='http://[::1/a.jpg'><img src='javascript:void(0)'>"
        "<img src='ftp://example.org/b.jpg'><img src='//cdn.example.net/c.jpg'></div>"
    )
    assert [i.url for i in images(body, base, ())] == ["https://cdn.example.net/c.jpg"]
    assert absolute_url(base, "/anh/c\x01d.jpg") == "https://tin-tuc.example.org/anh/c%01d.jpg"
    assert absolute_url(base, "http://[::1") is None


def test_regression_c1_control_characters_are_no_text() -> None:
    html = "<html><body><h1>Tiêu\x80 đề\x9f</h1><div class='content'><p>Đoạn\x85 một.</p></div>"
    assert extract(html, "https://tin-tuc.example.org/bai-viet-123456.html")["title"] == "Tiêu đề"


def test_regression_a_thousand_nested_elements() -> None:
    """The body's walk recursed once per level: RecursionError past ~990 nested elements."""
    url = "https://hanoimoi.vn/ha-noi-day-manh-cai-cach-hanh-chinh-ngay-tu-dau-nam-2019-291408.html"
    page = dict(PAGES)[url]
    at = page.index("<p>")
    nested = page[:at] + "<div>" * 1000 + page[at:]
    # The unclosed <div>s hold the rest of the page, the footer too.
    assert extract(nested, url)["body"].startswith(extract(page, url)["body"])
    run_extract("regressions", nested, [url, _url_elsewhere(url)])
