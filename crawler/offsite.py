"""The downloader's guard: no request leaves for a host that is not the spider's site.

The spiders build every request through one check (``NewsSpider.rejection``, on
``crawler.urls.rejection``). What they do not build is a redirect: Scrapy's RedirectMiddleware
turns a 301/302/303/307/308 (and MetaRefreshMiddleware a ``<meta http-equiv=refresh>``) into a
new request by itself. Scrapy's own OffsiteMiddleware drops such a request when its host is
outside ``allowed_domains``, but not when the request has ``dont_filter`` (the spider's
``-a url=`` request has it, and a redirect inherits it), and it lets every sub-domain through,
where some spiders' sites exclude theirs (``subdomains = False``). Measured on Scrapy 2.19: a
``url=`` article answering 301 to ``http://127.0.0.1/...`` was fetched and written, and so was a
301 from hanoimoi.vn to tin.hanoimoi.vn (tests/test_security.py).

This middleware asks the spider's own check about every request the engine schedules (the
``request_scheduled`` signal: redirects are rescheduled, whatever their ``dont_filter``) and
every request that reaches the downloader (``process_request``: robots.txt and other requests
downloaded without the scheduler). A refused one is dropped (IgnoreRequest, which Scrapy does
not log as an error), logged as a warning and counted:

- ``redirect/rejected/<kind>``: a redirect (the request carries ``redirect_urls``);
- ``request/rejected/<kind>``: any other request; the spiders' own check leaves none.

``<kind>`` is the check's: ``offsite``, ``ip_literal``, ``localhost``, ``no_dot``,
``userinfo``, ``scheme``, ``invalid`` (crawler/urls.py). A redirect to a non-http(s) scheme
(``file:``, ``ftp:``) never becomes a request: RedirectMiddleware keeps the 3xx response, which
HttpErrorMiddleware then ignores (``httperror/response_ignored_status_count/30x``).

A spider without a ``rejection`` method (none of this project's) is not guarded. Enabled by
``NewsSpider.update_settings`` unless DOWNLOADER_MIDDLEWARES names it already (``None``
disables it); its place, before Scrapy's OffsiteMiddleware (50) and RobotsTxtMiddleware (100),
keeps a refused host's robots.txt from being fetched as well.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

PRIORITY = 40


class SiteGuardMiddleware:
    """Drops, logs and counts any request the spider's site check refuses."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        return middleware

    def request_scheduled(self, request: Request, **kwargs: Any) -> None:
        self.check(request)

    def process_request(self, request: Request) -> None:
        self.check(request)

    def check(self, request: Request) -> None:
        """Return when the request is the site's; raise IgnoreRequest, counted, otherwise."""
        rejection = getattr(self.crawler.spider, "rejection", None)
        if rejection is None:
            return
        kind = rejection(request.url)
        if kind is None:
            return
        stats = self.crawler.stats
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from:
            stats.inc_value(f"redirect/rejected/{kind}")
            logger.warning(
                "redirect off the site not followed (%s): %s -> %s",
                kind,
                redirected_from[-1],
                request.url,
            )
        else:
            stats.inc_value(f"request/rejected/{kind}")
            logger.warning("request off the site dropped (%s): %s", kind, request.url)
        raise IgnoreRequest(f"not the site's URL ({kind})")
