"""Báo Kinh tế & Đô thị (kinhtedothi.vn), the Hanoi People's Committee's paper, its own CMS.

Sure: article URLs /<slug>.html without an id, tag pages /tag/<slug>, the "Kinhtedothi - " lead
prefix (older "KTĐT - "), time-first dates "14:17 12/12/2024". Seen in public code (2025), not
checked live: /sitemap.xml and /rss/home.rss. Guessed: the /chinh-tri listing and its paging,
the sapo, breadcrumb and tag elements (docs/markup/kinhtedothi.md,
../shared/research/hanoi_sites.md §2.2). Its sub-sites (phapluatxahoi., tieudung.,
thitruongtaichinh.kinhtedothi.vn) run other CMSs and are not this spider's.
"""

from crawler.parsers.kinhtedothi import KinhTeDoThiParser
from crawler.spiders.base import NewsSpider


class KinhTeDoThiSpider(NewsSpider):
    name = "kinhtedothi"
    allowed_domains = ["kinhtedothi.vn"]
    subdomains = False
    feeds = ("https://kinhtedothi.vn/rss/home.rss",)
    sitemaps = ("https://kinhtedothi.vn/sitemap.xml",)
    listings = ("https://kinhtedothi.vn/chinh-tri",)
    parser = KinhTeDoThiParser()
