"""The Liferay family (hanoi.gov.vn portals), its anchoring on the date line, and the two parser
base features it needs: XPath selectors in templates, and no description standing in for a lead.
"""

import re

import pytest

from crawler.parsers.base import ArticleParser, NoArticle, Template
from crawler.parsers.kinhtedothi import ARTICLE_URL as KTDT_ARTICLE_URL
from crawler.parsers.liferay import ARTICLE_URL, LiferayParser

URL = "https://caugiay.hanoi.gov.vn/tin-tuc-su-kien/-/view_content/4152093-tin-thu.html"
PARSER = LiferayParser()


def portal_page(article: str, *, sidebar: str = "", description: str = "Cổng TTĐT quận") -> str:
    return f"""<html lang="vi-VN"><head><meta name="description" content="{description}"></head>
    <body><ul class="breadcrumb"><li><a href="/">Trang chủ</a></li>
    <li><a href="/tin-tuc-su-kien">Tin tức sự kiện</a></li></ul>
    <section class="portlet"><h1 class="portlet-title"><span class="portlet-title-text">Tin tức
    sự kiện</span></h1><div class="portlet-body">{article}</div></section>{sidebar}</body></html>"""


def test_the_article_is_found_from_its_date_line_whatever_the_classes():
    article = PARSER.parse(
        portal_page(
            """<div class="x1"><h3>Phường Dịch Vọng ra mắt tổ công nghệ số</h3>
            <div class="x2">Ngày đăng 10/12/2024 | 15:30 | Lượt xem: 1.245</div>
            <p>Đoạn thứ nhất của bài.</p><p>Đoạn thứ hai của bài.</p>
            <ul><li><a href="javascript:print()">In bài viết</a></li></ul></div>"""
        ),
        URL,
    )
    assert article["title"] == "Phường Dịch Vọng ra mắt tổ công nghệ số"
    assert article["published_at"] == "2024-12-10T15:30:00+07:00"
    assert article["published_raw"] == "Ngày đăng 10/12/2024 | 15:30"
    assert article["section"] == "Tin tức sự kiện"
    assert article["body"] == "Đoạn thứ nhất của bài.\n\nĐoạn thứ hai của bài."
    # The page's description is the portal's, not a lead.
    assert article["lead"] is None


def test_a_web_content_box_in_the_sidebar_is_not_the_body():
    sidebar = '<div class="journal-content-article"><p>Liên kết website</p></div>'
    article = PARSER.parse(
        portal_page(
            """<div><h2>Quận tổ chức hội nghị đối thoại</h2>
            <p>Ngày đăng 05/12/2024 | 08:00</p><p>Nội dung hội nghị đối thoại.</p></div>""",
            sidebar=sidebar,
        ),
        URL,
    )
    assert article["body"] == "Nội dung hội nghị đối thoại."


@pytest.mark.parametrize(
    "article",
    [
        # No date line: a schedule, a document page.
        "<div><h2>Lịch tiếp công dân tháng 12</h2><table><tr><td>05/12/2024</td></tr></table></div>",
        # The only heading before the line is the section's: no title of its own.
        "<div><p>Ngày đăng 05/12/2024 | 08:00</p><p>Nội dung.</p></div>",
    ],
)
def test_a_page_without_a_recognisable_article_is_no_article(article):
    with pytest.raises(NoArticle):
        PARSER.parse(portal_page(article), URL)


@pytest.mark.parametrize(
    ("path", "is_article"),
    [
        ("/tin-tuc-su-kien/-/view_content/4152093-quan-cau-giay-ra-quan.html", True),
        ("/en/tin-tuc-su-kien/-/view_content/4152093-cau-giay-district.html", True),
        ("/tin-tuc-su-kien", False),
        ("/tin-tuc-su-kien/-/asset_publisher/AbCd/content/ra-quan", False),
        ("/video/huong-dan-nop-ho-so-truc-tuyen-2850241205090000123.htm", False),
    ],
)
def test_liferay_article_urls(path, is_article):
    assert bool(re.search(ARTICLE_URL, path)) is is_article


@pytest.mark.parametrize(
    ("path", "is_article"),
    [
        ("/luat-thu-do-nam-2024-khoi-thong-nguon-luc-phat-trien-thu-do.html", True),
        ("/ha-noi-khoi-cong-cau-tu-lien.html", True),
        ("/tag/cau-tu-lien", False),
        ("/tag/nha-o-xa-hoi-gia-re.html", False),
        ("/chinh-tri", False),
        ("/do-thi/giao-thong", False),
        ("/lien-he.html", False),
        ("/su-kien/1234/ky-hop-thu-20-hdnd-thanh-pho.html", False),
    ],
)
def test_kinhtedothi_article_urls_tell_articles_from_tag_and_category_pages(path, is_article):
    assert bool(re.search(KTDT_ARTICLE_URL, path)) is is_article


# The parser base: XPath selectors and the description fallback --------------------------------

BASE_PAGE = """<html><head><meta name="description" content="Mô tả của trang."></head><body>
<div><span>Tiêu đề theo văn bản</span><em>Cập nhật 10/12/2020 12:16</em></div>
<div class="content"><p>Đoạn một.</p></div></body></html>"""


def parser(*, lead_from_description: bool = True) -> ArticleParser:
    return ArticleParser(
        name="test",
        templates=(
            Template(
                name="t",
                title=("xpath://em[starts-with(., 'Cập nhật')]/preceding-sibling::span",),
                body=("div.content",),
                time=("xpath://em[starts-with(., 'Cập nhật')]",),
            ),
        ),
        lead_from_description=lead_from_description,
    )


def test_template_selectors_may_be_xpath():
    article = parser().parse(BASE_PAGE, "https://example.vn/a.html")
    assert article["title"] == "Tiêu đề theo văn bản"
    assert article["published_at"] == "2020-12-10T12:16:00+07:00"


def test_the_description_stands_in_for_the_lead_unless_switched_off():
    assert parser().parse(BASE_PAGE, "https://example.vn/a.html")["lead"] == "Mô tả của trang."
    off = parser(lead_from_description=False).parse(BASE_PAGE, "https://example.vn/a.html")
    assert off["lead"] is None
