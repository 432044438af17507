"""VnExpress (vnexpress.net), national, based in Hà Nội: by default its Hà Nội topic only.

Entry point, and how sure it is (``../shared/research/hanoi_sites.md`` §3.1):

- ``/topic/ha-noi-26482``, the "Hà Nội" topic listing: sure. The real 2025 article page links
  it from the header's "Tin theo khu vực" (regional news) menu [V]. Its items are assumed to
  be the sections' ``article.item-news`` (dated by ``data-publishtime`` or
  ``span.time-ago[datetime]``, so paging stops past ``since``) and its next page the sections'
  ``/<listing>-p2`` (``link[rel=next]``, ``a.next-page``) [V on a section, guessed on a topic].

Not used: the RSS feeds (``/rss/<section>.rss``) and sitemaps (``/sitemap.xml``,
``/google-news-sitemap.xml``) [C] cover the whole country; give them with ``-a start=...`` for
a national crawl. Sub-domains are other sites (e.vnexpress.net is in English, video.vnexpress.net
holds videos): not crawled. Markup: ``crawler/parsers/vnexpress.py`` (checked on real pages).
"""

from crawler.parsers.vnexpress import VnExpressParser
from crawler.spiders.base import NewsSpider


class VnExpressSpider(NewsSpider):
    name = "vnexpress"
    allowed_domains = ["vnexpress.net"]
    subdomains = False
    listings = ("https://vnexpress.net/topic/ha-noi-26482",)
    parser = VnExpressParser()
