"""VietNamNet (vietnamnet.vn): its own CMS, the ``content-detail`` template since 2022.

What each selector rests on (``../shared/research/hanoi_sites.md`` §3.3; [V] = seen on the real
2026-03 page of ``../shared/corpus/vn/vietnamnet.vn``, [C] = public scrapers):

- ``content-detail`` (2022–): ``div.content-detail`` holding ``h1.content-detail-title``, the
  author box ``.article-detail-author__info .name`` (one ``span.name`` per person, a link to
  ``/tac-gia/<slug>-<id>.html``), the share bar with ``div.publish-date`` "07/03/2026   08:52
  (GMT+07:00)", the sapo ``h2.content-detail-sapo`` and the body ``div#maincontent`` (``p`` and
  ``figure.vnn-content-image`` with ``figcaption``) [V]. Breadcrumb ``.bread-crumb-detail > ul >
  li > a`` (its first item hides a drop-down of every section, skipped) with the time
  "Thứ Bảy, 07/03/2026 - 08:52" [V]; tags under "Xem thêm về:" in ``div.tag-cotnent`` (sic) [V];
  related links ``div.related-news`` with no heading, named "Tin liên quan": after the body [V],
  inside it too by the research notes. A wire credited at the end of the body, right-aligned
  ("Theo TTXVN"), is a guess: read as the source and kept out of the body.
  JSON-LD ``NewsArticle`` names the authors as Persons and dates them
  "2026-03-07T08:52:11.000 +07:00" (a space before the offset; ``crawler.dates`` reads it) [V].
- ``legacy`` (≤2020): ``.ArticleLead``, ``.ArticleContent``, ``span.ArticleDate``, in-body
  ``.article-relate`` and ``.inner-article`` boxes [C: docbao 2019; low]. Its title, breadcrumb
  and author elements are not known: ``h1.title``, ``.breadcrumb a`` and a right-aligned last
  paragraph are guesses (og:title stands behind the title).
"""

from crawler.discovery import ListingRules
from crawler.parsers.base import ArticleParser, Template

CONTENT_DETAIL = Template(
    name="content-detail",
    title=("div.content-detail h1.content-detail-title", "h1.content-detail-title"),
    body=("div.content-detail div#maincontent", "div#maincontent", "div.maincontent"),
    lead=("h2.content-detail-sapo", ".content-detail-sapo"),
    authors=(".article-detail-author__info .name", ".article-detail-author__info"),
    time=("div.bread-crumb-detail__time", "div.publish-date"),
    # Not ``ul ul``: the first item's drop-down lists every section.
    section=(".bread-crumb-detail > ul > li > a",),
    tags=("div.tag-cotnent li a",),
    body_drop=(
        ".article-detail-author-wrapper",
        ".vnn-share-social",
        ".banner-advertisement",
        ".vmcadszone",
        ".related-news",
        "#maincontent > p[style*=right]",
    ),
    related_boxes=("div.related-news",),
    source=("#maincontent > p[style*=right]",),
)

LEGACY = Template(
    name="legacy",
    title=("h1.title", ".ArticleTitle", "h1"),
    body=("div.ArticleContent", ".ArticleContent"),
    lead=("div.ArticleLead", ".ArticleLead"),
    time=("span.ArticleDate", ".ArticleDate"),
    section=(".breadcrumb a",),
    body_drop=(".ArticleLead", ".inner-article", ".article-relate"),
    related_boxes=(".article-relate", ".inner-article"),
    byline_in_body=("p[style*=right]",),
)

# Article pages are /<slug>-<7-digit id>.html (e.g. -2495349.html) [V]; before 2021 they sat
# under /vn/<section>/ with a 6-digit id [C, low]. Tag pages (/<slug>-tag<digits>.html), author
# pages (/tac-gia/<slug>-<id>.html) and the English edition (/en/...) do not match.
ARTICLE_URL = r"^/(?:vn/(?:[a-z0-9-]+/)+)?[a-z0-9-]+-\d{6,8}\.html$"

# Listings print ``div.horizontalPost`` / ``div.verticalPost`` items with no time [V]; the next
# page is ``link#next[rel=next]`` / ``li.pagination-next a`` → /<section>-page1 [V].
LISTING = ListingRules(
    item=(".horizontalPost", ".verticalPost", "[class*=topStory]"),
    item_time=(),
    next_page=(
        "link[rel=next]::attr(href)",
        "li.pagination-next a::attr(href)",
        "a[rel=next]::attr(href)",
    ),
)


class VietNamNetParser(ArticleParser):
    """vietnamnet.vn's parser: no outlet prefix on its leads."""

    def __init__(self) -> None:
        super().__init__(
            name="vietnamnet",
            templates=(CONTENT_DETAIL, LEGACY),
            listing=LISTING,
            article_url=ARTICLE_URL,
        )
