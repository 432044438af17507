"""The shared article parser's template features, on a small made-up CMS."""

import pytest

from crawler.parsers.base import ArticleParser, NoArticle, Template

PARSER = ArticleParser(
    name="testcms",
    templates=(
        Template(
            name="detail",
            title=("h1.title",),
            body=("div.content",),
            lead=("p.sapo",),
            time=("span.date",),
            related_boxes=(".__MB_ARTICLE_A", "div.box-related"),
            byline_in_body=('p[style*="right"]', "p.author"),
        ),
    ),
    lead_prefixes=("(LĐTĐ)",),
)
URL = "https://laodongthudo.vn/bai-viet-12345.html"


def page(body: str, extra: str = "") -> str:
    return f"""<html lang="vi"><body>
    <h1 class="title">Tiêu đề bài</h1><p class="sapo">(LĐTĐ) - Sapo của bài.</p>
    <span class="date">Thứ năm, 10/12/2020 12:16 (GMT+7)</span>
    <div class="content">{body}</div>{extra}</body></html>"""


def test_in_body_related_boxes_leave_the_body_for_related():
    article = PARSER.parse(
        page(
            "<p>Đoạn một.</p>"
            '<a class="__MB_ARTICLE_A" href="/tin-a-111.html">Tin A</a> Đoạn hai sau hộp.'
            '<p>Đoạn ba.</p><p><a class="__MB_ARTICLE_A" href="/tin-b-222.html">Tin B</a></p>'
            '<div class="box-related"><h3>Đọc thêm</h3><ul><li><a href="/c-333.html">Tin C</a></li></ul></div>'
            "<p>Đoạn cuối.</p>"
        ),
        URL,
    )
    assert article["body"] == "Đoạn một.\n\nĐoạn hai sau hộp.\n\nĐoạn ba.\n\nĐoạn cuối."
    assert article["related"] == [
        {
            "name": "Tin liên quan",
            "links": [
                {"url": "https://laodongthudo.vn/tin-a-111.html", "title": "Tin A"},
                {"url": "https://laodongthudo.vn/tin-b-222.html", "title": "Tin B"},
            ],
        },
        {
            "name": "Đọc thêm",
            "links": [{"url": "https://laodongthudo.vn/c-333.html", "title": "Tin C"}],
        },
    ]


def test_the_author_line_at_the_end_of_the_body_is_the_byline():
    article = PARSER.parse(
        page(
            '<p>Đoạn một.</p><p style="text-align:right">Không phải tác giả</p>'
            '<p>Đoạn hai.</p><p style="text-align: right;"><strong>Hà Thu</strong> (tổng hợp)</p>'
        ),
        URL,
    )
    assert article["byline_raw"] == "Hà Thu (tổng hợp)"
    assert article["authors"] == ["Hà Thu"]
    # Only the last right-aligned paragraph is the byline; the other stays prose.
    assert article["body"] == "Đoạn một.\n\nKhông phải tác giả\n\nĐoạn hai."
    assert article["lead"] == "Sapo của bài."
    assert article["published_at"] == "2020-12-10T12:16:00+07:00"


def test_a_page_without_the_template_is_no_article():
    with pytest.raises(NoArticle, match="no testcms template matches"):
        PARSER.parse("<html><body><p>Trang chủ</p></body></html>", URL)


def test_thumbnails_of_an_in_body_related_box_are_not_article_images():
    article = PARSER.parse(
        page(
            '<p>Đoạn một.</p><figure><img src="/anh-bai.jpg"><figcaption>Ảnh bài</figcaption></figure>'
            '<table class="__MB_ARTICLE_A"><tr><td><a href="/tin-a-111.html">'
            '<img src="/thumb-a.jpg"></a><a href="/tin-a-111.html">Tin A</a></td></tr></table>'
            "<p>Đoạn hai.</p>"
        ),
        URL,
    )
    assert article["images"] == [
        {"url": "https://laodongthudo.vn/anh-bai.jpg", "caption": "Ảnh bài"}
    ]
    assert article["related"] == [
        {
            "name": "Tin liên quan",
            "links": [{"url": "https://laodongthudo.vn/tin-a-111.html", "title": "Tin A"}],
        }
    ]
    assert article["body"] == "Đoạn một.\n\nĐoạn hai."


def test_related_boxes_of_several_selectors_merge_in_page_order():
    parser = ArticleParser(
        name="testcms",
        templates=(
            Template(
                name="detail",
                title=("h1.title",),
                body=("div.content",),
                related_boxes=("table.box-a", "table.box-b", ".box-a"),
            ),
        ),
    )
    article = parser.parse(
        page(
            '<p>Một.</p><table class="box-b"><tr><td><a href="/b-1.html">Tin B1</a></td></tr></table>'
            '<p>Hai.</p><table class="box-a"><tr><td><a href="/a-1.html">Tin A1</a></td></tr></table>'
        ),
        URL,
    )
    assert article["related"] == [
        {
            "name": "Tin liên quan",
            "links": [
                {"url": "https://laodongthudo.vn/b-1.html", "title": "Tin B1"},
                {"url": "https://laodongthudo.vn/a-1.html", "title": "Tin A1"},
            ],
        }
    ]
    assert article["body"] == "Một.\n\nHai."
