"""What each site's spider takes for its own article pages."""

import pytest

from crawler.spiders.arguments import CrawlArguments
from crawler.spiders.hanoimoi import HanoimoiSpider
from crawler.spiders.nguoihanoi import NguoiHaNoiSpider
from crawler.spiders.nhipsonghanoi import NhipSongHaNoiSpider


def spider(cls):
    return cls(arguments=CrawlArguments())


@pytest.mark.parametrize(
    ("cls", "url", "expected"),
    [
        (HanoimoiSpider, "https://hanoimoi.vn/ha-noi-don-tet-688214.html", True),
        (HanoimoiSpider, "https://www.hanoimoi.vn/ha-noi-don-tet-688214.html", True),
        (HanoimoiSpider, "http://m.hanoimoi.vn/ha-noi-don-tet-688214.html?utm_source=x", True),
        # The sub-site has its own spider: hanoimoi does not take its articles.
        (HanoimoiSpider, "https://nhipsonghanoi.hanoimoi.vn/pho-co-652418.html", False),
        (NhipSongHaNoiSpider, "https://nhipsonghanoi.hanoimoi.vn/pho-co-652418.html", True),
        (NhipSongHaNoiSpider, "https://hanoimoi.vn/ha-noi-don-tet-688214.html", False),
        (NguoiHaNoiSpider, "https://nguoihanoi.vn/lang-gom-bat-trang-58214.html", True),
        # Not article pages: listings, tags, feeds, other hosts, ids too short.
        (HanoimoiSpider, "https://hanoimoi.vn/chinh-tri", False),
        (HanoimoiSpider, "https://hanoimoi.vn/chinh-tri?page=2", False),
        (HanoimoiSpider, "https://hanoimoi.vn/tag/ha-noi-123456.html", False),
        (HanoimoiSpider, "https://hanoimoi.vn/rss/home.rss", False),
        (HanoimoiSpider, "https://hanoimoi.vn/bai-12.html", False),
        (NguoiHaNoiSpider, "https://vnexpress.net/ha-noi-4812345.html", False),
        (NguoiHaNoiSpider, "https://nguoihanoi.vn.evil.com/x-58214.html", False),
        (NguoiHaNoiSpider, "ftp://nguoihanoi.vn/x-58214.html", False),
    ],
)
def test_article_urls(cls, url, expected):
    assert spider(cls).is_article_url(url) is expected
