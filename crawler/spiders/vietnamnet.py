"""VietNamNet (vietnamnet.vn), national, based in Hà Nội: its Hà Nội articles from feed and sitemap.

VietNamNet has no Hà Nội section, and its tag pages (``/<slug>-tag<id>.html`` [V]) carry ids
no public source gives for "Hà Nội"; its feeds and sitemaps cover the country, so only the
articles whose slug names Hà Nội are requested from them (``HanoiSlugSpider``). Entry points,
and how sure each is (``../shared/research/hanoi_sites.md`` §3.3):

- ``/thoi-su.rss``: section feeds are ``/<section>[/<sub>].rss``, linked from the real pages'
  ``<head>`` (``/kinh-doanh.rss``, ``/kinh-doanh/tai-chinh.rss`` [V]); "Thời sự" is a section
  [V]; the name is inferred.
- ``/sitemap-news.xml``: the news sitemap (the last days' articles with their publication
  dates) [C, public scrapers]; not seen on the site itself.

``-a start=`` lifts the Hà Nội limit (e.g. ``-a start=https://vietnamnet.vn/thoi-su``; listings
page as ``/thoi-su-page1`` [V]). Markup: ``crawler/parsers/vietnamnet.py`` (the 2022– template
checked on a real page).
"""

from crawler.parsers.vietnamnet import VietNamNetParser
from crawler.spiders.hanoi_coverage import HanoiSlugSpider


class VietNamNetSpider(HanoiSlugSpider):
    name = "vietnamnet"
    allowed_domains = ["vietnamnet.vn"]
    subdomains = False
    feeds = ("https://vietnamnet.vn/thoi-su.rss",)
    sitemaps = ("https://vietnamnet.vn/sitemap-news.xml",)
    parser = VietNamNetParser()
