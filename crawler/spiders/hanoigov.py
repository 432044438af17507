"""Cổng TTĐT Hà Nội (hanoi.gov.vn) and the district portals <district>.hanoi.gov.vn, on Liferay.

Seen in public page text: article URLs /<section>/-/view_content/<ID>-<slug>.html on the district
portals (caugiay, haibatrung) and their "Ngày đăng dd/mm/yyyy | HH:MM | Lượt xem: N" line.
Unknown: the news portlet's markup (the family parser anchors on that line, see
crawler/parsers/liferay.py), any feed or article sitemap, the main portal's own structure.
Guessed: the /tin-tuc-su-kien listings (docs/markup/liferay.md, ../shared/research/hanoi_sites.md
§2.8). Pages of other CMSs under hanoi.gov.vn (URLs without /-/view_content/) are not requested.
"""

from crawler.parsers.liferay import LiferayParser
from crawler.spiders.base import NewsSpider


class HanoiGovSpider(NewsSpider):
    name = "hanoigov"
    # The main portal and every <district>.hanoi.gov.vn portal.
    allowed_domains = ["hanoi.gov.vn"]
    listings = (
        "https://hanoi.gov.vn/tin-tuc-su-kien",
        "https://caugiay.hanoi.gov.vn/tin-tuc-su-kien",
        "https://haibatrung.hanoi.gov.vn/tin-tuc-su-kien",
    )
    parser = LiferayParser()
