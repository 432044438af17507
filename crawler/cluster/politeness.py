"""One site's request pace, kept across every worker of its crawl.

Scrapy's politeness (DOWNLOAD_DELAY, CONCURRENT_REQUESTS_PER_DOMAIN, AutoThrottle) is per
process: N workers on one site would send it N times one process's requests. Before each
download a worker books the site's next turn in Redis, one Lua call on Redis's own clock (the
hosts' clocks need not agree), and waits for it: turns are DOWNLOAD_DELAY apart, so together the
workers send no more than one request per DOWNLOAD_DELAY, the pace of one process. Each
worker's own slot delay (randomized, AutoThrottle's) still applies after its turn: it may hold a
request back, never send one sooner. Waiting is counted in ``redis/pace_wait_seconds``.

Placed after the replay middleware, which answers before anything is downloaded: replayed
crawls are not slowed, as Scrapy's own delays do not slow them.
"""

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.cluster.keys import CrawlKeys
from crawler.cluster.worker import connect, key_prefix

logger = logging.getLogger(__name__)

# KEYS: the site's next free time. ARGV: the delay (ms). Returns how long to wait (ms).
BOOK = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local at = math.max(ms, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + ARGV[1], 'PX', at - ms + ARGV[1] + 60000)
return at - ms
"""


class SharedPaceMiddleware:
    def __init__(self, crawler: Crawler):
        delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        if delay <= 0:
            raise NotConfigured
        self.crawler = crawler
        self.delay_ms = int(delay * 1000)
        self.client = connect(crawler.settings)
        self.book = self.client.register_script(BOOK)
        self.key = CrawlKeys(key_prefix(crawler.settings), crawler.spidercls.name).pace

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SharedPaceMiddleware":
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        wait_ms = self.book(keys=[self.key], args=[self.delay_ms])
        if wait_ms > 0:
            self.crawler.stats.inc_value("redis/pace_wait_seconds", wait_ms / 1000)
            await maybe_deferred_to_future(deferLater(reactor, wait_ms / 1000))
