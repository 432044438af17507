"""Liferay portals of the Hanoi government: hanoi.gov.vn and its district portals.

Articles are ``/<section>/-/view_content/<ID>-<slug>.html`` and print, in this order, the section
name, the title and a line "Ngày đăng dd/mm/yyyy | HH:MM | Lượt xem: N" ("Publish date … | View
count: N" on the English pages). That order is all the public record holds
(``docs/markup/liferay.md``): the news portlet's classes are unknown. So this family finds the
article from that line, whatever its tag:

- the date line is the innermost element whose text starts with "Ngày đăng"/"Publish date" and a
  date; no such line, no article (``NoArticle``: the spider falls back to the generic extractor);
- the title is the heading printed before it (else the element right before it);
- the body is Liferay's ``journal-content-article`` after it, else the element holding the line;
  the title, the date line and the section name repeated there are not body text;
- the section is the title of the portlet holding the line, else the breadcrumb's leaf.

A title that is only the section name, or a page whose date line is not read, is no article.
"""

import re

from parsel import Selector

from crawler.discovery import ListingRules
from crawler.parsers.base import ArticleParser, NoArticle, Template
from crawler.related import DEFAULT_HEADINGS
from crawler.text import clean_text

_LABEL = r"(?:Ngày đăng|Publish date)"
# The printed date line, as a regular expression over the element's normalized text.
DATE_LINE = re.compile(rf"^{_LABEL}\s*:?\s*\d{{1,2}}/\d{{1,2}}/\d{{4}}", re.IGNORECASE)
_TEST = (
    "re:test(normalize-space(.), "
    r"'^(Ngày đăng|Publish date)\s*:?\s*\d{1,2}/\d{1,2}/\d{4}', 'i')"
)
# The innermost element holding the date line, first of the page: found from the label's text
# node (one pass over the text, not a test of every element's whole text).
_LABEL_TEXT = (
    "//body//text()[not(parent::script or parent::style)]"
    r"[re:test(., '^\s*(Ngày đăng|Publish date)', 'i')]"
)
META = f"({_LABEL_TEXT}/ancestor::*[{_TEST}][1])[1]"
_HEADING = "self::h1 or self::h2 or self::h3 or self::h4"
_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"

VIEW_CONTENT = Template(
    name="view_content",
    title=(
        f"xpath:{META}/preceding-sibling::*[{_HEADING}][1]",
        f"xpath:{META}/preceding-sibling::*[normalize-space()][1]",
        f"xpath:{META}/preceding::*[{_HEADING}][1]",
    ),
    body=(
        # Liferay's web content wrapper next to the line (not a sidebar's further down).
        f"xpath:{META}/following-sibling::*[{_CLASS.format('journal-content-article')}]",
        f"xpath:{META}/following-sibling::*//*[{_CLASS.format('journal-content-article')}]",
        f"xpath:{META}/..",
    ),
    lead=(
        f"xpath:{META}/../*[{_CLASS.format('sapo')} or {_CLASS.format('summary')}]",
        # A wholly bold first paragraph after the date line.
        f"xpath:{META}/following::p[normalize-space()][1]"
        "[normalize-space(.) = normalize-space(strong) or normalize-space(.) = normalize-space(b)]",
    ),
    time=(f"xpath:{META}",),
    section=(
        f"xpath:{META}/ancestor::*[{_CLASS.format('portlet')}][1]"
        f"//*[{_CLASS.format('portlet-title-text')}]",
        ".breadcrumb li a",
        ".breadcrumb a",
    ),
    tags=(".taglib-asset-tags-summary a",),
    byline=(".news-author", ".author"),
    # Government portals sign an article with a right-aligned line at the end of the body.
    byline_in_body=('p[style*="right"]', 'p[align="right"]', 'div[style*="right"]'),
    body_drop=(
        ".taglib-asset-tags-summary",
        ".taglib-ratings",
        ".taglib-social-bookmarks",
        ".lfr-discussion-container",
        ".print",
    ),
)

# Articles: /<section>/-/view_content/<ID>-<slug>.html (an /en/ prefix on English pages).
ARTICLE_URL = r"/-/view_content/\d+-[^/]+\.html$"

# Listing items and their dates are unknown; Liferay 6.2 pages a search container with
# "ul.lfr-pagination-buttons li.next a", Liferay 7 with ".pagination".
LISTING = ListingRules(
    item=(".asset-abstract", ".news-item", ".list-news li", ".news-list li"),
    item_time=(".metadata-publish-date", ".news-date", ".date", ".time"),
    next_page=(
        "link[rel=next]::attr(href)",
        "a[rel=next]::attr(href)",
        ".lfr-pagination-buttons li.next a::attr(href)",
        ".pager li.next a::attr(href)",
        ".pagination li.next a::attr(href)",
        ".pagination a.next::attr(href)",
    ),
)

# Government portals head their list of older articles "Các tin đã đưa".
RELATED_HEADINGS = (*DEFAULT_HEADINGS, "Các tin đã đưa", "Tin đã đưa", "Các tin bài khác")

_VIEW_COUNT = re.compile(
    r"\s*\|?\s*(?:Lượt xem|Lượt truy cập|View count|Views)\s*:?\s*[\d.,]*\s*$", re.IGNORECASE
)
# The portal's tool links that end up as lines at the end of the element holding the article.
_TOOL_LINE = re.compile(
    r"^(?:In bài viết|In trang|Gửi email|Gửi bài viết|Chia sẻ|Quay lại|Về đầu trang|"
    r"Print|Send email|Back)$",
    re.IGNORECASE,
)
# Theme icons (print, e-mail, share) are not the article's images.
_THEME_IMAGE = re.compile(r"-theme/images/|/html/themes/|/html/icons/", re.IGNORECASE)


class LiferayParser(ArticleParser):
    """The Liferay portals' parser, anchored on the "Ngày đăng" line."""

    def __init__(self):
        super().__init__(
            name="liferay",
            templates=(VIEW_CONTENT,),
            related_headings=RELATED_HEADINGS,
            listing=LISTING,
            article_url=ARTICLE_URL,
            # A Liferay page's description is the page's (section's), not the article's.
            lead_from_description=False,
        )

    def parse(self, html: str, url: str, page: Selector | None = None) -> dict:
        fields = super().parse(html, url, page)
        title, section, lead = fields["title"], fields["section"], fields["lead"]
        if DATE_LINE.match(title) or len(title) < 8 or _same(title, section):
            raise NoArticle(f"liferay: {title!r} is no article title (section {section!r})")
        if not fields["published_at"]:
            raise NoArticle(f"liferay: the date line {fields['published_raw']!r} was not read")
        fields["published_raw"] = _VIEW_COUNT.sub("", fields["published_raw"] or "") or None

        # The element holding the date line holds the title and the line too, maybe the
        # section name and the lead: the body starts after them, and stops before the tools.
        body = fields["body"].split("\n\n")
        while body and (
            _same(body[0], title)
            or _same(body[0], section)
            or _same(body[0], lead)
            or DATE_LINE.match(body[0])
        ):
            body.pop(0)
        while body and _TOOL_LINE.match(body[-1]):
            body.pop()
        if not body:
            raise NoArticle("no body text")
        fields["body"] = "\n\n".join(body)
        fields["images"] = [i for i in fields["images"] if not _THEME_IMAGE.search(i["url"])]
        return fields


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and clean_text(a).casefold() == clean_text(b).casefold()
