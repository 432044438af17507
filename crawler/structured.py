"""Structured data of an article page: JSON-LD, ``article:*`` / OpenGraph meta and microdata.

The most trusted source of an article's fields: publishers fill it for search engines, and it
survives redesigns that break selectors.
"""

import json
from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector

from crawler.text import clean_text, text_of

# schema.org types that describe an article page's main content.
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "Report",
    }
)
PERSON_TYPES = frozenset({"Person"})


@dataclass
class StructuredData:
    """What the page declares about itself; every field may be empty."""

    headline: str | None = None
    description: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    breadcrumb: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)
    language: str | None = None
    # Names outside JSON-LD, kept apart because they are often the outlet, not a person:
    # microdata ``[itemprop=author]`` persons, and ``meta name=author`` / ``article:author``.
    microdata_authors: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _walk_json_ld(data: object):
    """Every dict in a JSON-LD document, following lists and ``@graph``."""
    if isinstance(data, list):
        for node in data:
            yield from _walk_json_ld(node)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_json_ld(data["@graph"])


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    if "<" in value or "&" in value:
        # Some CMSs put markup or entities in JSON-LD strings.
        value = Selector(text=f"<p>{value}</p>").xpath("string()").get()
    return clean_text(value) or None


def json_ld_nodes(sel: Selector) -> list[dict]:
    """All JSON-LD nodes of the page; a script that is not valid JSON is skipped."""
    nodes = []
    # lxml's iter() by tag walks the tree several times quicker than an XPath search.
    scripts = sel.root.iter("script")
    for raw in (s.text for s in scripts if s.get("type") == "application/ld+json" and s.text):
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        nodes.extend(_walk_json_ld(data))
    return nodes


class _Metas:
    """The page's ``<meta content>`` tags, read in one pass: a page has a dozen names to look
    up, and a search of the whole tree for each costs more than the rest of this module."""

    def __init__(self, sel: Selector):
        # (property, name, itemprop, content) of each tag, in page order.
        self.tags = [
            (m.get("property"), m.get("name"), m.get("itemprop"), m.get("content"))
            for m in sel.root.iter("meta")
            if m.get("content") is not None
        ]
        # Each name's first content, whichever of the three attributes names it.
        self.first: dict[str | None, str] = {}
        for *names, content in self.tags:
            for name in names:
                self.first.setdefault(name, content)

    def all(self, property: tuple[str, ...] = (), name: tuple[str, ...] = ()) -> list[str]:
        """The contents, in page order, of the tags whose property or name is one of these."""
        return [c for p, n, _, c in self.tags if p in property or n in name]


def _meta(metas: _Metas, *names: str) -> str | None:
    for name in names:
        value = metas.first.get(name)
        if value and value.strip():
            return clean_text(value)
    return None


def _keywords(value: object) -> list[str]:
    words = []
    for item in _as_list(value):
        if isinstance(item, str):
            words.extend(w for w in (clean_text(p) for p in item.split(",")) if w)
    return words


# The elements found from their attributes: a search of the attributes of one name is several
# times quicker than a test of every element ("//*[@itemprop][...]").
_AUTHORS = etree.XPath('//@itemprop[contains(concat(" ", normalize-space(.), " "), " author ")]/..')


def _microdata_authors(sel: Selector) -> list[str]:
    """Names of ``[itemprop=author]`` persons: their ``[itemprop=name]``, else their text."""
    names = []
    for element in _AUTHORS(sel.root):
        author = Selector(root=element, type="html")
        if "organization" in (author.attrib.get("itemtype") or "").lower():
            continue
        # text_of: the text without that of a script or style inside.
        name = (
            author.xpath('.//*[@itemprop="name"]/@content').get()
            or text_of(author.xpath('.//*[@itemprop="name"]'))
            or author.attrib.get("content")
            or text_of(author)
        )
        name = clean_text(name)
        # A long text is a whole author box, not a name.
        if name and len(name) <= 80 and name not in names:
            names.append(name)
    return names


def _meta_authors(metas: _Metas) -> list[str]:
    """``meta name=author`` and ``article:author`` values that are not links."""
    values = metas.all(name=("author", "article:author"), property=("article:author",))
    names = []
    for value in map(clean_text, values):
        if value and "://" not in value and not value.startswith("www.") and value not in names:
            names.append(value)
    return names


def read_structured_data(sel: Selector) -> StructuredData:
    """Read the page's structured data, JSON-LD first, then meta tags and microdata."""
    data = StructuredData()
    metas = _Metas(sel)
    for node in json_ld_nodes(sel):
        types = _types(node)
        if types & ARTICLE_TYPES and not data.headline:
            data.headline = _text(node.get("headline")) or _text(node.get("name"))
            data.description = _text(node.get("description"))
            data.published = _text(node.get("datePublished")) or _text(node.get("dateCreated"))
            data.modified = _text(node.get("dateModified"))
            for author in _as_list(node.get("author")):
                name = _text(author)
                if not name:
                    continue
                is_person = not isinstance(author, dict) or _types(author) <= PERSON_TYPES
                (data.authors if is_person else data.organizations).append(name)
            data.section = _text(next(iter(_as_list(node.get("articleSection"))), None))
            data.keywords = _keywords(node.get("keywords"))
            data.language = _text(node.get("inLanguage"))
            page = node.get("mainEntityOfPage")
            url = page.get("@id") if isinstance(page, dict) else page
            if isinstance(url, str):
                data.canonical.append(url)
        elif "BreadcrumbList" in types and not data.breadcrumb:
            # Some CMSs (dantri.com.vn) wrap each ListItem in a list of its own.
            elements = list(_walk_json_ld(node.get("itemListElement")))
            items = sorted(
                (i for i in elements if "position" in i or "name" in i or "item" in i),
                key=lambda i: i.get("position") if isinstance(i.get("position"), int) else 0,
            )
            data.breadcrumb = [
                n for n in (_text(i.get("name") or i.get("item")) for i in items) if n
            ]

    data.headline = data.headline or _meta(metas, "og:title", "twitter:title", "headline")
    data.description = data.description or _meta(metas, "og:description", "description")
    data.published = data.published or _meta(
        metas, "article:published_time", "datePublished", "pubdate", "og:article:published_time"
    )
    data.modified = data.modified or _meta(
        metas, "article:modified_time", "dateModified", "lastmod"
    )
    data.section = data.section or _meta(metas, "article:section", "articleSection")
    if not data.keywords:
        data.keywords = [clean_text(t) for t in metas.all(property=("article:tag",))]
    data.language = data.language or sel.xpath("/html/@lang").get() or _meta(metas, "og:locale")
    data.canonical[:0] = [
        u
        for u in (
            next(
                (
                    link.get("href")
                    for link in sel.root.iter("link")
                    if link.get("rel") == "canonical" and link.get("href") is not None
                ),
                None,
            ),
            _meta(metas, "og:url"),
        )
        if u
    ]
    data.microdata_authors = _microdata_authors(sel)
    data.meta_authors = _meta_authors(metas)
    return data
