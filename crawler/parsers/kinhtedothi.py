"""Báo Kinh tế & Đô thị (kinhtedothi.vn): its own CMS, one article template.

What each selector rests on, and how sure it is: ``docs/markup/kinhtedothi.md``. In short: the
title ``h1.article-title`` and the time-first date line ``div.article-published-on``
("Thứ Năm, 14:17 12/12/2024") come from a 2025 scraper; the body ``[itemprop=articleBody]`` and
the author ``span.detail__author`` from a 2022 one; the sapo, breadcrumb and tags elements are
guessed, so ``og:description`` and JSON-LD stand behind them. A page without both the title and
the body is no kinhtedothi article: the spider falls back to the generic extractor (counted).
"""

from crawler.discovery import ListingRules
from crawler.parsers.base import ArticleParser, Template

ARTICLE = Template(
    name="article",
    title=("h1.article-title", "h1.detail__title", ".article-detail h1"),
    body=(
        "div[itemprop=articleBody]",
        "[itemprop=articleBody]",
        "div.article-content",
        "div.detail__content",
    ),
    lead=(".article-sapo", ".detail__sapo", ".article-detail .sapo", "div.sapo_detail"),
    byline=("span.detail__author", ".detail__author", ".article-author"),
    time=("div.article-published-on", ".article-published-on", ".detail__time"),
    section=(".article-breadcrumb a", ".breadcrumb a", ".breadcrumb-item a"),
    tags=(".article-tags a", ".detail__tags a", ".tag_detail a"),
    body_drop=(
        ".article-tags",
        ".detail__tags",
        ".article-sapo",
        ".box_guests",
        "[class*=related]",
        "[class*=relate-]",
    ),
)

# Articles are /<slug>.html with no numeric id (/luat-thu-do-nam-2024-khoi-thong-...html):
# one path segment of at least four words. Tags (/tag/<slug>), categories (/chinh-tri), pages
# such as /lien-he.html and the legacy /su-kien/<id>/<slug>.html are not articles.
ARTICLE_URL = r"^/[a-z0-9]+(?:-[a-z0-9]+){3,}\.html$"

# Listing items print "14:17 12/12/2024" before the sapo; the 2020 site paged with
# ".paging a.active + a". Item and time elements are guessed.
LISTING = ListingRules(
    item=("article.article-item", ".article-item", ".story"),
    item_time=(".article-time", ".story__time", "time"),
    next_page=(
        "link[rel=next]::attr(href)",
        "a[rel=next]::attr(href)",
        ".pagination a.next::attr(href)",
        ".paging a.active + a::attr(href)",
    ),
)


class KinhTeDoThiParser(ArticleParser):
    """kinhtedothi.vn's parser; the outlet's lead prefixes are "Kinhtedothi - " and "KTĐT - "."""

    def __init__(self, *, lead_prefixes: tuple[str, ...] = ("Kinhtedothi", "KTĐT")):
        super().__init__(
            name="kinhtedothi",
            templates=(ARTICLE,),
            lead_prefixes=lead_prefixes,
            listing=LISTING,
            article_url=ARTICLE_URL,
        )
