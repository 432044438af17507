"""Người Hà Nội (nguoihanoi.vn), on OneCMS like Hànộimới ("Author| dd/mm/yyyy HH:MM" seen).

Sure: the "(NHN) - " lead prefix and the byline shape. Guessed: feed, sitemap and listing paths.
"""

from crawler.parsers.onecms import OneCMSParser
from crawler.spiders.base import NewsSpider


class NguoiHaNoiSpider(NewsSpider):
    name = "nguoihanoi"
    allowed_domains = ["nguoihanoi.vn"]
    feeds = ("https://nguoihanoi.vn/rss/home.rss",)
    sitemaps = ("https://nguoihanoi.vn/sitemap.xml",)
    listings = ("https://nguoihanoi.vn/thoi-su",)
    parser = OneCMSParser(lead_prefixes=("(NHN)",))
