"""VnExpress (vnexpress.net): its own CMS, one article template since 2019 (``fck_detail``).

What each selector rests on (``../shared/research/hanoi_sites.md`` §3.1; [V] = seen on the real
pages of ``../shared/corpus/vn/vnexpress.net``, 2025-10 and 2026-03):

- title ``h1.title-detail`` [V] (``h1.title_news_detail`` before 2020 [C]), sapo
  ``p.description`` [V], date line ``span.date`` "Thứ bảy, 7/3/2026, 00:05 (GMT+7)" [V] (the
  same minute as ``meta[name=pubdate]`` and JSON-LD ``datePublished``, which win), breadcrumb
  ``ul.breadcrumb li a`` [V];
- body ``article.fck_detail``: ``p.Normal`` paragraphs and ``figure.tplCaption`` pictures with
  ``figcaption p.Image`` captions [V]. Subheadings are ``p.Normal > strong`` and stay prose [V];
- the author is the last right-aligned ``p.Normal`` of the body, "Hà Thu (tổng hợp)" [V]
  (``Template.byline_in_body``); older pages print ``p.author_mail`` [C]. JSON-LD names only
  the outlet (Organization "VnExpress"), never a person [V];
- in-body related box ``div.box-tinlienquanv2`` (``article.item-news h4.title-news a``) [C,
  several scrapers; the 2025/2026 pages hold only its empty JS placeholder
  ``div[data-component-type=tin_xemthem]``], dropped with ``.box_xemthem``, ``.box_brief_info``
  and ``#sis_outstream_container`` [C];
- the story's topic bar above the article, ``section#section-menu-topic``: its topic link
  (``/topic/<slug>-<id>``) names a related block of the story's articles [V] (``own_related``);
- tags: none in the served HTML (the tag box is lazy-loaded [V]); ``meta[property=article:tag]``
  lists keywords that are not shown, so ``tags`` stays empty.

Listings (``/<section>``, ``/topic/<slug>-<id>``) print ``article.item-news`` items, some with
``data-publishtime`` (epoch seconds) or a ``span.time-ago[datetime]`` [V]; the next page is
``link[rel=next]`` / ``a.next-page`` → ``/<section>-p2`` [V].
"""

import re
from urllib.parse import urlsplit

from parsel import Selector

from crawler.discovery import ListingRules
from crawler.parsers.base import COMMON_CAPTIONS, ArticleParser, Template
from crawler.related import RelatedBlock, titled_links
from crawler.text import absolute_url, text_of

FCK_DETAIL = Template(
    name="fck_detail",
    title=("h1.title-detail", "h1.title_news_detail"),
    body=("article.fck_detail", "div.fck_detail", ".fck_detail"),
    lead=("p.description",),
    byline=("p.author_mail strong", "p.author_mail"),
    time=("span.date", "span.time"),
    section=("ul.breadcrumb li a", ".breadcrumb a"),
    # No tag links in the served HTML (the tag box is filled by a script) [V].
    body_drop=(
        "p.author_mail",
        ".box_xemthem",
        ".box_brief_info",
        "#sis_outstream_container",
        "#article-end",
        "[data-component-type]",
        ".box-tinlienquanv2",
        # Pictures before 2020: a table with the caption in ``p.Image`` under the image.
        "table.tplCaption",
    ),
    captions=(*COMMON_CAPTIONS, "p.Image"),
    related_boxes=("div.box-tinlienquanv2",),
    # One selector only: every selector's last match leaves the body.
    byline_in_body=('p.Normal[style*="right"], p.Normal[align="right"]',),
)

# Article pages are /<slug>-<7-digit id>.html (e.g. -5047363.html) [V]; 8 digits allowed for
# the years ahead. Topic pages (/topic/<slug>-<5 digits>) and sections are not articles.
ARTICLE_URL = r"^/[a-z0-9-]+-\d{7,8}\.html$"

LISTING = ListingRules(
    item=("article.item-news",),
    item_time=("span.time-ago", "[data-publishtime]"),
    next_page=(
        "link[rel=next]::attr(href)",
        "a.next-page::attr(href)",
        "a[rel=next]::attr(href)",
    ),
)

_TOPIC_PATH = re.compile(r"/topic/[a-z0-9-]+-\d+/?$")


class VnExpressParser(ArticleParser):
    """vnexpress.net's parser: no outlet prefix on its leads."""

    def __init__(self) -> None:
        super().__init__(
            name="vnexpress",
            templates=(FCK_DETAIL,),
            listing=LISTING,
            article_url=ARTICLE_URL,
        )

    def own_related(self, sel: Selector, url: str) -> list[RelatedBlock]:
        """The story's topic bar: named by its topic link, holding the story's article links."""
        blocks = []
        for bar in sel.css("section#section-menu-topic"):
            topics = [a for a in bar.css("a") if _TOPIC_PATH.search(a.attrib.get("href", ""))]
            name = text_of(topics[0]) if topics else ""
            anchors = [a.root for a in bar.css("a") if self._is_article(a.attrib.get("href"), url)]
            links = titled_links(anchors, url)
            if name and links:
                blocks.append(RelatedBlock(name, links, bar.root))
        return blocks

    def _is_article(self, href: str | None, page_url: str) -> bool:
        """An article of this site (not the logo's home page, not the topic page)."""
        absolute = absolute_url(page_url, href)
        if absolute is None:  # a broken or non-web link
            return False
        link = urlsplit(absolute)
        return link.netloc == urlsplit(page_url).netloc and bool(
            re.search(self.article_url, link.path)
        )
