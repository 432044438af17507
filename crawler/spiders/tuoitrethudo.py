"""Báo Tuổi trẻ Thủ đô (tuoitrethudo.vn, formerly tuoitrethudo.com.vn; Thành đoàn Hà Nội),
on MasterCMS.

Sure (research §2.6): article URLs ``/<slug>-<ID>.html``, MasterCMS (cdn.tuoitrethudo.vn
``/stores/news_dataimages``), the "(TTTĐ) - " lead prefix. Medium: the ≈2019 template
(``div.article-check``, ``#content_detail``; docbao config) kept for pages still served with it.
Guessed: ``/rss/home.rss``, the ``/sitemap.xml`` index and its monthly children, the ``/xa-hoi``
listing and its ``/p<N>`` pages. Markup of the current template: as laodongthudo
(``docs/markup/mastercms.md``); dates from JSON-LD / ``article:*`` meta first. The sub-site
phapluat.tuoitrethudo.vn is crawled as this site. A page no template fits goes to the generic
extractor (``articles/fallback``), or counts as ``articles/no_article`` when that finds nothing.
"""

from crawler.parsers.mastercms import TUOITRETHUDO_2019, MasterCMSParser
from crawler.spiders.base import NewsSpider


class TuoiTreThuDoSpider(NewsSpider):
    name = "tuoitrethudo"
    allowed_domains = ["tuoitrethudo.vn", "tuoitrethudo.com.vn"]
    feeds = ("https://tuoitrethudo.vn/rss/home.rss",)
    sitemaps = ("https://tuoitrethudo.vn/sitemap.xml",)
    listings = ("https://tuoitrethudo.vn/xa-hoi",)
    parser = MasterCMSParser(lead_prefixes=("(TTTĐ)", "TTTĐ"), older_templates=(TUOITRETHUDO_2019,))
