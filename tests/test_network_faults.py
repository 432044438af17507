"""Network faults, against a real HTTP server on 127.0.0.1 (tests/faultserver.py), not mocks.

Each crawl is a real ``scrapy crawl nguoihanoi`` subprocess whose requests reach the fault
server as their HTTP proxy (``http_proxy``), so the download handler and every downloader
middleware are under test. A crawl reads one sitemap listing good fixture articles and some
faulty pages; each test names a fault and what must hold of it: the crawl finishes with the
exit status its report judges, the stats and the run report name what happened, and nothing
wrong is written (no line for a failed page; a page read in the wrong encoding would be a wrong
line). The crawls run in parallel, started once for the tests selected. Figures and the command:
docs/reliability/network.md (``NETWORK_FAULTS_FIGURES=path`` writes them as JSON).

The crawl fetches ``http://`` URLs (the proxy sees plain HTTP), so the related links a page
gives relative are written ``http://nguoihanoi.vn/...``; lines are compared to the fixtures'
expected JSON with that scheme put back.
"""

import json
import os
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from crawling import CRAWL_FIELDS, ROOT, written
from faultserver import (
    BOMB,
    CRAWLS,
    FAULTS,
    PHOTOS,
    POTTERY,
    TET,
    WALK,
    FaultServer,
    binary_body,
    expected,
    gzip_bomb,
    nested,
    page,
    truncated,
    without_meta_charset,
)
from jsonschema import Draft202012Validator
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.network import (
    FaultStatsMiddleware,
    HttpCompressionMiddleware,
    RetryAfterMiddleware,
    looks_binary,
    looks_truncated,
    mislabelled_utf8,
    retry_after_seconds,
    too_deep,
)

SITE = "nguoihanoi"
# Small timeouts and one retry keep every crawl short; the politeness delays are not under test.
SETTINGS = {
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_TIMES": "1",
    "RETRY_BACKOFF_BASE": "0.5",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
}
REPORT_SCHEMA = json.loads((ROOT / "crawler" / "schemas" / "report.schema.json").read_text("utf-8"))


@dataclass
class Run:
    """A finished crawl: exit status, final stats, its site's report entry, lines, log."""

    crawl: str
    status: int
    stats: dict
    report: dict
    lines: list[dict]
    log: str  # standard error
    summary: str  # standard output: the summary table
    seconds: float

    @property
    def site(self) -> dict:
        return self.report["sites"][SITE]

    def written_urls(self) -> set[str]:
        return {line["url"] for line in self.lines}


def run_crawl(server: FaultServer, name: str, data: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["http_proxy"] = server.proxy
    stats_file = data / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", SITE]
    command += ["-a", f"start={CRAWLS[name].entry_url}", "-a", "since="]
    settings = {**SETTINGS, "DATA_DIR": str(data), "STATS_FILE": str(stats_file)}
    for setting, value in settings.items():
        command += ["-s", f"{setting}={value}"]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - started
    (report_path,) = (data / "reports").glob("*.json")
    report = json.loads(report_path.read_text("utf-8"))
    assert not list(Draft202012Validator(REPORT_SCHEMA).iter_errors(report))
    stats = json.loads(stats_file.read_text("utf-8"))
    lines = written(data, SITE)
    return Run(name, done.returncode, stats, report, lines, done.stderr, done.stdout, seconds)


@pytest.fixture(scope="module")
def server():
    with FaultServer() as server:
        yield server


@pytest.fixture(scope="module")
def crawls(request, server, tmp_path_factory) -> dict[str, Future]:
    """The crawls the selected tests of this module need, started at once, in parallel."""
    wanted = sorted(
        {
            name
            for item in request.session.items
            if item.module is request.module
            for name in CRAWLS
            if name.replace("-", "_") in item.fixturenames
        }
    )
    with ThreadPoolExecutor(min(4, 2 * (os.cpu_count() or 1))) as pool:
        futures = {
            name: pool.submit(run_crawl, server, name, tmp_path_factory.mktemp(name))
            for name in wanted
        }
        yield futures
    if os.environ.get("NETWORK_FAULTS_FIGURES"):
        write_figures(Path(os.environ["NETWORK_FAULTS_FIGURES"]), server, futures)


def write_figures(path: Path, server: FaultServer, futures: dict[str, Future]) -> None:
    figures = {}
    for name, future in futures.items():
        run = future.result()
        figures[name] = {
            "exit_status": run.status,
            "seconds": round(run.seconds, 1),
            "report": run.site,
            "faults": {
                fault.name: {
                    "requests": sum(server.count(p) for p in fault.paths),
                    "seconds": round(server.span(fault.paths), 1),
                }
                for fault in CRAWLS[name].faults
            },
        }
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")


def _result(crawls: dict[str, Future], name: str) -> Run:
    return crawls[name].result(timeout=180)


@pytest.fixture
def http_errors(crawls):
    return _result(crawls, "http-errors")


@pytest.fixture
def http_recovered(crawls):
    return _result(crawls, "http-recovered")


@pytest.fixture
def http_429_given_up(crawls):
    return _result(crawls, "http-429-given-up")


@pytest.fixture
def all_articles_503(crawls):
    return _result(crawls, "all-articles-503")


@pytest.fixture
def site_down(crawls):
    return _result(crawls, "site-down")


@pytest.fixture
def timeouts(crawls):
    return _result(crawls, "timeouts")


@pytest.fixture
def resets(crawls):
    return _result(crawls, "resets")


@pytest.fixture
def redirects(crawls):
    return _result(crawls, "redirects")


@pytest.fixture
def robots(crawls):
    return _result(crawls, "robots")


@pytest.fixture
def oversize(crawls):
    return _result(crawls, "oversize")


@pytest.fixture
def charsets(crawls):
    return _result(crawls, "charsets")


@pytest.fixture
def bodies(crawls):
    return _result(crawls, "bodies")


@pytest.fixture
def nesting(crawls):
    return _result(crawls, "nesting")


def url_of(slug: str) -> str:
    return f"https://nguoihanoi.vn/{slug}.html"


def as_fixture(line: dict) -> dict:
    """A written line as its fixture's expected JSON reads: no crawl fields, https links."""
    fields = {k: v for k, v in line.items() if k not in CRAWL_FIELDS}
    text = json.dumps(fields, ensure_ascii=False)
    text = text.replace("http://nguoihanoi.vn/", "https://nguoihanoi.vn/")
    return json.loads(text)


def assert_written_exactly(run: Run, *slugs: str) -> None:
    """Nothing wrong written: a line for each of these articles, each equal to its fixture's
    expected JSON, and no other line."""
    assert run.written_urls() == {url_of(slug) for slug in slugs}, run.log[-3000:]
    for line in run.lines:
        slug = line["url"].rsplit("/", 1)[1].removesuffix(".html")
        assert as_fixture(line) == expected(slug), f"{run.crawl}: {slug} written wrong"


def assert_healthy(run: Run) -> None:
    """Exit status 0: one faulty page among good ones does not make the site failing."""
    assert run.status == 0, run.log[-3000:]
    assert run.site["status"] == "healthy"
    assert run.site["finish_reason"] == "finished"


def hits(server: FaultServer, fault: str) -> int:
    return server.count(FAULTS[fault].path)


# HTTP errors ---------------------------------------------------------------------------------


def test_500_is_retried_once_then_given_up_counted_and_not_written(http_errors, server):
    run = http_errors
    assert_healthy(run)
    assert hits(server, "http-500") == 2  # the request and RETRY_TIMES=1 retry
    assert run.stats["retry/reason_count/500 Internal Server Error"] == 1
    assert run.stats["httperror/response_ignored_status_count/500"] == 1
    assert run.site["http_errors"]["500"] == 2
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_502_is_retried_once_then_given_up_counted_and_not_written(http_errors, server):
    run = http_errors
    assert hits(server, "http-502") == 2
    assert run.stats["retry/reason_count/502 Bad Gateway"] == 1
    assert run.site["http_errors"]["502"] == 2
    # Both pages given up after their retry, and named so in the report.
    assert run.site["retries"] == {"count": 2, "gave_up": 2, "waited_seconds": 0, "wait_refused": 0}
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_503_then_200_is_written_after_a_backoff(http_recovered, server):
    run = http_recovered
    assert_healthy(run)
    (first, second) = server.hits[FAULTS["http-503-then-ok"].path]
    # No Retry-After: RETRY_BACKOFF_BASE (0.5 s here) before the retry.
    assert second[0] - first[1] >= 0.45
    assert run.stats["downloader/response_status_count/503"] == 1
    assert run.site["http_errors"]["503"] == 1
    assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


def test_429_waits_its_retry_after_then_is_written(http_recovered, server):
    run = http_recovered
    (first, second) = server.hits[FAULTS["http-429-then-ok"].path]
    assert second[0] - first[1] >= 1.95  # Retry-After: 2
    assert run.stats["downloader/response_status_count/429"] == 1
    assert run.stats["network/backoff_count"] == 2
    assert run.site["retries"] == {
        "count": 2,
        "gave_up": 0,
        "waited_seconds": 2.5,
        "wait_refused": 0,
    }
    assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


def test_429_always_is_retried_after_retry_after_then_given_up_and_counted(
    http_429_given_up, server
):
    run = http_429_given_up
    assert_healthy(run)
    (first, second) = server.hits[FAULTS["http-429-always"].path]
    assert second[0] - first[1] >= 0.95  # Retry-After: 1
    assert run.stats["retry/max_reached"] == 1
    assert run.site["retries"]["gave_up"] == 1
    assert run.site["retries"]["waited_seconds"] == 1.0
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_429_asking_for_an_hour_is_not_waited_for_but_given_up_and_counted(
    http_429_given_up, server
):
    run = http_429_given_up
    assert hits(server, "http-429-retry-after-1h") == 1
    assert run.stats["network/retry_after_too_long"] == 1
    assert run.site["retries"]["wait_refused"] == 1
    # Three 429s in all: two of the page retried once, one of the page not retried.
    assert run.site["http_errors"] == {"429": 3}
    assert run.seconds < 60
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_every_article_503_fails_the_site_with_exit_status_3(all_articles_503):
    run = all_articles_503
    assert run.status == 3
    assert run.report["run"]["failing"] == [SITE]
    assert run.site["status"] == "failing"
    assert "none of 6 article pages requested gave an article" in run.site["reasons"]
    assert "12 of 14 requests failed" in run.site["reasons"]
    assert run.site["http_errors"] == {"503": 12}
    assert run.site["retries"]["gave_up"] == 6
    assert "FAILING nguoihanoi: none of 6 article pages" in run.summary
    assert_written_exactly(run)


def test_a_site_whose_entry_point_answers_503_fails_with_exit_status_3(site_down):
    run = site_down
    assert run.status == 3
    assert run.site["reasons"] == [
        "found no article link (2 responses, 1 with an HTTP error status; 0 requests with no response)"
    ]
    assert run.site["http_errors"] == {"503": 2}
    assert_written_exactly(run)


# Timeouts and broken connections -------------------------------------------------------------


def test_a_server_that_never_answers_times_out_is_retried_and_counted(timeouts, server):
    run = timeouts
    assert_healthy(run)
    attempts = server.hits[FAULTS["timeout"].path]
    assert len(attempts) == 2
    # Each attempt ends when the crawl gives up: DOWNLOAD_TIMEOUT (2 s) later.
    assert all(end - start >= 1.5 for start, end in attempts)
    assert run.site["exceptions_by_type"]["scrapy.exceptions.DownloadTimeoutError"] == 4
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_server_that_stalls_mid_body_times_out_and_nothing_partial_is_written(timeouts, server):
    run = timeouts
    assert hits(server, "stall-mid-body") == 2
    # Both pages, two attempts each, named as timeouts; half a page is never written.
    assert run.site["exceptions"] == 4
    assert run.site["retries"]["gave_up"] == 2
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_connection_reset_mid_body_is_a_data_loss_retried_and_counted(resets, server):
    run = resets
    assert_healthy(run)
    assert hits(server, "reset-mid-body") == 2
    assert run.site["exceptions_by_type"]["scrapy.exceptions.ResponseDataLossError"] == 2
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_connection_reset_before_any_answer_is_retried_and_counted(resets, server):
    run = resets
    # Twisted sends a request again by itself when a kept-alive connection dies before any
    # answer: the server may see 3 requests for Scrapy's 2.
    assert hits(server, "reset-before-answer") in (2, 3, 4)
    assert run.site["exceptions_by_type"]["scrapy.exceptions.DownloadFailedError"] == 2
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_body_cut_by_an_early_close_is_not_written_as_if_whole(resets, server):
    # No Content-Length: Scrapy takes the close as the end and flags the body "partial" only.
    run = resets
    assert hits(server, "closed-early") == 2
    assert run.stats["retry/reason_count/truncated_html"] == 1
    assert run.site["given_up"] == {"truncated_html": 1}
    assert_written_exactly(run, WALK, TET, POTTERY)


# Redirects and robots.txt --------------------------------------------------------------------


def test_a_redirect_chain_is_followed_to_the_article(redirects, server):
    run = redirects
    assert_healthy(run)
    chain = FAULTS["redirect-chain"]
    assert [server.count(path) for path in chain.paths] == [1, 1, 1, 1]
    for code in ("301", "302", "303", "307"):
        assert run.stats[f"downloader/response_status_count/{code}"] >= 1
    assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


def test_a_redirect_chain_past_redirect_max_times_is_given_up_and_counted(redirects, server):
    run = redirects
    hops = FAULTS["redirect-too-many"].paths
    # The first request and 20 redirects (REDIRECT_MAX_TIMES); the 21st is not followed.
    assert [server.count(path) for path in hops] == [1] * 21 + [0] * 4
    assert run.site["given_up"]["too_many_redirects"] == 1
    assert "more than REDIRECT_MAX_TIMES redirects, not followed" in run.log
    assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


def test_a_redirect_loop_is_stopped_at_its_first_repeat_and_counted(redirects, server):
    run = redirects
    assert [server.count(path) for path in FAULTS["redirect-loop"].paths] == [1, 1]
    assert run.site["given_up"]["redirect_loop"] == 1
    assert (
        "redirect loop, not followed: http://nguoihanoi.vn/loi-vong-a-90012.html -> "
        "http://nguoihanoi.vn/loi-vong-b-90013.html -> http://nguoihanoi.vn/loi-vong-a-90012.html"
    ) in run.log
    assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


def test_a_page_robots_txt_disallows_is_never_requested_and_is_counted(robots, server):
    run = robots
    assert_healthy(run)
    assert hits(server, "robots-disallow") == 0
    assert run.stats["robotstxt/forbidden"] == 1
    assert run.site["robots_forbidden"] == 1
    assert_written_exactly(run, WALK, TET, POTTERY)


# Sizes ---------------------------------------------------------------------------------------


def test_a_30_mb_page_with_its_length_is_cut_by_download_maxsize_and_counted(oversize, server):
    run = oversize
    assert_healthy(run)
    assert hits(server, "maxsize-declared") == 1  # not retried
    assert "Expected to receive 31457280 bytes which is larger than download max size" in run.log
    # This one and the chunked one.
    assert run.site["exceptions_by_type"]["scrapy.exceptions.DownloadCancelledError"] == 2
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_30_mb_chunked_page_is_cut_at_download_maxsize_and_counted(oversize, server):
    run = oversize
    assert hits(server, "maxsize-chunked") == 1
    # Cut while reading, at the first chunk past 8 MB.
    assert "which is larger than download max size (8388608)" in run.log
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_gzip_bomb_is_cut_at_download_maxsize_once_inflated_and_counted(oversize, server):
    run = oversize
    assert hits(server, "gzip-bomb") == 1
    assert "exceeded DOWNLOAD_MAXSIZE (8388608 B) during decompression" in run.log
    assert run.site["given_up"] == {"decompressed_over_maxsize": 1}
    assert run.site["over_maxsize"] == 3  # the two 30 MB pages and the bomb
    assert_written_exactly(run, WALK, TET, POTTERY)


# Encodings -----------------------------------------------------------------------------------


def test_windows_1258_declared_is_written_as_the_right_vietnamese(charsets):
    run = charsets
    assert_healthy(run)
    assert_written_exactly(run, PHOTOS, POTTERY, TET)
    (line,) = [line for line in run.lines if line["url"] == url_of(PHOTOS)]
    assert line["title"] == "Triển lãm ảnh về di sản Thăng Long - Hà Nội mở cửa tại Văn Miếu"
    assert unicodedata.is_normalized("NFC", line["body"])


def test_windows_1258_with_no_charset_anywhere_is_written_as_the_right_vietnamese(charsets):
    # Scrapy's detection (charset_normalizer) finds it: nothing to fix, only to check.
    run = charsets
    (line,) = [line for line in run.lines if line["url"] == url_of(POTTERY)]
    assert line["title"] == "Làng gốm Bát Tràng vào mùa nung mới"
    assert as_fixture(line) == expected(POTTERY)


def test_utf8_labelled_latin1_is_read_as_utf8_and_counted(charsets):
    run = charsets
    (line,) = [line for line in run.lines if line["url"] == url_of(TET)]
    assert line["title"] == "Phố ông đồ những ngày giáp Tết"  # not "Phá»\u2018 Ã´ng..."
    assert as_fixture(line) == expected(TET)
    assert run.site["charset_fixed"] == {"utf8_labelled_cp1252": 1}


# Bodies --------------------------------------------------------------------------------------


def test_truncated_html_is_retried_then_given_up_and_not_written_in_part(bodies, server):
    run = bodies
    assert_healthy(run)
    assert hits(server, "truncated-html") == 2
    assert run.site["given_up"]["truncated_html"] == 1
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_an_empty_page_is_retried_then_given_up_and_counted(bodies, server):
    run = bodies
    assert hits(server, "empty") == 2
    assert run.site["given_up"]["empty_body"] == 1
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_a_binary_body_labelled_html_is_counted_not_html(bodies, server):
    run = bodies
    assert hits(server, "binary-as-html") == 1
    assert run.stats["network/binary_as_html"] == 1
    assert run.site["not_html"] == 1
    assert_written_exactly(run, WALK, TET, POTTERY)


def test_html_nested_5000_deep_is_not_read_in_part_and_is_counted(nesting, server):
    # lxml stops the tree at depth 2048: what follows, the rest of the body, would be lost.
    run = nesting
    assert_healthy(run)
    assert hits(server, "nested-5000-deep") == 1
    assert run.site["given_up"] == {"too_deep_html": 1}
    assert "nests elements deeper than 2048: its tree would end there, page not read" in run.log
    if run.site["parse_errors"]:  # nested-1500-deep, below
        assert_written_exactly(run, WALK, TET, POTTERY)
    else:
        assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


def test_html_nested_1500_deep_in_the_body_is_a_counted_parse_error_or_read_whole(nesting):
    # Not deep enough for lxml to cut the tree; deep enough for a recursive walk of it to fail
    # (then: parse_errors). A parser that reads it may write it: then it is the whole article.
    run = nesting
    if url_of(PHOTOS) not in run.written_urls():
        assert run.site["parse_errors"] == 1
        assert_written_exactly(run, WALK, TET, POTTERY)
    else:
        assert_written_exactly(run, WALK, TET, POTTERY, PHOTOS)


# crawler/network.py, unit by unit ---------------------------------------------------------------


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(" 0 ") == 0.0
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later, now=now) == 90.0
    earlier = format_datetime(now - timedelta(hours=1), usegmt=True)
    assert retry_after_seconds(earlier, now=now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(b"-5") is None
    assert retry_after_seconds(None) is None


def _retry_middleware(**settings) -> RetryAfterMiddleware:
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 1, **settings})
    crawler.spider = crawler.spidercls.from_crawler(crawler)
    return RetryAfterMiddleware.from_crawler(crawler)


def test_a_429_retry_waits_retry_after_for_the_whole_host():
    middleware = _retry_middleware()
    request = Request("http://nguoihanoi.vn/a-12345.html")
    answer = Response(request.url, status=429, headers={"Retry-After": "30"}, request=request)
    retry = middleware.process_response(request, answer)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    # Any request to the host now waits (an awaitable); another host's does not.
    waiting = middleware.process_request(Request("http://nguoihanoi.vn/b-12346.html"))
    assert waiting is not None
    waiting.close()
    assert middleware.process_request(Request("http://hanoimoi.vn/c-12347.html")) is None
    assert middleware.crawler.stats.get_value("network/backoff_seconds") == 30.0
    # Retried once (RETRY_TIMES=1): the next 429 is the answer, given up.
    assert middleware.process_response(retry, answer) is answer
    assert middleware.crawler.stats.get_value("retry/max_reached") == 1


def test_a_retry_after_past_retry_after_max_is_not_waited_for():
    middleware = _retry_middleware(RETRY_AFTER_MAX=60)
    request = Request("http://nguoihanoi.vn/a-12345.html")
    answer = Response(request.url, status=503, headers={"Retry-After": "61"}, request=request)
    assert middleware.process_response(request, answer) is answer
    assert middleware.crawler.stats.get_value("network/retry_after_too_long") == 1
    assert middleware.process_request(Request("http://nguoihanoi.vn/b-12346.html")) is None


def test_without_retry_after_the_backoff_doubles_and_500s_are_retried_at_once():
    middleware = _retry_middleware(RETRY_TIMES=3, RETRY_BACKOFF_BASE=1.5)
    request = Request("http://nguoihanoi.vn/a-12345.html")
    first = middleware.process_response(request, Response(request.url, status=503))
    middleware.process_response(first, Response(request.url, status=503))
    assert middleware.crawler.stats.get_value("network/backoff_seconds") == 1.5 + 3.0
    other = Request("http://hanoimoi.vn/a-12345.html")
    assert isinstance(middleware.process_response(other, Response(other.url, status=500)), Request)
    assert middleware.process_request(Request("http://hanoimoi.vn/b-1.html")) is None


def test_page_checks_tell_truncated_binary_and_deep_html_from_whole_pages():
    whole = page(PHOTOS)
    assert not looks_truncated(whole)
    assert looks_truncated(truncated(whole))
    assert looks_truncated(whole[: len(whole) // 2])
    assert looks_truncated(b"\xef\xbb\xbf<!-- cms -->\n<!doctype html><html><body><p>Ha")
    assert not looks_truncated(b"<!DOCTYPE html><html><body><p>Whole.</p></BODY>")
    # Not HTML documents: an XML sitemap, a fragment, plain text are left alone.
    assert not looks_truncated(b'<?xml version="1.0"?><urlset><url>')
    assert not looks_truncated(b"<p>a fragment")
    assert looks_binary(binary_body())
    assert looks_binary(b"%PDF-1.7\n...")
    assert not looks_binary(whole)
    assert not looks_binary("\ufeff<html></html>".encode("utf-16"))
    assert too_deep(nested(whole, 5000, "figure").decode())
    assert not too_deep(nested(whole, 1500, "div").decode())
    assert not too_deep(whole.decode())


def test_utf8_is_told_from_latin1_under_a_latin1_label():
    def response(body: bytes, content_type: str) -> HtmlResponse:
        return HtmlResponse("http://x.vn/", body=body, headers={"Content-Type": content_type})

    utf8 = without_meta_charset(TET)
    assert mislabelled_utf8(response(utf8, "text/html; charset=iso-8859-1")) == "cp1252"
    assert mislabelled_utf8(response(utf8, "text/html; charset=windows-1252")) == "cp1252"
    # Real latin-1 text, a right label, no label, or only ASCII: nothing to fix.
    latin1 = "<html><body>Café crème</body></html>".encode("latin-1")
    assert mislabelled_utf8(response(latin1, "text/html; charset=iso-8859-1")) is None
    assert mislabelled_utf8(response(utf8, "text/html; charset=utf-8")) is None
    assert mislabelled_utf8(response(utf8, "text/html")) is None
    assert mislabelled_utf8(response(b"<html>ascii</html>", "text/html; charset=latin1")) is None


def test_a_redirect_back_to_a_url_of_the_chain_is_a_loop_stopped_and_counted():
    middleware = FaultStatsMiddleware.from_crawler(
        get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 3})
    )
    stats = middleware.crawler.stats
    meta = {"redirect_urls": ["http://x.vn/a-12345.html?utm_source=z"], "redirect_times": 1}
    request = Request("http://x.vn/b-12346.html", meta=meta)
    back = Response(request.url, status=302, headers={"Location": "/a-12345.html?utm_source=z"})
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        middleware.process_response(request, back)
    assert stats.get_value("network/ignored/redirect_loop") == 1
    onward = Response(request.url, status=301, headers={"Location": "/c-12347.html"})
    assert middleware.process_response(request, onward) is onward
    request.meta["redirect_times"] = 3
    with pytest.raises(IgnoreRequest, match="more than REDIRECT_MAX_TIMES"):
        middleware.process_response(request, onward)
    assert stats.get_value("network/ignored/too_many_redirects") == 1
    ok = Response(request.url, status=200)
    assert middleware.process_response(request, ok) is ok


def test_a_gzip_bomb_is_counted_where_scrapy_only_drops_it():
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": BOMB // 8})
    middleware = HttpCompressionMiddleware.from_crawler(crawler)
    request = Request("http://x.vn/bom-12345.html")
    bomb = Response(request.url, body=gzip_bomb(), headers={"Content-Encoding": "gzip"})
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, bomb)
    assert crawler.stats.get_value("network/ignored/decompressed_over_maxsize") == 1
    assert crawler.stats.get_value("network/over_maxsize") == 1
