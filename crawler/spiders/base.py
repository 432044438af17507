"""NewsSpider: discovery, arguments and bookkeeping shared by every site's spider.

A site's spider states its domains, entry points, article URL pattern and parser; this class
does the rest. Entry pages are told apart by content (sitemap index, sitemap, feed, listing).
Stats live under ``discovery/``, ``articles/`` and ``dropped/`` (the pipelines).

Every request a spider builds goes through ``_request``, on one check, ``rejection`` (the URL's
host is the site's: crawler/urls.py): entry points, ``url=`` and ``start=`` (refused already as
arguments), sitemap children, feed, sitemap and listing links, next pages. A refused URL is not
requested and is counted under ``discovery/rejected/<kind>`` (offsite, ip_literal, localhost,
no_dot, userinfo, scheme, invalid), wherever it was found; ``discovery/offsite`` keeps counting
the entries of feeds, sitemaps and sitemap indexes among them (a listing page's menu and share
links are not). Redirects, which Scrapy builds itself, are checked by crawler/offsite.py.

Discovered article URLs wait in the spider, as strings, in ``_pending``: at most
``ARTICLE_REQUESTS_AHEAD`` (a setting; 64 unless set) of them are Requests in Scrapy's hands at a
time: enough to keep the downloader (CONCURRENT_REQUESTS 16) and replay busy. Each answered one
(page or failure) hands out the next, and ``spider_idle`` hands out a batch should the count ever
fall behind. A sitemap index of a backfill names hundreds of thousands of articles; as queued
Requests they cost ~2.2 KB each (docs/reliability/load.md).

An article URL that answers 404 or 410 is recorded as gone in the seen store and not requested
again for ``GONE_RECHECK_AFTER`` (a span; 7d unless set), counted under ``discovery/gone``: a
listing that keeps a dead link would otherwise have it fetched, and failing, on every run.
"""

import logging
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from crawler.dates import VN_TZ, parse_datetime
from crawler.discovery import (
    Link,
    PageKind,
    decompress,
    feed_links,
    listing_links,
    page_kind,
    sitemap_links,
)
from crawler.items import Article
from crawler.offsite import PRIORITY as SITE_GUARD_PRIORITY
from crawler.offsite import SiteGuardMiddleware
from crawler.parsers.base import ArticleParser, NoArticle
from crawler.parsers.generic import GenericParser
from crawler.seen import Seen
from crawler.spiders.arguments import ArgumentError, CrawlArguments, parse_moment
from crawler.text import parse_html
from crawler.urls import rejection, url_key

logger = logging.getLogger(__name__)

DEFAULT_ARTICLE_REQUESTS_AHEAD = 64
DEFAULT_GONE_RECHECK_AFTER = "7d"
# Final statuses that say an article is not there: its URL is recorded as gone.
GONE_STATUSES = frozenset({404, 410})


class NewsSpider(scrapy.Spider):
    """The base of every site's spider; not run by itself (it has no name)."""

    allowed_domains: ClassVar[list[str]]
    feeds: ClassVar[tuple[str, ...]] = ()
    sitemaps: ClassVar[tuple[str, ...]] = ()
    listings: ClassVar[tuple[str, ...]] = ()
    parser: ClassVar[ArticleParser]
    # False where a sub-domain is a site of its own (nhipsonghanoi.hanoimoi.vn).
    subdomains: ClassVar[bool] = True
    # A regular expression searched in an article page's URL path; the CMS's unless stated.
    article_url: ClassVar[str | None] = None

    def __init__(self, *args: Any, arguments: CrawlArguments, **kwargs: Any):
        super().__init__(*args)
        self.args = arguments
        self._article_pattern = re.compile(self.article_url or self.parser.article_url)
        # url_key digests of the article URLs queued this run: 16 bytes a URL, not its text.
        self._requested: set[bytes] = set()
        self._pending: deque[str] = deque()
        self._ahead = 0  # article Requests handed to Scrapy and not yet answered
        self._ahead_limit: float = DEFAULT_ARTICLE_REQUESTS_AHEAD  # from_crawler reads it
        self._distributed = False  # from_crawler: with REDIS_URL, several workers share a crawl
        # Gone records from this Unix time on hold (from_crawler sets it): none until then.
        self._gone_since = float("inf")
        # One bound method for every article Request: Scrapy caches its check of a callback's
        # source (warn_on_generator_with_return_value) by the callback object.
        self._article_callback = self._parse_queued_article
        self._article_errback = self._queued_article_failed
        self.written = 0
        self._closing = False

    @classmethod
    def update_settings(cls, settings: Settings) -> None:
        super().update_settings(settings)
        # settings.py composes USER_AGENT from its own CONTACT: `-s CONTACT=...` must reach the
        # User-Agent too, unless USER_AGENT itself is given as firmly.
        priority = settings.getpriority("CONTACT") or 0
        if priority > (settings.getpriority("USER_AGENT") or 0):
            user_agent = settings["USER_AGENT_FORMAT"].format(
                bot=settings["BOT_NAME"], contact=settings["CONTACT"]
            )
            settings.set("USER_AGENT", user_agent, priority=priority)
        # Redirects are checked like the spider's own requests (crawler/offsite.py) unless
        # DOWNLOADER_MIDDLEWARES names the guard itself (None turns it off). At spider priority,
        # as custom_settings would be: the crawler runner later re-applies the project's
        # settings to a crawler made beforehand, which would undo a change at theirs.
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        if not any(load_object(name) is SiteGuardMiddleware for name in middlewares):
            middlewares[SiteGuardMiddleware] = SITE_GUARD_PRIORITY
            priority = max(
                settings.getpriority("DOWNLOADER_MIDDLEWARES") or 0, SETTINGS_PRIORITIES["spider"]
            )
            settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=priority)
        if settings.get("REDIS_URL"):
            from crawler.cluster.settings import apply  # Redis is needed only in this mode

            apply(settings)

    @classmethod
    def parse_arguments(cls, raw: dict[str, Any], settings: Settings) -> CrawlArguments:
        """The checked ``-a`` arguments; ArgumentError says what is expected."""
        arguments = CrawlArguments.parse(
            raw,
            domains=cls.allowed_domains,
            now=datetime.now(VN_TZ),
            default_since=settings.get("DEFAULT_SINCE", ""),
        )
        try:
            ahead = settings.getint("ARTICLE_REQUESTS_AHEAD", DEFAULT_ARTICLE_REQUESTS_AHEAD)
        except ValueError:
            ahead = 0
        if ahead < 1:
            # Nothing would ever be requested, and the spider would wait for it forever.
            raise ArgumentError(
                f"ARTICLE_REQUESTS_AHEAD={settings.get('ARTICLE_REQUESTS_AHEAD')!r}: expected "
                "a whole number of article requests, at least 1"
            )
        cls.gone_since(settings, datetime.now(VN_TZ))  # a bad value stops the command here
        if settings.get("REDIS_URL"):
            from crawler.cluster.worker import check_settings

            check_settings(settings)
        # CrawlArguments knows the domains, not that a site may exclude their sub-domains.
        given = [("url", arguments.url)] if arguments.url else []
        for name, url in [*given, *(("start", url) for url in arguments.start)]:
            if cls.rejection(url):
                raise ArgumentError(
                    f"{name}={url!r}: expected a URL on {', '.join(cls.allowed_domains)} "
                    "itself: its sub-domains are other sites"
                )
        return arguments

    @staticmethod
    def gone_since(settings: Settings, now: datetime) -> datetime:
        """From when a gone URL's record holds: GONE_RECHECK_AFTER back from now."""
        value = settings.get("GONE_RECHECK_AFTER") or DEFAULT_GONE_RECHECK_AFTER
        return parse_moment("GONE_RECHECK_AFTER", str(value), now)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "NewsSpider":
        arguments = cls.parse_arguments(kwargs, crawler.settings)
        spider = super().from_crawler(crawler, *args, arguments=arguments)
        spider._distributed = bool(crawler.settings.get("REDIS_URL"))
        if spider._distributed:
            # The shared queue in Redis holds every discovered article: the other workers take
            # their share from it, and it outlives this process.
            spider._ahead_limit = math.inf
        else:
            spider._ahead_limit = crawler.settings.getint(
                "ARTICLE_REQUESTS_AHEAD", DEFAULT_ARTICLE_REQUESTS_AHEAD
            )
        spider._gone_since = cls.gone_since(crawler.settings, datetime.now(VN_TZ)).timestamp()
        crawler.signals.connect(spider._on_item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider._on_spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._on_spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._on_spider_idle, signal=signals.spider_idle)
        return spider

    @property
    def refresh(self) -> bool:
        return self.args.refresh

    @classmethod
    def extract_article(cls, html: str, url: str) -> tuple[dict, str | None]:
        """The article's fields from a page of this site, and why the fallback ran (or None).

        Pure (see crawler.extract). When the site's parser finds no title or no body, the
        generic extractor reads the page instead, so a redesign degrades output rather than
        stopping it; NoArticle when neither finds an article. The page is parsed once: both
        read the same tree, which the site's parser leaves as it found it.
        """
        page = parse_html(html)
        try:
            return cls._own(cls.parser.parse(html, url, page)), None
        except NoArticle as reason:
            if cls.parser.name == GenericParser.name:
                raise
            generic = GenericParser(lead_prefixes=cls.parser.lead_prefixes)
            try:
                fields = generic.parse(html, url, page)
            except NoArticle as generic_reason:
                raise NoArticle(f"{reason}; generic: {generic_reason}") from None
            return cls._own(fields), str(reason)

    @classmethod
    def _own(cls, fields: dict) -> dict:
        """The fields with the spider's name as ``site``, which names the output's directory:
        nothing a parser reads from a page may set it."""
        return {"site": cls.name, **{k: v for k, v in fields.items() if k != "site"}}

    @classmethod
    def rejection(cls, url: str) -> str | None:
        """Why the URL is not this site's (its kind, see crawler.urls.rejection), or None."""
        return rejection(url, cls.allowed_domains, subdomains=cls.subdomains)

    @classmethod
    def on_site(cls, url: str) -> bool:
        """Whether the URL is this site's: its domains, and their sub-domains unless excluded."""
        return cls.rejection(url) is None

    def is_article_url(self, url: str) -> bool:
        return self.on_site(url) and bool(self._article_pattern.search(urlsplit(url).path))

    @cached_property
    def seen(self) -> Seen:
        return self.crawler.get_extension(Seen)

    def _on_spider_opened(self, spider: scrapy.Spider) -> None:
        self.seen.prune_gone(self._gone_since)
        args = self.args
        logger.info(
            "%s: since=%s until=%s url=%s start=%s max_items=%s refresh=%s",
            self.name,
            args.since.isoformat() if args.since else "-",
            args.until.isoformat() if args.until else "-",
            args.url or "-",
            ",".join(args.start) or "-",
            args.max_items or "-",
            int(args.refresh),
        )

    def _on_spider_closed(self, spider: scrapy.Spider, reason: str) -> None:
        """Name the site whose parser needs work: too many pages needed the generic extractor."""
        stats = self.crawler.stats
        parsed = stats.get_value("articles/parsed", 0)
        fallback = stats.get_value("articles/fallback", 0)
        share = fallback / parsed if parsed else 0.0
        settings = self.crawler.settings
        if (
            fallback
            and parsed >= settings.getint("HEALTH_MIN_SAMPLE")
            and share > settings.getfloat("HEALTH_MAX_FALLBACK_SHARE")
        ):
            stats.set_value("articles/fallback_share_exceeded", round(share, 3))
            logger.warning(
                "%s: %d of %d articles (%.0f%%) needed the generic extractor: "
                "the %s parser no longer fits the site's pages",
                self.name,
                fallback,
                parsed,
                share * 100,
                self.parser.name,
            )

    def _on_item_scraped(self, item: Any, spider: scrapy.Spider) -> None:
        if spider is not self:
            return
        self.written += 1
        if self._full and not self._closing:
            self._closing = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="max_items"))

    @property
    def _full(self) -> bool:
        return bool(self.args.max_items and self.written >= self.args.max_items)

    def entry_points(self) -> tuple[str, ...]:
        return self.args.start or (*self.feeds, *self.sitemaps, *self.listings)

    def _admit(self, url: str) -> bool:
        """Whether the URL may be requested: the site's; a refusal is counted by its kind."""
        kind = self.rejection(url)
        if kind is None:
            return True
        self.crawler.stats.inc_value(f"discovery/rejected/{kind}")
        return False

    def _request(self, url: str, **kwargs: Any) -> scrapy.Request | None:
        """The one place a request is built: None, counted, when the URL is not the site's."""
        return scrapy.Request(url, **kwargs) if self._admit(url) else None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.args.url:
            # parse_arguments has refused a URL off the site: this request is always built.
            request = self._request(self.args.url, callback=self.parse_article, dont_filter=True)
            if request is not None:
                self.crawler.stats.inc_value("discovery/article_requests")
                yield request
            return
        for url in self.entry_points():
            request = self._request(url, callback=self.parse_entry, cb_kwargs={"page": 1})
            if request is None:
                logger.warning(
                    "%s: entry point %s is not on the site: not requested", self.name, url
                )
            else:
                yield request

    # Discovery -----------------------------------------------------------------------------

    def parse_entry(self, response: Response, page: int = 1) -> Iterator[scrapy.Request]:
        """Any entry page: a sitemap index, a sitemap, a feed or an HTML listing."""
        stats = self.crawler.stats
        try:
            body = decompress(response.body, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, EOFError, ValueError) as error:
            stats.inc_value("discovery/unreadable")
            logger.warning("unreadable entry page %s: %s", response.url, error)
            return
        kind = page_kind(body)
        stats.inc_value(f"discovery/pages/{kind.value}")
        if kind is PageKind.SITEMAP_INDEX:
            for link in sitemap_links(body):
                if link.date and self.args.since and link.date < self.args.since:
                    stats.inc_value("discovery/sitemaps_older_than_since")
                elif (request := self._request(link.url, callback=self.parse_entry)) is not None:
                    yield request
                else:
                    stats.inc_value("discovery/offsite")
        elif kind is PageKind.SITEMAP:
            yield from self._queue_articles(sitemap_links(body))
        elif kind is PageKind.FEED:
            yield from self._queue_articles(feed_links(body, response.url))
        elif not isinstance(response, TextResponse):
            stats.inc_value("discovery/unreadable")
            logger.warning("entry page %s is neither XML nor HTML", response.url)
        elif self.is_article_url(response.url):
            yield from self.parse_article(response)
        else:
            yield from self._parse_listing(response, page)

    def _parse_listing(self, response: TextResponse, page: int) -> Iterator[scrapy.Request]:
        links, next_pages = listing_links(response.selector, response.url, self.parser.listing)
        # Every link is checked and a refused one counted: menus, share buttons, mailto: links.
        articles = [
            link for link in links if self._admit(link.url) and self.is_article_url(link.url)
        ]
        # Links newer than `until` are not requested, yet they are news: paging goes on past them.
        unknown = [link for link in articles if not self._known(url_key(link.url))]
        yield from self._queue_articles(articles, count_offsite=False)
        dated = [link.date for link in articles if link.date]
        past_since = bool(dated) and self.args.since is not None and max(dated) < self.args.since
        max_pages = self.crawler.settings.getint("LISTING_MAX_PAGES")
        stats = self.crawler.stats
        if not next_pages:
            return
        if past_since:
            stats.inc_value("discovery/listing_stopped/past_since")
        elif not unknown and not self.args.refresh:
            stats.inc_value("discovery/listing_stopped/nothing_new")
        elif page >= max_pages:
            stats.inc_value("discovery/listing_stopped/max_pages")
        elif not self._full:
            request = self._request(
                next_pages[0],
                callback=self.parse_entry,
                cb_kwargs={"page": page + 1},
                encoding=response.encoding,
            )
            if request is not None:
                yield request

    def _known(self, key: bytes) -> bool:
        """Queued in this run, or written before (unless refreshing)."""
        return key in self._requested or (not self.args.refresh and self.seen.has_key(key))

    def _queue_articles(
        self, links: Iterable[Link], *, count_offsite: bool = True
    ) -> Iterator[scrapy.Request]:
        """Queue the article links not yet queued this run nor written before; hand out what
        may be requested now.

        Links are filtered before any request is built (building one per known link and letting
        the dupefilter drop it doubled the CPU per page), and the seen store is asked about a
        page's links in one batch.
        """
        stats = self.crawler.stats
        fresh: dict[bytes, str] = {}
        on_this_page: set[bytes] = set()
        for link in links:
            if not self._admit(link.url):
                if count_offsite:
                    stats.inc_value("discovery/offsite")
                continue
            if not self.is_article_url(link.url):
                stats.inc_value("discovery/not_article_url")
                continue
            key = url_key(link.url)
            # A story a page links twice (its title, its comment count) is judged once.
            if key in on_this_page:
                continue
            on_this_page.add(key)
            if not self.args.admits(link.date):
                stats.inc_value("discovery/outside_window")
                continue
            if key not in self._requested:
                self._requested.add(key)
                fresh[key] = link.url
        if not self.args.refresh:
            seen = self.seen.known_keys(fresh)
            gone = self.seen.gone_keys(fresh.keys() - seen, self._gone_since)
            if seen:
                stats.inc_value("discovery/already_seen", len(seen))
            if gone:
                stats.inc_value("discovery/gone", len(gone))
            for key in seen | gone:
                del fresh[key]
        self._pending.extend(fresh.values())
        yield from self._feed()

    def _feed(self) -> Iterator[scrapy.Request]:
        """Requests for queued article URLs, while fewer than ARTICLE_REQUESTS_AHEAD are out.

        ``dont_filter``: ``_requested`` has deduplicated them already, and the dupefilter's
        fingerprint of each would only take memory; in distributed mode the shared dupefilter
        is what keeps two workers from queueing one article.
        """
        stats = self.crawler.stats
        while self._pending and self._ahead < self._ahead_limit and not self._full:
            request = self._request(
                self._pending.popleft(),
                callback=self._article_callback,
                errback=self._article_errback,
                dont_filter=not self._distributed,
            )
            if request is not None:
                self._ahead += 1
                stats.inc_value("discovery/article_requests")
                stats.max_value("discovery/article_requests_ahead_max", self._ahead)
                yield request

    def _parse_queued_article(self, response: Response) -> Iterator[Article | scrapy.Request]:
        self._ahead -= 1
        self.crawler.stats.inc_value("articles/answered")
        yield from self.parse_article(response)
        yield from self._feed()

    def _queued_article_failed(self, failure: Failure) -> None:
        """Record a gone article, hand out the next requests, then let Scrapy log and count the
        failure as usual."""
        self._ahead -= 1
        self.crawler.stats.inc_value("articles/answered")
        if failure.check(HttpError) and failure.value.response.status in GONE_STATUSES:
            request = failure.value.response.request
            # The URL as discovered: the one a listing or sitemap will name again.
            url = request.meta.get("redirect_urls", [request.url])[0]
            self.seen.mark_gone(url_key(url), time.time())
            self.crawler.stats.inc_value("articles/gone")
        self._hand_to_engine()
        failure.raiseException()

    def _on_spider_idle(self, spider: scrapy.Spider) -> None:
        """Nothing in flight: hand out the next batch, if any, and keep the spider open."""
        if spider is not self or not self._pending or self._full:
            return
        self._ahead = 0
        self._hand_to_engine()
        raise DontCloseSpider

    def _hand_to_engine(self) -> None:
        """Hand out the next requests where no callback output can carry them."""
        for request in self._feed():
            self.crawler.engine.crawl(request)

    # Articles ------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Article]:
        stats = self.crawler.stats
        if not self.on_site(response.url):
            # The redirect guard (crawler/offsite.py) leaves none: a second line of defence.
            stats.inc_value("articles/offsite")
            logger.warning("not a page of the site: %s", response.url)
            return
        if not isinstance(response, TextResponse):
            stats.inc_value("articles/not_html")
            logger.warning("not an HTML page: %s", response.url)
            return
        try:
            fields, fallback_reason = self.extract_article(response.text, response.url)
        except NoArticle as reason:
            stats.inc_value("articles/no_article")
            logger.warning("no article at %s: %s", response.url, reason)
            return
        except Exception:
            stats.inc_value("articles/parse_error")
            logger.exception("parser %s failed on %s", self.parser.name, response.url)
            return
        stats.inc_value("articles/parsed")
        if fallback_reason:
            stats.inc_value("articles/fallback")
            logger.info("generic extractor used at %s: %s", response.url, fallback_reason)
        if not self.args.admits(parse_datetime(fields["published_at"])):
            stats.inc_value("articles/outside_window")
            return
        if self._full:
            return
        yield Article(**fields)
