"""Tests of crawler.discovery: page kinds, sitemaps, feeds and OneCMS listings."""

import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest
from parsel import Selector

from crawler.dates import VN_TZ
from crawler.discovery import (
    Link,
    ListingRules,
    PageKind,
    decompress,
    feed_links,
    listing_links,
    page_kind,
    period_end,
    sitemap_links,
)
from crawler.parsers.onecms import LISTING

PLUS7 = timezone(timedelta(hours=7))


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


# page_kind

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>https://hanoimoi.vn/sitemaps/sitemap-article-2024-11.xml</loc>
    <lastmod>2024-12-15T01:00:00+07:00</lastmod>
  </sitemap>
  <sitemap>
    <loc>https://hanoimoi.vn/sitemaps/sitemap-article-2024-12.xml</loc>
    <lastmod>2024-12-15T01:00:00+07:00</lastmod>
  </sitemap>
  <sitemap>
    <loc>https://hanoimoi.vn/sitemaps/sitemap-news-2024-12-14.xml</loc>
    <lastmod>2024-12-15T01:00:00+07:00</lastmod>
  </sitemap>
  <sitemap>
    <loc>https://hanoimoi.vn/sitemaps/sitemap-category.xml</loc>
    <lastmod>2024-12-15T01:00:00+07:00</lastmod>
  </sitemap>
  <sitemap><loc>https://hanoimoi.vn/sitemaps/sitemap-tag.xml</loc></sitemap>
</sitemapindex>
"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://hanoimoi.vn/gio-mua-688001.html</loc>
    <lastmod>2024-12-13T10:00:00+07:00</lastmod>
    <news:news>
      <news:publication>
        <news:name>Hanoimoi</news:name><news:language>vi</news:language>
      </news:publication>
      <news:publication_date>2024-12-12T08:30:00+07:00</news:publication_date>
      <news:title>Gió mùa</news:title>
    </news:news>
    <image:image><image:loc>https://hnm.1cdn.vn/2024/12/12/a.jpg</image:loc></image:image>
  </url>
  <url>
    <loc>
      https://hanoimoi.vn/pho-co-688002.html
    </loc>
    <lastmod>2024-12-11</lastmod>
  </url>
  <url><loc>https://hanoimoi.vn/khong-ngay-688003.html</loc></url>
  <url><loc></loc><lastmod>2024-12-11</lastmod></url>
</urlset>
""".encode()

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Hànộimới</title><link>https://hanoimoi.vn</link>
  <item>
    <title>Tin một</title><link>https://hanoimoi.vn/tin-1.html</link>
    <pubDate>Thu, 12 Dec 2024 08:30:00 +0700</pubDate>
  </item>
  <item>
    <title>Tin hai</title><link> /tin-2.html </link>
    <pubDate>Wed, 11 Dec 2024 01:00:00 GMT</pubDate>
  </item>
  <item><title>Tin ba</title><guid>https://hanoimoi.vn/tin-3.html</guid></item>
  <item><title>Không link</title><guid isPermaLink="false">abc-123</guid></item>
</channel></rss>
""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Nhip song Ha Noi</title>
  <link href="https://nhipsonghanoi.hanoimoi.vn/" rel="alternate"/>
  <entry>
    <title>A</title>
    <link rel="enclosure" href="https://nhipsonghanoi.hanoimoi.vn/a.jpg"/>
    <link rel="alternate" href="https://nhipsonghanoi.hanoimoi.vn/a-1.html"/>
    <published>2024-12-12T08:30:00+07:00</published>
    <updated>2024-12-13T09:00:00+07:00</updated>
  </entry>
  <entry>
    <title>B</title>
    <link href="/b-2.html"/>
    <updated>2024-12-10T01:00:00Z</updated>
  </entry>
  <entry><title>C</title><link rel="self" href="/c.atom"/></entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://hanoimoi.vn/"><link>https://hanoimoi.vn/</link></channel>
  <item rdf:about="https://hanoimoi.vn/r-1.html">
    <title>R</title><link>https://hanoimoi.vn/r-1.html</link>
    <dc:date>2024-12-12T08:30:00+07:00</dc:date>
  </item>
</rdf:RDF>
"""


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (SITEMAP_INDEX, PageKind.SITEMAP_INDEX),
        (URLSET, PageKind.SITEMAP),
        (RSS, PageKind.FEED),
        (ATOM, PageKind.FEED),
        (RDF, PageKind.FEED),
        # No XML declaration, leading white space, a stylesheet and a comment before the root.
        (b'<rss version="2.0"><channel/></rss>', PageKind.FEED),
        (b"\n\n  <urlset><url><loc>https://hanoimoi.vn/a</loc></url></urlset>", PageKind.SITEMAP),
        (
            b'<?xml version="1.0"?><?xml-stylesheet href="/s.xsl"?><!-- x -->\n<sitemapindex/>',
            PageKind.SITEMAP_INDEX,
        ),
        # HTML pages, even when they mention feeds and sitemaps.
        (
            b"<!DOCTYPE html><html><head><title>RSS</title></head>"
            b"<body><a href='/rss'>rss feed</a><urlset></urlset></body></html>",
            PageKind.HTML,
        ),
        (b"\n  <!doctype HTML>\n<html lang='vi'><body><rss></rss></body></html>", PageKind.HTML),
        (b"<html><head><title>Tin</title></head><body><feed/></body></html>", PageKind.HTML),
        (b"<HTML><BODY>Trang</BODY></HTML>", PageKind.HTML),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n'
            b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>feed</p></body></html>',
            PageKind.HTML,
        ),
        ("<div>Trang lỗi</div>".encode(), PageKind.HTML),
        (b"", PageKind.HTML),
    ],
)
def test_page_kind(body: bytes, kind: PageKind) -> None:
    assert page_kind(body) is kind


def test_gzipped_sitemap_decompressed() -> None:
    packed = gzip.compress(URLSET)
    assert page_kind(packed) is PageKind.HTML  # not readable before decompressing
    unpacked = decompress(packed, max_size=len(URLSET))
    assert unpacked == URLSET
    assert page_kind(unpacked) is PageKind.SITEMAP
    assert [link.url for link in sitemap_links(unpacked)][:1] == [
        "https://hanoimoi.vn/gio-mua-688001.html"
    ]


def test_decompress_leaves_plain_bodies_alone() -> None:
    assert decompress(URLSET, max_size=10) is URLSET


def test_decompress_refuses_a_body_over_max_size() -> None:
    packed = gzip.compress(URLSET)
    with pytest.raises(ValueError, match=f"larger than {len(URLSET) - 1} bytes"):
        decompress(packed, max_size=len(URLSET) - 1)


# sitemap_links


def test_sitemap_urls_dated_by_publication_date_then_lastmod() -> None:
    assert sitemap_links(URLSET) == [
        Link(
            "https://hanoimoi.vn/gio-mua-688001.html", datetime(2024, 12, 12, 8, 30, tzinfo=PLUS7)
        ),
        Link("https://hanoimoi.vn/pho-co-688002.html", vn(2024, 12, 11)),
        Link("https://hanoimoi.vn/khong-ngay-688003.html", None),
    ]


def test_sitemap_index_children_dated_by_earlier_of_lastmod_and_period() -> None:
    generated = datetime(2024, 12, 15, 1, 0, tzinfo=PLUS7)
    assert sitemap_links(SITEMAP_INDEX) == [
        # The November file's period ends before the generation time that is its lastmod.
        Link("https://hanoimoi.vn/sitemaps/sitemap-article-2024-11.xml", vn(2024, 12, 1)),
        # The current month's period ends after it: lastmod is earlier.
        Link("https://hanoimoi.vn/sitemaps/sitemap-article-2024-12.xml", generated),
        # A day's file.
        Link("https://hanoimoi.vn/sitemaps/sitemap-news-2024-12-14.xml", vn(2024, 12, 15)),
        # No period in the name: lastmod alone; nothing at all: undated.
        Link("https://hanoimoi.vn/sitemaps/sitemap-category.xml", generated),
        Link("https://hanoimoi.vn/sitemaps/sitemap-tag.xml", None),
    ]


def test_sitemap_index_child_without_lastmod_dated_by_its_period() -> None:
    body = b"""<sitemapindex><sitemap>
      <loc>https://hanoimoi.vn/sitemap-article-2019-01.xml</loc>
    </sitemap></sitemapindex>"""
    assert sitemap_links(body) == [
        Link("https://hanoimoi.vn/sitemap-article-2019-01.xml", vn(2019, 2, 1))
    ]


@pytest.mark.parametrize(
    ("url", "end"),
    [
        ("https://hanoimoi.vn/sitemap-article-2024-11.xml", vn(2024, 12, 1)),
        ("https://hanoimoi.vn/sitemap-article-2024-12.xml", vn(2025, 1, 1)),
        ("https://hanoimoi.vn/sitemap-article-2024-1.xml", vn(2024, 2, 1)),
        ("https://hanoimoi.vn/sitemap-news-2024-12-31.xml", vn(2025, 1, 1)),
        ("https://hanoimoi.vn/sitemap-news-2024-02-29.xml", vn(2024, 3, 1)),
        ("https://hanoimoi.vn/sitemap-2019-01.xml.gz", vn(2019, 2, 1)),
        # Only the file name counts; impossible dates are no period.
        ("https://hanoimoi.vn/2024-12/sitemap.xml", None),
        ("https://hanoimoi.vn/sitemap-news-2023-02-29.xml", None),
        ("https://hanoimoi.vn/sitemap-article-2024-13.xml", None),
        ("https://hanoimoi.vn/sitemap-article-2024-0.xml", None),
        ("https://hanoimoi.vn/sitemap-category.xml", None),
        ("https://hanoimoi.vn/sitemap-12024-12.xml", None),
    ],
)
def test_period_end(url: str, end: datetime | None) -> None:
    assert period_end(url) == end


# feed_links


def test_rss_items_with_rfc822_dates_and_relative_links() -> None:
    assert feed_links(RSS, "https://hanoimoi.vn/rss/home.rss") == [
        Link("https://hanoimoi.vn/tin-1.html", datetime(2024, 12, 12, 8, 30, tzinfo=PLUS7)),
        Link("https://hanoimoi.vn/tin-2.html", datetime(2024, 12, 11, 1, 0, tzinfo=UTC)),
        Link("https://hanoimoi.vn/tin-3.html", None),
    ]


def test_atom_entries_published_preferred_to_updated() -> None:
    assert feed_links(ATOM, "https://nhipsonghanoi.hanoimoi.vn/feed.atom") == [
        Link(
            "https://nhipsonghanoi.hanoimoi.vn/a-1.html",
            datetime(2024, 12, 12, 8, 30, tzinfo=PLUS7),
        ),
        Link(
            "https://nhipsonghanoi.hanoimoi.vn/b-2.html", datetime(2024, 12, 10, 1, 0, tzinfo=UTC)
        ),
    ]


def test_rdf_items_with_dc_date() -> None:
    assert feed_links(RDF, "https://hanoimoi.vn/") == [
        Link("https://hanoimoi.vn/r-1.html", datetime(2024, 12, 12, 8, 30, tzinfo=PLUS7))
    ]


# listing_links with the OneCMS rules

LISTING_PAGE = """<html><head>
<link rel="next" href="/chinh-tri?page=2">
</head><body>
<nav><a href="/">Trang chủ</a><a href="/chinh-tri">Chính trị</a></nav>
<ul class="onecms__loading">
  <li>
    <a href="/hdnd-ky-hop-688214.html"><img src="/a.jpg"></a>
    <h3 class="b-grid__title"><a href="/hdnd-ky-hop-688214.html">Kỳ họp HĐND</a></h3>
    <span class="b-grid__time">12/12/2024 08:30</span>
  </li>
  <li>
    <h3 class="b-grid__title"><a href="https://hanoimoi.vn/giai-ngan-688455.html">Giải ngân</a></h3>
    <span class="b-grid__time">11/12/2024</span>
  </li>
  <li><h3><a href="/khong-gio-688456.html">Không giờ</a></h3></li>
</ul>
<aside><a href="/doc-nhieu-600001.html">Đọc nhiều</a></aside>
<div class="onecms__loadmore"><a href="/chinh-tri?page=2">Xem thêm</a></div>
</body></html>"""


def test_onecms_listing_items_dated_other_links_undated() -> None:
    links, _ = listing_links(Selector(text=LISTING_PAGE), "https://hanoimoi.vn/chinh-tri", LISTING)
    assert links == [
        Link("https://hanoimoi.vn/hdnd-ky-hop-688214.html", vn(2024, 12, 12, 8, 30)),
        Link("https://hanoimoi.vn/giai-ngan-688455.html", vn(2024, 12, 11)),
        Link("https://hanoimoi.vn/khong-gio-688456.html", None),
        Link("https://hanoimoi.vn/", None),
        Link("https://hanoimoi.vn/chinh-tri", None),
        Link("https://hanoimoi.vn/doc-nhieu-600001.html", None),
        Link("https://hanoimoi.vn/chinh-tri?page=2", None),
    ]


def test_onecms_listing_next_page_from_link_rel_next_and_load_more_once() -> None:
    _, next_pages = listing_links(
        Selector(text=LISTING_PAGE), "https://hanoimoi.vn/chinh-tri", LISTING
    )
    assert next_pages == ["https://hanoimoi.vn/chinh-tri?page=2"]


def test_onecms_listing_next_page_from_load_more_only() -> None:
    html = (
        "<ul class='onecms__loading'><li><a href='/a-1.html'>A</a></li></ul>"
        "<div class='onecms__loadmore'><a href='?page=3'>Xem thêm</a></div>"
    )
    links, next_pages = listing_links(
        Selector(text=html), "https://hanoimoi.vn/chinh-tri?page=2", LISTING
    )
    assert next_pages == ["https://hanoimoi.vn/chinh-tri?page=3"]
    assert links == [
        Link("https://hanoimoi.vn/a-1.html", None),
        Link("https://hanoimoi.vn/chinh-tri?page=3", None),
    ]


def test_next_page_equal_to_the_page_itself_excluded() -> None:
    html = (
        "<html><head><link rel='next' href='/chinh-tri?page=5'></head><body>"
        "<div class='onecms__loadmore'><a href='https://hanoimoi.vn/chinh-tri?page=5'>Hết</a></div>"
        "</body></html>"
    )
    _, next_pages = listing_links(
        Selector(text=html), "https://hanoimoi.vn/chinh-tri?page=5", LISTING
    )
    assert next_pages == []


def test_listing_without_item_time_rules_leaves_items_undated() -> None:
    rules = ListingRules(item=("li",))
    html = "<ul><li><a href='/a.html'>A</a><time>12/12/2024</time></li></ul>"
    links, next_pages = listing_links(Selector(text=html), "https://hanoimoi.vn/x", rules)
    assert links == [Link("https://hanoimoi.vn/a.html", None)]
    assert next_pages == []


def test_listing_item_time_from_datetime_and_epoch_attributes() -> None:
    # VnExpress: a relative "7' trước" whose datetime attribute is the time; elsewhere the
    # item itself carries the epoch seconds. Attributes win over a date in the item's text.
    rules = ListingRules(item=("article.item",), item_time=("span.time-ago", "[data-publishtime]"))
    html = (
        "<article class='item'><a href='/a-1.html'>A</a>"
        "<span class='time-ago' datetime='2026-03-07 08:32:56'>7' trước</span></article>"
        "<article class='item' data-publishtime='1772789449'>"
        "<a href='/b-2.html'>Giá vàng ngày 20/2/2023</a></article>"
    )
    links, _ = listing_links(Selector(text=html), "https://vnexpress.net/kinh-doanh", rules)
    assert links == [
        Link("https://vnexpress.net/a-1.html", vn(2026, 3, 7, 8, 32, 56)),
        Link("https://vnexpress.net/b-2.html", vn(2026, 3, 6, 16, 30, 49)),
    ]
