"""Nhịp sống Hà Nội (nhipsonghanoi.hanoimoi.vn), Hànộimới's sub-site on the same OneCMS.

Sure: the "(NSHN) - " lead prefix and the "Author| dd/mm/yyyy HH:MM" byline; URLs as hanoimoi.
Guessed: feed and sitemap paths (hanoimoi's), the /thoi-su listing.
"""

from crawler.parsers.onecms import OneCMSParser
from crawler.spiders.base import NewsSpider


class NhipSongHaNoiSpider(NewsSpider):
    name = "nhipsonghanoi"
    # Only the sub-site: links to hanoimoi.vn itself belong to the hanoimoi spider.
    allowed_domains = ["nhipsonghanoi.hanoimoi.vn"]
    feeds = ("https://nhipsonghanoi.hanoimoi.vn/rss/home.rss",)
    sitemaps = ("https://nhipsonghanoi.hanoimoi.vn/sitemap.xml",)
    listings = ("https://nhipsonghanoi.hanoimoi.vn/thoi-su",)
    parser = OneCMSParser(lead_prefixes=("(NSHN)",))
