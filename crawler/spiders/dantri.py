"""Dân trí (dantri.com.vn), national, based in Hà Nội: its Hà Nội articles from feeds and sitemap.

Dân trí has no Hà Nội section or topic page that any public source names; its feeds and
sitemaps cover the country, so only the articles whose slug names Hà Nội are requested from
them (``HanoiSlugSpider``: sure to be about the city, not every such story). Entry points,
and how sure each is (``../shared/research/hanoi_sites.md`` §3.2):

- ``/rss/home.rss``: named by several public scrapers [C]; an anti-bot HTTP 428 is reported
  (counted as a failed request, never as an empty feed).
- ``/rss/thoi-su.rss``: section feeds are ``/rss/<section>.rss`` (the real 2026 section page
  links ``/rss/kinh-doanh.rss`` [V]) and "Thời sự" is a 2026 section [V]; the name is inferred.
- ``/sitemaps/articles.xml``: a sitemap index of monthly ``/sitemaps/Article-YYYY-M.xml``
  children [C, a 2025 scraper]; children older than ``since`` are skipped by their name.

``-a start=`` lifts the Hà Nội limit (e.g. ``-a start=https://dantri.com.vn/xa-hoi.htm``).
Markup: ``crawler/parsers/dantri.py`` (the 2025– template checked on a real page).
"""

from crawler.parsers.dantri import DanTriParser
from crawler.spiders.hanoi_coverage import HanoiSlugSpider


class DanTriSpider(HanoiSlugSpider):
    name = "dantri"
    allowed_domains = ["dantri.com.vn"]
    subdomains = False
    feeds = ("https://dantri.com.vn/rss/home.rss", "https://dantri.com.vn/rss/thoi-su.rss")
    sitemaps = ("https://dantri.com.vn/sitemaps/articles.xml",)
    parser = DanTriParser()
