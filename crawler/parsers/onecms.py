"""The "OneCMS" platform: hanoimoi.vn and its sub-sites, nguoihanoi.vn, and others on *.1cdn.vn.

Two article templates: the standard one (``c-detail-head__*``, ``h2.desc``, ``div.c-news-detail``)
and the longform one (``sc-longform-header-*``, ``block-sc-*``, ``div.entry``). How sure each
selector is, and where it comes from: ``docs/markup/onecms.md``. The author and time are two
spans printed "Author| dd/mm/yyyy HH:MM"; the pipe is a separator, not part of either.
"""

from crawler.discovery import ListingRules
from crawler.parsers.base import ArticleParser, Template

_TAGS = (".c-widget-tags a", ".onecms__tags a", ".b-tags a", ".tags a")
_SECTION = (
    ".breadcrumb-item a",
    ".c-breadcrumb a",
    "span.c-detail-head__cat a",
    ".c-detail-head__cat",
    ".sc-longform-header-cate a",
    ".block-sc-cate-name",
)
_BODY_DROP = (
    ".c-detail-head",
    ".sc-longform-header",
    # The longform entry repeats the header's category, title and byline.
    ".block-sc-cate-name",
    ".block-sc-title",
    ".sc-longform-header-meta",
    ".c-widget-tags",
    ".onecms__tags",
    ".c-tag",
    # Ads, share bars and the "powered by" line inside the body.
    ".c-box",
    ".c-sticky-share",
    ".c-sticky-mobile",
    ".c-powered",
    ".c-news-related",
    ".sc-empty-layer",
)

STANDARD = Template(
    name="standard",
    title=("h1.c-detail-head__title", ".c-detail-head h1", "h1.article__title"),
    lead=("h2.desc", "p.desc", ".c-detail-head__desc", ".b-maincontent__sapo"),
    byline=("span.c-detail-head__author", ".c-detail-head__author"),
    time=("span.c-detail-head__time", ".c-detail-head__time"),
    body=(
        "div.c-news-detail div.b-maincontent",
        "div.c-news-detail div.content-main-normal",
        "div.b-maincontent",
        "div.content-main-normal",
        "div.c-news-detail",
    ),
    section=_SECTION,
    tags=_TAGS,
    body_drop=_BODY_DROP,
)

LONGFORM = Template(
    name="longform",
    title=("h1.sc-longform-header-title", "h1.block-sc-title"),
    lead=("p.sc-longform-header-sapo", "p.block-sc-sapo", ".sc-longform-header-sapo"),
    byline=("span.block-sc-author", ".sc-longform-header-author", ".block-sc-author"),
    time=("span.sc-longform-header-date", ".block-sc-publish-time"),
    body=("article.entry-no-padding", "div.entry-no-padding", "article.entry", "div.entry"),
    section=_SECTION,
    tags=_TAGS,
    body_drop=_BODY_DROP,
)

# Article pages are /<slug>-<numeric id>.html on every OneCMS site.
ARTICLE_URL = r"^/[a-z0-9-]+-\d{5,8}\.html$"

# Listings print article items in ``ul.onecms__loading`` (infinite scroll) or ``.b-grid`` boxes,
# each with a ``time``; pages beyond the first are reached by a "load more" link or rel=next.
LISTING = ListingRules(
    item=("ul.onecms__loading li", ".b-grid"),
    item_time=(".b-grid__time", "time"),
    next_page=(
        "link[rel=next]::attr(href)",
        "a[rel=next]::attr(href)",
        ".onecms__loadmore a::attr(href)",
        ".pagination a.next::attr(href)",
        ".c-pagination a.next::attr(href)",
    ),
)


class OneCMSParser(ArticleParser):
    """The OneCMS family's parser; a site passes only its lead prefixes."""

    def __init__(self, *, lead_prefixes: tuple[str, ...] = ()):
        super().__init__(
            name="onecms",
            templates=(STANDARD, LONGFORM),
            lead_prefixes=lead_prefixes,
            listing=LISTING,
            article_url=ARTICLE_URL,
        )
