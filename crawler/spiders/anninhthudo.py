"""Báo An ninh Thủ đô (anninhthudo.vn, Công an TP Hà Nội), on the ePi CMS.

Sure (many public links, research §2.3): article URLs ``/<slug>-post<ID>.antd`` on
www.anninhthudo.vn, the ePi platform (static-cms-anninhthudo.epicdn.me), the "(ANTĐ) - " lead
prefix. Medium: the ePi sitemap layout (index → monthly ``/sitemaps/news-YYYY-M.xml``, as
nhandan / tinnhanhchungkhoan / plo; ``categories.xml`` and ``topics.xml`` hold no articles),
``/rss/home.rss`` (configs of other scrapers, low-medium). Guessed: the ``/phap-luat/`` listing
and its ``?trang=N`` pages (tienphong's). Markup: the ePi article classes are attested on sibling
sites, not on an ANTĐ page; dates come from JSON-LD / ``itemprop=datePublished`` first
(``docs/markup/epi.md``). A page the template does not fit goes to the generic extractor
(``articles/fallback``), or counts as ``articles/no_article`` when that finds nothing either.
"""

from crawler.parsers.epi import EpiParser
from crawler.spiders.base import NewsSpider


class AnNinhThuDoSpider(NewsSpider):
    name = "anninhthudo"
    allowed_domains = ["anninhthudo.vn"]
    feeds = ("https://www.anninhthudo.vn/rss/home.rss",)
    sitemaps = ("https://www.anninhthudo.vn/sitemap.xml",)
    listings = ("https://www.anninhthudo.vn/phap-luat/",)
    parser = EpiParser(lead_prefixes=("(ANTĐ)", "ANTĐ"))
