"""The ePi CMS (static-cms-*.epicdn.me): anninhthudo.vn, and nhandan.vn, tienphong.vn, plo.vn,
baophapluat.vn, tinnhanhchungkhoan.vn on the same platform.

One article template: ``h1.article__title.cms-title``, ``.article__sapo.cms-desc``,
``div.article__body.cms-body`` (``itemprop=articleBody``) with pictures as ``table.picture``
(``td.pic`` image, ``td.caption`` caption) and the author box ``div.article__author`` printed at
the end *inside* the body. Where each selector comes from and how sure it is:
``docs/markup/epi.md``. The printed time's format is not known from any source: the date is read
from JSON-LD / ``itemprop=datePublished`` first, the printed ``time`` only when they are absent.
"""

from crawler.discovery import ListingRules
from crawler.parsers.base import COMMON_CAPTIONS, ArticleParser, Template

STANDARD = Template(
    name="standard",
    title=("h1.article__title.cms-title", "h1.cms-title", "h1.article__title", ".cms-title"),
    # The 2019 template (docbao) printed the sapo as ``.summary.cms-desc``.
    lead=(".article__sapo.cms-desc", ".cms-desc", ".article__sapo"),
    byline=(".article__author .cms-author", ".article__author .name", ".cms-author"),
    time=(".article__meta time", ".article__meta .time", "time.time"),
    body=(
        "div.article__body.cms-body",
        "div.cms-body",
        "div.article__body",
        # The 2019 template's body container (docbao, anninhthudo).
        "#main_detail",
    ),
    section=(".breadcrumbs a.text", ".breadcrumbs a", ".breadcrumb a"),
    tags=(".article__tag a", ".article__tags a", ".tags a"),
    body_drop=(
        # Printed at the end of the body: author box, tags, ads.
        ".article__author",
        ".article__tag",
        ".ads_middle",
        # Read more / related boxes not found by their heading (tienphong 2019).
        ".article-relate-b",
    ),
    captions=COMMON_CAPTIONS,
    # In-body related boxes: nhandan's ``div.related-news`` (``article`` items), tienphong's
    # ``.article-relate``. One with a "Tin liên quan" heading is found by the heading as well.
    related_boxes=(".cms-body .related-news", ".cms-body .article-relate", ".article-relate-b"),
)

# Article pages are /<slug>-post<numeric id>.<ext> on every ePi site; the extension is the
# site's own (.antd anninhthudo, .tpo tienphong, .html nhandan / plo / tinnhanhchungkhoan).
ARTICLE_URL = r"^/(?:[a-z0-9-]+/)*[a-z0-9-]+-post\d{3,9}\.[a-z]{2,5}$"

# Listings print ``article.story`` items (``h3.story__heading a``, nhandan scrapers) with a time;
# pagination is guessed: rel=next, ``.pagination a.next`` (the ``?trang=N`` query is tienphong's).
LISTING = ListingRules(
    item=("article.story", ".story"),
    item_time=(".story__time", "time"),
    next_page=(
        "link[rel=next]::attr(href)",
        "a[rel=next]::attr(href)",
        ".pagination a.next::attr(href)",
        ".pagination a.pagination__next::attr(href)",
    ),
)


class EpiParser(ArticleParser):
    """The ePi family's parser; a site passes only its lead prefixes."""

    def __init__(self, *, lead_prefixes: tuple[str, ...] = ()):
        super().__init__(
            name="epi",
            templates=(STANDARD,),
            lead_prefixes=lead_prefixes,
            listing=LISTING,
            article_url=ARTICLE_URL,
        )
