"""Security: the hosts a crawl may reach, the paths it writes, the secrets it keeps.

- Every request a spider builds goes through one check (``NewsSpider.rejection`` on
  ``crawler.urls.rejection``): links to other hosts, IP literals, localhost, single-label hosts,
  userinfo and non-http(s) schemes are not followed and are counted by kind.
- A redirect leaving the site is not followed (crawler/offsite.py), through replay manifests with
  3xx entries and through a real HTTP server on 127.0.0.1.
- Output paths come from the spider's name and the clock, never from a page.
- Alert secrets given by the environment or by ``-s`` reach no log, stats, report or data file.

docs/reliability/security.md says what holds and the figures measured here.
"""

import ast
import asyncio
import base64
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from crawling import ROOT, SITES, crawl, written
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.settings import Settings
from test_alerts import (
    HOOK_PASSWORD,
    HOOK_PATH,
    PASSWORD,
    SPIDERMON,
    TOKEN,
    http_server,
    serving,
    smtp_sink,
)

from crawler.dates import VN_TZ
from crawler.extract import site_spiders
from crawler.offsite import SiteGuardMiddleware
from crawler.parsers.base import ArticleParser
from crawler.spiders.arguments import ArgumentError, CrawlArguments
from crawler.spiders.hanoimoi import HanoimoiSpider
from crawler.spiders.nguoihanoi import NguoiHaNoiSpider
from crawler.urls import REJECTIONS, rejection

HANOIMOI = ["hanoimoi.vn"]

# The URL check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://hanoimoi.vn/a-1.html", None),
        ("http://www.hanoimoi.vn/a-1.html", None),
        ("https://HANOIMOI.vn./a-1.html", None),
        ("https://vnexpress.net/a-1.html", "offsite"),
        ("https://hanoimoi.vn.evil.example/a-1.html", "offsite"),
        ("https://evilhanoimoi.vn/a-1.html", "offsite"),
        ("http://127.0.0.1/a-1.html", "ip_literal"),
        ("http://127.0.0.1:8080/admin", "ip_literal"),
        ("http://10.0.0.1/", "ip_literal"),
        ("http://192.168.1.1/", "ip_literal"),
        ("http://169.254.169.254/latest/meta-data/", "ip_literal"),
        ("http://[::1]/", "ip_literal"),
        ("http://[::ffff:127.0.0.1]/", "ip_literal"),
        # inet_aton spellings of 127.0.0.1: decimal, short, hexadecimal.
        ("http://2130706433/", "ip_literal"),
        ("http://127.1/", "ip_literal"),
        ("http://0x7f.0.0.1/", "ip_literal"),
        ("http://localhost/", "localhost"),
        ("http://LOCALHOST.:8000/", "localhost"),
        ("http://admin.localhost/", "localhost"),
        ("http://intranet/", "no_dot"),
        ("http://hanoimoi.vn@evil.example/", "userinfo"),
        ("https://crawler:pw@hanoimoi.vn/a-1.html", "userinfo"),
        ("file:///etc/passwd", "scheme"),
        ("ftp://hanoimoi.vn/a-1.html", "scheme"),
        ("gopher://hanoimoi.vn/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("mailto:toasoan@hanoimoi.vn", "scheme"),
        ("data:text/html,hi", "scheme"),
        ("/relative-1.html", "scheme"),
        ("http:///a-1.html", "invalid"),
        ("http://hanoimoi.vn:99999/", "invalid"),
    ],
)
def test_every_kind_of_foreign_url_is_named(url, kind):
    assert rejection(url, HANOIMOI) == kind
    assert kind is None or kind in REJECTIONS


def test_a_site_that_excludes_its_sub_domains_refuses_them():
    assert rejection("https://tin.hanoimoi.vn/a-1.html", HANOIMOI) is None
    assert rejection("https://tin.hanoimoi.vn/a-1.html", HANOIMOI, subdomains=False) == "offsite"
    assert rejection("https://www.hanoimoi.vn/a-1.html", HANOIMOI, subdomains=False) is None
    assert HanoimoiSpider.rejection("https://nhipsonghanoi.hanoimoi.vn/a-1.html") == "offsite"


@pytest.mark.parametrize("name", sorted(site_spiders()))
def test_every_spider_entry_point_passes_its_own_check(name):
    spider = site_spiders()[name]
    for url in (*spider.feeds, *spider.sitemaps, *spider.listings):
        assert spider.rejection(url) is None, url


def _request_building_calls(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of every call that builds a request in a module."""
    builders = {"Request", "FormRequest", "JsonRequest", "follow", "follow_all"}
    found = []
    tree = ast.parse(path.read_text("utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in builders:
                    found.append((function.name, node.lineno))
    return found


def test_spiders_build_requests_in_one_place_only():
    calls = {
        path.name: _request_building_calls(path)
        for path in sorted((ROOT / "crawler" / "spiders").glob("*.py"))
    }
    assert [name for name, _ in calls.pop("base.py")] == ["_request"]
    assert not any(calls.values()), calls


# The spider's discovery, page by page ------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, name: str, count: int = 1) -> None:
        self.values[name] += count

    def get_value(self, name: str, default=None):
        return self.values.get(name, default)

    def max_value(self, name: str, value: int) -> None:
        self.values[name] = max(self.values[name], value)


def hanoimoi(cls=HanoimoiSpider, **arguments):
    spider = cls(arguments=CrawlArguments(**{"refresh": True, **arguments}))
    settings = Settings({"DOWNLOAD_MAXSIZE": 1 << 20, "LISTING_MAX_PAGES": 20})
    spider.crawler = SimpleNamespace(stats=Stats(), settings=settings)
    return spider


HOSTILE = {
    "https://vnexpress.net/x-100001.html": "offsite",
    "https://tin.hanoimoi.vn/x-100002.html": "offsite",
    "http://127.0.0.1/x-100003.html": "ip_literal",
    "http://169.254.169.254/x-100004.html": "ip_literal",
    "http://[::1]/x-100005.html": "ip_literal",
    "http://localhost/x-100006.html": "localhost",
    "http://intranet/x-100007.html": "no_dot",
    "https://hanoimoi.vn@evil.example/x-100008.html": "userinfo",
    "ftp://hanoimoi.vn/x-100009.html": "scheme",
    "file:///etc/x-100010.html": "scheme",
}
KINDS = Counter(HOSTILE.values())
ON_SITE = "https://hanoimoi.vn/tin-tren-trang-100000.html"


def on_site_only(requests) -> list[str]:
    urls = [request.url for request in requests]
    for url in urls:
        assert HanoimoiSpider.rejection(url) is None, url
    return urls


def rejected(spider) -> Counter:
    prefix = "discovery/rejected/"
    return Counter(
        {
            k[len(prefix) :]: v
            for k, v in spider.crawler.stats.values.items()
            if k.startswith(prefix)
        }
    )


def xml(url: str, body: str) -> XmlResponse:
    return XmlResponse(url=url, body=body.encode(), encoding="utf-8")


def test_sitemap_index_children_off_the_site_are_counted_not_followed():
    locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in [*HOSTILE, ON_SITE])
    index = f'<?xml version="1.0"?><sitemapindex xmlns="x">{locs}</sitemapindex>'
    spider = hanoimoi()
    requests = list(spider.parse_entry(xml("https://hanoimoi.vn/sitemap.xml", index)))
    assert on_site_only(requests) == [ON_SITE]
    assert rejected(spider) == KINDS
    assert spider.crawler.stats.values["discovery/offsite"] == len(HOSTILE)


@pytest.mark.parametrize("kind", ["sitemap", "rss", "atom"])
def test_feed_and_sitemap_links_off_the_site_are_counted_not_followed(kind):
    urls = [*HOSTILE, ON_SITE]
    if kind == "sitemap":
        items = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        body = f'<?xml version="1.0"?><urlset xmlns="x">{items}</urlset>'
    elif kind == "rss":
        items = "".join(f"<item><link>{u}</link></item>" for u in urls)
        body = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
    else:
        items = "".join(f'<entry><link href="{u}"/></entry>' for u in urls)
        body = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">{items}</feed>'
    spider = hanoimoi()
    requests = list(spider.parse_entry(xml(f"https://hanoimoi.vn/{kind}.xml", body)))
    assert on_site_only(requests) == [ON_SITE]
    assert rejected(spider) == KINDS
    assert spider.crawler.stats.values["discovery/offsite"] == len(HOSTILE)


@pytest.mark.parametrize(("next_page", "kind"), list(HOSTILE.items())[:6:2])
def test_listing_links_and_next_pages_off_the_site_are_counted_not_followed(next_page, kind):
    anchors = "".join(f'<a href="{u}">x</a>' for u in [*HOSTILE, ON_SITE])
    extra = '<a href="javascript:void(0)">x</a><a href="mailto:a@hanoimoi.vn">x</a>'
    html = (
        f'<html><head><link rel="next" href="{next_page}"></head>'
        f"<body>{anchors}{extra}</body></html>"
    )
    response = HtmlResponse(
        url="https://hanoimoi.vn/chinh-tri", body=html.encode(), encoding="utf-8"
    )
    spider = hanoimoi()
    requests = list(spider.parse_entry(response))
    assert on_site_only(requests) == [ON_SITE]
    assert rejected(spider) == KINDS + Counter({"scheme": 2, kind: 1})
    # A listing's menu and share links are no feed entries: discovery/offsite keeps its meaning.
    assert "discovery/offsite" not in spider.crawler.stats.values


def test_entry_points_off_the_site_are_not_requested():
    class Misconfigured(HanoimoiSpider):
        name = "misconfigured"
        feeds = ("http://127.0.0.1/rss/home.rss", "https://hanoimoi.vn/rss/home.rss")
        sitemaps = ("file:///etc/passwd",)
        listings = ("https://vnexpress.net/thoi-su",)

    spider = hanoimoi(Misconfigured)

    async def start():
        return [request async for request in spider.start()]

    assert on_site_only(asyncio.run(start())) == ["https://hanoimoi.vn/rss/home.rss"]
    assert rejected(spider) == {"ip_literal": 1, "scheme": 1, "offsite": 1}


@pytest.mark.parametrize(
    "argument",
    [
        "url=http://127.0.0.1/a-1.html",
        "url=http://localhost:6800/a-1.html",
        "url=file:///etc/passwd",
        "url=https://crawler:pw@hanoimoi.vn/a-1.html",
        "url=https://tin.hanoimoi.vn/a-1.html",  # hanoimoi's sub-domains are other sites
        "start=https://hanoimoi.vn/rss/home.rss,http://169.254.169.254/latest/meta-data/",
        "start=https://nhipsonghanoi.hanoimoi.vn/rss/home.rss",
    ],
)
def test_url_and_start_arguments_off_the_site_stop_the_command(argument):
    name, _, value = argument.partition("=")
    with pytest.raises(ArgumentError, match="expected"):
        HanoimoiSpider.parse_arguments({name: value}, Settings())


def test_a_page_cannot_choose_its_site():
    class Hostile(ArticleParser):
        def parse(self, html, url, page=None):
            return {"site": "../../evil", "url": url, "title": "t", "body": "b"}

    class Spider(NguoiHaNoiSpider):
        parser = Hostile(name="hostile", templates=())

    fields, _ = Spider.extract_article("<html></html>", "https://nguoihanoi.vn/a-1.html")
    assert fields["site"] == "nguoihanoi"


def test_the_guard_refuses_what_the_spider_refuses():
    spider = hanoimoi()
    crawler = SimpleNamespace(spider=spider, stats=spider.crawler.stats)
    guard = SiteGuardMiddleware(crawler)
    guard.process_request(Request("https://hanoimoi.vn/robots.txt"))
    redirected = Request("http://127.0.0.1/x", meta={"redirect_urls": ["https://hanoimoi.vn/a"]})
    with pytest.raises(IgnoreRequest):
        guard.request_scheduled(redirected, spider=spider)
    with pytest.raises(IgnoreRequest):
        guard.process_request(Request("https://tin.hanoimoi.vn/x", dont_filter=True))
    assert spider.crawler.stats.values == {
        "redirect/rejected/ip_literal": 1,
        "request/rejected/offsite": 1,
    }
    # A spider of no NewsSpider kind is not guarded.
    SiteGuardMiddleware(SimpleNamespace(spider=object())).process_request(Request("http://[::1]/"))


# Redirects, end to end through replay ------------------------------------------------------

TEMPLATE = (
    SITES / "hanoimoi.vn" / "articles" / "pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html"
)
TEMPLATE_URL = "https://hanoimoi.vn/pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html"
TEMPLATE_TITLE = "Phố cổ Hà Nội: Giữ hồn xưa giữa nhịp sống mới"

# An on-site article URL answering a redirect, and where it points: every target is in the
# manifest with an article page, so a followed redirect would show as a fetch and a line.
REDIRECTS = {
    "https://hanoimoi.vn/r-offsite-200001.html": (301, "https://vnexpress.net/x-4812399.html"),
    "https://hanoimoi.vn/r-loopback-200002.html": (302, "http://127.0.0.1:8080/x-200002.html"),
    "https://hanoimoi.vn/r-private-200003.html": (307, "http://10.0.0.1/x-200003.html"),
    "https://hanoimoi.vn/r-metadata-200004.html": (308, "http://169.254.169.254/x-200004.html"),
    "https://hanoimoi.vn/r-localhost-200005.html": (301, "http://localhost/x-200005.html"),
    "https://hanoimoi.vn/r-subdomain-200006.html": (301, "https://tin.hanoimoi.vn/x-200006.html"),
    "https://hanoimoi.vn/r-intranet-200007.html": (301, "http://intranet/x-200007.html"),
    "https://hanoimoi.vn/r-userinfo-200008.html": (301, "https://u:p@hanoimoi.vn/x-200008.html"),
    "https://hanoimoi.vn/r-file-200009.html": (302, "file:///etc/passwd"),
    "https://hanoimoi.vn/r-relative-200010.html": (301, "//evil.example/x-200010.html"),
    "https://hanoimoi.vn/r-ipv6-200011.html": (301, "http://[::1]/x-200011.html"),
    "https://hanoimoi.vn/r-ok-200013.html": (301, "https://hanoimoi.vn/ok-200014.html"),
}
META_REFRESH = "https://hanoimoi.vn/m-refresh-200012.html"
META_TARGET = "http://127.0.0.1/x-200012.html"
LISTED = "https://hanoimoi.vn/listing-ok-200015.html"
REDIRECTS_REJECTED = {"offsite": 3, "ip_literal": 5, "localhost": 1, "no_dot": 1, "userinfo": 1}
# The entry pages' own foreign links, by kind (the sitemap index, the sitemap, the listing).
DISCOVERY_REJECTED = {"offsite": 2, "ip_literal": 5, "localhost": 1, "scheme": 5, "userinfo": 1}


def article(url: str, title: str) -> str:
    html = TEMPLATE.read_text("utf-8")
    return html.replace(TEMPLATE_URL, url).replace(TEMPLATE_TITLE, title)


@pytest.fixture(scope="module")
def redirect_site(tmp_path_factory) -> Path:
    """hanoimoi.vn in a replay of its own: entry pages with foreign links, and 3xx answers."""
    root = tmp_path_factory.mktemp("redirect-replay")
    manifest: dict[str, dict] = {}

    def page(url: str, name: str, text: str, **entry) -> None:
        (root / name).write_text(text, "utf-8")
        manifest[url] = {"file": name, **entry}

    page("https://hanoimoi.vn/robots.txt", "robots.txt", "User-agent: *\nAllow: /\n")
    for number, (source, (status, target)) in enumerate(REDIRECTS.items()):
        manifest[source] = {"status": status, "headers": {"Location": target}}
        if target.startswith("//"):
            target = "https:" + target
        if target.startswith("http"):
            page(target, f"target-{number}.html", article(target, f"Trang đích {number}"))
    refresh = article(META_REFRESH, "Trang chuyển hướng").replace(
        "<head>", f'<head><meta http-equiv="refresh" content="0; url={META_TARGET}">', 1
    )
    page(META_REFRESH, "refresh.html", refresh)
    page(META_TARGET, "refresh-target.html", article(META_TARGET, "Trang nội bộ"))
    page(LISTED, "listed.html", article(LISTED, "Tin từ trang mục"))
    children = [
        "https://hanoimoi.vn/sitemap-security.xml",
        "http://127.0.0.1/sitemap.xml",
        "https://evil.example/sitemap.xml",
        "file:///etc/passwd",
    ]
    locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in children)
    page(
        "https://hanoimoi.vn/sitemap-security-index.xml",
        "index.xml",
        f'<?xml version="1.0"?><sitemapindex xmlns="x">{locs}</sitemapindex>',
    )
    direct = [
        "http://localhost/a-100101.html",
        "http://[::1]/a-100102.html",
        "http://169.254.169.254/latest-100103.html",
        "https://hanoimoi.vn@evil.example/a-100104.html",
        "ftp://hanoimoi.vn/a-100105.html",
        "http://2130706433/a-100106.html",
    ]
    for url in direct[:3]:
        page(url, f"direct-{len(manifest)}.html", article(url, "Không được tải"))
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in [*REDIRECTS, META_REFRESH, *direct])
    page(
        "https://hanoimoi.vn/sitemap-security.xml",
        "sitemap.xml",
        f'<?xml version="1.0"?><urlset xmlns="x">{locs}</urlset>',
    )
    anchors = "".join(
        f'<a href="{u}">x</a>'
        for u in (
            LISTED,
            "https://vnexpress.net/x-4812399.html",
            "javascript:void(0)",
            "mailto:toasoan@hanoimoi.vn",
            "tel:+842438253067",
        )
    )
    listing = (
        '<html><head><link rel="next" href="http://127.0.0.1/chinh-tri?page=2"></head>'
        f"<body>{anchors}</body></html>"
    )
    page("https://hanoimoi.vn/security-listing", "listing.html", listing)
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
    return root


def kind_of(target: str) -> str:
    return HanoimoiSpider.rejection("https:" + target if target.startswith("//") else target)


_CRAWLED = re.compile(r"Crawled \(\d+\) <GET (\S+)>")


def fetched(log: str) -> list[str]:
    """Every URL the crawl fetched, from Scrapy's DEBUG lines."""
    return _CRAWLED.findall(log)


def counted(stats: dict, prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}


@pytest.fixture(scope="module")
def redirect_crawl(redirect_site, tmp_path_factory):
    data = tmp_path_factory.mktemp("redirect-data")
    start = "https://hanoimoi.vn/sitemap-security-index.xml,https://hanoimoi.vn/security-listing"
    status, stats, log = crawl(
        "hanoimoi",
        data,
        "since=2020-01-01",
        f"start={start}",
        replay=redirect_site,
        LOG_LEVEL="DEBUG",
    )
    return data, status, stats, log


def test_redirects_leaving_the_site_are_not_followed(redirect_crawl):
    data, _, stats, log = redirect_crawl
    urls = fetched(log)
    assert "https://hanoimoi.vn/ok-200014.html" in urls  # an on-site redirect is followed
    for url in urls:
        assert HanoimoiSpider.rejection(url) is None, url
    assert counted(stats, "redirect/rejected/") == REDIRECTS_REJECTED
    assert "request/rejected/" not in json.dumps(stats)
    assert "articles/offsite" not in stats
    for source, (_, target) in REDIRECTS.items():
        if "ok-" not in source and "file:" not in target:
            assert f"redirect off the site not followed ({kind_of(target)}): {source} -> " in log
    assert f"{META_REFRESH} -> {META_TARGET}" in log
    # file: never becomes a request: Scrapy keeps the 302, then ignores it as a non-2xx answer.
    assert stats["httperror/response_ignored_status_count/302"] == 1
    assert sorted(a["url"] for a in written(data, "hanoimoi")) == [
        "https://hanoimoi.vn/listing-ok-200015.html",
        "https://hanoimoi.vn/ok-200014.html",
    ]


def test_foreign_links_of_entry_pages_are_counted_by_kind(redirect_crawl):
    _, _, stats, _ = redirect_crawl
    assert counted(stats, "discovery/rejected/") == DISCOVERY_REJECTED
    # Sitemap children and sitemap entries (3 + 6); the listing's links are not among them.
    assert stats["discovery/offsite"] == 9


def test_a_url_argument_redirected_off_the_site_is_not_followed(redirect_site, tmp_path):
    source = "https://hanoimoi.vn/r-loopback-200002.html"
    _, stats, log = crawl(
        "hanoimoi", tmp_path, f"url={source}", replay=redirect_site, LOG_LEVEL="DEBUG"
    )
    # A 3xx turned into a request is no "Crawled" line: robots.txt and the 302 were downloaded.
    assert fetched(log) == ["https://hanoimoi.vn/robots.txt"]
    assert stats["downloader/request_count"] == 2
    assert stats["redirect/rejected/ip_literal"] == 1
    assert written(tmp_path, "hanoimoi") == []


def test_without_the_guard_scrapy_follows_it_and_the_spider_refuses_the_page(
    redirect_site, tmp_path
):
    """Why crawler/offsite.py exists: the url= request has dont_filter, and so has its redirect,
    which Scrapy's OffsiteMiddleware then lets through. The spider's page check still holds."""
    source = "https://hanoimoi.vn/r-loopback-200002.html"
    project = Settings()
    project.setmodule("crawler.settings")
    without_guard = {
        **project.getdict("DOWNLOADER_MIDDLEWARES"),
        "crawler.offsite.SiteGuardMiddleware": None,
    }
    _, stats, log = crawl(
        "hanoimoi",
        tmp_path,
        f"url={source}",
        replay=redirect_site,
        LOG_LEVEL="DEBUG",
        DOWNLOADER_MIDDLEWARES=json.dumps(without_guard),
    )
    assert "http://127.0.0.1:8080/x-200002.html" in fetched(log)
    assert stats["articles/offsite"] == 1
    assert "not a page of the site: http://127.0.0.1:8080/x-200002.html" in log
    assert written(tmp_path, "hanoimoi") == []


# Redirects, through a real HTTP server on 127.0.0.1 ----------------------------------------


class _Proxy(BaseHTTPRequestHandler):
    """A forward HTTP proxy that plays hanoimoi.vn: robots.txt, a redirect, any page."""

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path.endswith("/robots.txt"):
            self.answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path in self.server.redirects:
            self.send_response(302)
            self.send_header("Location", self.server.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.answer(200, self.server.page, "text/html; charset=utf-8")

    def answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_real_redirect_to_the_loopback_is_not_followed(tmp_path, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    port = server.server_address[1]
    source = "http://hanoimoi.vn/r-loopback-200002.html"
    inside = f"http://127.0.0.1:{port}/internal-200002.html"
    server.redirects = {source: inside}
    server.requests = []
    server.page = article(inside, "Trang nội bộ").encode()
    # Every http:// request of the crawl goes to this server: nothing leaves 127.0.0.1.
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("no_proxy", "")
    monkeypatch.setenv("NO_PROXY", "")
    with serving(server):
        _, stats, log = crawl("hanoimoi", tmp_path, f"url={source}", replay="", DOWNLOAD_DELAY="0")
    assert server.requests == ["http://hanoimoi.vn/robots.txt", source], log
    assert stats["downloader/response_status_count/302"] == 1
    assert stats["redirect/rejected/ip_literal"] == 1
    assert f"redirect off the site not followed (ip_literal): {source} -> {inside}" in log
    assert written(tmp_path, "hanoimoi") == []


# Output paths ------------------------------------------------------------------------------

NH_TEMPLATE = SITES / "nguoihanoi.vn" / "articles" / "pho-ong-do-nhung-ngay-giap-tet-71406.html"
NH_URL = "https://nguoihanoi.vn/pho-ong-do-nhung-ngay-giap-tet-71406.html"
NH_TITLE = "Phố ông đồ những ngày giáp Tết"
SITE_ATTEMPT = (
    '<meta name="site" content="../../evil"><script type="application/ld+json">'
    '{"@context": "https://schema.org", "@type": "NewsArticle", "site": "../../evil", '
    '"publisher": {"@type": "Organization", "name": "../../../evil"}}</script>'
)
HOSTILE_PAGES = {
    # url: (canonical declared, title, extra head)
    "https://nguoihanoi.vn/trang-mot-300001.html": (
        "https://nguoihanoi.vn/../../etc/x",
        "../../../../tmp/evil-title/../x",
        "",
    ),
    "https://nguoihanoi.vn/trang-nul-300002.html": (
        "../../../../evil",
        "NUL&#0;../&#0;/etc/passwd &#0; ../",
        "",
    ),
    "https://nguoihanoi.vn/trang-dai-300003.html": (
        "https://nguoihanoi.vn/" + "../" * 2000 + "x",
        "../" * 30000 + "dài",
        "",
    ),
    "https://nguoihanoi.vn/trang-site-300004.html": (
        "https://nguoihanoi.vn/trang-site-300004.html",
        "site: ../../evil",
        SITE_ATTEMPT + '<meta property="og:site_name" content="../../x">',
    ),
    # Reached through a 301 from an article URL of the sitemap: the fetched URL climbs too.
    "https://nguoihanoi.vn/..%2F..%2F..%2Fevil/..%2F..%2Fx-300005.html": (
        "https://nguoihanoi.vn/..%2F..%2F..%2Fevil/..%2F..%2Fx-300005.html",
        "../ trong địa chỉ",
        "",
    ),
}
CLIMBING = "https://nguoihanoi.vn/trang-chuyen-300005.html"
EXPECTED_FILES = [
    r"nguoihanoi/\d{4}-\d{2}-\d{2}\.jsonl",
    r"seen\.sqlite3(-wal|-shm|-journal)?",
    r"reports/\d{8}T\d{6}\.json",
    r"locks/nguoihanoi\.lock",
    r"state/nguoihanoi\.json",
    r"archive/nguoihanoi/\d{8}T\d{6}(-\d+)?\.wacz",
    r"stats-nguoihanoi\.json",
]
WACZ_MEMBERS = {
    "archive/data.warc.gz",
    "indexes/index.cdx",
    "pages/pages.jsonl",
    "datapackage.json",
    "datapackage-digest.json",
}


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file() or path.is_symlink()}


def test_no_page_chooses_where_the_crawl_writes(tmp_path):
    replay = tmp_path / "replay"
    replay.mkdir()
    manifest = {"https://nguoihanoi.vn/robots.txt": {"file": "robots.txt"}}
    (replay / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    template = NH_TEMPLATE.read_text("utf-8")
    for number, (url, (canonical, title, head)) in enumerate(HOSTILE_PAGES.items()):
        html = template.replace(NH_URL, canonical).replace(NH_TITLE, title)
        html = html.replace("</head>", head + "</head>", 1)
        (replay / f"{number}.html").write_bytes(html.encode("utf-8"))
        manifest[url] = {"file": f"{number}.html"}
    [climbing] = [url for url in HOSTILE_PAGES if "%2F" in url]
    manifest[CLIMBING] = {"status": 301, "headers": {"Location": climbing}}
    listed = [CLIMBING, *(url for url in HOSTILE_PAGES if url != climbing)]
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in listed)
    sitemap = f'<?xml version="1.0"?><urlset xmlns="x">{locs}</urlset>'
    (replay / "sitemap.xml").write_text(sitemap, "utf-8")
    manifest["https://nguoihanoi.vn/sitemap-hostile.xml"] = {"file": "sitemap.xml"}
    (replay / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    # DATA_DIR deep in tmp, so that a "../" would land in a directory watched here.
    data = tmp_path / "a" / "b" / "c" / "data"
    data.mkdir(parents=True)
    before = files_under(tmp_path)
    day_before = datetime.now(VN_TZ).date().isoformat()
    status, stats, log = crawl(
        "nguoihanoi",
        data,
        "since=2020-01-01",
        "start=https://nguoihanoi.vn/sitemap-hostile.xml",
        replay=replay,
        ARCHIVE="1",
    )
    day_after = datetime.now(VN_TZ).date().isoformat()
    assert status == 0, log
    assert stats["articles/written"] == len(HOSTILE_PAGES), log

    lines = written(data, "nguoihanoi")
    assert len(lines) == len(HOSTILE_PAGES), log
    assert {line["site"] for line in lines} == {"nguoihanoi"}
    assert all(NguoiHaNoiSpider.on_site(line["url"]) for line in lines)
    assert any(line["title"].startswith("../../../../tmp/evil-title") for line in lines)
    assert max(len(line["title"]) for line in lines) >= 90_000

    created = files_under(tmp_path) - before
    outside = [path for path in created if not path.is_relative_to(data)]
    assert outside == []
    names = sorted(path.relative_to(data).as_posix() for path in created)
    for name in names:
        assert any(re.fullmatch(pattern, name) for pattern in EXPECTED_FILES), name
    [jsonl] = [name for name in names if name.endswith(".jsonl")]
    assert jsonl in (f"nguoihanoi/{day_before}.jsonl", f"nguoihanoi/{day_after}.jsonl")
    [wacz] = [data / name for name in names if name.endswith(".wacz")]
    with zipfile.ZipFile(wacz) as archive:
        assert set(archive.namelist()) <= WACZ_MEMBERS
    assert not list(tmp_path.rglob("*evil*"))
    assert not Path("/tmp/evil-title").exists()


# Secrets -----------------------------------------------------------------------------------

WEBHOOK_USER = "crawler"
SECRET_FORMS = (
    TOKEN,
    TOKEN.split(":", 1)[1],
    PASSWORD,
    HOOK_PASSWORD,
    HOOK_PATH,
    base64.b64encode(f"{WEBHOOK_USER}:{HOOK_PASSWORD}".encode()).decode(),
    base64.b64encode(f"\0crawler\0{PASSWORD}".encode()).decode(),
)


@pytest.fixture
def broken_site(tmp_path) -> Path:
    """nguoihanoi.vn with a robots.txt and nothing else: no article, so every alert goes out."""
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    manifest = {"https://nguoihanoi.vn/robots.txt": {"file": "robots.txt"}}
    (replay / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return replay


@pytest.fixture(autouse=True)
def no_proxy_for_alerts(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def channels(hook, telegram, smtp) -> tuple[dict[str, str], dict[str, str]]:
    """The alert settings: the secrets apart from the rest."""
    secrets = {
        "ALERT_WEBHOOK_URL": (
            f"http://{WEBHOOK_USER}:{HOOK_PASSWORD}@127.0.0.1:{hook.server_address[1]}{HOOK_PATH}"
        ),
        "ALERT_TELEGRAM_TOKEN": TOKEN,
        "ALERT_SMTP_PASSWORD": PASSWORD,
    }
    others = {
        **SPIDERMON,
        "ALERT_TELEGRAM_API": f"http://127.0.0.1:{telegram.server_address[1]}",
        "ALERT_TELEGRAM_CHAT_ID": "-100200300",
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(smtp.server_address[1]),
        "ALERT_SMTP_TLS": "none",
        "ALERT_SMTP_USER": "crawler",
        "ALERT_MAIL_FROM": "crawler@example.invalid",
        "ALERT_MAIL_TO": "desk@example.invalid",
        "ALERT_TIMEOUT": "5",
    }
    return secrets, others


def assert_alerts_went_out(hook, telegram, smtp) -> None:
    """The secrets were used: each channel got its alert, with its credential."""
    [posted] = hook.requests
    assert posted["path"] == HOOK_PATH
    assert posted["headers"]["Authorization"] == "Basic " + SECRET_FORMS[5]
    [sent] = telegram.requests
    assert sent["path"] == f"/bot{TOKEN}/sendMessage"
    assert len(smtp.mails) == 1
    assert smtp.logins == [f"AUTH PLAIN {SECRET_FORMS[6]}"]


def leaks(texts: dict[str, bytes]) -> list[tuple[str, str]]:
    return [
        (where, secret)
        for where, text in texts.items()
        for secret in SECRET_FORMS
        if secret.encode() in text
    ]


def data_files(data: Path, *, but: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {
        path.relative_to(data).as_posix(): path.read_bytes()
        for path in sorted(data.rglob("*"))
        if path.is_file() and path.relative_to(data).parts[0] not in but
    }


def test_secrets_from_the_environment_stay_out_of_logs_stats_and_files(
    tmp_path, broken_site, monkeypatch
):
    data = tmp_path / "data"
    data.mkdir()
    with http_server() as hook, http_server() as telegram, smtp_sink() as smtp:
        secrets, others = channels(hook, telegram, smtp)
        for name, value in secrets.items():
            monkeypatch.setenv(name, value)
        status, stats, log = crawl("nguoihanoi", data, replay=broken_site, **others)
    assert status == 3, log  # the site is failing: no article link found
    assert_alerts_went_out(hook, telegram, smtp)
    assert stats["alerts/monitors_failed"] >= 1
    files = data_files(data)
    assert any(name.startswith("reports/") for name in files)
    assert leaks({"log": log.encode(), **files}) == []


def run_crawlall(data: Path, replay: Path, settings: dict[str, str]) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "scrapy", "crawlall", "--sites", "nguoihanoi"]
    for name, value in {"REPLAY_DIR": str(replay), "DATA_DIR": str(data), **settings}.items():
        command += ["-s", f"{name}={value}"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ALERT_")}
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment
    )
    return done.returncode, done.stdout, done.stderr


def test_secrets_given_with_s_stay_out_of_logs_stats_and_reports(tmp_path, broken_site):
    data = tmp_path / "data"
    with http_server() as hook, http_server() as telegram, smtp_sink() as smtp:
        secrets, others = channels(hook, telegram, smtp)
        status, stdout, stderr = run_crawlall(data, broken_site, {**others, **secrets})
    assert status == 3, stderr
    assert_alerts_went_out(hook, telegram, smtp)
    files = data_files(data, but=("locks",))
    assert any(name.startswith("logs/") for name in files)  # crawlall's log, in DATA_DIR
    assert any(name.startswith("reports/") for name in files)
    outputs = {"stdout": stdout.encode(), "stderr": stderr.encode()}
    assert leaks({**outputs, **files}) == []


def test_secrets_given_with_s_stay_out_of_the_lock_file(tmp_path, broken_site):
    data = tmp_path / "data"
    with http_server() as hook, http_server() as telegram, smtp_sink() as smtp:
        secrets, others = channels(hook, telegram, smtp)
        run_crawlall(data, broken_site, {**others, **secrets})
    lock = data / "locks" / "nguoihanoi.lock"
    assert leaks({"lock": lock.read_bytes()}) == []
