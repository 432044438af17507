"""The generic extractor: any article page, by structured data, common markup and trafilatura.

It runs where no family parser knows the markup: when a site's parser finds no title or no body
(a redesign), for a host without a spider, and first for sites whose markup is unknown. Its
items say ``extractor: "generic"``.

- Title, dates, authors, section, canonical URL and description come from structured data first
  (``crawler.structured``), then from the page: the headline element (the ``h1``, or the ``h1``
  / ``h2`` that the ``<title>`` names), visible dates and bylines under common selectors, the
  breadcrumb. A title from ``og:title`` or ``<title>`` loses its " - Site name".
- The body is trafilatura's (``TRAFILATURA_OPTIONS``), then cleaned of what it may keep that is
  not the journalist's text: captions, picture frames and link-only boxes (pruned before it
  reads the page), paragraphs from outside the element holding the body (a sidebar, a visitor
  counter), the title and lead repeated at the top, related-link titles, and the author line
  Vietnamese papers print as the body's last paragraph (VnExpress's right-aligned
  "Hà Thu (tổng hợp)"), which becomes the byline.
- Images are those of the element holding the body, with their captions; related-link blocks
  are found by their headings (``crawler.related``).

Pure: (html, url) in, the article's fields out; nothing is kept between pages.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import datetime

import trafilatura
from lxml import etree
from parsel import Selector

from crawler.bylines import parse_byline, strip_lead_prefix
from crawler.dates import parse_datetime, to_iso
from crawler.parsers.base import (
    COMMON_CAPTIONS,
    GENERIC_LISTING,
    XPATH_PREFIX,
    NoArticle,
    _primary_language,
    select,
)
from crawler.quality import shingle_counts
from crawler.related import DEFAULT_HEADINGS, RelatedBlock, find_related_blocks
from crawler.structured import (
    ARTICLE_TYPES,
    StructuredData,
    _types,
    json_ld_nodes,
    read_structured_data,
)
from crawler.text import clean_text, element_text, images, parse_html, text_of
from crawler.urls import choose_canonical, host_of

# What trafilatura must not read as prose: captions; picture frames (a small table holding an
# image and its caption, as MasterCMS prints them); boxes whose only text is links (in-body
# "related" boxes such as MasterCMS's __MB_ARTICLE_A).
PRUNE_XPATHS = (
    "//figcaption",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')]",
    "//*[contains(@class, 'image-caption') or contains(@class, 'img-caption')"
    " or contains(@class, 'PhotoCMS_Caption') or contains(@class, 'photo-caption')]",
    "//table[.//img][count(.//tr) <= 3][string-length(normalize-space()) < 400]",
    "//*[self::table or self::div or self::aside or self::ul][.//a]"
    "[not(.//text()[normalize-space()][not(ancestor::a)])]",
    # "Listen to this article" players and their voice menus.
    "//*[contains(@data-module, 'audio') or contains(@id, 'audio') or contains(@class, 'audio')]",
)

# How trafilatura extracts the body, chosen on the Zyte benchmark (181 pages) and the real
# Vietnamese pages of ../shared/corpus/vn; the figures are in tests/test_generic.py.
TRAFILATURA_OPTIONS = {
    "output_format": "xml",
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "prune_xpath": list(PRUNE_XPATHS),
}

# An article page's path: ends in .html/.htm, or in a long numeric id (".../-post123456.antd").
ARTICLE_URL = r"\.html?$|\d{5,}(?:\.[a-z]{2,5})?/?$"

_SEPARATOR = r"(?:[|\-–—:·•»~]|::)"
_TITLE_SEPARATOR = re.compile(rf"\s+{_SEPARATOR}\s+")
_HOST_NOISE = frozenset({"www", "m", "amp", "com", "net", "org", "gov", "edu", "vn", "info"})
_PAGE = ("body", "html")


def _class_holds(word: str) -> str:
    """CSS's [class*=word i] as a template selector (XPath): cssselect lower-cases the whole
    alphabet in every class of the page, several milliseconds on a page of long class lists;
    lower-casing the word's own letters is all the test needs."""
    return (
        f"{XPATH_PREFIX}descendant-or-self::*[@class]"
        f"[contains(translate(@class, '{word.upper()}', '{word}'), '{word}')]"
    )


_LEAD_SELECTORS = (
    ".sapo",
    _class_holds("sapo"),
    "[class*=Lead]",
    ".description",
    ".article-description",
    ".lead",
    ".article-lead",
    ".article__lead",
    ".summary",
    ".article-summary",
    ".excerpt",
    ".standfirst",
    ".chapeau",
    "[itemprop=description]",
)
_BYLINE_SELECTORS = (
    "[itemprop=author] [itemprop=name]",
    "[rel=author]",
    "a[href*='/tac-gia/']",
    ".author-name",
    ".author__name",
    ".article-author",
    ".post-author",
    ".author",
    ".byline",
    ".tacgia",
    ".tac-gia",
    ".article__author",
)
# Dates: the surest selectors first; attributes before text.
_DATE_SELECTORS = (
    "[itemprop=datePublished]",
    "time[datetime]",
    "time",
    ".publish-date",
    ".published",
    ".date-publish",
    ".post-date",
    ".entry-date",
    ".article-date",
    ".article__date",
    ".detail-time",
    ".date-time",
    ".datetime",
    ".date",
    ".time",
    _class_holds("date"),
    _class_holds("time"),
)
_DATE_ATTRIBUTES = ("datetime", "content")
_BREADCRUMB_SELECTORS = (
    "[data-content-name=article-breadcrumb]",
    "[itemtype*=BreadcrumbList] [itemprop=name]",
    ".breadcrumb a",
    ".breadcrumbs a",
    "nav[aria-label*=readcrumb] a",
    "[class*=breadcrumb] a",
    ".breadcrumb li",
)
_TAG_SELECTORS = (
    "a[rel=tag]",
    "[data-content-name=article-tags]",
    ".tags a",
    ".tag a",
    ".tag-list a",
    ".tags-list a",
    ".article-tags a",
    ".post-tags a",
    ".box-tag a",
    ".keywords a",
    "a.tag",
    "[class*=tags] a",
)
# A wire or outlet credited apart from the byline: "Theo TTXVN", "Nguồn: Báo Hànộimới".
_SOURCE_SELECTORS = (_class_holds("source"), _class_holds("nguon"))
# A short label before the tag links: "Từ khoá:", "Tags:", "Xem thêm về:".
_TAG_LABELS = frozenset({"từ khoá", "từ khóa", "tags", "tag", "xem thêm về", "keywords", "chủ đề"})
# Short text nodes that may be such a label, found by XPath (a Python pass over every text node
# of a page costs more than the rest of this parser).
_LABEL_TEXTS = (
    ".//text()[string-length(normalize-space()) < 20][contains(., 'ag') or contains(., 'TAG')"
    " or contains(., 'khoá') or contains(., 'khóa') or contains(., 'KHOÁ') or contains(., 'KHÓA')"
    " or contains(., 'về') or contains(., 'eyword') or contains(., 'đề') or contains(., 'ĐỀ')]"
)
_HOME = frozenset({"trang chủ", "home", "trang chu"})

# The author line at the end of the body. A bracketed note, a role label or a "Theo X" /
# "Nguồn:" source says "byline" by itself; a bare name needs the markup to say so (right-aligned,
# bold, or classed as the author).
_BYLINE_MARKER = re.compile(
    r"\((?:tổng hợp|t/h|theo [^()]+|[^()]*(?:TTXVN|VNA))\)|^(?:theo|nguồn)\b|"
    r"^(?:bài(?:\s*(?:và|,|&|/)\s*ảnh)?|ảnh|thực hiện|nhóm phóng viên)\s*:",
    re.IGNORECASE,
)
_BYLINE_MAX_CHARS = 80
_BYLINE_STYLE = re.compile(r"text-align\s*:\s*right|\bright\b|author|byline|tac-?gia", re.I)
_LEAD_CLASS = re.compile(r"sapo|lead|intro|desc|summary|chapeau|standfirst|excerpt", re.I)
_EMPHASIS = frozenset({"strong", "b", "em", "i"})
_SENTENCE_END = re.compile(r"[.!?…]$")
_INITIAL_END = re.compile(r"\b\w\.$")

# trafilatura's XML: elements that start a paragraph; a table row is one paragraph of cells.
_XML_BLOCKS = frozenset({"p", "head", "quote", "item", "list", "table", "code", "div", "main"})
_BREAK = "\x00"
# The element holding the body is the deepest holding this share of its text.
_CONTAINER_SHARE = 0.8


class GenericParser:
    """Reads an article from any page; ``lead_prefixes`` as the family parsers take them."""

    name = "generic"
    listing = GENERIC_LISTING
    article_url = ARTICLE_URL

    def __init__(self, *, lead_prefixes: Sequence[str] = (), language: str = "vi"):
        self.lead_prefixes = tuple(lead_prefixes)
        self.language = language

    def parse(self, html: str, url: str, page: Selector | None = None) -> dict:
        """The article's fields, or NoArticle with the reason.

        ``page`` is the HTML as parse_html parsed it, when the caller has it (a site's parser
        read it first): the page is parsed once, trafilatura reading a copy of the tree.
        """
        sel = page if page is not None else parse_html(html)
        data = read_structured_data(sel)
        sites = _site_names(sel, url)
        heading, title, named = _headline(sel, data, sites)
        if not title:
            raise NoArticle("no title")

        related = find_related_blocks(sel.root, url, DEFAULT_HEADINGS)
        paragraphs, headings = _trafilatura_paragraphs(html, sel.root, url)
        container = _body_container(sel.root, paragraphs)
        page = _Page(sel, heading, container, related)
        if container is not None:
            paragraphs = _inside(paragraphs, container, sel.root)

        lead_text, printed_lead = _lead_text(page, data, title, sites)
        lead, _ = strip_lead_prefix(lead_text, self.lead_prefixes)
        byline_raw = _visible_byline(page, title)
        published_raw, visible_date = _visible_date(page)
        paragraphs = _drop_repeats(paragraphs, (title, byline_raw, published_raw), related)
        paragraphs, lead = _separate_lead(paragraphs, (lead_text, lead), printed_lead, sel.root)
        if not lead and len(paragraphs) > 1 and _is_bold_lead(paragraphs[0], sel.root):
            lead, _ = strip_lead_prefix(paragraphs.pop(0), self.lead_prefixes)
        paragraphs, tail_byline = _split_tail_byline(paragraphs, sel.root)
        if all(p in headings for p in paragraphs):
            raise NoArticle("no body text")
        authors, source, byline_raw = _credits(data, byline_raw, tail_byline, sites)
        source = source or _visible_source(page)
        published = parse_datetime(data.published) or visible_date
        if published is None and not named and _declares_no_article(sel):
            # A home page or a listing: its <title> and a teaser or two are no article.
            raise NoArticle("no date and no article markup (a listing or home page?)")
        updated = parse_datetime(data.modified)
        if updated is not None and published is not None and updated <= published:
            updated = None

        breadcrumb = _breadcrumb(sel, data, title)
        return {
            "url": choose_canonical(url, data.canonical),
            "title": title,
            "lead": lead or None,
            "authors": authors,
            "source": source,
            "byline_raw": byline_raw,
            "published_at": to_iso(published) if published else None,
            "published_raw": published_raw or data.published,
            "updated_at": to_iso(updated) if updated else None,
            "section": (breadcrumb[-1] if breadcrumb else None) or data.section,
            "tags": _tags(page),
            "images": _images(container, related, url),
            "related": [block.as_dict() for block in related],
            "body": "\n\n".join(paragraphs),
            "language": _primary_language(sel.xpath("/html/@lang").get())
            or _primary_language(data.language)
            or self.language,
            "extractor": self.name,
        }


class _Page:
    """Where on the page the article is: its headline, the element holding its body, and the
    region holding both (the byline, date and tags are looked for there)."""

    def __init__(
        self,
        sel: Selector,
        heading: Selector | None,
        container: etree._Element | None,
        related: Sequence[RelatedBlock],
    ):
        self.sel = sel
        self.heading = heading.root if heading is not None else None
        self.container = container
        self.region = _region(self.heading, container)
        self._related = [e for block in related for e in block.elements]
        self._order: dict[etree._Element, int] | None = None

    def position(self, element: etree._Element) -> int:
        if self._order is None:
            self._order = {e: i for i, e in enumerate(self.sel.root.iter())}
        return self._order.get(element, -1)

    def in_article(
        self, element: etree._Element, *, after_body: bool = False, above: bool = False
    ) -> bool:
        """Whether an element belongs to the article's head or body, not to a sidebar or a
        related block: after the headline (with ``above``, anywhere in the region: VnExpress
        prints the date line above the headline), and before the body's end (with
        ``after_body``, anywhere in the body's parent too: an author box under the text)."""
        if any(element is box or box in element.iterancestors() for box in self._related):
            return False
        at = self.position(element)
        in_region = self.region is not None and (
            element is self.region.root or self.region.root in element.iterancestors()
        )
        if self.heading is not None and at < self.position(self.heading):
            if not (above and in_region):
                return False
        if self.container is None:
            return True
        ancestors = set(element.iterancestors())
        if self.container in ancestors or element is self.container:
            return True
        if after_body and self.container.getparent() in ancestors:
            return True
        return at < self.position(self.container)

    def below_headline(self, element: etree._Element) -> bool:
        """After the headline (when known), and not in a related block."""
        if any(element is box or box in element.iterancestors() for box in self._related):
            return False
        return self.heading is None or self.position(element) > self.position(self.heading)

    @property
    def scope(self) -> Selector:
        """Where the article's parts are looked for: the region, else the whole page."""
        return self.region if self.region is not None else self.sel


# Site names and titles ---------------------------------------------------------------------


def _fold(text: str | None) -> str:
    """Lower-case ASCII letters and digits only: "Báo Dân trí" -> "baodantri"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _site_names(sel: Selector, url: str) -> list[str]:
    """Folded names the outlet goes by: og:site_name, publisher, application name, host labels."""
    names = [
        sel.xpath('//meta[@property="og:site_name"]/@content').get(),
        sel.xpath('//meta[@name="application-name"]/@content').get(),
    ]
    for node in json_ld_nodes(sel):
        publisher = node.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
    labels = [
        label for label in host_of(url).split(".") if label not in _HOST_NOISE and len(label) > 2
    ]
    folded = [_fold(n) for n in (*names, *labels)]
    return list(dict.fromkeys(f for f in folded if len(f) > 2))


def _is_site_name(text: str | None, sites: Sequence[str]) -> bool:
    """Whether the text is the outlet's name, give or take a word: "Báo VnExpress Sức khỏe".

    A long text that merely contains the name ("Hà Nội mới ra quy định...") is not.
    """
    folded = _fold(text)
    return any(site in folded and len(folded) <= len(site) + 16 for site in sites)


def _strip_site(title: str | None, sites: Sequence[str]) -> str:
    """The title without a site name before or after it: "X - Báo Y" and "Y | X" are "X"."""
    title = clean_text(title)
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if separators and _is_site_name(title[separators[-1].end() :], sites):
        title = title[: separators[-1].start()]
        separators = separators[:-1]
    if separators and _is_site_name(title[: separators[0].start()], sites):
        title = title[separators[0].end() :]
    return title


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and clean_text(a).casefold() == clean_text(b).casefold()


def _title_heads(doc_title: str) -> list[str]:
    """What a <title> may hold before its site and section names: "A - B | C" gives "A - B | C",
    "A - B" and "A" (a head of four words or more)."""
    heads = [doc_title]
    for m in reversed(list(_TITLE_SEPARATOR.finditer(doc_title))):
        head = doc_title[: m.start()]
        if len(head.split()) >= 4:
            heads.append(head)
    return heads


def _headline(
    sel: Selector, data: StructuredData, sites: list[str]
) -> tuple[Selector | None, str, bool]:
    """The headline's element (None if unknown), the title, and whether the page's structured
    headline or <title> names that element (a listing's <title> names none of its headings).

    The h1 (else h2) that the structured headline or the <title> names, whole (JSON-LD
    headlines are cut at 110 characters for search engines); else the structured headline;
    else the first h1; else the <title> without the site name.
    """
    doc_title = clean_text(sel.xpath("(//head/title | //title)[1]/text()").get())
    if "</" in doc_title:
        # A <title> left open ("<\x7f/title>") holds the rest of the page as text: no title.
        doc_title = ""
    structured = _strip_site(data.headline, sites)
    names = [n for n in (structured, clean_text(data.headline), *_title_heads(doc_title)) if n]
    headings = [(h, text_of(h)) for h in sel.css("h1, h2")]
    headings = [(h, t) for h, t in headings if t and len(t) <= 400 and not _is_site_name(t, sites)]

    def matches(text: str, name: str) -> bool:
        stem = re.sub(r"[.… ]+$", "", name)
        return _same(text, name) or (len(stem) > 20 and text.startswith(stem))

    matched = next(
        (
            (h, t)
            for tag in ("h1", "h2")
            for h, t in headings
            if h.root.tag == tag and any(matches(t, n) for n in names)
        ),
        None,
    )
    if matched is not None:
        heading, text = matched
        # The <title> names the site after the headline: remember it as a site name.
        tail = doc_title[len(text) :] if doc_title.startswith(text) else ""
        tail = re.sub(rf"^\s*{_SEPARATOR}\s*", "", tail)
        if tail and _fold(tail) not in sites and len(_fold(tail)) > 2:
            sites.append(_fold(tail))
        return heading, text, True
    first_h1 = next(((h, t) for h, t in headings if h.root.tag == "h1"), None)
    if structured:
        return (first_h1[0] if first_h1 else None), structured, False
    stripped = _strip_site(doc_title, sites)
    if first_h1 is not None and (first_h1[1] in doc_title or len(stripped.split()) < 4):
        return *first_h1, False
    return None, stripped, False


# The body ------------------------------------------------------------------------------------


def _trafilatura_tree(html: str, root: etree._Element) -> etree._Element | None:
    """A copy of the parsed page (trafilatura changes the tree it reads) as trafilatura's own
    parser makes it: no comments nor processing instructions; None for a page it would reject
    (its first characters name no HTML, and its tree has fewer than two parts)."""
    tree = copy.deepcopy(root)
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    if "html" not in html[:50].lower() and len(tree) < 2:
        return None
    return tree


def _trafilatura_paragraphs(
    html: str, root: etree._Element, url: str
) -> tuple[list[str], set[str]]:
    """The body as trafilatura finds it in the page parsed as ``root``, one string per
    paragraph, in order; and the texts of its headings."""
    tree = _trafilatura_tree(html, root)
    xml = tree is not None and trafilatura.extract(tree, url=url, **TRAFILATURA_OPTIONS)
    if not xml:
        return [], set()
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    main = main if main is not None else root
    headings = {clean_text(" ".join(head.itertext())) for head in main.iter("head")}
    return list(_xml_paragraphs(main)), headings


def _xml_paragraphs(element: etree._Element) -> Iterator[str]:
    buffer: list[str] = []

    def flush() -> Iterator[str]:
        parts = "".join(buffer).split(_BREAK)
        buffer.clear()
        yield from (text for text in map(clean_text, parts) if text)

    def walk(node: etree._Element) -> Iterator[str]:
        if node.text:
            buffer.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "lb":
                buffer.append(_BREAK)
            elif tag == "row":
                yield from flush()
                cells = (clean_text(" ".join(cell.itertext())) for cell in child)
                buffer.append(" | ".join(c for c in cells if c))
                yield from flush()
            elif tag in _XML_BLOCKS:
                yield from flush()
                yield from walk(child)
                yield from flush()
            elif tag and tag != "graphic":
                yield from walk(child)
            if child.tail:
                buffer.append(child.tail)

    yield from walk(element)
    yield from flush()


def _squash(text: str | None) -> str:
    """Text without any white space, case-folded: for finding a paragraph in a page's text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text or "")).casefold()


def _elements_with_text(root: etree._Element, text: str) -> list[etree._Element]:
    """The elements whose whole text is ``text``, innermost first, found from text nodes."""
    words = text.split()
    if not words:
        return []
    needle = max(words, key=len)[:40]
    found: list[etree._Element] = []
    for node in root.xpath("//body//text()[contains(., $n)]", n=needle):
        element = node.getparent()
        if node.is_tail:
            element = element.getparent()
        while element is not None and element.tag not in _PAGE:
            content = clean_text(element.text_content())
            if len(content) > len(text):
                break
            if content == text and element not in found:
                found.append(element)
            element = element.getparent()
    return found


def _body_container(root: etree._Element, paragraphs: Sequence[str]) -> etree._Element | None:
    """The deepest element holding nearly all of the body's text (None: the whole page)."""
    if not paragraphs:
        return None
    seed = None
    for text in sorted(paragraphs, key=len, reverse=True)[:3]:
        found = _elements_with_text(root, text)
        if found:
            seed = found[0]
            break
    if seed is None:
        return None
    keys = [(_squash(p), len(p)) for p in paragraphs]
    total = sum(n for _, n in keys)
    for node in (seed, *seed.iterancestors()):
        if node.tag in _PAGE:
            return None
        text = _squash(node.text_content())
        if sum(n for key, n in keys if key in text) >= _CONTAINER_SHARE * total:
            return node
    return None


def _inside(paragraphs: list[str], container: etree._Element, root: etree._Element) -> list[str]:
    """Without the paragraphs that sit elsewhere on the page (a sidebar, a footer)."""
    inside = _squash(container.text_content())
    body = root.find("body")
    page = _squash((body if body is not None else root).text_content())
    return [p for p in paragraphs if (key := _squash(p)) in inside or key not in page]


def _key(text: str | None) -> str:
    return clean_text(text).casefold()


def _near_same(a: str, b: str) -> bool:
    """The same text but for a few words (an outlet prefix, a cut): 90% shingles shared."""
    tp, fp, fn = shingle_counts(a, b)
    return tp > 0 and tp >= 0.9 * (tp + fp) and tp >= 0.9 * (tp + fn)


def _drop_repeats(
    paragraphs: list[str], top: Sequence[str | None], related: Sequence[RelatedBlock]
) -> list[str]:
    """Without the title, byline and date line repeated at the top, and without related-link
    titles."""
    links = {_key(link["title"]) for block in related for link in block.links}
    links |= {_key(block.name) for block in related}
    heads = {_key(t) for t in top} - {""}
    return [
        text
        for index, text in enumerate(paragraphs)
        if _key(text) not in links and not (index < 4 and _key(text) in heads)
    ]


def _separate_lead(
    paragraphs: list[str], leads: tuple[str, str], printed: bool, root: etree._Element
) -> tuple[list[str], str]:
    """The body without the lead at its top, and the lead ("" when the page has none).

    A lead printed apart (a sapo) is dropped from the body's top. A description that only
    repeats the body's first paragraph is no lead, unless that paragraph is set as one
    (bold, or classed "sapo", "lead", "intro"...): the paragraph stays body text.
    """
    lead = leads[1]
    for index, text in enumerate(paragraphs):
        if not any(t and (_key(text) == _key(t) or _near_same(text, t)) for t in leads):
            continue
        # trafilatura may put a lead it finds outside the body after the body.
        if printed or any(_is_set_apart(e) for e in _elements_with_text(root, text)):
            return paragraphs[:index] + paragraphs[index + 1 :], lead
        if index < 3:
            return paragraphs, ""
    return paragraphs, lead


def _is_emphasized(element: etree._Element) -> bool:
    """Wholly bold or italic: <strong>X</strong>, or <p><b>X</b></p>."""
    text = clean_text(element.text_content())
    return element.tag in _EMPHASIS or any(
        child.tag in _EMPHASIS and clean_text(child.text_content()) == text for child in element
    )


def _is_set_apart(element: etree._Element) -> bool:
    """A paragraph set as a lead: wholly bold, or classed as a sapo / lead / intro."""
    for node in (element, element.getparent()):
        if node is not None and _LEAD_CLASS.search(node.get("class") or ""):
            return True
    return _is_emphasized(element)


def _is_bold_lead(text: str, root: etree._Element) -> bool:
    """A first paragraph printed in bold, as Vietnamese papers print a sapo inside the body."""
    return len(text) >= 60 and any(
        _is_emphasized(e) and e.tag not in _EMPHASIS and e.tag in ("p", "div", "h2", "h3")
        for e in _elements_with_text(root, text)
    )


def _is_bylineish(element: etree._Element) -> bool:
    """Right-aligned, bold or classed as the author: how papers set the closing byline."""
    for node in (element, *list(element.iterancestors())[:2]):
        attrs = " ".join(node.get(a) or "" for a in ("style", "align", "class"))
        if _BYLINE_STYLE.search(attrs):
            return True
    return _is_emphasized(element)


def _split_tail_byline(paragraphs: list[str], root: etree._Element) -> tuple[list[str], str | None]:
    """The body without its closing author line(s), and that line (None when there is none)."""
    found: list[str] = []
    while len(paragraphs) > 1 and len(found) < 2:
        text = paragraphs[-1]
        if len(text) > _BYLINE_MAX_CHARS:
            break
        byline = parse_byline(text)
        if not (byline.authors or byline.source):
            break
        if not _BYLINE_MARKER.search(text):
            if _SENTENCE_END.search(text) and not _INITIAL_END.search(text):
                break
            if not any(_is_bylineish(e) for e in _elements_with_text(root, text)):
                break
        found.insert(0, text)
        paragraphs = paragraphs[:-1]
    return paragraphs, " - ".join(found) or None


def _common_ancestor(a: etree._Element, b: etree._Element) -> etree._Element | None:
    ancestors = {a, *a.iterancestors()}
    return next((n for n in (b, *b.iterancestors()) if n in ancestors), None)


def _region(heading: etree._Element | None, container: etree._Element | None) -> Selector | None:
    """The part of the page holding the headline and the body."""
    node = None
    if heading is not None and container is not None:
        node = _common_ancestor(heading, container)
    if (node is None or node.tag in _PAGE) and container is not None:
        node = container.getparent()
    if (node is None or node.tag in _PAGE) and heading is not None:
        node = heading
        for _ in range(3):
            parent = node.getparent()
            if parent is None or parent.tag in _PAGE:
                break
            node = parent
    if node is None or node.tag in _PAGE:
        return None
    return Selector(root=node)


def _images(
    container: etree._Element | None, related: Sequence[RelatedBlock], url: str
) -> list[dict]:
    """The body's images with their captions; thumbnails of related boxes are not."""
    if container is None:
        return []
    found = images(Selector(root=container), url, COMMON_CAPTIONS)
    boxes = [e for block in related for e in block.elements]
    thumbnails = {
        image.url for box in boxes for image in images(Selector(root=box), url, COMMON_CAPTIONS)
    }
    return [{"url": i.url, "caption": i.caption} for i in found if i.url not in thumbnails]


# Lead, credits, dates, section, tags -------------------------------------------------------


def _lead_text(
    page: _Page, data: StructuredData, title: str, sites: Sequence[str]
) -> tuple[str, bool]:
    """The sapo as printed (outlet prefix and all), else the structured description; and
    whether it is printed apart from the body (found by its markup)."""
    description = clean_text(data.description)
    if _is_site_name(description, sites) or _same(description, title):
        description = ""
    candidates = [e for css in _LEAD_SELECTORS for e in select(page.scope, css)]
    if page.heading is not None and page.heading.tag == "h1":
        candidates.extend(Selector(root=page.heading).xpath("following::h2[1]"))
    visible = ""
    for element in candidates:
        if element.root.tag == "a" or not page.in_article(element.root):
            continue
        text = text_of(element)
        if 30 <= len(text) <= 1500 and not _same(text, title):
            visible = text
            break
    if visible and (not description or _overlaps(visible, description)):
        return visible, True
    return description, False


def _overlaps(a: str, b: str) -> bool:
    """Whether two texts share most of the shorter one (a description cut short, say)."""
    tp, fp, fn = shingle_counts(a, b)
    shorter = min(tp + fp, tp + fn)
    return shorter > 0 and tp >= 0.6 * shorter


def _visible_byline(page: _Page, title: str) -> str | None:
    if page.region is None:
        return None
    for css in _BYLINE_SELECTORS:
        for element in page.region.css(css):
            text = text_of(element)
            if (
                text
                and len(text) <= _BYLINE_MAX_CHARS
                and not _same(text, title)
                and page.in_article(element.root, after_body=True)
            ):
                return text
    return None


def _credits(
    data: StructuredData, byline_raw: str | None, tail: str | None, sites: Sequence[str]
) -> tuple[list[str], str | None, str | None]:
    """(authors, source, byline_raw): structured persons first, then the printed bylines; an
    outlet named as the author is no person."""
    printed = byline_raw or tail
    authors: list[str] = []

    def add(names) -> None:
        for name in names:
            if not _is_site_name(name, sites):
                authors.extend(a for a in parse_byline(name).authors if a not in authors)

    add((*data.authors, *data.microdata_authors))
    for text in (byline_raw, tail):
        if not authors and text:
            add([text])
    if not authors and not printed:
        add(data.meta_authors)
    sources = [parse_byline(text).source for text in (byline_raw, tail) if text]
    source = next((s for s in sources if s), None)
    if not source and not printed:
        source = next(iter(data.organizations), None)
    return authors, source, printed


def _declares_no_article(sel: Selector) -> bool:
    """Whether the page says it is not an article: og:type "website" (or another non-article
    type) and no article in its JSON-LD or microdata."""
    og_type = clean_text(sel.xpath('//meta[@property="og:type"]/@content').get()).lower()
    if not og_type or og_type == "article":
        return False
    if any(_types(node) & ARTICLE_TYPES for node in json_ld_nodes(sel)):
        return False
    return not sel.xpath('//*[@itemprop="articleBody" or contains(@itemtype, "Article")]')


def _visible_source(page: _Page) -> str | None:
    """The wire or outlet credited on a line of its own near the body."""
    for css in _SOURCE_SELECTORS:
        for element in select(page.sel, css):
            text = text_of(element)
            if (
                text
                and len(text) <= _BYLINE_MAX_CHARS
                and page.in_article(element.root, after_body=True)
            ):
                if source := parse_byline(text).source:
                    return source
    return None


def _visible_date(page: _Page) -> tuple[str | None, datetime | None]:
    """(the date as printed, the datetime read from it) from the article's own date line;
    a printed text before a machine-readable attribute."""
    elements = [e for css in _DATE_SELECTORS for e in select(page.scope, css)]
    elements = [e for e in elements if page.in_article(e.root, above=True)]
    for element in elements:
        text = text_of(element)
        if text and len(text) <= 120 and (dt := parse_datetime(text)) is not None:
            return text, dt
    for element in elements:
        for value in (element.attrib.get(a) for a in _DATE_ATTRIBUTES):
            if value and (dt := parse_datetime(value)) is not None:
                return clean_text(value), dt
    return None, None


def _breadcrumb(sel: Selector, data: StructuredData, title: str) -> list[str]:
    """The breadcrumb's items, structured data first; the home link and the title left out."""
    texts = list(data.breadcrumb)
    for css in () if texts else _BREADCRUMB_SELECTORS:
        texts = [t for t in (text_of(e) for e in sel.css(css)) if t and len(t) <= 60]
        if texts:
            break
    return [t for t in dict.fromkeys(texts) if t.casefold() not in _HOME and not _same(t, title)]


def _tags(page: _Page) -> list[str]:
    """The tag links shown with the article (not the keywords meta, which readers never see)."""
    for css in _TAG_SELECTORS:
        elements = [e for e in page.sel.css(css) if page.below_headline(e.root)]
        texts = [t for t in map(text_of, elements) if t and len(t) <= 80]
        if texts:
            return list(dict.fromkeys(texts))
    return _labelled_tags(page.scope) or _labelled_tags(page.sel)


def _labelled_tags(scope: Selector) -> list[str]:
    """Links after a "Từ khoá:" / "Tags:" label, in the label's nearest container with links."""
    for node in scope.root.xpath(_LABEL_TEXTS):
        if clean_text(node).rstrip(" :").casefold() not in _TAG_LABELS:
            continue
        label = node.getparent()
        if node.is_tail:
            label = label.getparent()
        container = label
        for _ in range(3):
            container = container.getparent()
            if container is None:
                break
            order = {el: i for i, el in enumerate(container.iter())}
            anchors = [
                a
                for a in container.iter("a")
                if order[a] > order[label] and label not in a.iterancestors()
            ]
            if anchors:
                texts = (clean_text(element_text(a)) for a in anchors)
                return list(dict.fromkeys(t for t in texts if t and len(t) <= 80))
    return []
