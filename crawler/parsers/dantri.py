"""Dân trí (dantri.com.vn): its own CMS, three article templates over the years.

What each selector rests on (``../shared/research/hanoi_sites.md`` §3.2; [V] = seen on the real
2026-03 page of ``../shared/corpus/vn/dantri.com.vn``, [C] = public scrapers' selectors):

- ``slot`` (2025–): ``article[data-slot=container]`` holding ``h1[data-slot=title]``, one author
  link ``a[href*="/tac-gia/"]`` per person (``Template.authors``), ``time[datetime]`` "Thứ bảy,
  07/03/2026 - 08:07", the sapo ``h2[data-slot=sapo]`` "(Dân trí) - …" and the body
  ``div[data-slot=content]`` [V]. Tailwind classes (``dt-*``) carry no meaning and are not used.
- ``singular`` (2021–2024): ``article.singular-container`` with ``h1.title-page``,
  ``div.author-name a``, ``time.author-time[datetime]``, ``h2.singular-sapo``, the body
  ``div.singular-content`` and the wire credit ``div.singular-source`` ("Theo <strong>X</strong>")
  after it; tags ``ul.tags-wrap a``; related ``aside.article-related`` headed "Tin liên quan"
  [C: several scrapers, and a public copy of the 2025 markup].
- ``dt-news`` (2019–2020): ``h1.dt-news__title``, ``div.dt-news__sapo h2``, ``span.dt-news__time``,
  ``div.dt-news__content``, tags ``ul.dt-news__tag-list a`` [C, 2020 scrapers; medium]; where
  its author stood is not known (a right-aligned last paragraph is assumed).

On every template the breadcrumb links carry ``data-content-name=article-breadcrumb``, the tag
links ``article-tags``, the related items ``article-related`` and the most-read sidebar's items
``article-popular`` [V]. JSON-LD ``NewsArticle`` names the author as a Person and gives
``datePublished`` with seconds [V]; ``meta name=author`` is the outlet ("Dân Trí"). The
after-body related box has no heading [V] and is named "Tin liên quan"; the sidebar "Đọc nhiều
trong <section>" is read by ``own_related``.
"""

from lxml import etree
from parsel import Selector

from crawler.discovery import ListingRules
from crawler.parsers.base import ArticleParser, Template
from crawler.related import RelatedBlock, titled_links
from crawler.text import text_of

_BREADCRUMB = ("a[data-content-name=article-breadcrumb]",)
_TAGS = ("a[data-content-name=article-tags]", "ul.tags-wrap li a", "ul.dt-news__tag-list a")
_BODY_DROP = (
    # Widgets (gold prices) and module slots (the in-content related box, the audio player):
    # empty in the saved HTML, filled by scripts [V].
    ".dantri-widget",
    "[data-module]",
    "[data-content-name=article-related]",
    ".singular-source",
)
# Related links after the body: one ``article`` per item in 2025–, an ``aside`` in 2021–2024.
_RELATED = ("[data-content-name=article-related]", "aside.article-related")

SLOT = Template(
    name="slot",
    title=("article[data-slot=container] h1[data-slot=title]", "h1[data-slot=title]"),
    body=("article[data-slot=container] [data-slot=content]", "[data-slot=content]"),
    lead=("h2[data-slot=sapo]", "[data-slot=sapo]"),
    # One author link per person, the avatar's (no text) and the name's [V].
    authors=('article[data-slot=container] a[href*="/tac-gia/"]',),
    time=("article[data-slot=container] time", "time[datetime]"),
    section=_BREADCRUMB,
    tags=_TAGS,
    body_drop=_BODY_DROP,
    related_boxes=_RELATED,
)

SINGULAR = Template(
    name="singular",
    title=("article.singular-container h1.title-page", "h1.title-page.detail", "h1.title-page"),
    body=("article.singular-container div.singular-content", "div.singular-content"),
    lead=("h2.singular-sapo", ".singular-sapo"),
    byline=(".author-wrap .author-name", ".author-name"),
    time=("time.author-time", ".author-wrap time"),
    section=_BREADCRUMB,
    tags=_TAGS,
    body_drop=_BODY_DROP,
    related_boxes=_RELATED,
    source=(".singular-source",),
)

DT_NEWS = Template(
    name="dt-news",
    title=("h1.dt-news__title",),
    body=("div.dt-news__content",),
    lead=("div.dt-news__sapo h2", "div.dt-news__sapo"),
    time=("span.dt-news__time",),
    section=_BREADCRUMB,
    tags=_TAGS,
    body_drop=(*_BODY_DROP, ".dt-news__tag-list"),
    related_boxes=_RELATED,
    # The author closed the body, right-aligned in bold (as VnExpress still does) [guess].
    byline_in_body=('p[style*="right"]',),
)

# Article pages end in a 17-digit publication timestamp: /<section>[/<sub>]/<slug>-
# 20260307080054340.htm [V] (2019 pages too); the pattern allows 10 digits and up. Section
# listings (/kinh-doanh.htm, /kinh-doanh/trang-2.htm) and author pages have no such number.
ARTICLE_URL = r"^/(?:[a-z0-9-]+/)*[a-z0-9-]+-\d{10,}\.htm$"

# Listing items are ``article.article-item`` (h3.article-title a) with no printed time [V];
# the next page is ``.pagination a.next`` → /<section>/trang-2.htm [V].
LISTING = ListingRules(
    item=("article.article-item",),
    item_time=("time",),
    next_page=(
        "link[rel=next]::attr(href)",
        ".pagination a.next::attr(href)",
        "a.page-item.next::attr(href)",
        "a[rel=next]::attr(href)",
    ),
)


# The most-read items' parents, found from the attribute: a search of the attributes of one
# name is several times quicker than a test of every element ("//*[@data-content-name=...]").
_POPULAR_BOXES = etree.XPath("//@data-content-name[. = 'article-popular']/../..")


class DanTriParser(ArticleParser):
    """dantri.com.vn's parser; leads start "(Dân trí) - "."""

    def __init__(self, *, lead_prefixes: tuple[str, ...] = ("(Dân trí)",)):
        super().__init__(
            name="dantri",
            templates=(SLOT, SINGULAR, DT_NEWS),
            lead_prefixes=lead_prefixes,
            listing=LISTING,
            article_url=ARTICLE_URL,
        )

    def own_related(self, sel: Selector, url: str) -> list[RelatedBlock]:
        """The most-read sidebar: ``article-popular`` items under a heading of their own."""
        blocks = []
        for element in _POPULAR_BOXES(sel.root):
            box = Selector(root=element, type="html")
            # Its text without that of a script or style (text_of leaves theirs out).
            heading = text_of(
                box.xpath(
                    "./*[not(self::script or self::style) and not(@data-content-name)"
                    " and not(.//a)][normalize-space()][1]"
                )
            )
            anchors = box.xpath("./*[@data-content-name='article-popular']//a")
            links = titled_links((a.root for a in anchors), url)
            if heading and links:
                blocks.append(RelatedBlock(heading, links, box.root))
        return blocks
