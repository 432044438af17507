"""The seen store of distributed mode, in Redis, shared by every worker (key layout: keys.py).

Two workers may hold the same article (one URL in two listings fetched at once, one story at
two URLs), so writing takes a claim first. A worker's writer (``<site>/<worker>``) claims the
article's URL and content key in one Lua call, which refuses what is written or claimed by a
live writer; it then writes and fsyncs its line and confirms, recording its file's new size.
A writer has one claim pending at a time (a process writes one line at a time).

A writer that dies leaves its claim pending. Another writer that meets the claim takes it over
(``redis/claims_taken_over``) once the dead one's lock has expired, and notes where the dead
one's line would start; the dead writer's restart (the same ``WORKER_ID``) cuts its file there.
A writer that restarts with its own claim pending keeps the line if it is whole and confirms
it, or cuts it and withdraws the claim. Lines after a file's recorded size with no claim (Redis
lost its data) are recorded as seen, as the SQLite store's recovery does, so output and store
agree again. A writer whose lock expired while it lived is refused (fenced): it cuts its line
and stops.
"""

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import redis
from scrapy import signals
from scrapy.crawler import Crawler

from crawler.cluster.keys import CrawlKeys, SeenKeys
from crawler.cluster.worker import connect, key_prefix, process_token, shown_url, worker_id
from crawler.seen import (
    AlreadyWritten,
    Seen,
    complete_lines,
    content_key,
    cut_file,
    tail_articles,
)
from crawler.urls import url_key

logger = logging.getLogger(__name__)

# Keys per HMGET / ZMSCORE of a batch lookup.
KEY_BATCH = 1000

# Shared by the scripts. KEYS: urls, contents, claims, pending, stolen, files, own lock.
# A pending claim: url key (16 bytes), content key (16 bytes), "<start>|<file>". A claim is not
# in urls and contents until confirmed: lookups (the dedup pipeline, the spider's discovery) see
# written articles only, so the article of a dead writer's claim is fetched again and taken over.
_CLAIMS = """
local function lock_of(writer)
  local slash = string.find(writer, '/', 1, true)
  return ARGV[1] .. string.sub(writer, 1, slash - 1) .. ':worker:' .. string.sub(writer, slash + 1)
end
local function withdraw(writer)
  local claim = redis.call('HGET', KEYS[4], writer)
  if not claim then return false end
  redis.call('HDEL', KEYS[3], 'u' .. string.sub(claim, 1, 16), 'c' .. string.sub(claim, 17, 32))
  redis.call('HDEL', KEYS[4], writer)
  return string.sub(claim, 33)
end
"""

# ARGV: lock prefix, writer, token, url key, content key, refresh ('1'/'0'), "<start>|<file>".
CLAIM = (
    _CLAIMS
    + """
if redis.call('GET', KEYS[7]) ~= ARGV[3] then return 'fenced' end
withdraw(ARGV[2])
local previous = redis.call('HGET', KEYS[1], ARGV[4])
if previous and (ARGV[6] == '0' or previous == ARGV[5]) then return 'duplicate_url' end
if redis.call('SISMEMBER', KEYS[2], ARGV[5]) == 1 then return 'duplicate_content' end
local taken = 0
for _, name in ipairs({'u' .. ARGV[4], 'c' .. ARGV[5]}) do
  local owner = redis.call('HGET', KEYS[3], name)
  if owner then
    if redis.call('EXISTS', lock_of(owner)) == 1 then
      return string.sub(name, 1, 1) == 'u' and 'duplicate_url' or 'duplicate_content'
    end
    redis.call('HSET', KEYS[5], owner, withdraw(owner))
    taken = taken + 1
  end
end
redis.call('HSET', KEYS[3], 'u' .. ARGV[4], ARGV[2], 'c' .. ARGV[5], ARGV[2])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[4] .. ARGV[5] .. ARGV[7])
return 'ok' .. taken
"""
)

# ARGV: lock prefix, writer, token, file, size. Records the claimed article as written.
CONFIRM = (
    _CLAIMS
    + """
if redis.call('GET', KEYS[7]) ~= ARGV[3] then return 'fenced' end
local claim = redis.call('HGET', KEYS[4], ARGV[2])
if not claim then return 'lost' end
redis.call('HSET', KEYS[1], string.sub(claim, 1, 16), string.sub(claim, 17, 32))
redis.call('SADD', KEYS[2], string.sub(claim, 17, 32))
withdraw(ARGV[2])
redis.call('HSET', KEYS[6], ARGV[4], ARGV[5])
return 'ok'
"""
)

# ARGV: lock prefix, writer. Withdraws the writer's pending claim.
WITHDRAW = (
    _CLAIMS
    + """
return withdraw(ARGV[2])
"""
)

# ARGV: file, size, then url key and content key pairs. Records lines found on disk.
ADOPT = """
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('SADD', KEYS[2], ARGV[i + 1])
end
redis.call('HSET', KEYS[6], ARGV[1], ARGV[2])
"""


class Fenced(Exception):
    """This writer's lock expired: another worker may have taken its claim."""


class RedisSeenStore(Seen):
    """The seen store of one site's crawler in distributed mode."""

    errors = (redis.RedisError, Fenced)

    def __init__(self, settings, site: str):
        self.data_dir = Path(settings.get("DATA_DIR") or "data")
        self.site = site
        self.worker = worker_id(settings)
        self.writer = f"{site}/{self.worker}"
        prefix = key_prefix(settings)
        self.keys = SeenKeys(prefix)
        self.lock = CrawlKeys(prefix, site).worker(self.worker)
        self.lock_prefix = f"{prefix}:crawl:"
        self.path = shown_url(settings["REDIS_URL"])
        self.client = connect(settings)
        self._claim = self.client.register_script(CLAIM)
        self._confirm = self.client.register_script(CONFIRM)
        self._withdraw = self.client.register_script(WITHDRAW)
        self._adopt = self.client.register_script(ADOPT)
        self.recovered = 0
        self.stats = None  # from_crawler sets the crawler's

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedisSeenStore":
        store = cls(crawler.settings, crawler.spidercls.name)
        store.recover()
        if store.recovered:
            crawler.stats.set_value("seen_store/recovered_lines", store.recovered)
        store.stats = crawler.stats
        crawler.signals.connect(store.close, signal=signals.spider_closed)
        return store

    def close(self) -> None:
        self.client.close()

    def _claim_keys(self) -> list[str]:
        keys = self.keys
        return [
            keys.urls,
            keys.contents,
            keys.claims,
            keys.pending,
            keys.stolen,
            keys.files,
            self.lock,
        ]

    # Lookups ---------------------------------------------------------------------------------

    def has_key(self, key: bytes) -> bool:
        return bool(self.client.hexists(self.keys.urls, key))

    def known_keys(self, keys) -> set[bytes]:
        found: set[bytes] = set()
        for batch in _batches(keys):
            values = self.client.hmget(self.keys.urls, batch)
            found.update(key for key, value in zip(batch, values, strict=True) if value)
        return found

    def gone_keys(self, keys, since: float) -> set[bytes]:
        found: set[bytes] = set()
        for batch in _batches(keys):
            scores = self.client.zmscore(self.keys.gone, batch)
            found.update(
                key for key, at in zip(batch, scores, strict=True) if at is not None and at >= since
            )
        return found

    def mark_gone(self, key: bytes, at: float) -> None:
        self.client.zadd(self.keys.gone, {key: at})

    def prune_gone(self, before: float) -> None:
        self.client.zremrangebyscore(self.keys.gone, "-inf", f"({before}")

    def url_content_changed(self, url: str, content_hash: str) -> bool | None:
        known = self.client.hget(self.keys.urls, url_key(url))
        return None if known is None else known != content_key(content_hash)

    def has_content(self, content_hash: str) -> bool:
        return bool(self.client.sismember(self.keys.contents, content_key(content_hash)))

    def written_state(self, url: str, content_hash: str) -> tuple[bool | None, bool]:
        content = content_key(content_hash)
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(self.keys.urls, url_key(url))
        pipe.sismember(self.keys.contents, content)
        known, written = pipe.execute()
        return (None if known is None else known != content), bool(written)

    def recorded_size(self, file: Path) -> int | None:
        size = self.client.hget(self.keys.files, self._relative(file))
        return None if size is None else int(size)

    # Writing ---------------------------------------------------------------------------------

    def claim(self, url: str, content_hash: str, file: Path, start: int, refresh: bool) -> None:
        reply = self._claim(
            keys=self._claim_keys(),
            args=[
                self.lock_prefix,
                self.writer,
                process_token(),
                url_key(url),
                content_key(content_hash),
                "1" if refresh else "0",
                f"{start}|{self._relative(file)}",
            ],
        ).decode()
        if reply == "fenced":
            raise Fenced(f"worker {self.worker} lost its lock on {self.site}")
        if reply.startswith("duplicate_"):
            raise AlreadyWritten(reply)
        taken = int(reply.removeprefix("ok"))
        if taken:
            logger.warning("%s: took over %d claims of a writer whose lock expired", url, taken)
            if self.stats is not None:
                self.stats.inc_value("redis/claims_taken_over", taken)

    def record(self, url: str, content_hash: str, file: Path, size: int) -> None:
        reply = self._confirm(
            keys=self._claim_keys(),
            args=[self.lock_prefix, self.writer, process_token(), self._relative(file), size],
        ).decode()
        if reply != "ok":
            raise Fenced(f"worker {self.worker} lost its lock on {self.site}; its claim: {reply}")

    def abandon(self) -> None:
        self._withdraw(keys=self._claim_keys(), args=[self.lock_prefix, self.writer])

    # Recovery --------------------------------------------------------------------------------

    def _own_files(self) -> list[Path]:
        name = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}\.{re.escape(self.worker)}\.jsonl")
        folder = self.data_dir / self.site
        if not folder.is_dir():
            return []
        return sorted(file for file in folder.iterdir() if name.fullmatch(file.name))

    def recover(self) -> None:
        """Settle what this writer left when it last stopped: see the module's docstring."""
        keys = self.keys
        taken = self.client.hget(keys.stolen, self.writer)
        if taken is not None:
            start, _, relative = taken.decode().partition("|")
            file = self.data_dir / relative
            if file.exists() and file.stat().st_size > int(start):
                logger.warning(
                    "%s: cutting the line another worker wrote while this one was dead", file
                )
                cut_file(file, int(start))
            self.client.hdel(keys.stolen, self.writer)
        claim = self.client.hget(keys.pending, self.writer)
        if claim is not None:
            self._settle_claim(claim)
        for file in self._own_files():
            recorded = self.recorded_size(file) or 0
            size = file.stat().st_size
            if size > recorded:
                self._adopt_tail(file, recorded)
            elif size < recorded:
                logger.warning("%s is shorter than recorded (%d < %d bytes)", file, size, recorded)

    def _settle_claim(self, claim: bytes) -> None:
        """A claim this writer left pending: confirm its line if whole, else withdraw it."""
        start, _, relative = claim[32:].decode().partition("|")
        start = int(start)
        file = self.data_dir / relative
        lines, complete, size = complete_lines(file, start) if file.exists() else ([], start, 0)
        whole = False
        if lines:
            try:
                whole = url_key(json.loads(lines[0])["url"]) == claim[:16]
            except (ValueError, KeyError, TypeError):
                whole = False
        if whole:
            end = start + len(lines[0]) + 1
            if complete > end:
                cut_file(file, end)  # nothing is written after a pending line
            self._confirm(
                keys=self._claim_keys(),
                args=[self.lock_prefix, self.writer, process_token(), relative, end],
            )
            self.recovered += 1
            logger.info("%s: a line written before the last stop was confirmed", file)
            return
        if file.exists() and size > start:
            logger.warning("cutting a torn last line of %d bytes from %s", size - start, file)
            cut_file(file, start)
        self.abandon()

    def _adopt_tail(self, file: Path, offset: int) -> None:
        articles, complete = tail_articles(file, offset)
        pairs = [key for article in articles for key in article]
        self._adopt(keys=self._claim_keys(), args=[self._relative(file), complete, *pairs])
        self.recovered += len(articles)
        logger.warning(
            "%s: %d lines Redis had no record of were recorded as seen", file, len(articles)
        )


def _batches(keys) -> Iterator[list[bytes]]:
    """``keys`` without repeats, KEY_BATCH at a time: one HMGET or ZMSCORE each."""
    wanted = list(set(keys))
    for start in range(0, len(wanted), KEY_BATCH):
        yield wanted[start : start + KEY_BATCH]
