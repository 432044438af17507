"""Who a worker is, and its lock on a site's crawl in Redis.

A worker is one process of distributed mode, named by ``WORKER_ID`` (the host name unless set;
give each process on one host its own, as the systemd template unit does with ``%H-%i``). Its
output files carry the id, so a restarted worker finds its own lines again. The lock,
``<prefix>:crawl:<site>:worker:<id>``, holds the process's token with a TTL that the scheduler's
heartbeat renews: a second process with the same id is refused while the first lives, and once
the lock expires the other workers put the dead one's requests back in the queue. A worker whose
lock expired while it lived (paused past the TTL) is fenced: its Redis writes are refused.
"""

import json
import logging
import os
import socket
import uuid
from datetime import datetime

import redis
from scrapy.settings import BaseSettings

from crawler.cluster.keys import DEFAULT_PREFIX, KEY_PREFIX, WORKER_ID, CrawlKeys
from crawler.dates import VN_TZ, to_iso
from crawler.locks import LockUnavailable, SiteLocked
from crawler.spiders.arguments import ArgumentError

logger = logging.getLogger(__name__)

# Seconds: how long a lock outlives its last heartbeat, and how often the heartbeat runs.
DEFAULT_WORKER_TIMEOUT = 30.0
DEFAULT_HEARTBEAT = 2.0
# Seconds a crawl's keys outlive the last heartbeat of any of its workers (7 days): a crawl
# every worker abandoned for good is forgotten, not kept forever.
DEFAULT_CRAWL_TTL = 7 * 24 * 3600

# One token per process: it tells this process's lock from a dead predecessor's.
_TOKEN = json.dumps(
    {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": to_iso(datetime.now(VN_TZ)),
        "nonce": uuid.uuid4().hex[:12],
    },
    separators=(",", ":"),
)

# Put a worker's leases back in the queue (a "starting" lease has no request).
REQUEUE = """
local function requeue(queue, leases, worker)
  local moved = 0
  local all = redis.call('HGETALL', leases)
  local prefix = worker .. ':'
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, #prefix) == prefix then
      local bar = string.find(all[i + 1], '|', 1, true)
      if bar then
        redis.call('ZADD', queue, string.sub(all[i + 1], 1, bar - 1),
                   string.sub(all[i + 1], bar + 1))
        moved = moved + 1
      end
      redis.call('HDEL', leases, all[i])
    end
  end
  return moved
end
"""

# KEYS: lock, workers set, info hash, leases hash, queue. ARGV: token, ttl ms, worker, now, the
# token of a holder known dead (or ''). Takes the lock unless another live process holds it,
# and joins the crawl with a "starting" lease, which keeps the crawl from looking finished
# until this worker's entry points are queued. What an earlier process of this worker left
# leased goes back to the queue. Returns {holder} when held, else {false, the crawl's start,
# requests put back}.
JOIN = (
    REQUEUE
    + """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and holder ~= ARGV[5] then return {holder} end
local requeued = 0
if holder ~= ARGV[1] then requeued = requeue(KEYS[5], KEYS[4], ARGV[3]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('HSETNX', KEYS[3], 'started_at', ARGV[4])
redis.call('HSETNX', KEYS[3], 'started_by', ARGV[3])
redis.call('HSET', KEYS[4], ARGV[3] .. ':start', '')
return {false, redis.call('HGET', KEYS[3], 'started_at'), requeued}
"""
)

# KEYS: the site's last success. ARGV: a crawl's start (ISO 8601, one zone: they sort).
# Keeps the later of the two: a worker of an older crawl finishing late must not move it back.
RECORD_SUCCESS = """
local known = redis.call('GET', KEYS[1])
if not known or known < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) end
"""

# KEYS: lock. ARGV: token. Deletes the lock only if it is this process's.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def process_token() -> str:
    return _TOKEN


def key_prefix(settings: BaseSettings) -> str:
    return settings.get("REDIS_KEY_PREFIX") or DEFAULT_PREFIX


def worker_id(settings: BaseSettings) -> str:
    """The worker's id: ``WORKER_ID`` or the host name; ArgumentError when it is unusable."""
    worker = settings.get("WORKER_ID") or socket.gethostname().split(".")[0]
    if not WORKER_ID.fullmatch(worker):
        raise ArgumentError(
            f"WORKER_ID={worker!r}: expected 1 to 64 letters, digits, '.', '_' or '-' "
            "(it names the worker's output files)"
        )
    return worker


def seconds(settings: BaseSettings, name: str, default: float) -> float:
    try:
        value = float(settings.get(name) or default)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ArgumentError(f"{name}={settings.get(name)!r}: expected a positive number of seconds")
    return value


def connect(settings: BaseSettings) -> redis.Redis:
    """A client of ``REDIS_URL``, with bytes replies (keys are binary)."""
    return redis.Redis.from_url(settings["REDIS_URL"], socket_timeout=30, socket_connect_timeout=10)


def shown_url(url: str) -> str:
    """The Redis URL without its password, for logs and messages."""
    parsed = redis.connection.parse_url(url)
    host = parsed.get("host") or parsed.get("path", "")
    port = f":{parsed['port']}" if parsed.get("port") else ""
    return f"redis://{host}{port}/{parsed.get('db', 0)}"


def check_settings(settings: BaseSettings) -> None:
    """Stop a distributed run whose settings make no sense, before anything starts."""
    worker_id(settings)
    prefix = key_prefix(settings)
    if not KEY_PREFIX.fullmatch(prefix):
        raise ArgumentError(
            f"REDIS_KEY_PREFIX={prefix!r}: expected letters, digits, '.', '_', '-' or ':'"
        )
    timeout = seconds(settings, "REDIS_WORKER_TIMEOUT", DEFAULT_WORKER_TIMEOUT)
    heartbeat = seconds(settings, "REDIS_HEARTBEAT", DEFAULT_HEARTBEAT)
    seconds(settings, "REDIS_CRAWL_TTL", DEFAULT_CRAWL_TTL)
    if heartbeat * 3 > timeout:
        raise ArgumentError(
            f"REDIS_HEARTBEAT={heartbeat:g} with REDIS_WORKER_TIMEOUT={timeout:g}: expected a "
            "heartbeat at most a third of the timeout, or a live worker's lock may expire"
        )
    try:
        redis.connection.parse_url(settings["REDIS_URL"])
    except ValueError as error:
        raise ArgumentError(f"REDIS_URL={settings['REDIS_URL']!r}: {error}") from None


class WorkerLock:
    """The worker's lock on a site's crawl: the distributed counterpart of SiteLock."""

    def __init__(self, settings: BaseSettings, site: str):
        self.settings = settings
        self.site = site
        self.worker = worker_id(settings)
        self.keys = CrawlKeys(key_prefix(settings), site)
        self.ttl_ms = int(seconds(settings, "REDIS_WORKER_TIMEOUT", DEFAULT_WORKER_TIMEOUT) * 1000)
        self.url = shown_url(settings["REDIS_URL"])
        self.client: redis.Redis | None = None
        self.crawl_started_at = ""  # the crawl's start, as its first worker recorded it

    def acquire(self) -> "WorkerLock":
        """Take the lock and join the crawl, or raise SiteLocked naming the holder."""
        self.client = connect(self.settings)
        try:
            reply = self._join(dead_holder=b"")
            if reply[0] and _died_here(reply[0]):
                # Killed on this host moments ago: its lock has not expired yet, its pid is gone.
                reply = self._join(dead_holder=reply[0])
        except redis.RedisError as error:
            self.client.close()
            self.client = None
            raise LockUnavailable(f"Redis at {self.url} did not answer: {error}") from None
        if reply[0]:
            raise SiteLocked(
                f"{self.site}: worker {self.worker} is running already ({_holder(reply[0])}): "
                "give each process its own -s WORKER_ID"
            )
        self.crawl_started_at = reply[1].decode()
        if reply[2]:
            logger.warning(
                "%s: %d requests an earlier process of worker %s left unfinished went back to "
                "the queue",
                self.site,
                reply[2],
                self.worker,
            )
        return self

    def _join(self, dead_holder: bytes) -> list:
        keys = self.keys
        return self.client.eval(
            JOIN,
            5,
            keys.worker(self.worker),
            keys.workers,
            keys.info,
            keys.leases,
            keys.queue,
            process_token(),
            self.ttl_ms,
            self.worker,
            to_iso(datetime.now(VN_TZ)),
            dead_holder,
        )

    def record_success(self) -> None:
        """The crawl this worker joined ended healthy here: the next starts from its start."""
        try:
            self.client.eval(RECORD_SUCCESS, 1, self.keys.last_success, self.crawl_started_at)
        except redis.RedisError as error:
            raise OSError(f"Redis at {self.url}: {error}") from None

    def release(self) -> None:
        if self.client is None:
            return
        try:
            self.client.eval(RELEASE, 1, self.keys.worker(self.worker), process_token())
        except redis.RedisError:
            pass  # the lock expires by itself
        self.client.close()
        self.client = None


def _died_here(token: bytes) -> bool:
    """Whether the lock's holder was a process of this host that no longer runs."""
    try:
        note = json.loads(token)
        if note["host"] != socket.gethostname():
            return False
        os.kill(int(note["pid"]), 0)
    except ProcessLookupError:
        return True
    except (ValueError, KeyError, TypeError, PermissionError):
        return False
    return False


def _holder(token: bytes) -> str:
    try:
        note = json.loads(token)
        return f"pid {note['pid']} on {note['host']} since {note['since']}"
    except (ValueError, KeyError, TypeError):
        return "holder unknown"


def crawl_last_success(settings: BaseSettings, site: str) -> datetime | None:
    """When the site's last healthy distributed crawl started, or None."""
    key = CrawlKeys(key_prefix(settings), site).last_success
    try:
        with connect(settings) as client:
            value = client.get(key)
    except redis.RedisError:
        return None  # the lock, taken next, reports a Redis that does not answer
    return datetime.fromisoformat(value.decode()) if value else None
