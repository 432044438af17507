"""MasterCMS: laodongthudo.vn, tuoitrethudo.vn, and phapluatxahoi.vn, congthuong.vn,
baoquocte.vn, haiquanonline.com.vn, thoidai.com.vn on the same platform.

What the platform's sites share are its ``__MB``/``__MASTERCMS`` hooks, not their page classes:
the body ``div.__MASTERCMS_CONTENT`` (paragraphs in ``div.__MB_MASTERCMS_EL``), in-body related
boxes ``table.__MB_ARTICLE_A`` (links only) and ``table.__mb_article_in_image`` (with thumbnails),
pictures as ``table.MASTERCMS_TPL_TABLE`` (image row, caption row), listings in
``.__MB_LIST_ITEM`` paged by ``div.__MB_ARTICLE_PAGING``, times as ``span.format_time`` +
``span.format_date``. Title, sapo and byline classes differ per site and are known only from
scrapers of sibling sites: ``docs/markup/mastercms.md`` says how sure each one is. Dates are read
from JSON-LD / ``article:*`` meta first. The author is often the right-aligned last paragraph of
the body (docbao's laodongthudo config reads ``p[contains(@style,"text-align: right")]``).
"""

from crawler.discovery import ListingRules
from crawler.parsers.base import COMMON_CAPTIONS, ArticleParser, Template

# In-body related boxes: links only (__MB_ARTICLE_A), or with thumbnails (mb_article_in_image).
RELATED_BOXES = (
    "table.__MB_ARTICLE_A",
    ".__MB_ARTICLE_A",
    ".__mb_article_in_image",
    ".mb_article_in_image",
)
# A picture is a two-row template table: the image, then its caption (credit included).
_PICTURE_CAPTIONS = (*COMMON_CAPTIONS, "tr + tr > td")
_BODY_DROP = (
    "table.MASTERCMS_TPL_TABLE:has(img)",
    *RELATED_BOXES,
    ".google-auto-placed",
    ".article-detail-source",
    ".__MB_ARTICLE_PAGING",
    "p.author",
)
# The author printed as the last right-aligned paragraph of the body (only the last one: a
# right-aligned paragraph before it stays prose).
_BYLINE_IN_BODY = ('p[style*="right"]',)

STANDARD = Template(
    name="standard",
    title=(
        "h1.article-detail-title",
        "h1.detail-title",
        "h1.post-title",
        ".article-detail h1",
    ),
    lead=(".article-detail-desc", "p.detail-sapo", ".article-desc", ".post-desc", ".sapo"),
    byline=(".article-detail-author", ".article-author", "p.author"),
    # "09:15 | 12/12/2024": the container of span.format_time and span.format_date.
    time=(".article-date", ".article-detail-date", ".datetime", ".bx-time", ".post-publish-time"),
    body=("div.__MASTERCMS_CONTENT", ".__MASTERCMS_CONTENT", ".__MASTERCMS_CONTENT_BODY"),
    section=(".breadcrumb a", ".article-detail-cate a", ".title_new_nav a"),
    tags=(".article-detail-tags a", ".post-tag a", ".tags a", ".category.tags a"),
    body_drop=_BODY_DROP,
    captions=_PICTURE_CAPTIONS,
    related_boxes=RELATED_BOXES,
    byline_in_body=_BYLINE_IN_BODY,
)

# tuoitrethudo.com.vn's template of ≈2019 (docbao config): ``div.article-check`` with the title,
# ``div.cate-date`` and the sapo ``h3`` in ``div.title-article-content``, body ``#content_detail``,
# pictures ``figure.expNoEdit`` captioned ``p.image_intro`` or ``figcaption > h2``;
# ``.tit-arrticle`` (sic) removed. The title's element is a guess (``h1`` in that div).
TUOITRETHUDO_2019 = Template(
    name="article-check",
    title=(".article-check .title-article-content h1", ".title-article-content h1"),
    lead=(".title-article-content > h3", ".title-article-content h3"),
    time=(".cate-date span", ".cate-date"),
    body=("#content_detail",),
    section=(".cate-date a",),
    tags=(".tags a", ".tag-article a"),
    body_drop=(".tit-arrticle", *_BODY_DROP),
    captions=(*_PICTURE_CAPTIONS, "p.image_intro"),
    # docbao removes ``.tit-arrticle`` from the content: read here as an in-body related link.
    related_boxes=(".tit-arrticle", *RELATED_BOXES),
    byline_in_body=_BYLINE_IN_BODY,
)

# Article pages are /<slug>-<numeric id>.html (multimedia pages /<slug>.media, tags .tag).
ARTICLE_URL = r"^/[a-z0-9-]+-\d{4,8}\.html$"

# Listing items sit in ``.__MB_LIST_ITEM``; laodongthudo's 2020 listing used ``div.list_news``.
# Pages: ``div.__MB_ARTICLE_PAGING`` with the current page a ``span.current`` (or ``a.active``)
# and the next one the link after it (URLs ``/<category>/p<N>``).
LISTING = ListingRules(
    item=(
        ".__MB_LIST_ITEM .article",
        ".__MB_LIST_ITEM article",
        ".__MB_LIST_ITEM li",
        "div.list_news",
    ),
    item_time=(".article-date", ".bx-time", ".article-time", "time"),
    next_page=(
        "link[rel=next]::attr(href)",
        "a[rel=next]::attr(href)",
        ".__MB_ARTICLE_PAGING span.current + a::attr(href)",
        ".__MB_ARTICLE_PAGING a.active + a::attr(href)",
        ".__MB_ARTICLE_PAGING a.next::attr(href)",
    ),
)


class MasterCMSParser(ArticleParser):
    """The MasterCMS family's parser: a site passes its lead prefixes and any older template."""

    def __init__(
        self, *, lead_prefixes: tuple[str, ...] = (), older_templates: tuple[Template, ...] = ()
    ):
        super().__init__(
            name="mastercms",
            templates=(STANDARD, *older_templates),
            lead_prefixes=lead_prefixes,
            listing=LISTING,
            article_url=ARTICLE_URL,
        )
