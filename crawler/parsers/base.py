"""The article parser every CMS family configures: structured data first, then the markup.

A family (``onecms.py``) states its templates' selectors; a site states only what differs (its
lead prefixes, say). Parsing is pure: (html, url) in, the article's fields out; no Scrapy, no
network, no clock.
"""

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

from crawler.bylines import parse_byline, strip_lead_prefix
from crawler.dates import parse_datetime, to_iso
from crawler.discovery import ListingRules
from crawler.related import DEFAULT_HEADINGS, RelatedBlock, find_related_blocks, in_page_order
from crawler.structured import read_structured_data
from crawler.text import clean_text, images, paragraphs, parse_html, text_of, xpath_tokens
from crawler.urls import choose_canonical


class NoArticle(ValueError):
    """The page holds no article; the message says why."""


# Inside any body: what is never prose.
COMMON_BODY_DROP = (
    "script",
    "style",
    "figure",
    "table.picture",
    "table.image",
    ".caption",
    "[class*=share]",
    "[class*=social]",
    "[class*=comment]",
    "[class*=advert]",
    "[class*=banner]",
    "[id*=ads]",
    ".ads",
)
COMMON_CAPTIONS = ("figcaption", ".caption", "td.caption", ".image-caption", ".PhotoCMS_Caption")


@dataclass(frozen=True)
class Template:
    """The selectors of one page template; each list is tried in order, first match wins."""

    name: str
    title: Sequence[str]
    body: Sequence[str]
    lead: Sequence[str] = ()
    byline: Sequence[str] = ()
    time: Sequence[str] = ()
    section: Sequence[str] = ()
    tags: Sequence[str] = ()
    body_drop: Sequence[str] = ()
    captions: Sequence[str] = COMMON_CAPTIONS
    # Boxes of related links found by their markup (MasterCMS's __MB_ARTICLE_A, say), wherever
    # they sit; each is moved out of the body into `related`, named by its heading if it has one.
    related_boxes: Sequence[str] = ()
    # The author line printed at the end of the body (VnExpress's right-aligned last paragraph):
    # the last match is the byline when `byline` finds none, and is never body text.
    byline_in_body: Sequence[str] = ()
    # Bylines printed one element per person (VietNamNet's author boxes, Dân trí's author links):
    # when `byline` finds none, the texts of the first of these selectors that matches, joined
    # by commas, are the byline.
    authors: Sequence[str] = ()
    # A wire or outlet credited on a line of its own ("Theo <b>Reuters</b>" under Dân trí's body):
    # the source when the byline names none.
    source: Sequence[str] = ()


XPATH_PREFIX = "xpath:"


def select(sel: Selector, selector: str) -> SelectorList:
    """What a template's selector matches: CSS, or XPath when it starts with "xpath:".

    XPath reaches what CSS cannot: an element found by its text ("the line starting with
    'Ngày đăng'") and the elements around it.
    """
    if selector.startswith(XPATH_PREFIX):
        return sel.xpath(selector[len(XPATH_PREFIX) :])
    return sel.css(selector)


# A selector led by a compound with a class, an id or an attribute (``div.c-news-detail
# div.b-maincontent``, ``a[data-content-name=article-tags]``): that compound, the combinator
# after it, and the rest.
_MARK = (
    r"""[.#][A-Za-z_][\w-]*|\[[a-z][a-z0-9-]*(?:\*?=(?:"[^"\\]*"|'[^'\\]*'|[A-Za-z_][\w-]*))?\]"""
)
_LED = re.compile(
    rf"(?P<tag>[a-z][a-z0-9]*)?(?P<marks>(?:{_MARK})+)"
    r"(?:(?P<combinator>\s*>\s*|\s+)(?P<rest>[^\s>+~].*))?",
    re.ASCII | re.DOTALL,
)
# Each mark of the compound: "." or "#" and a name, or an attribute, its operator and value.
_MARKS = re.compile(
    r"""([.#])([\w-]+)|\[([a-z][a-z0-9-]*)(?:(\*?=)(?:"([^"\\]*)"|'([^'\\]*)'|([\w-]+)))?\]""",
    re.ASCII,
)
_CLASS_VALUES = etree.XPath("//@class")
_ID_VALUES = etree.XPath("//@id")


@cache
def _holders(attribute: str) -> etree.XPath:
    """The elements with the attribute, from a search of the attributes of that name: several
    times quicker than a test of every element."""
    return etree.XPath(f"//@{attribute}/..")


@cache
def _relative_xpath(rest: str, combinator: str) -> str:
    """The rest of a selector as XPath from the element its first compound matched."""
    prefix = "child::" if combinator == ">" else "descendant::"
    return HTMLTranslator().css_to_xpath(rest, prefix=prefix)


class _Attributes:
    """One attribute's values on the whole page, read in one search: which elements hold a
    class token (or an id) is then a substring search, not a walk of the tree."""

    def __init__(self, values: list):
        self._values = values
        # XPath splits values at tabs and line breaks too. Three replacements cost less than
        # one regular expression over a page's classes.
        joined = " " + " ".join(values) + " "
        self._joined = joined.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        # Where each value starts in the joined text.
        self._starts = list(accumulate(map((1).__add__, map(len, values)), initial=1))

    def holding(self, token: str) -> list[etree._Element]:
        """The elements whose value holds ``token`` between spaces, in page order."""
        found: list[etree._Element] = []
        at = self._joined.find(f" {token} ")
        while at >= 0:
            value = self._values[bisect_right(self._starts, at + 1) - 1]
            if not found or found[-1] is not value.getparent():
                found.append(value.getparent())
            at = self._joined.find(f" {token} ", at + 1)
        return found


@dataclass(frozen=True)
class _Compound:
    """``tag#id.class[attribute=value]...``, tested as Selector.css tests it."""

    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    # (name, operator: "", "=" or "*=", value)
    attributes: tuple[tuple[str, str, str], ...]

    def holds(self, el: etree._Element) -> bool:
        return (
            (self.tag is None or el.tag == self.tag)
            and all(_has(el.get(name), op, value) for name, op, value in self.attributes)
            and all(el.get("id") == name for name in self.ids)
            and (not self.classes or set(self.classes) <= xpath_tokens(el.get("class") or ""))
        )


def _has(actual: str | None, operator: str, value: str) -> bool:
    if actual is None:
        return False
    if operator == "=":
        return actual == value
    return operator == "" or value in actual


def _compound(tag: str | None, marks: str) -> _Compound | None:
    """The compound, or None where Selector.css reads it otherwise than _Compound.holds."""
    ids, classes, attributes = [], [], []
    for mark, name, attribute, operator, *values in _MARKS.findall(marks):
        value = next((v for v in values if v), "")
        if mark:
            (ids if mark == "#" else classes).append(name)
        elif operator == "*=" and not value:
            return None  # cssselect makes it match nothing: left to it
        else:
            attributes.append((attribute, operator, value))
    if len(ids) > 1:
        return None
    return _Compound(tag, tuple(ids), tuple(classes), tuple(attributes))


class _Matches:
    """What each of a template's selectors matches on one page, found once: the template is
    picked by its title and body, which are read next.

    A selector led by a compound with a class, an id or an attribute finds that compound from
    the page's class or id values or its attributes of that name (one search each, made on
    first use), and the rest inside what it matched; any other selector is one search of the
    whole page, as Selector.css makes it.
    """

    def __init__(self, sel: Selector):
        self._sel = sel
        self._found: dict[str, SelectorList] = {}
        self._classes: _Attributes | None = None
        self._ids: _Attributes | None = None
        self._holders: dict[str, list[etree._Element]] = {}

    def __call__(self, selector: str) -> SelectorList:
        if selector not in self._found:
            self._found[selector] = self._select(selector)
        return self._found[selector]

    def union(self, selectors: Sequence[str]) -> SelectorList:
        """What any of the selectors matches, in page order, each element once."""
        found = [matched for matched in map(self, selectors) if matched]
        if len(found) > 1:
            # Several lists to merge: one search keeps page order.
            return self._sel.css(", ".join(selectors))
        return found[0] if found else SelectorList()

    def _candidates(self, compound: _Compound) -> list[etree._Element]:
        if compound.classes:
            self._classes = self._classes or _Attributes(_CLASS_VALUES(self._sel.root))
            return self._classes.holding(compound.classes[0])
        if compound.ids:
            self._ids = self._ids or _Attributes(_ID_VALUES(self._sel.root))
            return self._ids.holding(compound.ids[0])
        name = compound.attributes[0][0]
        if name not in self._holders:
            self._holders[name] = _holders(name)(self._sel.root)
        return self._holders[name]

    def _select(self, selector: str) -> SelectorList:
        led = _LED.fullmatch(selector) if "," not in selector else None
        compound = _compound(led["tag"], led["marks"]) if led else None
        if compound is None:
            return select(self._sel, selector)
        scopes = [el for el in self._candidates(compound) if compound.holds(el)]
        if led["rest"] is None:
            return SelectorList(Selector(root=el, type="html") for el in scopes)
        combinator = led["combinator"].strip()
        if combinator == ">" and len(scopes) > 1:
            # Matches under nested scopes would interleave: one search keeps page order.
            return select(self._sel, selector)
        xpath = _relative_xpath(led["rest"], combinator)
        found = SelectorList()
        kept: set[etree._Element] = set()
        for scope in scopes:
            # What a scope inside another finds, that one found too.
            if not kept.isdisjoint(scope.iterancestors()):
                continue
            kept.add(scope)
            found.extend(Selector(root=scope, type="html").xpath(xpath))
        return found


def _first(matches: _Matches, selectors: Sequence[str]) -> Selector | None:
    for css in selectors:
        found = matches(css)
        if found:
            return found[0]
    return None


def _first_text(matches: _Matches, selectors: Sequence[str]) -> str:
    for css in selectors:
        for found in matches(css):
            text = text_of(found)
            if text:
                return text
    return ""


def _all_texts(matches: _Matches, selectors: Sequence[str]) -> list[str]:
    for css in selectors:
        texts = [t for t in (text_of(s) for s in matches(css)) if t]
        if texts:
            return list(dict.fromkeys(texts))
    return []


def _primary_language(tag: str | None) -> str | None:
    """ "vi" of "vi-VN", "vi_VN" or "VI"; None for an empty tag."""
    primary = re.split(r"[-_]", (tag or "").strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


# A CMS that states no listing rules: rel=next pagination, undated links.
GENERIC_LISTING = ListingRules()

_BREADCRUMB_HOME = frozenset({"trang chủ", "home", "trang chu"})


@dataclass
class ArticleParser:
    """Reads an article page of one CMS family; configured per site where the site differs."""

    name: str
    templates: Sequence[Template]
    lead_prefixes: Sequence[str] = ()
    related_headings: Sequence[str] = DEFAULT_HEADINGS
    listing: ListingRules = GENERIC_LISTING
    # The path of an article page, as a regular expression (searched).
    article_url: str = r"\.html?$"
    language: str = "vi"
    # Whether the page's description (JSON-LD, og:description, meta description) stands in for
    # a lead the template does not find. Off where the CMS fills it with a site-wide text.
    lead_from_description: bool = True

    def template_for(self, matches: _Matches) -> Template | None:
        """The first template whose title and body are both on the page."""
        for template in self.templates:
            if (
                _first(matches, template.title) is not None
                and _first(matches, template.body) is not None
            ):
                return template
        return None

    def own_related(self, sel: Selector, url: str) -> list[RelatedBlock]:
        """Related blocks only the family's own code can read (a topic bar, say); none here.

        They join the blocks found by heading and by markup, in page order, and leave the body
        like them.
        """
        return []

    def parse(self, html: str, url: str, page: Selector | None = None) -> dict:
        """The article's fields, or NoArticle with the reason.

        ``page`` is the HTML as parse_html parsed it, when the caller has it: the page is
        parsed once, and read without being changed (the generic extractor may read it next).
        """
        sel = page if page is not None else parse_html(html)
        data = read_structured_data(sel)
        matches = _Matches(sel)
        template = self.template_for(matches)
        if template is None:
            raise NoArticle(f"no {self.name} template matches (title and body not found)")

        title = _first_text(matches, template.title) or clean_text(data.headline)
        lead_text = _first_text(matches, template.lead)
        if not lead_text and self.lead_from_description:
            lead_text = clean_text(data.description)
        lead, _ = strip_lead_prefix(lead_text, self.lead_prefixes)

        body_sel = _first(matches, template.body)
        byline_raw = _first_text(matches, template.byline) or ", ".join(
            _all_texts(matches, template.authors)
        )
        skip = []  # what is no body text nor image, though in the body
        for css in template.byline_in_body:
            for element in reversed(body_sel.css(css)):
                byline_raw = byline_raw or text_of(element)
                skip.append(element.root)
                break
        byline = parse_byline(byline_raw)
        authors = list(byline.authors)
        source = byline.source or parse_byline(_first_text(matches, template.source)).source
        if not byline_raw:
            for name in data.authors:
                authors.extend(a for a in parse_byline(name).authors if a not in authors)
            source = source or next(iter(data.organizations), None)

        published_raw = _first_text(matches, template.time).strip(" |") or None
        published = parse_datetime(data.published) or parse_datetime(published_raw)
        updated = parse_datetime(data.modified)
        if updated and published and updated <= published:
            # CMSs fill dateModified with the publication time: no update to report.
            updated = None

        breadcrumb = _all_texts(matches, template.section) or data.breadcrumb
        breadcrumb = [b for b in breadcrumb if b.casefold() not in _BREADCRUMB_HOME]
        tags = _all_texts(matches, template.tags)
        # The boxes in page order, each once, whichever selector found it.
        boxes = [box.root for box in matches.union(template.related_boxes)]
        related = find_related_blocks(sel.root, url, self.related_headings, boxes)
        if own := self.own_related(sel, url):
            related = in_page_order([*related, *own])

        # An in-body related box is related links, not prose, and its thumbnails
        # (MasterCMS's mb_article_in_image) are not the article's images.
        skip += (
            e for block in related for e in block.elements if body_sel.root in e.iterancestors()
        )
        body_images = images(body_sel, url, template.captions, skip)
        body_paragraphs = paragraphs(body_sel, (*COMMON_BODY_DROP, *template.body_drop), skip)
        if body_paragraphs and lead and body_paragraphs[0] in (lead, lead_text):
            body_paragraphs = body_paragraphs[1:]
        if not title:
            raise NoArticle("no title")
        if not body_paragraphs:
            raise NoArticle("no body text")

        return {
            "url": choose_canonical(url, data.canonical),
            "title": title,
            "lead": lead or None,
            "authors": authors,
            "source": source,
            "byline_raw": byline_raw or None,
            "published_at": to_iso(published) if published else None,
            "published_raw": published_raw,
            "updated_at": to_iso(updated) if updated else None,
            "section": (breadcrumb[-1] if breadcrumb else None) or data.section,
            "tags": tags,
            "images": [{"url": i.url, "caption": i.caption} for i in body_images],
            "related": [block.as_dict() for block in related],
            "body": "\n\n".join(body_paragraphs),
            "language": _primary_language(data.language) or self.language,
            "extractor": self.name,
        }
