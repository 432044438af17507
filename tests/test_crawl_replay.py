"""End to end: the real spiders, pipelines and writer over the fixture sites, through replay.

Each test runs ``scrapy crawl`` in a subprocess, as an operator would, with REPLAY_DIR pointing
at tests/fixtures/sites (see its README for what every URL there tests).
"""

import shutil

import pytest
from crawling import CRAWL_FIELDS, SITES, crawl, expected_articles, written
from jsonschema import Draft202012Validator

from crawler.items import article_schema

HANOIMOI = {
    # from the feed
    "https://hanoimoi.vn/pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html",
    # from the feed and the sitemap: written once
    "https://hanoimoi.vn/khai-mac-ky-hop-thuong-le-cuoi-nam-2024-cua-hdnd-thanh-pho-ha-noi-688214.html",
    # from the sitemap and the listing's first page
    "https://hanoimoi.vn/quan-ba-dinh-tong-ket-cong-tac-xay-dung-dang-nam-2024-688301.html",
    # from the sitemap, through a 301 from its old URL
    "https://hanoimoi.vn/ha-noi-tang-toc-giai-ngan-von-dau-tu-cong-nhung-thang-cuoi-nam-688455.html",
    # from the listing's second page (2022, 2023)
    "https://hanoimoi.vn/dai-bieu-hdnd-thanh-pho-tiep-xuc-cu-tri-quan-hoan-kiem-565904.html",
    "https://hanoimoi.vn/ha-noi-lay-y-kien-cu-tri-ve-de-an-sap-xep-don-vi-hanh-chinh-cap-xa-647815.html",
}
NO_DATE = "https://hanoimoi.vn/tap-huan-nghiep-vu-cong-tac-dan-van-cho-can-bo-co-so-689010.html"
NO_ARTICLE = "https://hanoimoi.vn/video-toan-canh-ha-noi-don-giang-sinh-2024-688702.html"
FROM_2019 = (
    "https://hanoimoi.vn/ha-noi-day-manh-cai-cach-hanh-chinh-ngay-tu-dau-nam-2019-291408.html"
)
NHIPSONGHANOI = {
    "https://nhipsonghanoi.hanoimoi.vn/ban-chap-hanh-dang-bo-cac-quan-cau-giay-hai-ba-trung-thong-qua-mot-so-noi-dung-quan-trong-412307.html",
    "https://nhipsonghanoi.hanoimoi.vn/mua-hoa-sua-trang-troi-nhung-con-pho-cu-652418.html",
}
# The same title and body as hanoimoi's 688214: a duplicate once hanoimoi has run.
SYNDICATED = "https://nhipsonghanoi.hanoimoi.vn/khai-mac-ky-hop-thuong-le-cuoi-nam-2024-cua-hdnd-thanh-pho-ha-noi-688231.html"
NGUOIHANOI = {
    "https://nguoihanoi.vn/lang-gom-bat-trang-vao-mua-nung-moi-58214.html",
    "https://nguoihanoi.vn/trien-lam-anh-ve-di-san-thang-long-ha-noi-mo-cua-tai-van-mieu-62937.html",
    "https://nguoihanoi.vn/pho-ong-do-nhung-ngay-giap-tet-71406.html",
    "https://nguoihanoi.vn/ha-noi-mo-them-khong-gian-di-bo-cuoi-tuan-quanh-ho-thien-quang-74582.html",
}


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory):
    """All three sites crawled once into one DATA_DIR, hanoimoi first, then crawled again."""
    data = tmp_path_factory.mktemp("data")
    first = {
        site: crawl(site, data, "since=2020-01-01")
        for site in ("hanoimoi", "nguoihanoi", "nhipsonghanoi")
    }
    files = {path: path.read_bytes() for path in data.glob("*/*.jsonl")}
    second = {site: crawl(site, data, "since=2020-01-01") for site in first}
    return data, first, files, second


def test_each_site_writes_exactly_its_articles(full_crawl):
    data, first, _, _ = full_crawl
    for status, _, log in first.values():
        assert status == 0, log
    assert sorted(a["url"] for a in written(data, "hanoimoi")) == sorted(HANOIMOI)
    assert sorted(a["url"] for a in written(data, "nhipsonghanoi")) == sorted(NHIPSONGHANOI)
    assert sorted(a["url"] for a in written(data, "nguoihanoi")) == sorted(NGUOIHANOI)


def test_written_lines_are_the_expected_articles_and_validate(full_crawl):
    data, _, files, _ = full_crawl
    expected = expected_articles()
    validator = Draft202012Validator(article_schema())
    for site in ("hanoimoi", "nhipsonghanoi", "nguoihanoi"):
        for article in written(data, site):
            assert not list(validator.iter_errors(article)), article["url"]
            assert article["schema_version"] == 1
            assert {k: v for k, v in article.items() if k not in CRAWL_FIELDS} == expected[
                article["url"]
            ]
    for content in files.values():
        assert b"\\u" not in content  # Vietnamese letters are written as UTF-8, not escaped


def test_what_is_not_written_is_counted_with_its_reason(full_crawl):
    _, first, _, _ = full_crawl
    _, stats, log = first["hanoimoi"]
    # The page with no date anywhere is dropped, never stamped with the crawl time.
    assert stats["dropped/missing_published_at"] == 1
    assert f"Dropped missing_published_at: {NO_DATE}" in log
    # The shell page with no article is counted and logged with its URL and reason.
    assert stats["articles/no_article"] == 1
    assert f"no article at {NO_ARTICLE}" in log
    # The feed's link to another host is not followed; its missing article and the listing's
    # missing third page are counted 404s.
    assert stats["discovery/offsite"] == 1
    assert stats["httperror/response_ignored_status_count/404"] == 2
    # The 2019 sitemap is older than since: not read.
    assert stats["discovery/sitemaps_older_than_since"] == 1
    assert FROM_2019 not in log
    # The listing was followed to its second page, and asked for a third.
    assert stats["discovery/pages/html"] == 2
    assert stats["downloader/response_status_count/301"] == 1
    assert stats["articles/written"] == len(HANOIMOI)

    _, stats, log = first["nhipsonghanoi"]
    assert stats["dropped/duplicate_content"] == 1
    assert f"duplicate_content: {SYNDICATED}" in log


def test_a_second_run_writes_nothing(full_crawl):
    data, _, files, second = full_crawl
    assert {path: path.read_bytes() for path in data.glob("*/*.jsonl")} == files
    for status, stats, log in second.values():
        assert status == 0, log
        assert "articles/written" not in stats
        # Articles already written are not even requested again.
        assert stats["discovery/already_seen"] >= 1
    assert "articles/parsed" not in second["nguoihanoi"][1]


def test_since_skips_older_articles_and_stops_paging(tmp_path):
    status, stats, log = crawl("hanoimoi", tmp_path, "since=2024-01-01")
    assert status == 0, log
    older = {u for u in HANOIMOI if u.endswith(("565904.html", "647815.html"))}
    assert sorted(a["url"] for a in written(tmp_path, "hanoimoi")) == sorted(HANOIMOI - older)
    assert stats["discovery/outside_window"] == 2
    # The listing's second page holds only older articles: its third page is not asked for.
    assert stats["discovery/listing_stopped/past_since"] == 1
    assert "httperror/response_ignored_status_count/404" in stats
    assert stats["httperror/response_ignored_status_count/404"] == 1


def test_until_bounds_the_window(tmp_path):
    status, _, log = crawl("hanoimoi", tmp_path, "since=2024-12-01", "until=2024-12-12")
    assert status == 0, log
    assert sorted(a["url"] for a in written(tmp_path, "hanoimoi")) == sorted(
        u for u in HANOIMOI if u.endswith(("688214.html", "688301.html"))
    )


def test_until_in_the_past_pages_on_past_newer_articles(tmp_path):
    status, stats, log = crawl("hanoimoi", tmp_path, "since=2022-01-01", "until=2023-12-31")
    assert status == 0, log
    assert sorted(a["url"] for a in written(tmp_path, "hanoimoi")) == sorted(
        u for u in HANOIMOI if u.endswith(("565904.html", "647815.html"))
    )
    assert stats["discovery/pages/html"] == 2


def test_url_fetches_and_writes_one_article(tmp_path):
    url = "https://nguoihanoi.vn/pho-ong-do-nhung-ngay-giap-tet-71406.html"
    status, stats, log = crawl("nguoihanoi", tmp_path, f"url={url}")
    assert status == 0, log
    assert [a["url"] for a in written(tmp_path, "nguoihanoi")] == [url]
    assert stats["downloader/request_count"] == 2  # robots.txt and the page, nothing else


def test_url_of_a_page_without_article_writes_nothing_and_says_why(tmp_path):
    status, stats, log = crawl("hanoimoi", tmp_path, f"url={NO_ARTICLE}")
    assert status == 0, log
    assert written(tmp_path, "hanoimoi") == []
    assert stats["articles/no_article"] == 1


def test_start_replaces_the_entry_points_and_tells_their_kind(tmp_path):
    sitemap = "https://hanoimoi.vn/sitemap-article-2024-12.xml"
    listing = "https://hanoimoi.vn/chinh-tri?page=2"
    status, stats, log = crawl(
        "hanoimoi", tmp_path, "since=2020-01-01", f"start={sitemap},{listing}"
    )
    assert status == 0, log
    assert stats["discovery/pages/sitemap"] == 1
    assert stats["discovery/pages/html"] == 1
    assert "discovery/pages/feed" not in stats
    assert sorted(a["url"] for a in written(tmp_path, "hanoimoi")) == sorted(
        u for u in HANOIMOI if not u.endswith("688590.html")
    )


def test_max_items_stops_after_n_articles(tmp_path):
    status, stats, log = crawl("hanoimoi", tmp_path, "since=2020-01-01", "max_items=2")
    assert status == 0, log
    assert len(written(tmp_path, "hanoimoi")) == 2
    assert stats["finish_reason"] == "max_items"


def test_refresh_rewrites_only_articles_whose_content_changed(tmp_path):
    replay = tmp_path / "sites"
    shutil.copytree(SITES, replay)
    data = tmp_path / "data"
    assert crawl("nguoihanoi", data, "since=2020-01-01", replay=replay)[0] == 0
    page = replay / "nguoihanoi.vn" / "articles" / "lang-gom-bat-trang-vao-mua-nung-moi-58214.html"
    html = page.read_text("utf-8")
    paragraph = "<p>Dù còn nhiều khó khăn"
    assert paragraph in html
    page.write_text(
        html.replace(paragraph, "<p>Bài viết đã được cập nhật. Dù còn nhiều khó khăn"), "utf-8"
    )

    status, stats, log = crawl("nguoihanoi", data, "since=2020-01-01", "refresh=1", replay=replay)
    assert status == 0, log
    urls = [a["url"] for a in written(data, "nguoihanoi")]
    assert len(urls) == len(NGUOIHANOI) + 1
    assert urls[-1] == "https://nguoihanoi.vn/lang-gom-bat-trang-vao-mua-nung-moi-58214.html"
    assert "Bài viết đã được cập nhật." in written(data, "nguoihanoi")[-1]["body"]
    assert stats["dedup/changed"] == 1
    assert stats["dropped/duplicate_url"] == len(NGUOIHANOI) - 1


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("since=yesterday", "since='yesterday': expected an ISO date or datetime"),
        ("until=31/12/2024", "until='31/12/2024': expected an ISO date or datetime"),
        ("max_items=0", "max_items='0': expected a whole number ≥ 1"),
        ("refresh=maybe", "refresh='maybe': expected 1 or 0"),
        ("url=https://vnexpress.net/a-4812345.html", "expected a URL on hanoimoi.vn"),
        ("start=ftp://hanoimoi.vn/x", "expected an absolute http(s) URL"),
        (
            "sincee=2d",
            "unknown argument(s) sincee: expected since, until, url, start, max_items, refresh",
        ),
    ],
)
def test_a_bad_argument_stops_the_command_saying_what_is_expected(tmp_path, argument, expected):
    status, stats, log = crawl("hanoimoi", tmp_path, argument)
    assert status == 2
    assert expected in log
    assert stats == {}
    assert not (tmp_path / "hanoimoi").exists()


def test_a_site_whose_pages_need_the_generic_extractor_is_named_at_close(tmp_path):
    # The e-magazine page fits no MasterCMS template: the generic extractor reads it.
    url = "https://laodongthudo.vn/emagazine-nhung-nguoi-giu-lua-o-khu-cong-nghiep-203402.html"
    status, stats, log = crawl("laodongthudo", tmp_path, f"url={url}", HEALTH_MIN_SAMPLE="1")
    assert status == 3, log  # the report calls the site failing too
    assert stats["articles/parsed"] == 1
    assert stats["articles/fallback"] == 1
    assert stats["articles/fallback_share_exceeded"] == 1.0
    assert f"generic extractor used at {url}: no mastercms template matches" in log
    assert (
        "laodongthudo: 1 of 1 articles (100%) needed the generic extractor: "
        "the mastercms parser no longer fits the site's pages"
    ) in log


@pytest.mark.parametrize(("share", "named"), [("0.2", True), ("0.3", False)])
def test_the_fallback_share_that_names_a_site_is_a_setting(tmp_path, share, named):
    # One page of four read by the generic extractor: 25%.
    status, stats, log = crawl(
        "laodongthudo",
        tmp_path,
        "since=2020-01-01",
        HEALTH_MAX_FALLBACK_SHARE=share,
        HEALTH_MIN_SAMPLE="1",
        HEALTH_MAX_MISSING_SHARE="0.5",
    )
    assert status == (3 if named else 0), log
    assert (stats["articles/fallback"], stats["articles/parsed"]) == (1, 4)
    assert ("articles/fallback_share_exceeded" in stats) is named
    assert ("needed the generic extractor" in log) is named
