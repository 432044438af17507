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

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.dates import VN_TZ, to_iso
from crawler.items import ARTICLE_FIELDS, SCHEMA_VERSION, article_schema
from crawler.report import FILLED_FIELDS
from crawler.seen import SeenStore
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
    """Drops an item that breaks the JSON Schema of a line, naming the first broken field."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.validator = Draft202012Validator(article_schema())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ValidatePipeline":
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        for name in ("title", "published_at", "body"):
            if not adapter.get(name):
                raise _drop(self.crawler, f"missing_{name}", adapter)
        error = next(iter(sorted(self.validator.iter_errors(adapter.asdict()), key=str)), None)
        if error is not None:
            where = "/".join(map(str, error.absolute_path)) or "item"
            raise _drop(self.crawler, "invalid", adapter, f"{where}: {error.message}")
        return item


def _seen_store(crawler: Crawler) -> SeenStore:
    store = crawler.get_extension(SeenStore)
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
        changed = self.store.url_content_changed(adapter["url"], content_hash)
        if changed is False:
            raise _drop(self.crawler, "duplicate_url", adapter)
        if changed and not getattr(self.crawler.spider, "refresh", False):
            raise _drop(self.crawler, "duplicate_url", adapter)
        if self.store.has_content(content_hash):
            raise _drop(self.crawler, "duplicate_content", adapter)
        if changed:
            self.crawler.stats.inc_value("dedup/changed")
        return item


class JsonLinesWriterPipeline:
    """Appends each article to ``DATA_DIR/<site>/<YYYY-MM-DD>.jsonl`` (crawl date in Hanoi).

    A line is written with one ``write`` call and fsynced before the seen store records it, so a
    killed run leaves at most a torn last line, which the store cuts off at the next start.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store = _seen_store(crawler)
        self.data_dir = Path(crawler.settings.get("DATA_DIR") or "data")
        self.files: dict[Path, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "JsonLinesWriterPipeline":
        return cls(crawler)

    def close_spider(self) -> None:
        for descriptor in self.files.values():
            os.close(descriptor)
        self.files.clear()

    def _descriptor(self, path: Path) -> int:
        if path not in self.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self.files[path]

    def process_item(self, item):
        adapter = ItemAdapter(item)
        record = {name: adapter.get(name) for name in ARTICLE_FIELDS}
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        day = adapter["crawled_at"][:10]
        path = self.data_dir / adapter["site"] / f"{day}.jsonl"
        descriptor = self._descriptor(path)
        written = os.write(descriptor, line)
        if written != len(line):
            raise OSError(f"short write to {path}: {written} of {len(line)} bytes")
        os.fsync(descriptor)
        self.store.record(
            adapter["url"], adapter["content_hash"], path, os.fstat(descriptor).st_size
        )
        stats = self.crawler.stats
        stats.inc_value("articles/written")
        for name in FILLED_FIELDS:
            if adapter.get(name):
                stats.inc_value(f"fields/filled/{name}")
        return item
