"""Báo Hànộimới (hanoimoi.vn), OneCMS since 2023.

Sure: article URLs /<slug>-<id>.html, /rss/home.rss, /sitemap.xml → /sitemap-article-* children,
the "(HNMO) - " lead prefix (older "(HNM) - "). Guessed: the section listing's pagination.
"""

from crawler.parsers.onecms import OneCMSParser
from crawler.spiders.base import NewsSpider


class HanoimoiSpider(NewsSpider):
    name = "hanoimoi"
    allowed_domains = ["hanoimoi.vn"]
    # Its sub-sites (nhipsonghanoi.hanoimoi.vn) have spiders of their own.
    subdomains = False
    feeds = ("https://hanoimoi.vn/rss/home.rss",)
    sitemaps = ("https://hanoimoi.vn/sitemap.xml",)
    listings = ("https://hanoimoi.vn/chinh-tri",)
    parser = OneCMSParser(lead_prefixes=("(HNMO)", "(HNM)"))
