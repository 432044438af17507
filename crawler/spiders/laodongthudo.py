"""Báo Lao động Thủ đô (laodongthudo.vn, LĐLĐ TP Hà Nội), on MasterCMS.

Sure (research §2.4): article URLs ``/<slug>-<ID>.html``, MasterCMS (``/stores/news_dataimages``
images, ``__MB_ARTICLE_A`` in-body related boxes, ``__MB_ARTICLE_PAGING`` listing pages), the
"(LĐTĐ) - " lead prefix, the ``/thoi-su`` section. Guessed: ``/rss/home.rss`` (phapluatxahoi's
MasterCMS path), ``/sitemap.xml`` (no feed or sitemap of this site is in public code) and the
``/<category>/p<N>`` page URLs. Markup: the ``__MASTERCMS``/``__MB`` hooks are sure, the header
classes (title, sapo, time) come from sibling MasterCMS sites (``docs/markup/mastercms.md``);
dates are read from JSON-LD / ``article:*`` meta first. Sub-sites (lamgiau., laodongvaphapluat.)
are crawled as this site. A page the template does not fit goes to the generic extractor
(``articles/fallback``), or counts as ``articles/no_article`` when that finds nothing either.
"""

from crawler.parsers.mastercms import MasterCMSParser
from crawler.spiders.base import NewsSpider


class LaoDongThuDoSpider(NewsSpider):
    name = "laodongthudo"
    allowed_domains = ["laodongthudo.vn"]
    feeds = ("https://laodongthudo.vn/rss/home.rss",)
    sitemaps = ("https://laodongthudo.vn/sitemap.xml",)
    listings = ("https://laodongthudo.vn/thoi-su",)
    parser = MasterCMSParser(lead_prefixes=("(LĐTĐ)", "LĐTĐ"))
