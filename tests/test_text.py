"""Tests of crawler.text: clean strings, body paragraphs and images with captions."""

import re
import unicodedata
from urllib.parse import quote, urljoin, urlsplit

import pytest
from parsel import Selector

from crawler.text import _URL_CONTROL, Image, absolute_url, clean_text, images, paragraphs, text_of

BASE = "https://hanoimoi.vn/xa-hoi/ho-guom-mua-thu-123.html"


def body(html: str) -> Selector:
    """The ``div#body`` of a page around ``html``."""
    return Selector(text=f"<html><body><div id='body'>{html}</div></body></html>").css("#body")[0]


# clean_text


def test_clean_text_composes_nfd_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Hà Nội mùa thu")
    assert decomposed != "Hà Nội mùa thu"
    result = clean_text(decomposed)
    assert result == "Hà Nội mùa thu"
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_clean_text_removes_invisible_characters(char: str) -> None:
    assert clean_text(f"Hoàn{char} Kiếm") == "Hoàn Kiếm"
    assert clean_text(f"{char}Ba Đình{char}") == "Ba Đình"


def test_clean_text_soft_hyphen_inside_a_word_joins_it() -> None:
    assert clean_text("Thủ\u00addô") == "Thủdô"


def test_clean_text_control_characters_become_spaces() -> None:
    assert clean_text("Tây\x00Hồ\x07và\x1fLong\x7fBiên") == "Tây Hồ và Long Biên"


def test_clean_text_collapses_white_space_and_nbsp() -> None:
    assert clean_text("  Cầu\u00a0\u00a0Long   Biên\n\t\r\nsáng nay ") == "Cầu Long Biên sáng nay"


def test_clean_text_fast_path_sees_the_white_space_the_slow_path_collapses() -> None:
    # Each of them, between two words, must send clean_text to the slow path: one space out.
    spaces = [chr(c) for c in range(0x110000) if re.match(r"[^\S ]", chr(c))]
    assert spaces
    for space in [*spaces, "  "]:
        assert clean_text(f"Hà{space}Nội") == "Hà Nội", repr(space)


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b\u00a0\ufeff"])
def test_clean_text_empty(value: str | None) -> None:
    assert clean_text(value) == ""


def test_text_of() -> None:
    sel = Selector(text="<h1> Hà <b>Nội</b>\u00a0mới </h1>")
    assert text_of(sel.css("h1")) == "Hà Nội mới"
    assert text_of(sel.css("h1")[0]) == "Hà Nội mới"
    assert text_of(sel.css("h2")) == ""
    assert text_of(None) == ""


# paragraphs


def test_paragraphs_in_order_with_inline_tags_joined() -> None:
    html = (
        "<p>Sáng 12/12, <strong>Hà Nội</strong> đón gió mùa.</p>"
        "<p>Nhiệt độ <em>giảm</em> còn <a href='/x'>15 độ C</a>.</p>"
        "<p>Người dân <span>mặc</span><span> ấm</span>.</p>"
    )
    assert paragraphs(body(html)) == [
        "Sáng 12/12, Hà Nội đón gió mùa.",
        "Nhiệt độ giảm còn 15 độ C.",
        "Người dân mặc ấm.",
    ]


def test_double_br_in_a_div_splits_paragraphs() -> None:
    html = "<div>Đoạn thứ nhất.<br><br>Đoạn thứ hai.<br/><br/>Đoạn thứ ba.</div>"
    assert paragraphs(body(html)) == ["Đoạn thứ nhất.", "Đoạn thứ hai.", "Đoạn thứ ba."]


def test_br_inside_p_does_not_split() -> None:
    html = "<p>Dòng một<br>dòng hai<br><br>dòng ba</p>"
    assert paragraphs(body(html)) == ["Dòng một dòng hai dòng ba"]


def test_br_directly_in_the_container_splits() -> None:
    assert paragraphs(body("Trước<br><br>Sau")) == ["Trước", "Sau"]


def test_skipped_elements_give_no_text() -> None:
    html = (
        "<p>Mở đầu.</p>"
        "<script>var quangCao = 1;</script>"
        "<style>p { color: red }</style>"
        "<figure><img src='a.jpg'><figcaption>Ảnh: Hồ Gươm</figcaption></figure>"
        "<figcaption>Chú thích lạc</figcaption>"
        "<noscript>Bật JavaScript</noscript>"
        "<p>Kết <script>x()</script>thúc.</p>"
    )
    assert paragraphs(body(html)) == ["Mở đầu.", "Kết thúc."]


def test_drop_selectors_remove_elements_and_their_text() -> None:
    html = (
        "<p>Một.</p>"
        "<div class='c-box'><h3>Nổi bật</h3><a href='/a'>Tin khác</a></div>"
        "<p>Hai <span class='share'>Chia sẻ</span>tiếp.</p>"
        "<p>Ba.</p>"
    )
    assert paragraphs(body(html), drop=[".c-box", ".share"]) == ["Một.", "Hai tiếp.", "Ba."]


def test_drop_keeps_the_tail_text_of_a_dropped_element() -> None:
    html = "<p>Trước <span class='ad'>QC</span>sau.</p>"
    assert paragraphs(body(html), drop=[".ad"]) == ["Trước sau."]


def test_nested_divs_keep_document_order() -> None:
    html = (
        "<div>Ngoài đầu"
        "<div>Trong một<div><p>Sâu nhất</p></div>Trong hai</div>"
        "Ngoài cuối</div>"
        "<p>Sau cùng</p>"
    )
    assert paragraphs(body(html)) == [
        "Ngoài đầu",
        "Trong một",
        "Sâu nhất",
        "Trong hai",
        "Ngoài cuối",
        "Sau cùng",
    ]


def test_headings_are_their_own_paragraph() -> None:
    html = "<p>Mở bài.</p><h2>Giao thông <b>thông suốt</b></h2><p>Nội dung.</p><h3>Kết</h3>"
    assert paragraphs(body(html)) == ["Mở bài.", "Giao thông thông suốt", "Nội dung.", "Kết"]


def test_comments_ignored_but_their_tail_kept() -> None:
    html = "<p>Hà<!-- ghi chú biên tập --> Nội</p><!-- quảng cáo -->Cuối bài"
    assert paragraphs(body(html)) == ["Hà Nội", "Cuối bài"]


def test_list_items_are_paragraphs() -> None:
    html = "<ul><li>Quận Hoàn Kiếm</li><li>Quận <i>Ba Đình</i></li></ul>"
    assert paragraphs(body(html)) == ["Quận Hoàn Kiếm", "Quận Ba Đình"]


def test_empty_paragraphs_dropped_and_text_cleaned() -> None:
    html = "<p>\u00a0</p><p> </p><p>Hà\u200b Nội\u00a0 mới</p><div><br><br></div>"
    assert paragraphs(body(html)) == ["Hà Nội mới"]


# images

CAPTIONS = ("figcaption", "td.caption")


def test_data_src_preferred_over_placeholder_src() -> None:
    html = (
        "<figure><img src='/images/grey.gif' data-src='/2024/12/ho-guom.jpg'>"
        "<figcaption>Hồ Gươm sáng sớm. Ảnh: Minh Anh</figcaption></figure>"
    )
    assert images(body(html), BASE, CAPTIONS) == [
        Image("https://hanoimoi.vn/2024/12/ho-guom.jpg", "Hồ Gươm sáng sớm. Ảnh: Minh Anh")
    ]


def test_data_src_preferred_over_real_src() -> None:
    html = (
        "<img src='https://cdn.hanoimoi.vn/small.jpg' data-src='https://cdn.hanoimoi.vn/big.jpg'>"
    )
    assert images(body(html), BASE, CAPTIONS) == [Image("https://cdn.hanoimoi.vn/big.jpg", None)]


def test_caption_from_table_picture() -> None:
    html = (
        "<table class='picture'><tbody>"
        "<tr><td class='pic'><img src='https://cdn.hanoimoi.vn/pho-co.jpg'></td></tr>"
        "<tr><td class='caption'>Phố cổ <em>Hà Nội</em> về đêm</td></tr>"
        "</tbody></table>"
    )
    assert images(body(html), BASE, CAPTIONS) == [
        Image("https://cdn.hanoimoi.vn/pho-co.jpg", "Phố cổ Hà Nội về đêm")
    ]


def test_image_without_caption_has_none() -> None:
    html = "<p><img src='https://cdn.hanoimoi.vn/a.jpg'></p><p>Chú thích không thuộc ảnh</p>"
    assert images(body(html), BASE, CAPTIONS) == [Image("https://cdn.hanoimoi.vn/a.jpg", None)]


def test_caption_of_one_figure_not_given_to_the_next() -> None:
    html = (
        "<figure><img src='/a.jpg'><figcaption>Ảnh A</figcaption></figure>"
        "<figure><img src='/b.jpg'></figure>"
    )
    assert images(body(html), BASE, CAPTIONS) == [
        Image("https://hanoimoi.vn/a.jpg", "Ảnh A"),
        Image("https://hanoimoi.vn/b.jpg", None),
    ]


def test_duplicates_removed_first_kept() -> None:
    html = (
        "<figure><img src='/a.jpg'><figcaption>Lần đầu</figcaption></figure>"
        "<img data-src='https://hanoimoi.vn/a.jpg'>"
        "<figure><img src='a.jpg' data-src='/a.jpg'><figcaption>Lần hai</figcaption></figure>"
    )
    assert images(body(html), BASE, CAPTIONS) == [Image("https://hanoimoi.vn/a.jpg", "Lần đầu")]


def test_relative_urls_absolutised_and_order_kept() -> None:
    html = (
        "<img src='anh-1.jpg'>"
        "<img src='/uploads/anh-2.jpg'>"
        "<img src='//cdn.hanoimoi.vn/anh-3.jpg'>"
        "<img src='../anh-4.jpg'>"
    )
    assert [i.url for i in images(body(html), BASE, CAPTIONS)] == [
        "https://hanoimoi.vn/xa-hoi/anh-1.jpg",
        "https://hanoimoi.vn/uploads/anh-2.jpg",
        "https://cdn.hanoimoi.vn/anh-3.jpg",
        "https://hanoimoi.vn/anh-4.jpg",
    ]


def test_placeholder_only_images_skipped() -> None:
    html = (
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
        "<img src='/images/blank.gif'>"
        "<img>"
        "<img src='  '>"
        "<img src='/real.jpg'>"
    )
    assert images(body(html), BASE, CAPTIONS) == [Image("https://hanoimoi.vn/real.jpg", None)]


def test_caption_selectors_tried_in_order() -> None:
    html = (
        "<figure><img src='/a.jpg'><p class='credit'>Ảnh: TTXVN</p>"
        "<figcaption>Chú thích</figcaption></figure>"
    )
    assert images(body(html), BASE, (".credit", "figcaption")) == [
        Image("https://hanoimoi.vn/a.jpg", "Ảnh: TTXVN")
    ]
    assert images(body(html), BASE, ("figcaption", ".credit")) == [
        Image("https://hanoimoi.vn/a.jpg", "Chú thích")
    ]


BASE_URL = "https://hanoimoi.vn/xa-hoi/ho-guom-123.html"


@pytest.mark.parametrize(
    "href",
    [
        "https://hanoimoi.vn/pho-co-101.html",
        "http://hanoimoi.vn/a/./b/../c.html?x=1&y=ạ",
        "https://hanoimoi.vn/x?",
        "https://hanoimoi.vn/x#",
        "https://hanoimoi.vn/x;p",
        "https://hanoimoi.vn:80/x",
        "https://user@hanoimoi.vn/x",
        "HTTPS://hanoimoi.vn/x",
        "https://hanoimoi.vn/a b",
        "https://hanoimoi.vn/a\tb",
        "https://hanoimoi.vn/a\x85b",
        "https://[::1/x",
        "/pho-co-101.html",
    ],
)
def test_absolute_url_is_what_urljoin_makes_of_the_href(href: str) -> None:
    # Plain absolute links skip urljoin: the answer must be the one urljoin gives.
    try:
        url = urljoin(BASE_URL, href)
        parts = urlsplit(url)
    except ValueError:
        assert absolute_url(BASE_URL, href) is None
        return
    expected = _URL_CONTROL.sub(lambda m: quote(m.group()), url) if parts.netloc else None
    assert absolute_url(BASE_URL, href) == expected
