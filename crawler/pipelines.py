"""Item pipelines, in order: normalize, validate, dedup, write (see ITEM_PIPELINES).

Every dropped item is counted in the stats under ``dropped/<reason>`` and logged with its URL.
"""

import hashlib
import json
import logging
import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import fastjsonschema
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.dates import VN_TZ, to_iso
from crawler.items import ARTICLE_FIELDS, SCHEMA_VERSION, article_schema
from crawler.report import FILLED_FIELDS, run_worker
from crawler.seen import AlreadyWritten, Seen
from crawler.text import clean_text

logger = logging.getLogger(__name__)


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def fingerprint(title: str, body: str) -> str:
    """The content hash: the same normalized title and body under any URL is the same article."""
    text = clean_text(f"{title}\n{body}").casefold()
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _drop(crawler: Crawler, reason: str, adapter: ItemAdapter, detail: str = "") -> DropItem:
    """Count the drop under ``dropped/<reason>``; duplicates are routine, the rest are warnings."""
    crawler.stats.inc_value(f"dropped/{reason}")
    level = "INFO" if reason.startswith("duplicate") else "WARNING"
    suffix = f" ({detail})" if detail else ""
    return DropItem(f"{reason}: {adapter.get('url')}{suffix}", log_level=level)


class NormalizePipeline:
    """Unicode NFC and collapsed white space in every text; crawl time, hash and schema stamped."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "NormalizePipeline":
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for name, value in adapter.items():
            adapter[name] = self._normalize(name, value)
        adapter["body"] = "\n\n".join(
            p for p in map(clean_text, _PARAGRAPH_BREAK.split(adapter.get("body") or "")) if p
        )
        adapter["crawled_at"] = to_iso(datetime.now(VN_TZ))
        adapter["content_hash"] = fingerprint(adapter.get("title") or "", adapter["body"])
        adapter["schema_version"] = SCHEMA_VERSION
        return item

    def _normalize(self, name: str, value):
        if isinstance(value, str):
            # The body keeps its paragraph breaks; they are cleaned paragraph by paragraph.
            return (
                unicodedata.normalize("NFC", value) if name == "body" else clean_text(value) or None
            )
        if isinstance(value, list):
            items = (self._normalize(name, v) for v in value)
            return [v for v in items if v is not None]
        if isinstance(value, dict):
            return {k: self._normalize(k, v) for k, v in value.items()}
        return value


class ValidatePipeline:
    """Drops an item that breaks the JSON Schema of a line, naming the first broken field.

    Every item goes through the schema compiled to Python by fastjsonschema, ~10 times faster
    than jsonschema (0.11 against 1.2 ms on a 60 KB page's item: docs/reliability/load.md);
    only an item it refuses is read again by jsonschema, whose first error, in a stable order,
    is the one named.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        schema = article_schema()
        self.check = fastjsonschema.compile(schema)
        self.validator = Draft202012Validator(schema)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ValidatePipeline":
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for name in ("title", "published_at", "body"):
            if not adapter.get(name):
                raise _drop(self.crawler, f"missing_{name}", adapter)
        # Shallow: the values are plain lists and dicts already; asdict() copied them all.
        data = dict(adapter.items())
        try:
            self.check(data)
            return item
        except fastjsonschema.JsonSchemaValueException:
            error = next(iter(sorted(self.validator.iter_errors(data), key=str)), None)
        if error is not None:
            where = "/".join(map(str, error.absolute_path)) or "item"
            raise _drop(self.crawler, "invalid", adapter, f"{where}: {error.message}")
        return item


def _seen_store(crawler: Crawler) -> Seen:
    store = crawler.get_extension(Seen)
    if store is None:
        raise NotConfigured("the dedup and writer pipelines need the SeenStore extension enabled")
    return store


class DedupPipeline:
    """Drops an article already written: the same canonical URL, or the same content elsewhere.

    With the spider argument ``refresh=1`` an already written URL passes when its content changed.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store = _seen_store(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "DedupPipeline":
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        content_hash = adapter["content_hash"]
        changed, content_written = self.store.written_state(adapter["url"], content_hash)
        if changed is False:
            raise _drop(self.crawler, "duplicate_url", adapter)
        if changed and not getattr(self.crawler.spider, "refresh", False):
            raise _drop(self.crawler, "duplicate_url", adapter)
        if content_written:
            raise _drop(self.crawler, "duplicate_content", adapter)
        if changed:
            self.crawler.stats.inc_value("dedup/changed")
        return item


class JsonLinesWriterPipeline:
    """Appends each article to ``DATA_DIR/<site>/<YYYY-MM-DD>.jsonl`` (crawl date in Hanoi).

    A line is written with one ``write`` call and fsynced before the seen store records it, so a
    killed run leaves at most a torn last line, which the store cuts off at the next start.

    A write that fails (a full disk, a file-size limit, an I/O error) stops the crawl loudly:
    the file is cut back to the end of its last complete line before the error propagates (when
    the cut fails too, the torn tail is left to the seen store's start-up recovery, which cuts
    it), the store records nothing, an ERROR names the file and the error, ``write/failed``
    counts it, and the spider is closed with the reason ``write_failed`` (the run report judges
    the site failing: exit status 3). The articles that reach the writer after that are not
    written (``write/not_attempted``): none is marked seen, so the next run writes them all.
    When the store cannot record a line that is on disk, the line is cut back the same way,
    unless the store did record it after all; a complete line the store missed is recorded by
    its recovery at the next start.
    """

    CLOSE_REASON = "write_failed"

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store = _seen_store(crawler)
        self.data_dir = Path(crawler.settings.get("DATA_DIR") or "data")
        # In distributed mode each worker writes files of its own: <day>.<worker>.jsonl.
        worker = run_worker(crawler.settings)
        self.file_suffix = f".{worker}" if worker else ""
        self.files: dict[Path, int] = {}
        self.failure: str | None = None  # why writing stopped, once it has

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "JsonLinesWriterPipeline":
        return cls(crawler)

    def close_spider(self) -> None:
        if self.failure is not None:
            skipped = self.crawler.stats.get_value("write/not_attempted", 0)
            logger.error(
                "%s: this crawl wrote nothing after it; %d more articles were not written "
                "(the next run writes them)",
                self.failure,
                skipped,
            )
        for path, descriptor in self.files.items():
            try:
                os.close(descriptor)
            except OSError as error:
                logger.error("closing %s failed: %s", path, error)
        self.files.clear()

    def _descriptor(self, path: Path) -> int:
        if path not in self.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self.files[path]

    def process_item(self, item):
        adapter = ItemAdapter(item)
        if self.failure is not None:
            self.crawler.stats.inc_value("write/not_attempted")
            raise DropItem(
                f"{self.CLOSE_REASON}: {adapter.get('url')}: not written, as writing stopped "
                f"after {self.failure}",
                log_level="INFO",
            )
        record = {name: adapter.get(name) for name in ARTICLE_FIELDS}
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        day = adapter["crawled_at"][:10]
        path = self.data_dir / adapter["site"] / f"{day}{self.file_suffix}.jsonl"
        try:
            self._append(path, line, adapter["url"], adapter["content_hash"])
        except AlreadyWritten as taken:
            raise _drop(self.crawler, str(taken), adapter, "another worker has it") from None
        except OSError as error:
            self._stop(f"writing {path} failed: {error}")
            raise
        except self.store.errors as error:
            self._stop(f"recording a line of {path} in {self.store.path} failed: {error}")
            raise
        stats = self.crawler.stats
        stats.inc_value("articles/written")
        for name in FILLED_FIELDS:
            if adapter.get(name):
                stats.inc_value(f"fields/filled/{name}")
        return item

    def _append(self, path: Path, line: bytes, url: str, content_hash: str) -> None:
        """Claim, write, fsync and record one line, or leave the file as it was and raise
        (AlreadyWritten when another writer has the article)."""
        descriptor = self._descriptor(path)
        start = os.fstat(descriptor).st_size  # the end of the last complete line
        refresh = bool(getattr(self.crawler.spider, "refresh", False))
        self.store.claim(url, content_hash, path, start, refresh)
        try:
            self._write_all(descriptor, line, path)
            os.fsync(descriptor)
        except OSError:
            self._cut(path, descriptor, start)
            self._abandon()
            raise
        end = os.fstat(descriptor).st_size
        try:
            self.store.record(url, content_hash, path, end)
        except self.store.errors:
            # Cut only a line the store surely lacks: one it recorded after all must stay, and
            # one left when in doubt is recorded by the store's recovery at the next start.
            try:
                recorded = self.store.recorded_size(path)
            except self.store.errors:
                recorded = end
            if recorded != end:
                self._cut(path, descriptor, start)
            raise

    def _abandon(self) -> None:
        try:
            self.store.abandon()
        except self.store.errors as error:
            # The claim stays pending: this writer's recovery withdraws it at the next start.
            logger.error("withdrawing a claim in %s failed: %s", self.store.path, error)

    @staticmethod
    def _write_all(descriptor: int, line: bytes, path: Path) -> None:
        # One write call; a short one (the space ran out mid-line) is followed by another for
        # the rest, which then fails with the reason (ENOSPC, EFBIG) or completes the line.
        view = memoryview(line)
        while view:
            written = os.write(descriptor, view)
            if written <= 0:
                raise OSError(f"short write to {path}: {len(line) - len(view)} of {len(line)}")
            view = view[written:]

    def _cut(self, path: Path, descriptor: int, size: int) -> None:
        """Cut ``path`` back to ``size`` bytes: no torn or unrecorded line stays behind."""
        try:
            if os.fstat(descriptor).st_size > size:
                os.ftruncate(descriptor, size)
                os.fsync(descriptor)
        except OSError as error:
            logger.error(
                "cutting %s back to %d bytes failed (%s): the seen store's recovery cuts the "
                "torn line at the next start",
                path,
                size,
                error,
            )

    def _stop(self, failure: str) -> None:
        """Count and log the failure, and close the spider: the run must not end healthy."""
        self.failure = failure
        self.crawler.stats.inc_value("write/failed")
        logger.error("%s; the crawl stops (%s)", self.failure, self.CLOSE_REASON)
        if self.crawler.crawling and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=self.CLOSE_REASON))
