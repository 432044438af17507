"""Tests of crawler.pipelines: normalize, validate, dedup and write, driven one item at a time.

The pipelines get a real Crawler from ``scrapy.utils.test.get_crawler``, which applies the
settings and so builds the extension manager the way ``Crawler.crawl`` does: the project's
EXTENSIONS (the SeenStore among them) are live, and ``crawler.get_extension(SeenStore)`` answers.
Where a spider is needed (``refresh``), the real site spider is created from the crawler as
``Crawler.crawl`` creates it.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.dates import VN_TZ
from crawler.items import ARTICLE_FIELDS, Article
from crawler.pipelines import (
    DedupPipeline,
    JsonLinesWriterPipeline,
    NormalizePipeline,
    ValidatePipeline,
    fingerprint,
)
from crawler.seen import SeenStore
from crawler.spiders.nguoihanoi import NguoiHaNoiSpider

URL = "https://nguoihanoi.vn/pho-ong-do-nhung-ngay-giap-tet-71406.html"
OTHER_URL = "https://nguoihanoi.vn/ong-do-ho-van-71407.html"
TITLE = "Phố ông đồ những ngày giáp Tết"
LEAD = "Những ngày giáp Tết, phố ông đồ bên Hồ Văn lại rộn ràng người đến xin chữ."
BODY = (
    "Từ sáng sớm, dọc phố Văn Miếu đã đông người.\n\n"
    "Các ông đồ ngồi viết chữ “Phúc”, “Lộc”, “Thọ” cho khách."
)
ISO_SECONDS_VN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$")


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text  # the input really is decomposed, or the test would prove nothing
    return decomposed


def raw_article(**fields) -> Article:
    """An article as a spider yields it: extracted fields, nothing stamped yet."""
    return Article(
        **{
            "url": URL,
            "site": "nguoihanoi",
            "title": TITLE,
            "lead": LEAD,
            "authors": ["Thu Hằng", "Việt Thành"],
            "source": None,
            "byline_raw": "Thu Hằng, Việt Thành",
            "published_at": "2024-02-08T07:00:00+07:00",
            "published_raw": "08/02/2024 07:00",
            "updated_at": None,
            "section": "Văn hóa",
            "tags": ["Ông đồ", "Tết Giáp Thìn"],
            "images": [{"url": "https://nhn.1cdn.vn/2024/02/08/ong-do.jpg", "caption": None}],
            "related": [],
            "body": BODY,
            "language": "vi",
            "extractor": "onecms",
            **fields,
        }
    )


def make_crawler(data_dir: Path, **spider_arguments: str) -> Crawler:
    """A crawler on the project's extensions, with a live nguoihanoi spider."""
    crawler = get_crawler(
        NguoiHaNoiSpider,
        settings_dict={"DATA_DIR": str(data_dir), "EXTENSIONS": project_settings.EXTENSIONS},
    )
    # As Crawler.crawl() does before the engine starts.
    crawler.spider = crawler.spidercls.from_crawler(crawler, **spider_arguments)
    return crawler


@pytest.fixture
def crawlers(tmp_path: Path) -> Iterator[Callable[..., Crawler]]:
    """Make crawlers over DATA_DIR=tmp_path/data; their seen stores are closed at the end."""
    made: list[Crawler] = []

    def make(**spider_arguments: str) -> Crawler:
        crawler = make_crawler(tmp_path / "data", **spider_arguments)
        made.append(crawler)
        return crawler

    yield make
    for crawler in made:
        crawler.get_extension(SeenStore).close()


@pytest.fixture
def crawler(crawlers: Callable[..., Crawler]) -> Crawler:
    return crawlers()


def normalized(crawler: Crawler, **fields) -> Article:
    return NormalizePipeline.from_crawler(crawler).process_item(raw_article(**fields))


def dropped_stats(crawler: Crawler) -> dict[str, int]:
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("dropped/")}


# NormalizePipeline -------------------------------------------------------------------------


def test_normalize_makes_every_text_nfc(crawler: Crawler) -> None:
    item = raw_article(
        title=nfd(TITLE),
        lead=nfd(LEAD),
        authors=[nfd("Thu Hằng"), nfd("Việt Thành")],
        body=nfd(BODY),
        tags=[nfd("Tết Giáp Thìn")],
    )
    result = NormalizePipeline.from_crawler(crawler).process_item(item)
    assert result is item
    assert item["title"] == TITLE
    assert item["lead"] == LEAD
    assert item["authors"] == ["Thu Hằng", "Việt Thành"]
    assert item["body"] == BODY
    assert item["tags"] == ["Tết Giáp Thìn"]
    for name in ("title", "lead", "body"):
        assert unicodedata.is_normalized("NFC", item[name])
    # The same text decomposed or composed is the same article.
    assert item["content_hash"] == normalized(crawler)["content_hash"]


def test_normalize_collapses_white_space_within_paragraphs(crawler: Crawler) -> None:
    item = normalized(
        crawler,
        title="  Phố ông đồ \t những ngày\u00a0giáp Tết\n",
        lead="Những ngày giáp Tết,\n  phố ông đồ\u200b bên Hồ Văn",
        authors=["  Thu   Hằng ", "Việt\nThành"],
        body=(
            "  Từ sáng sớm,\n   dọc phố   Văn Miếu \n\n\n\n"
            "Các\tông đồ ngồi viết chữ.\n\n \n\n"
            "  Khách xếp hàng.  \n\n"
        ),
    )
    assert item["title"] == TITLE
    assert item["lead"] == "Những ngày giáp Tết, phố ông đồ bên Hồ Văn"
    assert item["authors"] == ["Thu Hằng", "Việt Thành"]
    assert item["body"] == (
        "Từ sáng sớm, dọc phố Văn Miếu\n\nCác ông đồ ngồi viết chữ.\n\nKhách xếp hàng."
    )


def test_normalize_splits_paragraphs_on_any_blank_line(crawler: Crawler) -> None:
    item = normalized(crawler, body="Đoạn một.\r\n\r\nĐoạn hai.\n \nĐoạn ba.\n\t\n\nĐoạn bốn.")
    assert item["body"] == "Đoạn một.\n\nĐoạn hai.\n\nĐoạn ba.\n\nĐoạn bốn."


def test_normalize_removes_empty_strings_from_lists(crawler: Crawler) -> None:
    item = normalized(crawler, tags=["", "Ông đồ", "  ", "\u200b"], authors=["Thu Hằng", ""])
    assert item["tags"] == ["Ông đồ"]
    assert item["authors"] == ["Thu Hằng"]


def test_normalize_turns_empty_strings_into_none(crawler: Crawler) -> None:
    item = normalized(
        crawler, lead="", byline_raw="   ", source="\u200b", section="\n\t", published_raw=""
    )
    assert item["lead"] is None
    assert item["byline_raw"] is None
    assert item["source"] is None
    assert item["section"] is None
    assert item["published_raw"] is None
    # What was not empty is left as it was.
    assert item["title"] == TITLE
    assert item["authors"] == ["Thu Hằng", "Việt Thành"]
    assert item["images"] == [{"url": "https://nhn.1cdn.vn/2024/02/08/ong-do.jpg", "caption": None}]


def test_normalize_stamps_the_crawl_time_in_hanoi(crawler: Crawler) -> None:
    before = datetime.now(VN_TZ).replace(microsecond=0)
    item = normalized(crawler)
    after = datetime.now(VN_TZ)
    assert ISO_SECONDS_VN.match(item["crawled_at"]), item["crawled_at"]
    crawled_at = datetime.fromisoformat(item["crawled_at"])
    assert crawled_at.utcoffset() == timedelta(hours=7)
    assert before <= crawled_at <= after


def test_normalize_stamps_the_content_hash_and_schema_version(crawler: Crawler) -> None:
    item = normalized(crawler)
    assert item["content_hash"] == fingerprint(TITLE, BODY)
    assert re.fullmatch(r"[0-9a-f]{32}", item["content_hash"])
    assert item["schema_version"] == 1

    # Under another URL, the same title and body are the same content.
    elsewhere = normalized(crawler, url=OTHER_URL, lead=None, authors=[])
    assert elsewhere["content_hash"] == item["content_hash"]

    changed = normalized(crawler, body=BODY + "\n\nKhách xếp hàng.")
    assert changed["content_hash"] == fingerprint(TITLE, BODY + "\n\nKhách xếp hàng.")
    assert changed["content_hash"] != item["content_hash"]


# ValidatePipeline --------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "published_at", "body"])
def test_validate_drops_an_item_missing_a_required_field(crawler: Crawler, field: str) -> None:
    item = normalized(crawler)
    del item[field]
    with pytest.raises(DropItem) as raised:
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert str(raised.value) == f"missing_{field}: {URL}"
    assert dropped_stats(crawler) == {f"dropped/missing_{field}": 1}


@pytest.mark.parametrize("field", ["title", "body"])
def test_validate_drops_an_item_whose_text_was_empty(crawler: Crawler, field: str) -> None:
    item = normalized(crawler, **{field: " \n\n "})
    with pytest.raises(DropItem) as raised:
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert str(raised.value) == f"missing_{field}: {URL}"
    assert dropped_stats(crawler) == {f"dropped/missing_{field}": 1}


def test_validate_drops_an_item_breaking_the_schema_naming_the_field(crawler: Crawler) -> None:
    item = normalized(crawler, published_at="10/12/2020")
    with pytest.raises(DropItem) as raised:
        ValidatePipeline.from_crawler(crawler).process_item(item)
    message = str(raised.value)
    assert message.startswith(f"invalid: {URL} (published_at: '10/12/2020' ")
    assert dropped_stats(crawler) == {"dropped/invalid": 1}


def test_validate_passes_a_valid_item_unchanged(crawler: Crawler) -> None:
    item = normalized(crawler)
    before = ItemAdapter(item).asdict()
    assert ValidatePipeline.from_crawler(crawler).process_item(item) is item
    assert ItemAdapter(item).asdict() == before
    assert dropped_stats(crawler) == {}


# DedupPipeline and JsonLinesWriterPipeline -------------------------------------------------


def store_and_write(crawler: Crawler, item: Article) -> Article:
    """What the last two pipelines do with an item, in their order."""
    item = DedupPipeline.from_crawler(crawler).process_item(item)
    writer = JsonLinesWriterPipeline.from_crawler(crawler)
    try:
        return writer.process_item(item)
    finally:
        writer.close_spider()


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_the_pipelines_without_the_seen_store_are_not_configured(tmp_path: Path) -> None:
    crawler = get_crawler(
        settings_dict={"DATA_DIR": str(tmp_path), "EXTENSIONS": {"crawler.seen.SeenStore": None}}
    )
    assert crawler.get_extension(SeenStore) is None
    for pipeline in (DedupPipeline, JsonLinesWriterPipeline):
        with pytest.raises(NotConfigured):
            pipeline.from_crawler(crawler)


def test_the_pipelines_share_the_crawlers_seen_store(crawler: Crawler, tmp_path: Path) -> None:
    store = crawler.get_extension(SeenStore)
    assert store.path == tmp_path / "data" / "seen.sqlite3"
    assert DedupPipeline.from_crawler(crawler).store is store
    assert JsonLinesWriterPipeline.from_crawler(crawler).store is store


def test_the_first_article_is_written_as_one_utf8_line(crawler: Crawler, tmp_path: Path) -> None:
    item = normalized(crawler)
    assert store_and_write(crawler, item) is item

    path = tmp_path / "data" / "nguoihanoi" / f"{item['crawled_at'][:10]}.jsonl"
    assert sorted((tmp_path / "data").glob("*/*.jsonl")) == [path]
    content = path.read_bytes()
    assert lines(path) == [content]
    assert content.endswith(b"}\n")
    assert TITLE.encode("utf-8") in content
    assert b"\\u" not in content
    record = json.loads(content.decode("utf-8"))
    assert list(record) == list(ARTICLE_FIELDS)
    assert record == {name: item.get(name) for name in ARTICLE_FIELDS}
    assert record["title"] == TITLE
    assert record["body"] == BODY
    assert crawler.stats.get_value("articles/written") == 1
    assert dropped_stats(crawler) == {}


def test_the_file_is_named_by_the_crawl_date_in_hanoi(crawler: Crawler, tmp_path: Path) -> None:
    # 06:00 in Hanoi on New Year's day is still 31 December in UTC.
    item = normalized(crawler)
    item["crawled_at"] = "2025-01-01T06:00:00+07:00"
    store_and_write(crawler, item)
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "data").glob("*/*.jsonl")) == [
        Path("data/nguoihanoi/2025-01-01.jsonl")
    ]


@pytest.mark.parametrize(
    "again",
    [
        {},  # the very same article
        {"url": URL.replace("https:", "http:")},  # the same page over http
        {"body": BODY + "\n\nKhách xếp hàng."},  # changed since, but refresh is off
    ],
    ids=["same", "http", "changed"],
)
def test_an_article_under_a_written_url_is_dropped(crawler: Crawler, again: dict) -> None:
    store_and_write(crawler, normalized(crawler))
    with pytest.raises(DropItem) as raised:
        store_and_write(crawler, normalized(crawler, **again))
    assert str(raised.value) == f"duplicate_url: {again.get('url', URL)}"
    assert dropped_stats(crawler) == {"dropped/duplicate_url": 1}
    assert crawler.stats.get_value("articles/written") == 1
    assert crawler.stats.get_value("dedup/changed") is None


def test_the_same_content_under_another_url_is_dropped(crawler: Crawler, tmp_path: Path) -> None:
    first = normalized(crawler)
    store_and_write(crawler, first)
    with pytest.raises(DropItem) as raised:
        store_and_write(crawler, normalized(crawler, url=OTHER_URL, lead="Khác hẳn."))
    assert str(raised.value) == f"duplicate_content: {OTHER_URL}"
    assert dropped_stats(crawler) == {"dropped/duplicate_content": 1}
    path = tmp_path / "data" / "nguoihanoi" / f"{first['crawled_at'][:10]}.jsonl"
    assert len(lines(path)) == 1


def test_refresh_writes_a_written_url_again_only_when_its_content_changed(
    crawlers: Callable[..., Crawler], tmp_path: Path
) -> None:
    first_run = crawlers()
    assert first_run.spider.refresh is False
    first = normalized(first_run)
    store_and_write(first_run, first)

    refresh_run = crawlers(refresh="1")
    assert refresh_run.spider.refresh is True
    with pytest.raises(DropItem) as raised:
        store_and_write(refresh_run, normalized(refresh_run))
    assert str(raised.value) == f"duplicate_url: {URL}"

    changed = normalized(refresh_run, body=BODY + "\n\nKhách xếp hàng.")
    assert store_and_write(refresh_run, changed) is changed
    assert refresh_run.stats.get_value("dedup/changed") == 1
    assert refresh_run.stats.get_value("articles/written") == 1
    assert dropped_stats(refresh_run) == {"dropped/duplicate_url": 1}

    written = [
        json.loads(line)
        for path in sorted((tmp_path / "data" / "nguoihanoi").glob("*.jsonl"))
        for line in lines(path)
    ]
    assert [(a["url"], a["body"]) for a in written] == [
        (URL, BODY),
        (URL, BODY + "\n\nKhách xếp hàng."),
    ]
    # The changed content is now the one known, so the same change is not written twice.
    with pytest.raises(DropItem):
        store_and_write(refresh_run, normalized(refresh_run, body=BODY + "\n\nKhách xếp hàng."))


def test_the_url_is_seen_only_once_its_line_is_on_disk(crawler: Crawler, tmp_path: Path) -> None:
    item = normalized(crawler)
    path = tmp_path / "data" / "nguoihanoi" / f"{item['crawled_at'][:10]}.jsonl"
    store = crawler.get_extension(SeenStore)
    on_disk_when_recorded: list[bytes] = []

    def on_statement(statement: str) -> None:
        if statement.startswith("INSERT INTO urls"):
            on_disk_when_recorded.append(path.read_bytes() if path.exists() else b"")

    item = DedupPipeline.from_crawler(crawler).process_item(item)
    assert store.has_url(URL) is False
    writer = JsonLinesWriterPipeline.from_crawler(crawler)
    store.db.set_trace_callback(on_statement)
    try:
        writer.process_item(item)
    finally:
        store.db.set_trace_callback(None)
        writer.close_spider()
    assert store.has_url(URL) is True
    line = path.read_bytes()
    assert json.loads(line)["url"] == URL
    # When the URL went into the store, the whole line was already in the file.
    assert on_disk_when_recorded == [line]


def test_a_line_that_cannot_be_written_leaves_the_url_unseen(
    crawler: Crawler, tmp_path: Path
) -> None:
    item = normalized(crawler)
    # The day's file cannot be opened for writing: a directory holds its name.
    (tmp_path / "data" / "nguoihanoi" / f"{item['crawled_at'][:10]}.jsonl").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        store_and_write(crawler, item)
    store = crawler.get_extension(SeenStore)
    assert store.has_url(URL) is False
    assert store.has_content(item["content_hash"]) is False
    assert crawler.stats.get_value("articles/written") is None


# Each breaks the schema in one place; the compiled check and jsonschema must agree on them all.
BREAKAGES = {
    "url": "nguoihanoi.vn/no-scheme.html",
    "site": "Người Hà Nội",
    "lead": 7,
    "authors": ["Hà Phong", ""],
    "published_at": "2020-12-10 12:16",
    "updated_at": "yesterday",
    "tags": "Tết",
    "images": [{"url": "https://nguoihanoi.vn/a.jpg"}],
    "related": [{"name": "Tin liên quan", "links": [{"url": "/relative.html", "title": "x"}]}],
    "extractor": None,
    "content_hash": "ABC",
    "schema_version": 2,
    "unknown_field": "x",
}


@pytest.mark.parametrize("field", sorted(BREAKAGES))
def test_validate_drops_every_kind_of_breakage_naming_the_field(
    crawler: Crawler, field: str
) -> None:
    pipeline = ValidatePipeline.from_crawler(crawler)
    data = ItemAdapter(normalized(crawler)).asdict()
    data[field] = BREAKAGES[field]
    assert next(pipeline.validator.iter_errors(data), None) is not None
    with pytest.raises(DropItem) as raised:
        pipeline.process_item(data)
    message = str(raised.value)
    assert message.startswith(f"invalid: {data['url']} (")
    assert field in message
    assert dropped_stats(crawler) == {"dropped/invalid": 1}


def test_the_compiled_check_and_jsonschema_agree_on_valid_and_broken_items(
    crawler: Crawler,
) -> None:
    pipeline = ValidatePipeline.from_crawler(crawler)
    valid = ItemAdapter(normalized(crawler)).asdict()
    valid["related"] = [{"name": "Nổi bật", "links": [{"url": OTHER_URL, "title": "Ông đồ"}]}]
    valid["updated_at"] = None
    variants = [valid] + [{**valid, field: value} for field, value in BREAKAGES.items()]
    for data in variants:
        refused_by_jsonschema = next(pipeline.validator.iter_errors(data), None) is not None
        try:
            pipeline.check(data)
            refused_by_check = False
        except Exception:
            refused_by_check = True
        assert refused_by_check == refused_by_jsonschema, data
