"""Downloader middlewares for the network faults that Scrapy 2.19 lets through, or does not name.

Measured against a real server (tests/test_network_faults.py, docs/reliability/network.md):

- ``RetryAfterMiddleware`` (in place of Scrapy's RetryMiddleware, and a subclass of it): Scrapy
  retries a 429 or 503 at once, whatever its ``Retry-After``. Here the retry waits the
  ``Retry-After`` (seconds or an HTTP date), or ``RETRY_BACKOFF_BASE`` × 2^n without one, and so
  does every request to that host meanwhile. A ``Retry-After`` past ``RETRY_AFTER_MAX`` is not
  waited for: the request is given up at once (``network/retry_after_too_long``).
- ``HttpCompressionMiddleware`` (in place of Scrapy's, a subclass): a body that inflates past
  DOWNLOAD_MAXSIZE (a gzip bomb) is dropped by Scrapy with no stat; here it is counted.
- ``FaultStatsMiddleware``: counts downloads cut at DOWNLOAD_MAXSIZE, and stops a redirect loop
  at its first repeat and a chain past REDIRECT_MAX_TIMES, counted and logged: Scrapy drops both
  silently (a loop through the dupefilter, or after 20 hops for a ``dont_filter`` request).
- ``PageCheckMiddleware``: Scrapy hands the spider HTML that is empty or truncated (a connection
  closed early with no length, a gzip stream cut short, a server that stopped mid-page) as if it
  were whole, and lxml silently drops what follows an element nested deeper than 2048: in both
  cases a partial article would be written. Such a page is retried (empty, truncated) or given up
  at once (nested too deep), and counted. A binary body labelled HTML goes on as a plain
  Response (the spider counts it ``articles/not_html``), and UTF-8 labelled latin-1 is read as
  UTF-8: Vietnamese cannot be written in latin-1, so that label is always a mistake.

Stats, all under ``network/``: ``backoff_count``, ``backoff_seconds``, ``retry_after_too_long``,
``over_maxsize``, ``ignored/<reason>`` (requests given up here, which Scrapy counts nowhere:
``truncated_html``, ``empty_body``, ``too_deep_html``, ``decompressed_over_maxsize``,
``redirect_loop``, ``too_many_redirects``), ``binary_as_html``, ``charset/<fix>``.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin

from lxml import etree
from scrapy.downloadermiddlewares.httpcompression import (
    HttpCompressionMiddleware as ScrapyHttpCompressionMiddleware,
)
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom
from w3lib.url import canonicalize_url, safe_url_string

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# libxml2's depth limit with XML_PARSE_HUGE, which parsel sets: deeper, the tree ends there.
LIBXML2_MAX_DEPTH = 2048
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_END_TAG = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x1f\x8b",  # gzip
    b"RIFF",  # webp, wav, avi
)
# Labels browsers and w3lib read as windows-1252: never right for Vietnamese text.
_LATIN1_CODECS = frozenset({"cp1252", "latin_1", "iso8859_1", "ascii"})


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (delay-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, waiting before a 429 or 503 is retried (see the module)."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        # The defaults are crawler/settings.py's.
        codes = settings.getlist("RETRY_BACKOFF_HTTP_CODES", [429, 503])
        self.backoff_codes = {int(code) for code in codes}
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self._not_before: dict[str, float] = {}  # host -> time.monotonic() it may be asked again

    def process_request(self, request: Request):
        wait = self._not_before.get(urlparse_cached(request).netloc, 0.0) - time.monotonic()
        return self._sleep(wait) if wait > 0 else None

    async def _sleep(self, seconds: float) -> None:
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, seconds))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if (
            response.status not in self.backoff_codes
            or response.status not in self.retry_http_codes
            or request.meta.get("dont_retry", False)
        ):
            return super().process_response(request, response)
        stats = self.crawler.stats
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is None:
            delay = self.backoff_base * 2 ** request.meta.get("retry_times", 0)
        if delay > self.retry_after_max:
            stats.inc_value("network/retry_after_too_long")
            logger.warning(
                "Not retrying %s: %d asks to wait %.0f s, more than RETRY_AFTER_MAX (%.0f s)",
                request,
                response.status,
                delay,
                self.retry_after_max,
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        host = urlparse_cached(request).netloc
        self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + delay)
        stats.inc_value("network/backoff_count")
        stats.inc_value("network/backoff_seconds", round(delay, 3), start=0.0)
        logger.info("%s answered %d: %s waits %.1f s", request, response.status, host, delay)
        return retry


class HttpCompressionMiddleware(ScrapyHttpCompressionMiddleware):
    """Scrapy's, counting the bodies it drops for inflating past DOWNLOAD_MAXSIZE."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            # Raised only when decompression passes DOWNLOAD_MAXSIZE (it logged the sizes).
            if self.stats is not None:
                self.stats.inc_value("network/over_maxsize")
                self.stats.inc_value("network/ignored/decompressed_over_maxsize")
            raise


class FaultStatsMiddleware:
    """Counts maxsize cuts; stops and counts redirect loops and over-long chains.

    Between RedirectMiddleware (600) and CookiesMiddleware (700): it sees a 3xx before
    RedirectMiddleware follows it, and the download handler's exceptions.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        # The HTTP handlers cancel a download only when it passes DOWNLOAD_MAXSIZE.
        if isinstance(exception, DownloadCancelledError):
            self.crawler.stats.inc_value("network/over_maxsize")

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if (
            response.status not in REDIRECT_STATUSES
            or not location
            or request.meta.get("dont_redirect", False)
        ):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if canonicalize_url(target) in {canonicalize_url(url) for url in chain}:
            self._give_up("redirect_loop", "redirect loop", [*chain, target])
        if request.meta.get("redirect_times", 0) >= self.max_redirects:
            self._give_up("too_many_redirects", "more than REDIRECT_MAX_TIMES redirects", chain)
        return response

    def _give_up(self, reason: str, what: str, chain: list[str]) -> None:
        self.crawler.stats.inc_value(f"network/ignored/{reason}")
        logger.warning("%s, not followed: %s", what, " -> ".join(chain))
        raise IgnoreRequest(what)


def looks_binary(body: bytes) -> bool:
    """Whether a body said to be HTML is an image, a PDF, an archive... (NULs, signatures)."""
    head = body[:1024]
    if read_bom(head)[0]:
        return False  # UTF-16/32 text has NULs
    return head.startswith(_BINARY_SIGNATURES) or b"\x00" in head


def looks_truncated(body: bytes) -> bool:
    """Whether an HTML document that begins as one has no end: no </body> nor </html>."""
    head = body[:4096].removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM
    return bool(_HTML_START.match(head)) and _END_TAG.search(body) is None


def too_deep(text: str) -> bool:
    """Whether the tree lxml builds of this page (as parsel does) stops at the depth limit."""
    if text.count("<") < LIBXML2_MAX_DEPTH:
        return False  # too few tags to nest that deep: no need to parse
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    etree.fromstring(text.strip().replace("\x00", "").encode("utf-8") or b"<html/>", parser)
    return any("Excessive depth" in error.message for error in parser.error_log)


def mislabelled_utf8(response: HtmlResponse) -> str | None:
    """The latin-1 label of a body that is UTF-8 (with non-ASCII text), or None."""
    body = response.body
    if read_bom(body)[0] or body.isascii():
        return None
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    label = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    if label not in _LATIN1_CODECS:
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return label


class PageCheckMiddleware:
    """Empty, truncated, too deep, binary or mislabelled HTML (see the module).

    At 585: after HttpCompressionMiddleware (590) has inflated the body, before
    RetryMiddleware (550). robots.txt answers are left to RobotsTxtMiddleware.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if (
            not isinstance(response, HtmlResponse)
            or not 200 <= response.status < 300
            or request.meta.get("dont_obey_robotstxt")
        ):
            return response
        stats = self.crawler.stats
        body = response.body
        if looks_binary(body):
            stats.inc_value("network/binary_as_html")
            logger.warning("%s is labelled HTML but its body is binary", response)
            # Not replace(cls=Response): that would pass on the HtmlResponse's encoding too.
            return Response(**{name: getattr(response, name) for name in Response.attributes})
        if not body.strip():
            return self._retry(request, "empty_body")
        if looks_truncated(body):
            return self._retry(request, "truncated_html")
        label = mislabelled_utf8(response)
        if label:
            stats.inc_value(f"network/charset/utf8_labelled_{label}")
            logger.info("%s is labelled %s but is UTF-8: read as UTF-8", response, label)
            response = response.replace(encoding="utf-8")
        if too_deep(response.text):
            stats.inc_value("network/ignored/too_deep_html")
            logger.warning(
                "%s nests elements deeper than %d: its tree would end there, page not read",
                response,
                LIBXML2_MAX_DEPTH,
            )
            raise IgnoreRequest("HTML nested too deep")
        return response

    def _retry(self, request: Request, reason: str) -> Request:
        retry = get_retry_request(request, spider=self.crawler.spider, reason=reason)
        if retry is not None:
            return retry
        self.crawler.stats.inc_value(f"network/ignored/{reason}")
        raise IgnoreRequest(reason)
