"""Tests of crawler.related: related-links blocks found by their heading."""

import lxml.html

from crawler.related import RelatedBlock, find_related_blocks

BASE = "https://hanoimoi.vn/xa-hoi/ho-guom-mua-thu-123.html"


def blocks(html: str, **kwargs) -> list[dict]:
    root = lxml.html.fromstring(f"<html><body>{html}</body></html>")
    return [b.as_dict() for b in find_related_blocks(root, BASE, **kwargs)]


def link(path: str, title: str) -> dict[str, str]:
    return {"url": f"https://hanoimoi.vn{path}", "title": title}


ONECMS_BOX = """
<div class="c-box c-box--related">
  <div class="c-box__title"><h3>Nổi bật</h3></div>
  <div class="c-box__content">
    <ul>
      <li><div class="b-grid">
        <div class="b-grid__img"><a href="/pho-co-ve-dem-101.html"><img src="/a.jpg"></a></div>
        <div class="b-grid__content">
          <h3 class="b-grid__title"><a href="/pho-co-ve-dem-101.html">Phố cổ về đêm</a></h3>
        </div>
      </div></li>
      <li><div class="b-grid">
        <div class="b-grid__content">
          <h3 class="b-grid__title">
            <a href="https://hanoimoi.vn/cau-long-bien-102.html">Cầu Long Biên</a>
          </h3>
        </div>
      </div></li>
    </ul>
  </div>
</div>
"""


def test_onecms_related_box() -> None:
    assert blocks(f"<article><p>Nội dung bài.</p></article>{ONECMS_BOX}") == [
        {
            "name": "Nổi bật",
            "links": [
                link("/pho-co-ve-dem-101.html", "Phố cổ về đêm"),
                link("/cau-long-bien-102.html", "Cầu Long Biên"),
            ],
        }
    ]


def test_block_keeps_its_element_and_repr_hides_it() -> None:
    root = lxml.html.fromstring(f"<html><body>{ONECMS_BOX}</body></html>")
    (block,) = find_related_blocks(root, BASE)
    assert isinstance(block, RelatedBlock)
    # The element is the container of the block's links: the whole box.
    assert block.element.get("class") == "c-box c-box--related"
    assert "element" not in repr(block)


def test_two_headings_in_one_section_split_at_the_next_heading() -> None:
    html = """
    <section>
      <h3>Nổi bật</h3>
      <ul><li><a href="/a-1.html">Tin A1</a></li><li><a href="/a-2.html">Tin A2</a></li></ul>
      <h3>Đừng bỏ lỡ</h3>
      <ul><li><a href="/b-1.html">Tin B1</a></li></ul>
    </section>
    """
    assert blocks(html) == [
        {"name": "Nổi bật", "links": [link("/a-1.html", "Tin A1"), link("/a-2.html", "Tin A2")]},
        {"name": "Đừng bỏ lỡ", "links": [link("/b-1.html", "Tin B1")]},
    ]


def test_menu_items_in_chrome_are_not_blocks() -> None:
    html = """
    <header><ul><li><a href="/xem-them">Xem thêm</a></li><li><a href="/x.html">X</a></li></ul></header>
    <nav><a href="/tin-moi">Tin mới</a><a href="/y.html">Y</a></nav>
    <footer><h4>Xem nhiều</h4><a href="/z.html">Z</a></footer>
    """
    assert blocks(html) == []


def test_a_xem_them_link_button_is_not_a_block() -> None:
    html = """
    <div class="list">
      <a href="/k-1.html">Tin K1</a>
      <a class="btn-more" href="/chuyen-muc/xa-hoi">Xem thêm</a>
      <a href="/k-2.html">Tin K2</a>
    </div>
    """
    assert blocks(html) == []


def test_a_linked_heading_in_a_title_box_is_a_block() -> None:
    html = """
    <div class="c-box">
      <div class="c-box__title"><a href="/doc-nhieu">Đọc nhiều</a></div>
      <ul><li><a href="/d-1.html">Tin D1</a></li></ul>
    </div>
    """
    assert blocks(html) == [{"name": "Đọc nhiều", "links": [link("/d-1.html", "Tin D1")]}]


def test_long_text_starting_with_a_heading_is_prose() -> None:
    html = "<div><p>Xem thêm các tin về giao thông Thủ đô trong ngày hôm nay</p><a href='/a'>A</a></div>"
    assert blocks(html) == []


def test_heading_with_trailing_colon() -> None:
    html = """
    <div class="related">
      <strong>Tin liên quan:</strong>
      <p><a href="/l-1.html">Tin L1</a></p>
      <p><a href="/l-2.html">Tin L2</a></p>
    </div>
    """
    assert blocks(html) == [
        {
            "name": "Tin liên quan",
            "links": [link("/l-1.html", "Tin L1"), link("/l-2.html", "Tin L2")],
        }
    ]


def test_image_link_then_text_link_to_the_same_url_gives_one_link() -> None:
    html = """
    <div class="box"><h3>Đừng bỏ lỡ</h3>
      <a href="/anh-101.html"><img src="/a.jpg" alt="Ảnh"></a>
      <a href="/anh-101.html">Tin có ảnh</a>
      <a href="/anh-102.html" title="Tin hai"><img src="/b.jpg"></a>
      <a href="https://hanoimoi.vn/anh-102.html">Tin hai</a>
    </div>
    """
    assert blocks(html) == [
        {
            "name": "Đừng bỏ lỡ",
            "links": [link("/anh-101.html", "Tin có ảnh"), link("/anh-102.html", "Tin hai")],
        }
    ]


def test_duplicate_text_links_keep_the_first() -> None:
    html = """
    <div><h3>Tin khác</h3>
      <a href="/t-1.html">Lần đầu</a><a href="/t-2.html">Khác</a><a href="/t-1.html">Lần hai</a>
    </div>
    """
    assert blocks(html) == [
        {"name": "Tin khác", "links": [link("/t-1.html", "Lần đầu"), link("/t-2.html", "Khác")]}
    ]


def test_relative_urls_absolutised() -> None:
    html = """
    <div><h3>Bài liên quan</h3>
      <a href="bai-cung-muc.html">Cùng mục</a>
      <a href="../van-hoa/bai-khac.html">Mục khác</a>
      <a href="//nhipsonghanoi.hanoimoi.vn/bai-ns.html">Sub-site</a>
    </div>
    """
    assert blocks(html) == [
        {
            "name": "Bài liên quan",
            "links": [
                {"url": "https://hanoimoi.vn/xa-hoi/bai-cung-muc.html", "title": "Cùng mục"},
                {"url": "https://hanoimoi.vn/van-hoa/bai-khac.html", "title": "Mục khác"},
                {"url": "https://nhipsonghanoi.hanoimoi.vn/bai-ns.html", "title": "Sub-site"},
            ],
        }
    ]


def test_javascript_fragment_mailto_and_empty_links_skipped() -> None:
    html = """
    <div><h3>Đọc thêm</h3>
      <a href="javascript:void(0)">Mở</a>
      <a href="#binh-luan">Bình luận</a>
      <a href="mailto:toasoan@hanoimoi.vn">Thư</a>
      <a href="tel:0241234567">Gọi</a>
      <a>Không href</a>
      <a href="  ">Trống</a>
      <a href="/that-1.html">Tin thật</a>
    </div>
    """
    assert blocks(html) == [{"name": "Đọc thêm", "links": [link("/that-1.html", "Tin thật")]}]


def test_heading_without_links_is_not_a_block() -> None:
    html = """
    <div><a href="/truoc.html">Tin trước</a>
      <div class="box"><h3>Tin liên quan</h3><p>Chưa có tin.</p></div>
    </div>
    """
    assert blocks(html) == []


def test_blocks_in_page_order() -> None:
    html = """
    <div class="a"><h3>Xem nhiều</h3><a href="/x-1.html">X1</a></div>
    <div class="b"><h3>Có thể bạn quan tâm</h3><a href="/q-1.html">Q1</a></div>
    <div class="c"><h3>Tin cùng chuyên mục</h3><a href="/c-1.html">C1</a></div>
    """
    assert [b["name"] for b in blocks(html)] == [
        "Xem nhiều",
        "Có thể bạn quan tâm",
        "Tin cùng chuyên mục",
    ]


def test_heading_matched_case_insensitively_name_as_printed() -> None:
    html = '<div><h2 class="title">NỔI BẬT</h2><a href="/n-1.html">Tin N1</a></div>'
    assert blocks(html) == [{"name": "NỔI BẬT", "links": [link("/n-1.html", "Tin N1")]}]


def test_nested_heading_counted_once() -> None:
    html = '<div><h3><span><b>Tin mới nhất</b></span></h3><a href="/m-1.html">M1</a></div>'
    assert blocks(html) == [{"name": "Tin mới nhất", "links": [link("/m-1.html", "M1")]}]


def test_custom_headings() -> None:
    html = """
    <div><h3>Nổi bật</h3><a href="/a.html">A</a></div>
    <div><h3>Tiêu điểm</h3><a href="/b.html">B</a></div>
    """
    assert blocks(html, headings=["Tiêu điểm"]) == [
        {"name": "Tiêu điểm", "links": [link("/b.html", "B")]}
    ]
