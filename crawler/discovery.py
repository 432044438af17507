"""Finding article URLs: sitemaps, sitemap indexes, RSS/Atom feeds and HTML listings.

Pure functions over a page's bytes; the spider decides what to request. A page's kind is told
from its content, not its URL, so an operator can give any of them as an entry point.
"""

import gzip
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from urllib.parse import urljoin

from parsel import Selector

from crawler.dates import VN_TZ, parse_datetime, parse_epoch
from crawler.text import clean_text


class PageKind(Enum):
    SITEMAP_INDEX = "sitemap_index"
    SITEMAP = "sitemap"
    FEED = "feed"
    HTML = "html"


@dataclass(frozen=True)
class Link:
    """A discovered URL with the date its source gives (publication, else last change)."""

    url: str
    date: datetime | None = None


@dataclass(frozen=True)
class ListingRules:
    """Where a CMS's listing pages put their items, the items' times and the next page."""

    item: Sequence[str] = ()
    item_time: Sequence[str] = ()
    next_page: Sequence[str] = ("link[rel=next]::attr(href)", "a[rel=next]::attr(href)")


_XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(sitemapindex|urlset|rss|feed|RDF)\b")
_ROOT_KINDS = {
    b"sitemapindex": PageKind.SITEMAP_INDEX,
    b"urlset": PageKind.SITEMAP,
    b"rss": PageKind.FEED,
    b"feed": PageKind.FEED,
    b"RDF": PageKind.FEED,
}
_GZIP_MAGIC = b"\x1f\x8b"


def decompress(body: bytes, max_size: int) -> bytes:
    """The body, gunzipped when it is a gzip file (``sitemap.xml.gz``), at most ``max_size``."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        data = stream.read(max_size + 1)
    if len(data) > max_size:
        raise ValueError(f"gzipped body is larger than {max_size} bytes once decompressed")
    return data


def page_kind(body: bytes) -> PageKind:
    """What an entry page is, from the first element of its content."""
    head = body[:2048].lstrip()
    if head.startswith(b"<?xml") or not head.lower().startswith((b"<!doctype html", b"<html")):
        match = _XML_ROOT.search(head)
        if match:
            return _ROOT_KINDS[match.group(1)]
    return PageKind.HTML


def _xml(body: bytes) -> Selector:
    sel = Selector(body=body, type="xml")
    sel.remove_namespaces()
    return sel


_PERIOD_IN_URL = re.compile(r"(?<!\d)(20\d{2}|19\d{2})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)")


def period_end(url: str) -> datetime | None:
    """The end of the month or day a child sitemap's name covers (sitemap-article-2024-12.xml).

    OneCMS indexes give every child the generation time as lastmod; the name is what dates it.
    """
    match = _PERIOD_IN_URL.search(url.rsplit("/", 1)[-1])
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:  # "-2024-13" is no month, though the arithmetic below takes it
        return None
    try:
        if day:
            start = datetime(year, month, int(day), tzinfo=VN_TZ)
            return start + timedelta(days=1)
        return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)
    except ValueError:
        return None


def sitemap_links(body: bytes) -> list[Link]:
    """The ``loc`` of a sitemap or a sitemap index, dated.

    A URL is dated by its news publication date, else its lastmod; a child sitemap by the
    earlier of its lastmod and the end of the period its name covers.
    """
    links = []
    sel = _xml(body)
    for entry in sel.xpath("//url"):
        loc = clean_text(entry.xpath("loc/text()").get())
        date = (
            entry.xpath(".//publication_date/text()").get() or entry.xpath("lastmod/text()").get()
        )
        if loc:
            links.append(Link(loc, parse_datetime(date)))
    for entry in sel.xpath("//sitemap"):
        loc = clean_text(entry.xpath("loc/text()").get())
        dates = [
            d for d in (parse_datetime(entry.xpath("lastmod/text()").get()), period_end(loc)) if d
        ]
        if loc:
            links.append(Link(loc, min(dates, default=None)))
    return links


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """The items of an RSS 1.0/2.0 or Atom feed, with their publication dates."""
    sel = _xml(body)
    links = []
    for item in sel.xpath("//item"):
        url = clean_text(item.xpath("link/text()").get()) or clean_text(
            item.xpath("guid[not(@isPermaLink='false')]/text()").get()
        )
        date = item.xpath("pubDate/text() | date/text() | published/text()").get()
        if url:
            links.append(Link(urljoin(base_url, url), parse_datetime(date)))
    for entry in sel.xpath("//entry"):
        href = entry.xpath("link[@rel='alternate' or not(@rel)]/@href").get()
        date = entry.xpath("published/text()").get() or entry.xpath("updated/text()").get()
        if href:
            links.append(Link(urljoin(base_url, href.strip()), parse_datetime(date)))
    return links


def _item_time(element: Selector) -> datetime | None:
    """A listing item's time: the element's ``datetime`` attribute, its ``data-publishtime``
    (epoch seconds, VnExpress), else its text ("12/12/2024 15:40"; "7' trước" is no date)."""
    attrib = element.attrib
    return (
        parse_datetime(attrib.get("datetime"))
        or parse_epoch(attrib.get("data-publishtime"))
        or parse_datetime(clean_text(element.xpath("string()").get()))
    )


def listing_links(
    sel: Selector, base_url: str, rules: ListingRules
) -> tuple[list[Link], list[str]]:
    """A listing page's links (dated where its item shows a time) and its next-page URLs.

    Every link of the page is returned; the spider keeps those that look like articles.
    """
    dated: dict[str, datetime | None] = {}
    time_css = ",".join(rules.item_time)
    for css in rules.item:
        for item in sel.css(css):
            # css("") raises: a CMS without a time rule has undated items.
            boxes = item.css(time_css) if time_css else ()
            times = (_item_time(t) for t in boxes)
            when = next((d for d in times if d), None)
            for href in item.css("a::attr(href)").getall():
                dated.setdefault(urljoin(base_url, href.strip()), when)
    links = [Link(url, date) for url, date in dated.items()]
    for href in sel.css("a::attr(href)").getall():
        url = urljoin(base_url, href.strip())
        if url not in dated:
            dated[url] = None
            links.append(Link(url))
    next_pages = []
    for css in rules.next_page:
        for href in sel.css(css).getall():
            url = urljoin(base_url, href.strip())
            if url not in next_pages and url != base_url:
                next_pages.append(url)
    return links, next_pages
