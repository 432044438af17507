"""The ePi and MasterCMS families: article URLs of their spiders, and what their parsers make of
markup they were not written for (a wrong guess is no article, never another page's text)."""

import pytest

from crawler.parsers.base import NoArticle
from crawler.parsers.epi import EpiParser
from crawler.parsers.mastercms import TUOITRETHUDO_2019, MasterCMSParser
from crawler.spiders.anninhthudo import AnNinhThuDoSpider
from crawler.spiders.arguments import CrawlArguments
from crawler.spiders.laodongthudo import LaoDongThuDoSpider
from crawler.spiders.tuoitrethudo import TuoiTreThuDoSpider


@pytest.mark.parametrize(
    ("cls", "url", "expected"),
    [
        (AnNinhThuDoSpider, "https://www.anninhthudo.vn/bat-giu-doi-tuong-post598214.antd", True),
        (AnNinhThuDoSpider, "https://anninhthudo.vn/bat-giu-doi-tuong-post598214.antd", True),
        # Listings, tags, the 2010s URLs, feeds.
        (AnNinhThuDoSpider, "https://www.anninhthudo.vn/phap-luat/", False),
        (AnNinhThuDoSpider, "https://www.anninhthudo.vn/phap-luat/?trang=2", False),
        (AnNinhThuDoSpider, "https://www.anninhthudo.vn/trom-cap-tag1208.antd", False),
        (AnNinhThuDoSpider, "https://www.anninhthudo.vn/phap-luat/80.antd", False),
        (AnNinhThuDoSpider, "https://www.anninhthudo.vn/rss/home.rss", False),
        (AnNinhThuDoSpider, "https://tienphong.vn/bat-giu-post1700000.tpo", False),
        (LaoDongThuDoSpider, "https://laodongthudo.vn/cong-doan-cham-lo-tet-203418.html", True),
        (LaoDongThuDoSpider, "https://lamgiau.laodongthudo.vn/mo-hinh-trong-rau-20341.html", True),
        (LaoDongThuDoSpider, "https://laodongthudo.vn/thoi-su/p2", False),
        (LaoDongThuDoSpider, "https://laodongthudo.vn/tag/cong-doan-1092.tag", False),
        (LaoDongThuDoSpider, "https://laodongthudo.vn/phong-su-anh.media", False),
        (LaoDongThuDoSpider, "https://laodong.vn/cong-doan/tet-1430000.ldo", False),
        (TuoiTreThuDoSpider, "https://tuoitrethudo.vn/ra-quan-tinh-nguyen-251806.html", True),
        (TuoiTreThuDoSpider, "https://tuoitrethudo.com.vn/hien-mau-138642.html", True),
        (TuoiTreThuDoSpider, "https://phapluat.tuoitrethudo.vn/canh-bao-lua-dao-251790.html", True),
        (TuoiTreThuDoSpider, "https://tuoitrethudo.vn/xa-hoi/p2", False),
    ],
)
def test_article_urls(cls, url, expected):
    assert cls(arguments=CrawlArguments()).is_article_url(url) is expected


EPI = EpiParser(lead_prefixes=("(ANTĐ)",))
MASTERCMS = MasterCMSParser(lead_prefixes=("(LĐTĐ)",), older_templates=(TUOITRETHUDO_2019,))


def test_an_epi_page_whose_body_is_not_the_known_one_is_no_article():
    html = """<html><body><h1 class="article__title cms-title">Tiêu đề</h1>
    <div class="magazine-content"><p>Nội dung longform chưa biết.</p></div></body></html>"""
    with pytest.raises(NoArticle, match="no epi template matches"):
        EPI.parse(html, "https://www.anninhthudo.vn/bai-post1.antd")


def test_epi_author_box_and_ads_inside_the_body_are_not_prose():
    html = """<html><body><h1 class="article__title cms-title">Tiêu đề</h1>
    <div class="article__sapo cms-desc">(ANTĐ) - Sapo.</div>
    <div class="article__body cms-body"><p>Đoạn một.</p>
    <div class="ads_middle"><div id="adsWeb_AdsArticleMiddle" class="banner fyi"><script>x()</script></div></div>
    <p>Đoạn hai.</p>
    <div class="article__author"><div class="author"><div class="info">
    <a class="name cms-author" href="javascript:void(0);">Minh Trang</a></div></div></div>
    </div></body></html>"""
    article = EPI.parse(html, "https://www.anninhthudo.vn/bai-post1.antd")
    assert article["body"] == "Đoạn một.\n\nĐoạn hai."
    assert article["authors"] == ["Minh Trang"]
    assert article["lead"] == "Sapo."


def test_a_mastercms_text_box_table_stays_prose_and_only_the_last_right_aligned_line_is_the_byline():
    html = """<html><body><h1 class="article-detail-title">Tiêu đề</h1>
    <div class="article-detail-desc">(LĐTĐ) - Sapo.</div>
    <div class="__MASTERCMS_CONTENT"><div class="__MB_MASTERCMS_EL" id="__MB_MASTERCMS_EL_3">
    <p>Đoạn một.</p>
    <table class="MASTERCMS_TPL_TABLE"><tr><td>Hộp thông tin: số liệu năm 2024.</td></tr></table>
    <p style="text-align: right;">Hà Nội, ngày 12 tháng 12</p>
    <p>Đoạn hai.</p>
    <p style="text-align: right;"><strong>Minh Anh</strong></p>
    </div></div></body></html>"""
    article = MASTERCMS.parse(html, "https://laodongthudo.vn/bai-12345.html")
    assert article["body"] == (
        "Đoạn một.\n\nHộp thông tin: số liệu năm 2024.\n\nHà Nội, ngày 12 tháng 12\n\nĐoạn hai."
    )
    assert article["byline_raw"] == "Minh Anh"
    assert article["images"] == []


def test_a_mastercms_page_of_an_unknown_template_is_no_article():
    html = """<html><body><div class="emagazine"><h1 class="emag-title">Tiêu đề</h1>
    <div class="emag-body"><p>Nội dung.</p></div></div></body></html>"""
    with pytest.raises(NoArticle, match="no mastercms template matches"):
        MASTERCMS.parse(html, "https://laodongthudo.vn/emagazine-12345.html")
