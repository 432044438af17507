"""The parser base's hooks added for the national papers: one element per author, a wire
credited on a line of its own, and related blocks a family reads with its own code."""

from parsel import Selector

from crawler.parsers.base import ArticleParser, Template
from crawler.related import RelatedBlock, in_page_order, titled_links

URL = "https://baomau.vn/tin-a-12345.html"
TEMPLATE = Template(
    name="detail",
    title=("h1.title",),
    body=("div.content",),
    byline=("div.byline",),
    authors=(".authors a.name",),
    source=(".credit",),
)


def page(top: str = "", bottom: str = "") -> str:
    return f"""<html lang="vi"><body>{top}<h1 class="title">Tiêu đề</h1>
    <div class="content"><p>Đoạn một.</p><p>Đoạn hai.</p></div>{bottom}</body></html>"""


def test_one_element_per_author_makes_the_byline():
    parser = ArticleParser(name="mau", templates=(TEMPLATE,))
    article = parser.parse(
        page(
            '<p class="authors"><a class="name" href="/tac-gia/a"></a>'
            '<a class="name" href="/tac-gia/a">Minh Anh</a> và '
            '<a class="name" href="/tac-gia/b">Thu Hà</a></p>'
        ),
        URL,
    )
    # The avatar link has no text; each name is one author.
    assert article["byline_raw"] == "Minh Anh, Thu Hà"
    assert article["authors"] == ["Minh Anh", "Thu Hà"]


def test_the_byline_wins_over_the_author_elements():
    parser = ArticleParser(name="mau", templates=(TEMPLATE,))
    article = parser.parse(
        page('<div class="byline">Lan Phương</div><p class="authors"><a class="name">X Y</a></p>'),
        URL,
    )
    assert article["authors"] == ["Lan Phương"]


def test_a_credit_line_names_the_source_when_the_byline_does_not():
    parser = ArticleParser(name="mau", templates=(TEMPLATE,))
    credit = '<div class="credit">Theo <strong>TTXVN</strong></div>'
    article = parser.parse(page('<div class="byline">Nguyễn Trang</div>', credit), URL)
    assert (article["authors"], article["source"]) == (["Nguyễn Trang"], "TTXVN")
    article = parser.parse(page('<div class="byline">Nguyễn Trang (theo VOV)</div>', credit), URL)
    assert article["source"] == "VOV"
    assert parser.parse(page(), URL)["source"] is None


class TopicBarParser(ArticleParser):
    def own_related(self, sel: Selector, url: str) -> list[RelatedBlock]:
        return [
            RelatedBlock(
                bar.css("b::text").get(),
                titled_links((a.root for a in bar.css("a")), url),
                bar.root,
            )
            for bar in sel.css("nav.topic, div.topic")
        ]


def test_own_related_blocks_join_the_others_in_page_order_and_leave_the_body():
    parser = TopicBarParser(name="mau", templates=(TEMPLATE,))
    html = """<html><body><div class="topic"><b>Chủ đề</b><a href="/a-1.html">Một</a></div>
    <h1 class="title">Tiêu đề</h1><div class="content"><p>Đoạn một.</p>
    <div class="topic"><b>Trong bài</b><a href="/b-2.html">Hai</a></div><p>Đoạn hai.</p></div>
    <div><h3>Tin liên quan</h3><ul><li><a href="/c-3.html">Ba</a></li></ul></div></body></html>"""
    article = parser.parse(html, URL)
    assert [block["name"] for block in article["related"]] == [
        "Chủ đề",
        "Trong bài",
        "Tin liên quan",
    ]
    assert article["related"][1]["links"] == [{"url": "https://baomau.vn/b-2.html", "title": "Hai"}]
    assert article["body"] == "Đoạn một.\n\nĐoạn hai."


def test_in_page_order_sorts_blocks_by_their_element():
    sel = Selector(text="<div><p id='a'>A</p><p id='b'>B</p></div>")
    a, b = sel.css("#a")[0].root, sel.css("#b")[0].root
    blocks = [RelatedBlock("B", [], b), RelatedBlock("A", [], a)]
    assert [block.name for block in in_page_order(blocks)] == ["A", "B"]
