"""The national papers' spiders: their article URLs and the Hà Nội limit of their entry points."""

from collections import Counter
from types import SimpleNamespace

import pytest

from crawler.spiders.arguments import CrawlArguments
from crawler.spiders.dantri import DanTriSpider
from crawler.spiders.hanoi_coverage import slug_names_hanoi
from crawler.spiders.vietnamnet import VietNamNetSpider
from crawler.spiders.vnexpress import VnExpressSpider


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, name: str, count: int = 1) -> None:
        self.values[name] += count


def spider(cls, **arguments):
    instance = cls(arguments=CrawlArguments(**arguments))
    instance.crawler = SimpleNamespace(stats=Stats())
    return instance


@pytest.mark.parametrize(
    ("cls", "url", "expected"),
    [
        (VnExpressSpider, "https://vnexpress.net/ha-noi-mo-rong-pho-di-bo-4830125.html", True),
        (VnExpressSpider, "https://vnexpress.net/gia-vang-tang-5047621.html#box_comment", True),
        # The Hà Nội topic, a section, a later page, the English and video sub-sites.
        (VnExpressSpider, "https://vnexpress.net/topic/ha-noi-26482", False),
        (VnExpressSpider, "https://vnexpress.net/kinh-doanh-p2", False),
        (VnExpressSpider, "https://e.vnexpress.net/news/news/hanoi-walking-4830210.html", False),
        (VnExpressSpider, "https://video.vnexpress.net/ha-noi-don-tet-4830211.html", False),
        (VnExpressSpider, "https://vnexpress.net/ha-noi-12345.html", False),
        (DanTriSpider, "https://dantri.com.vn/xa-hoi/ha-noi-mo-them-20230614091522456.htm", True),
        (DanTriSpider, "https://dantri.com.vn/ha-noi-20191224073012345.htm", True),
        (DanTriSpider, "https://dantri.com.vn/kinh-doanh/trang-2.htm", False),
        (DanTriSpider, "https://dantri.com.vn/video/ha-noi-nguoi-dan-doi-mua-187975.htm", False),
        (DanTriSpider, "https://dantri.com.vn/tac-gia/tri-tuc-3617.htm", False),
        (VietNamNetSpider, "https://vietnamnet.vn/ha-noi-khoi-cong-2354781.html", True),
        (VietNamNetSpider, "https://vietnamnet.vn/vn/thoi-su/ha-noi-trong-hoa-601234.html", True),
        (VietNamNetSpider, "https://vietnamnet.vn/ha-noi-tag1842205513364110210.html", False),
        (VietNamNetSpider, "https://vietnamnet.vn/tac-gia/ha-noi-0008IL.html", False),
        (VietNamNetSpider, "https://vietnamnet.vn/en/hanoi-opens-park-2354790.html", False),
    ],
)
def test_article_urls(cls, url, expected):
    assert spider(cls).is_article_url(url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://dantri.com.vn/xa-hoi/ha-noi-mo-them-20230614091522456.htm", True),
        ("https://vietnamnet.vn/xe-buyt-o-ha-noi-2354781.html", True),
        ("https://vietnamnet.vn/hanoi-2354781.html", True),
        ("https://vietnamnet.vn/gia-xang-giam-2354500.html", False),
        # "ha-noi" in a section name is not the article's subject; a longer word is not it.
        ("https://dantri.com.vn/ha-noi/gia-vang-20230614091522456.htm", False),
        ("https://vietnamnet.vn/thuha-noibai-2354781.html", False),
    ],
)
def test_slug_names_hanoi(url, expected):
    assert slug_names_hanoi(url) is expected


def test_feeds_and_sitemaps_give_only_articles_about_hanoi():
    dantri = spider(DanTriSpider)
    assert dantri.is_article_url("https://dantri.com.vn/xa-hoi/ha-noi-x-20230614091522456.htm")
    assert not dantri.is_article_url("https://dantri.com.vn/kinh-doanh/vang-20251114064500555.htm")
    assert dantri.crawler.stats.values == {"discovery/not_hanoi": 1}


def test_entry_points_given_by_the_operator_lift_the_limit():
    start = ("https://dantri.com.vn/kinh-doanh.htm",)
    dantri = spider(DanTriSpider, start=start)
    assert dantri.is_article_url("https://dantri.com.vn/kinh-doanh/vang-20251114064500555.htm")
    assert dantri.crawler.stats.values == {}
