"""scrapy-redis's scheduler, with leases: a worker's death loses no request.

scrapy-redis pops a request from the shared queue and forgets it: had the worker died before
finishing it, it would be lost. Here the pop moves it, in one Lua call, from the queue to the
crawl's ``leases`` hash under the worker's id; the lease is deleted once Scrapy has finished the
request (its response parsed and the items it gave through the pipelines: the engine's set of
requests in progress no longer holds it). When a worker's lock expires, the next idle worker
puts its leases back in the queue. A request may so be fetched twice (a worker killed after
writing its article), never written twice: the seen store's claims see to that.

The crawl ends when the queue is empty and no worker holds a lease: until then an idle worker
stays open (``DontCloseSpider``) and looks at the queue every ``REDIS_IDLE_POLL`` seconds (0.2),
waking its engine when requests wait or no lease is left (Scrapy itself looks again only every
5 s, in which time another worker may have emptied a queue of thousands, or ended the crawl).
The worker that finds the crawl finished deletes its keys, so the next crawl starts afresh.

Two private parts of Scrapy's engine are used, here only: its set of requests in progress and
its call for the next request (``engine._slot``). tests/test_distributed.py would fail should
they change.

Stats: ``redis/leases_requeued`` (requests of dead workers put back), ``redis/idle_waits``,
``redis/fenced``.
"""

import hashlib
import logging
import time

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task

from crawler.cluster.keys import CrawlKeys
from crawler.cluster.worker import (
    DEFAULT_CRAWL_TTL,
    DEFAULT_HEARTBEAT,
    DEFAULT_WORKER_TIMEOUT,
    REQUEUE,
    key_prefix,
    process_token,
    seconds,
    worker_id,
)
from crawler.urls import url_key

logger = logging.getLogger(__name__)

DEFAULT_IDLE_POLL = 0.2
# The close reason of a worker that lost its lock while alive: the others have taken its work.
FENCED = "worker_fenced"

# KEYS: queue, leases, own lock. ARGV: token, lease field, then the leases to end (finished
# requests: one call instead of two). Pops the best request into a lease.
POP = """
if #ARGV > 2 then redis.call('HDEL', KEYS[2], unpack(ARGV, 3)) end
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {0} end
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return {1} end
redis.call('HSET', KEYS[2], ARGV[2], popped[2] .. '|' .. popped[1])
return {2, popped[1]}
"""

# KEYS: dupefilter, queue. ARGV: fingerprint ('' for a request not filtered), score, request.
# One call: a worker killed between the filter's record and the push would leave a request
# "seen" that no queue holds, lost to the crawl.
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: own lock, then the crawl's keys to keep alive. ARGV: token, lock ttl ms, crawl ttl s.
HEARTBEAT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
for i = 2, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[3]) end
return 1
"""

# KEYS: queue, leases, workers, info, dupefilter, own lock. ARGV: lock key prefix, token.
# Requeues the leases of workers whose lock expired; deletes the crawl's keys when it is done.
# Returns {requeued, state}: state 1 finished, 0 not yet, -1 this worker is fenced.
FINISH = (
    REQUEUE
    + """
if redis.call('GET', KEYS[6]) ~= ARGV[2] then return {0, -1} end
local requeued = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    requeued = requeued + requeue(KEYS[1], KEYS[2], worker)
    redis.call('SREM', KEYS[3], worker)
  end
end
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('HLEN', KEYS[2]) > 0 then
  return {requeued, 0}
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return {requeued, 1}
"""
)

# KEYS: queue, leases, workers. ARGV: worker. A worker leaving early gives its leases back.
LEAVE = (
    REQUEUE
    + """
local moved = requeue(KEYS[1], KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return moved
"""
)


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue (a sorted set) whose pop leases the request."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.worker = worker_id(spider.settings)
        self.keys = CrawlKeys(key_prefix(spider.settings), spider.name)
        self._pop = server.register_script(POP)
        self._count = 0
        self.fenced = False
        # Lease field -> the request: its lease ends when Scrapy has finished it.
        self.leased: dict[str, Request] = {}
        # Leases of finished requests, ended by the next pop.
        self.finished: list[str] = []

    def pop(self, timeout=0):
        self._count += 1
        field = f"{self.worker}:{self._count}"
        reply = self._pop(
            keys=[self.key, self.keys.leases, self.keys.worker(self.worker)],
            args=[process_token(), field, *self.finished],
        )
        self.finished.clear()
        if reply[0] == 0:
            self.fenced = True
            return None
        if reply[0] == 1:
            return None
        request = self._decode_request(reply[1])
        self.leased[field] = request
        return request


class DupeFilter(RFPDupeFilter):
    """scrapy-redis's shared filter, on 16-byte fingerprints (the seen store's url_key for a
    GET), which the crawl's end deletes rather than any one worker's close."""

    def request_fingerprint(self, request: Request) -> bytes:
        if request.method == "GET" and not request.body:
            return url_key(request.url)
        digest = hashlib.sha1(request.method.encode() + b" " + request.url.encode())
        digest.update(request.body)
        return digest.digest()[:16]

    def close(self, reason: str = "") -> None:
        """Kept: other workers share it (the crawl's end deletes it)."""


class Scheduler(RedisScheduler):
    """The shared queue of a site's crawl, leased, with the worker's heartbeat."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "Scheduler":
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.worker = worker_id(settings)
        scheduler.lock_ttl_ms = int(
            seconds(settings, "REDIS_WORKER_TIMEOUT", DEFAULT_WORKER_TIMEOUT) * 1000
        )
        scheduler.heartbeat_every = seconds(settings, "REDIS_HEARTBEAT", DEFAULT_HEARTBEAT)
        scheduler.crawl_ttl = int(seconds(settings, "REDIS_CRAWL_TTL", DEFAULT_CRAWL_TTL))
        scheduler.idle_poll = seconds(settings, "REDIS_IDLE_POLL", DEFAULT_IDLE_POLL)
        return scheduler

    def open(self, spider):
        """scrapy-redis's queue and filter, without its spider.log(), which Scrapy 2.19
        deprecates; then the heartbeat."""
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server,
            spider=spider,
            key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )
        self.df = self.df or load_object(self.dupefilter_cls).from_spider(spider)
        self.keys = CrawlKeys(key_prefix(self.crawler.settings), spider.name)
        queued = len(self.queue)
        if queued:
            logger.info("%s: joining a crawl with %d requests queued", spider.name, queued)
        self._enqueue_script = self.server.register_script(ENQUEUE)
        self._heartbeat_script = self.server.register_script(HEARTBEAT)
        self._finish_script = self.server.register_script(FINISH)
        self._leave_script = self.server.register_script(LEAVE)
        self._starting = True
        self._last_beat = time.monotonic()
        self._stopping = False
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        self._heart = task.LoopingCall(self._heartbeat)
        self._heart.start(self.heartbeat_every, now=False)
        self._waiting = task.LoopingCall(self._wake_if_queued)

    def close(self, reason):
        """Not scrapy-redis's flush: the queue is the crawl's, not this worker's. Unfinished
        leases (a stop before the end) go back to the queue for the others."""
        for loop in (self._heart, self._waiting):
            if loop.running:
                loop.stop()
        try:
            self._release_finished()
            moved = self._leave_script(
                keys=[self.keys.queue, self.keys.leases, self.keys.workers], args=[self.worker]
            )
        except redis.RedisError as error:
            logger.error("%s: leaving the crawl in Redis failed: %s", self.spider.name, error)
            return
        if moved:
            logger.info(
                "%s: %d unfinished requests went back to the queue", self.spider.name, moved
            )

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's filter-then-push, in one Lua call (see ENQUEUE)."""
        fingerprint = b"" if request.dont_filter else self.df.request_fingerprint(request)
        queued = self._enqueue_script(
            keys=[self.df.key, self.queue.key],
            args=[fingerprint, -request.priority, self.queue._encode_request(request)],
        )
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    # scrapy-redis's, without the spider argument to stats that Scrapy 2.19 deprecates.
    def next_request(self) -> Request | None:
        try:
            self.queue.finished = self._finished_leases()
            request = self.queue.pop()
        except redis.RedisError as error:
            # Nothing to hand out; the heartbeat stops the worker if Redis stays away.
            self._redis_failed("taking a request", error)
            return None
        if self.queue.fenced:
            self._stop_fenced()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return len(self) > 0
        except redis.RedisError as error:
            self._redis_failed("counting the queue", error)
            return False  # idle, then: _on_idle keeps the spider open

    def _redis_failed(self, doing: str, error: redis.RedisError) -> None:
        self.stats.inc_value("redis/errors")
        logger.error("%s: %s in Redis failed: %s", self.spider.name, doing, error)

    def _finished_leases(self) -> list[str]:
        """The leases of the requests Scrapy has finished, forgotten here; the caller ends them
        in Redis."""
        leased = self.queue.leased
        slot = self.crawler.engine._slot
        if slot is None:  # the engine has closed: what is leased stays for LEAVE to put back
            return []
        # The engine's requests in progress: a request stays there until its response's
        # callback and the items it gave are through (scrapy.core.engine).
        in_progress = slot.inprogress
        done = [field for field, request in leased.items() if request not in in_progress]
        for field in done:
            del leased[field]
        return done

    def _release_finished(self) -> None:
        """End the leases of the requests Scrapy has finished."""
        done = self._finished_leases()
        if done:
            self.server.hdel(self.keys.leases, *done)

    def _heartbeat(self) -> None:
        keys = self.keys
        try:
            alive = self._heartbeat_script(
                keys=[keys.worker(self.worker), *keys.all()],
                args=[process_token(), self.lock_ttl_ms, self.crawl_ttl],
            )
            self._release_finished()
        except redis.RedisError as error:
            self.stats.inc_value("redis/heartbeat_errors")
            silent = time.monotonic() - self._last_beat
            logger.error(
                "%s: Redis heartbeat failed (%.0f s without): %s", keys.site, silent, error
            )
            if silent * 1000 >= self.lock_ttl_ms:
                self._stop_fenced()
            return
        self._last_beat = time.monotonic()
        if not alive:
            self._stop_fenced()

    def _stop_fenced(self) -> None:
        """This worker's lock expired: the others may have taken its requests. Stop."""
        if self._stopping:
            return
        self._stopping = True
        self.stats.inc_value("redis/fenced")
        logger.error(
            "%s: worker %s lost its lock in Redis (no heartbeat for %.0f s): it stops, and its "
            "unfinished requests are left to the other workers",
            self.spider.name,
            self.worker,
            self.lock_ttl_ms / 1000,
        )
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=FENCED))

    def _on_idle(self, spider) -> None:
        """Stay open until the whole crawl is done, not just this worker's share."""
        if spider is not self.spider or self._stopping:
            return
        keys = self.keys
        try:
            self._release_finished()
            if self._starting:
                # Idle means this worker's entry points are queued: it no longer starts the crawl.
                self.server.hdel(keys.leases, f"{self.worker}:start")
                self._starting = False
            requeued, state = self._finish_script(
                keys=[
                    keys.queue,
                    keys.leases,
                    keys.workers,
                    keys.info,
                    keys.dupefilter,
                    keys.worker(self.worker),
                ],
                args=[keys.worker(""), process_token()],
            )
        except redis.RedisError as error:
            # Not finished for all this worker knows: wait; the heartbeat stops it if Redis
            # stays away.
            self._redis_failed("checking the crawl's end", error)
            raise DontCloseSpider from None
        if requeued:
            self.stats.inc_value("redis/leases_requeued", requeued)
            logger.warning(
                "%s: %d requests of workers whose lock expired went back to the queue",
                spider.name,
                requeued,
            )
        if state == -1:
            self._stop_fenced()
        elif state == 0:
            self.stats.inc_value("redis/idle_waits")
            if not self._waiting.running:
                self._waiting.start(self.idle_poll, now=False)
            raise DontCloseSpider

    def _wake_if_queued(self) -> None:
        """While idle: wake the engine as soon as the queue holds requests, or no worker holds
        a lease (the crawl may be over: the engine's idle check then asks _on_idle)."""
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.keys.queue)
        pipe.hlen(self.keys.leases)
        try:
            queued, leased = pipe.execute()
        except redis.RedisError:
            return  # the heartbeat reports a Redis that does not answer
        if queued or not leased:
            self._waiting.stop()
            self.crawler.engine._slot.nextcall.schedule()
