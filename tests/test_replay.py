"""Tests of crawler.replay: manifest loading, the middleware, and real replayed crawls."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.replay import ReplayEntry, ReplayError, ReplayMiddleware, load_manifest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "replay_unit"
SITE = FIXTURES / "site"
SPIDER = FIXTURES / "replay_spider.py"
START = "https://replay.example/"


def write_manifest(directory: Path, manifest: Any, files: dict[str, bytes] | None = None) -> Path:
    """Create a replay directory with *manifest* and the given files."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, body in (files or {}).items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(body)
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (directory / "manifest.json").write_text(text, encoding="utf-8")
    return directory


def run_spider(replay_dir: Path, out_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the probe spider through the real Scrapy command, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "runspider",
        str(SPIDER),
        "-s",
        f"REPLAY_DIR={replay_dir}",
        # Pipelines and the seen store are other modules' business.
        "-s",
        "ITEM_PIPELINES={}",
        "-s",
        "EXTENSIONS={}",
        "-o",
        str(out_dir / "out.jsonl"),
        "-a",
        f"stats_file={out_dir / 'stats.json'}",
        *extra,
    ]
    return subprocess.run(
        command,
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Crawl the fixture site once; return items by URL and the final stats."""
    out = tmp_path_factory.mktemp("replay_crawl")
    result = run_spider(SITE, out, "-s", f"LOG_FILE={out / 'crawl.log'}")
    assert result.returncode == 0, result.stderr + (out / "crawl.log").read_text()
    items = [json.loads(line) for line in (out / "out.jsonl").read_text().splitlines()]
    stats = json.loads((out / "stats.json").read_text())
    return {item["url"]: item for item in items}, stats


# --- Real crawls -----------------------------------------------------------


def test_served_page_is_parsed(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    items, stats = crawl
    index = items[START]
    assert index["status"] == 200
    assert index["class"] == "HtmlResponse"
    assert index["title"] == "Trang chủ"
    assert "replay" in index["flags"]
    assert "log_count/ERROR" not in stats


def test_robots_txt_is_replayed_and_obeyed(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    items, stats = crawl
    assert stats["robotstxt/request_count"] == 1
    assert stats["robotstxt/response_status_count/200"] == 1
    assert stats["robotstxt/forbidden"] == 1
    assert f"{START}private/secret.html" not in items


def test_every_download_is_answered_by_the_replay(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    _, stats = crawl
    replayed = stats["replay/served"] + stats.get("replay/missing", 0)
    assert stats["downloader/request_count"] == replayed
    assert stats["downloader/response_count"] == replayed


def test_redirect_chain_is_followed(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    items, stats = crawl
    article = items[f"{START}article.html"]
    assert article["status"] == 200
    assert article["title"] == "Hà Nội mở rộng phố đi bộ"
    assert article["redirect_urls"] == [f"{START}old-link", f"{START}older"]
    assert stats["downloader/response_status_count/301"] == 1
    assert stats["downloader/response_status_count/302"] == 1


def test_missing_url_gives_404(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    items, stats = crawl
    missing = items[f"{START}missing.html"]
    assert missing["status"] == 404
    assert missing["body_size"] == 0
    assert "replay" in missing["flags"]
    assert stats["replay/missing"] >= 1


def test_query_order_does_not_matter(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    items, _ = crawl
    # The link says "?b=1&a=2", the manifest "?a=2&b=1".
    assert items[f"{START}query?b=1&a=2"]["title"] == "Query page"


@pytest.mark.parametrize(
    ("path", "content_type", "response_class"),
    [
        ("types/page.htm", "text/html; charset=utf-8", "HtmlResponse"),
        ("types/sitemap.xml", "application/xml", "XmlResponse"),
        ("types/feed.rss", "application/rss+xml", "XmlResponse"),
        ("types/feed.atom", "application/atom+xml", "XmlResponse"),
        ("types/notes.txt", "text/plain; charset=utf-8", "TextResponse"),
        ("types/data.json", "application/json", "JsonResponse"),
        ("types/archive.gz", "application/gzip", "Response"),
        ("types/blob.bin", "application/octet-stream", "Response"),
        # A declared Content-Type beats the ".html" extension.
        ("types/declared", "text/plain; charset=utf-8", "TextResponse"),
    ],
)
def test_content_types_in_a_crawl(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
    path: str,
    content_type: str,
    response_class: str,
) -> None:
    items, _ = crawl
    item = items[START + path]
    assert item["content_type"] == content_type
    assert item["class"] == response_class


def test_gzip_body_is_served_as_is(
    crawl: tuple[dict[str, dict[str, Any]], dict[str, Any]],
) -> None:
    items, _ = crawl
    # No Content-Encoding header, so nothing decompresses the saved archive.
    assert (
        items[f"{START}types/archive.gz"]["body_size"] == (SITE / "types/archive.gz").stat().st_size
    )


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        ("../outside.html", "escapes the replay directory"),
        ("gone.html", "does not exist"),
    ],
)
def test_bad_manifest_makes_the_command_fail(tmp_path: Path, file_name: str, message: str) -> None:
    (tmp_path / "outside.html").write_text("<html></html>")
    replay_dir = write_manifest(tmp_path / "replay", {START: {"file": file_name}})
    result = run_spider(replay_dir, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert file_name in result.stderr


# --- load_manifest ---------------------------------------------------------


def test_load_manifest_reads_entries(tmp_path: Path) -> None:
    replay_dir = write_manifest(
        tmp_path,
        {
            "https://a.example/": {"file": "pages/index.html"},
            "https://a.example/old": {"status": 301, "headers": {"Location": "/"}},
            "https://a.example/empty": {"file": None, "status": 204},
            "https://a.example/multi": {
                "file": "pages/index.html",
                "headers": {"Set-Cookie": ["a=1", "b=2"]},
            },
        },
        {"pages/index.html": b"<html></html>"},
    )
    entries = load_manifest(str(replay_dir))
    index = entries["https://a.example/"]
    assert index == ReplayEntry(
        url="https://a.example/", path=(replay_dir / "pages/index.html").resolve()
    )
    assert index.body() == b"<html></html>"
    assert index.content_type() == "text/html; charset=utf-8"
    old = entries["https://a.example/old"]
    assert (old.status, old.path, old.headers) == (301, None, {"Location": ["/"]})
    assert old.body() == b""
    assert old.content_type() is None
    assert entries["https://a.example/empty"].status == 204
    assert entries["https://a.example/multi"].headers == {"Set-Cookie": ["a=1", "b=2"]}


def test_load_manifest_reads_the_fixture_site() -> None:
    entries = load_manifest(SITE)
    assert f"{START}robots.txt" in entries
    assert entries[f"{START}old-link"].status == 301


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("{not json", "malformed"),
        ('["https://a.example/"]', "must be a JSON object"),
        ({"/relative": {"file": "a.html"}}, "absolute URL"),
        ({"https://a.example:99999/": {"file": "a.html"}}, "not a valid URL"),
        ({"https://a.example/": "a.html"}, "must be an object"),
        ({"https://a.example/": {"file": "a.html", "header": {}}}, "unknown keys"),
        ({"https://a.example/": {"status": "200"}}, "'status'"),
        ({"https://a.example/": {"status": True}}, "'status'"),
        ({"https://a.example/": {"status": 999}}, "'status'"),
        ({"https://a.example/": {"headers": ["Location"]}}, "'headers'"),
        ({"https://a.example/": {"headers": {"X-N": 1}}}, "header 'X-N'"),
        ({"https://a.example/": {"file": ""}}, "non-empty string"),
        ({"https://a.example/": {"file": "nope.html"}}, "does not exist"),
        ({"https://a.example/": {"file": "sub"}}, "does not exist"),
        ({"https://a.example/": {"file": "../outside.html"}}, "escapes"),
        ({"https://a.example/": {"file": "sub/../../outside.html"}}, "escapes"),
        ({"https://a.example/": {"file": "/etc/hostname"}}, "must be relative"),
    ],
)
def test_load_manifest_rejects(tmp_path: Path, manifest: Any, message: str) -> None:
    (tmp_path / "outside.html").write_text("<html></html>")
    replay_dir = write_manifest(tmp_path / "replay", manifest, {"a.html": b"", "sub/b.html": b""})
    with pytest.raises(ReplayError, match=message):
        load_manifest(replay_dir)


def test_load_manifest_rejects_a_symlink_out_of_the_directory(tmp_path: Path) -> None:
    (tmp_path / "outside.html").write_text("<html></html>")
    replay_dir = write_manifest(tmp_path / "replay", {START: {"file": "link.html"}})
    (replay_dir / "link.html").symlink_to(tmp_path / "outside.html")
    with pytest.raises(ReplayError, match="escapes"):
        load_manifest(replay_dir)


def test_load_manifest_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="manifest not found"):
        load_manifest(tmp_path)


# --- The middleware in process -----------------------------------------------


def make_middleware(replay_dir: Path | str) -> ReplayMiddleware:
    crawler = get_crawler(settings_dict={"REPLAY_DIR": str(replay_dir)})
    return ReplayMiddleware.from_crawler(crawler)


def test_middleware_is_off_without_replay_dir() -> None:
    with pytest.raises(NotConfigured):
        ReplayMiddleware.from_crawler(get_crawler(settings_dict={"REPLAY_DIR": ""}))


def test_middleware_fails_on_a_bad_manifest(tmp_path: Path) -> None:
    write_manifest(tmp_path, "{")
    with pytest.raises(ReplayError, match="malformed"):
        make_middleware(tmp_path)


@pytest.mark.parametrize(
    ("name", "content_type", "response_class"),
    [
        ("a.html", "text/html; charset=utf-8", HtmlResponse),
        ("a.HTM", "text/html; charset=utf-8", HtmlResponse),
        ("a.xml", "application/xml", XmlResponse),
        ("a.rss", "application/rss+xml", XmlResponse),
        ("a.atom", "application/atom+xml", XmlResponse),
        ("a.txt", "text/plain; charset=utf-8", TextResponse),
        ("a.json", "application/json", TextResponse),
        ("a.xml.gz", "application/gzip", Response),
        ("a.pdf", "application/octet-stream", Response),
        ("noextension", "application/octet-stream", Response),
    ],
)
def test_content_type_by_extension(
    tmp_path: Path, name: str, content_type: str, response_class: type[Response]
) -> None:
    url = f"https://a.example/{name}"
    middleware = make_middleware(write_manifest(tmp_path, {url: {"file": name}}, {name: b"x"}))
    response = middleware.process_request(Request(url))
    assert response.headers[b"Content-Type"] == content_type.encode()
    assert isinstance(response, response_class)
    assert response.body == b"x"
    assert response.flags == ["replay"]


def test_lookup_exact_then_canonical(tmp_path: Path) -> None:
    middleware = make_middleware(
        write_manifest(
            tmp_path,
            {
                "https://a.example/x?a=2&b=1": {"file": "sorted.html"},
                "https://a.example/x?b=1&a=2": {"file": "exact.html"},
                "https://a.example/y#section": {"file": "sorted.html"},
            },
            {"sorted.html": b"sorted", "exact.html": b"exact"},
        )
    )
    assert middleware.process_request(Request("https://a.example/x?b=1&a=2")).body == b"exact"
    assert middleware.process_request(Request("https://a.example/x?a=2&b=1")).body == b"sorted"
    assert middleware.process_request(Request("https://a.example/y")).body == b"sorted"
    assert middleware.process_request(Request("https://a.example/y#other")).body == b"sorted"
    assert middleware.stats.get_value("replay/served") == 4


def test_missing_url_is_a_404_and_counted(tmp_path: Path) -> None:
    middleware = make_middleware(write_manifest(tmp_path, {}))
    request = Request("https://a.example/none")
    response = middleware.process_request(request)
    assert (response.status, response.body, response.url) == (404, b"", request.url)
    assert response.request is request
    assert "replay" in response.flags
    assert middleware.stats.get_value("replay/missing") == 1
    assert middleware.stats.get_value("replay/served") is None


def test_redirect_entry_passes_headers_through(tmp_path: Path) -> None:
    url = "https://a.example/old"
    manifest = {url: {"status": 301, "headers": {"Location": "/new", "X-A": ["1", "2"]}}}
    response = make_middleware(write_manifest(tmp_path, manifest)).process_request(Request(url))
    assert response.status == 301
    assert response.headers[b"Location"] == b"/new"
    assert response.headers.getlist(b"X-A") == [b"1", b"2"]
    assert b"Content-Type" not in response.headers
    assert response.body == b""


def test_manifests_of_sub_directories_are_merged(tmp_path: Path) -> None:
    write_manifest(
        tmp_path / "a.vn", {"https://a.vn/": {"file": "index.html"}}, {"index.html": b"a"}
    )
    write_manifest(tmp_path / "b.vn", {"https://b.vn/x": {"file": "p/x.html"}}, {"p/x.html": b"b"})
    entries = load_manifest(tmp_path)
    assert sorted(entries) == ["https://a.vn/", "https://b.vn/x"]
    assert entries["https://b.vn/x"].path == (tmp_path / "b.vn" / "p" / "x.html").resolve()
    assert entries["https://a.vn/"].body() == b"a"


def test_a_url_in_two_manifests_is_an_error(tmp_path: Path) -> None:
    write_manifest(tmp_path / "a", {"https://a.vn/": {"status": 404}})
    write_manifest(tmp_path / "b", {"https://a.vn/": {"status": 200}})
    with pytest.raises(
        ReplayError, match=re.escape("'https://a.vn/' is already in another manifest")
    ):
        load_manifest(tmp_path)


def test_a_sub_manifest_cannot_reach_a_sibling_directory(tmp_path: Path) -> None:
    write_manifest(tmp_path / "a", {"https://a.vn/": {"file": "../b/x.html"}})
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.html").write_bytes(b"x")
    with pytest.raises(ReplayError, match="escapes the replay directory"):
        load_manifest(tmp_path)
