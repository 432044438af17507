"""Báo Phụ nữ Thủ đô (baophunuthudo.vn, not phunuthudo.vn), the Hanoi Women's Union's paper.

Its markup is unknown: no public scraper and no saved page hold it (docs/markup/phunuthudo.md,
../shared/research/hanoi_sites.md §2.7). So it is read by the generic extractor from the start
(structured data, common markup, trafilatura); every item says ``extractor: "generic"``.
Seen in public page text: the listing /tin-tuc-hoi/ paged with ?page=N. Seen in public code:
images on images.baophunuthudo.vn. Guessed: article URLs end in a slug of four words or more and
".html"; the pagination links; the "PNTĐ - " lead prefix. No feed or sitemap is known.
"""

from crawler.discovery import ListingRules
from crawler.parsers.generic import GenericParser
from crawler.spiders.base import NewsSpider


class PhuNuThuDoParser(GenericParser):
    """The generic extractor, with the listing pages' ?page=N links."""

    listing = ListingRules(
        next_page=(
            "link[rel=next]::attr(href)",
            "a[rel=next]::attr(href)",
            ".pagination a.next::attr(href)",
            ".pagination .active + a::attr(href)",
            ".pagination li.active + li a::attr(href)",
        )
    )


class PhuNuThuDoSpider(NewsSpider):
    name = "phunuthudo"
    allowed_domains = ["baophunuthudo.vn"]
    listings = ("https://baophunuthudo.vn/tin-tuc-hoi/",)
    # Not the generic ".html or numeric id": /gioi-thieu.html and the like are no articles.
    article_url = r"/[a-z0-9]+(?:-[a-z0-9]+){3,}\.html?$"
    parser = PhuNuThuDoParser(lead_prefixes=("PNTĐ", "(PNTĐ)"))
