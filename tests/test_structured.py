"""Tests of crawler.structured: JSON-LD and meta tags of an article page."""

import json
import unicodedata

from parsel import Selector

from crawler.structured import StructuredData, json_ld_nodes, read_structured_data


def page(*json_ld: object, head: str = "", lang: str = "") -> Selector:
    scripts = "".join(
        '<script type="application/ld+json">'
        + (item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
        + "</script>"
        for item in json_ld
    )
    lang_attr = f' lang="{lang}"' if lang else ""
    return Selector(
        text=f"<html{lang_attr}><head>{head}{scripts}</head><body><p>x</p></body></html>"
    )


ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Hà Nội đón gió mùa đông bắc",
    "description": "Nhiệt độ giảm sâu từ đêm nay.",
    "datePublished": "2024-12-12T08:30:00+07:00",
    "dateModified": "2024-12-12T10:00:00+07:00",
    "author": {"@type": "Person", "name": "Minh Anh"},
    "articleSection": "Xã hội",
    "keywords": "thời tiết, gió mùa,  , Hà Nội",
    "inLanguage": "vi",
    "mainEntityOfPage": {"@type": "WebPage", "@id": "https://hanoimoi.vn/gio-mua-123.html"},
}


def test_single_news_article() -> None:
    assert read_structured_data(page(ARTICLE)) == StructuredData(
        headline="Hà Nội đón gió mùa đông bắc",
        description="Nhiệt độ giảm sâu từ đêm nay.",
        published="2024-12-12T08:30:00+07:00",
        modified="2024-12-12T10:00:00+07:00",
        authors=["Minh Anh"],
        organizations=[],
        section="Xã hội",
        keywords=["thời tiết", "gió mùa", "Hà Nội"],
        breadcrumb=[],
        canonical=["https://hanoimoi.vn/gio-mua-123.html"],
        language="vi",
    )


def test_article_in_a_list() -> None:
    data = read_structured_data(
        page([{"@type": "WebSite", "name": "Hànộimới"}, {**ARTICLE, "headline": "Trong danh sách"}])
    )
    assert data.headline == "Trong danh sách"
    assert data.authors == ["Minh Anh"]


def test_article_in_a_graph() -> None:
    doc = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Báo Hànộimới"},
            {"@type": "WebPage", "@id": "https://hanoimoi.vn/x.html"},
            {**ARTICLE, "headline": "Trong graph"},
        ],
    }
    data = read_structured_data(page(doc))
    assert data.headline == "Trong graph"
    assert data.published == "2024-12-12T08:30:00+07:00"


def test_type_as_a_list() -> None:
    data = read_structured_data(page({**ARTICLE, "@type": ["Article", "NewsArticle"]}))
    assert data.headline == "Hà Nội đón gió mùa đông bắc"


def test_first_article_node_wins() -> None:
    data = read_structured_data(
        page({**ARTICLE, "headline": "Thứ nhất"}, {**ARTICLE, "headline": "Thứ hai"})
    )
    assert data.headline == "Thứ nhất"


def test_non_article_types_ignored() -> None:
    data = read_structured_data(page({"@type": "WebPage", "headline": "Không phải bài"}))
    assert data.headline is None


def test_persons_and_organizations_separated() -> None:
    authors = [
        {"@type": "Person", "name": "Nguyễn Văn An"},
        {"@type": "Organization", "name": "Báo Hànộimới"},
        "Trần Thị Bình",
        {"name": "Lê Cường"},
        {"@type": ["Person"], "name": "Phạm Dũng"},
        {"@type": "NewsMediaOrganization", "name": "TTXVN"},
        {"@type": "Person"},
        "",
    ]
    data = read_structured_data(page({**ARTICLE, "author": authors}))
    assert data.authors == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Cường", "Phạm Dũng"]
    assert data.organizations == ["Báo Hànộimới", "TTXVN"]


def test_breadcrumb_ordered_by_position() -> None:
    crumbs = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 3, "item": {"@id": "/x/y", "name": "Giao thông"}},
            {"@type": "ListItem", "position": 1, "name": "Trang chủ"},
            {"@type": "ListItem", "position": 2, "name": "Xã hội"},
        ],
    }
    data = read_structured_data(page(ARTICLE, crumbs))
    assert data.breadcrumb == ["Trang chủ", "Xã hội", "Giao thông"]


def test_first_breadcrumb_list_wins() -> None:
    first = {"@type": "BreadcrumbList", "itemListElement": [{"position": 1, "name": "Một"}]}
    second = {"@type": "BreadcrumbList", "itemListElement": [{"position": 1, "name": "Hai"}]}
    assert read_structured_data(page(first, second)).breadcrumb == ["Một"]


def test_invalid_json_skipped() -> None:
    sel = page("{ bad json, ", ARTICLE, "")
    assert read_structured_data(sel).headline == "Hà Nội đón gió mùa đông bắc"
    assert [n.get("@type") for n in json_ld_nodes(sel)] == ["NewsArticle"]


def test_raw_newline_inside_a_json_string_accepted() -> None:
    raw = '{"@type": "NewsArticle", "headline": "Dòng một\nDòng hai"}'
    assert read_structured_data(page(raw)).headline == "Dòng một Dòng hai"


META = """
<meta property="og:title" content="Tiêu đề OG">
<meta property="og:description" content=" Mô tả  OG ">
<meta property="article:published_time" content="2024-12-01T07:00:00+07:00">
<meta property="article:modified_time" content="2024-12-02T09:15:00+07:00">
<meta property="article:section" content="Văn hóa">
<meta property="article:tag" content="Hồ Gươm">
<meta property="article:tag" content=" Phố  cổ ">
<meta property="og:locale" content="vi_VN">
"""


def test_meta_fallbacks() -> None:
    assert read_structured_data(page(head=META)) == StructuredData(
        headline="Tiêu đề OG",
        description="Mô tả OG",
        published="2024-12-01T07:00:00+07:00",
        modified="2024-12-02T09:15:00+07:00",
        authors=[],
        organizations=[],
        section="Văn hóa",
        keywords=["Hồ Gươm", "Phố cổ"],
        breadcrumb=[],
        canonical=[],
        language="vi_VN",
    )


def test_json_ld_preferred_over_meta() -> None:
    data = read_structured_data(page(ARTICLE, head=META, lang="vi"))
    assert data.headline == "Hà Nội đón gió mùa đông bắc"
    assert data.published == "2024-12-12T08:30:00+07:00"
    assert data.modified == "2024-12-12T10:00:00+07:00"
    assert data.section == "Xã hội"
    assert data.keywords == ["thời tiết", "gió mùa", "Hà Nội"]
    assert data.language == "vi"


def test_meta_fills_what_json_ld_lacks() -> None:
    article = {"@type": "NewsArticle", "headline": "Chỉ có tiêu đề"}
    data = read_structured_data(page(article, head=META, lang="vi"))
    assert data.headline == "Chỉ có tiêu đề"
    assert data.published == "2024-12-01T07:00:00+07:00"
    assert data.modified == "2024-12-02T09:15:00+07:00"
    assert data.section == "Văn hóa"
    assert data.keywords == ["Hồ Gươm", "Phố cổ"]
    assert data.language == "vi"


def test_empty_meta_content_ignored() -> None:
    head = '<meta property="og:title" content="  "><meta name="twitter:title" content="Tiêu đề X">'
    assert read_structured_data(page(head=head)).headline == "Tiêu đề X"


def test_canonical_then_og_url_then_json_ld() -> None:
    head = (
        '<meta property="og:url" content="https://hanoimoi.vn/og-url.html">'
        '<link rel="canonical" href="https://hanoimoi.vn/canonical.html">'
    )
    data = read_structured_data(page(ARTICLE, head=head))
    assert data.canonical == [
        "https://hanoimoi.vn/canonical.html",
        "https://hanoimoi.vn/og-url.html",
        "https://hanoimoi.vn/gio-mua-123.html",
    ]


def test_main_entity_of_page_as_a_string() -> None:
    data = read_structured_data(page({**ARTICLE, "mainEntityOfPage": "https://hanoimoi.vn/s.html"}))
    assert data.canonical == ["https://hanoimoi.vn/s.html"]


def test_entities_and_tags_inside_json_ld_strings_cleaned() -> None:
    article = {
        "@type": "NewsArticle",
        "headline": "Hà Nội &amp; TP.HCM: <b>mưa</b>&nbsp;lớn",
        "description": "<p>&quot;Phố&quot; cổ&#8230;</p>",
        "author": {"@type": "Person", "name": "Nguy&#7877;n An"},
        "articleSection": ["Xã&nbsp;hội", "Đô thị"],
    }
    data = read_structured_data(page(article))
    assert data.headline == "Hà Nội & TP.HCM: mưa lớn"
    assert data.description == '"Phố" cổ…'
    assert data.authors == ["Nguyễn An"]
    assert data.section == "Xã hội"


def test_nfd_text_in_json_ld_composed() -> None:
    article = {"@type": "NewsArticle", "headline": unicodedata.normalize("NFD", "Hồ Tây")}
    assert read_structured_data(page(article)).headline == "Hồ Tây"


def test_keywords_as_a_list() -> None:
    data = read_structured_data(page({**ARTICLE, "keywords": ["Hà Nội", "giao thông, xe buýt"]}))
    assert data.keywords == ["Hà Nội", "giao thông", "xe buýt"]


def test_no_structured_data_at_all() -> None:
    assert read_structured_data(page()) == StructuredData()
