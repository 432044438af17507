"""The national papers' parsers on the real pages of ``../shared/corpus/vn`` (vnexpress.net,
dantri.com.vn, vietnamnet.vn), against the hand-made ``<page>.truth.json`` beside each page.

Targets: title, authors (case-insensitive) and related block names exactly as in the truth;
``published_at`` to the minute; the body's 4-token shingle F1 (``crawler.quality``, the Zyte
benchmark's scoring) at least 0.99. A related block the truth leaves unnamed (no heading on
the page) is named "Tin liên quan" here, as every box without a heading is. The corpus lives
outside the repository and is never copied into it: without it, these tests are skipped.
"""

import json
from datetime import datetime
from pathlib import Path

import pytest

from crawler.extract import extract
from crawler.quality import body_scores, f1
from crawler.related import BOX_NAME

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "vn"
SITES = {"vnexpress.net": "vnexpress", "dantri.com.vn": "dantri", "vietnamnet.vn": "vietnamnet"}
PAGES = sorted(
    page
    for host in SITES
    for page in (CORPUS / host).glob("article-*.html")
    if page.with_name(page.stem + ".truth.json").exists()
)
MIN_F1 = 0.99

pytestmark = pytest.mark.skipif(
    not PAGES, reason=f"the real pages of the national papers are not here ({CORPUS})"
)


def _case(page: Path) -> tuple[dict, dict]:
    truth = json.loads(page.with_name(page.stem + ".truth.json").read_text("utf-8"))
    html = page.read_text("utf-8")
    return truth, extract(html, truth["url"])


@pytest.fixture(scope="module", params=PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def case(request) -> tuple[dict, dict]:
    return _case(request.param)


def _minute(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(second=0, microsecond=0)


def test_every_site_has_a_real_page():
    assert {page.parent.name for page in PAGES} == set(SITES)


def test_parsed_by_the_site_parser(case):
    truth, article = case
    assert article["extractor"] == SITES[truth["url"].split("/")[2]]
    assert article["url"] == truth["url"]


def test_title(case):
    truth, article = case
    assert article["title"] == truth["title"]


def test_published_at_to_the_minute(case):
    truth, article = case
    assert article["published_at"] is not None
    assert _minute(article["published_at"]) == _minute(truth["published_at"])


def test_authors(case):
    truth, article = case
    assert [a.casefold() for a in article["authors"]] == [a.casefold() for a in truth["authors"]]
    assert article["source"] == truth["source"]


def test_related_block_names(case):
    truth, article = case
    expected = [block["name"] or BOX_NAME for block in truth["related"]]
    assert [block["name"] for block in article["related"]] == expected


def test_related_links(case):
    truth, article = case
    expected = [[link["url"] for link in block["links"]] for block in truth["related"]]
    assert [[link["url"] for link in block["links"]] for block in article["related"]] == expected


def test_body_shingle_f1(case):
    truth, article = case
    precision, recall = body_scores("\n\n".join(truth["body_paragraphs"]), article["body"])
    assert f1(precision, recall) >= MIN_F1, (precision, recall)


def test_lead_section_tags_and_captions(case):
    truth, article = case
    assert article["lead"] == truth["lead"]
    assert article["section"] == truth["section"]
    assert article["tags"] == truth["tags"]
    assert [image["caption"] for image in article["images"]] == truth["captions"]
