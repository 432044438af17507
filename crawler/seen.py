"""The seen store: canonical URLs and content fingerprints of every article written, across runs.

SQLite under ``DATA_DIR``, 16-byte keys in ``WITHOUT ROWID`` tables: constant memory and about
65 MB per million articles (bench/seen_store.py). The JSON-lines files are the truth and the
store follows them: each output file's size is recorded in the same transaction as the keys of
the lines written up to it, so at start-up the lines that a killed run wrote but did not record
are read back and recorded, and a torn last line is cut off. Nothing is marked seen before its
line is on disk, and nothing on disk is missed. A transaction that cannot commit (a full disk)
is rolled back whole; the writer then cuts its line (docs/reliability/process.md).

Beside them, ``gone``: the keys of article URLs that answered 404 or 410, and when, so that the
spider skips a dead link for GONE_RECHECK_AFTER (crawler/spiders/base.py). Not derived from the
output files: a lost record only costs the link one more request.
"""

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.urls import url_key

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (key BLOB PRIMARY KEY, content BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contents (key BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gone (key BLOB PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID;
"""

# SQLite's page cache, filled only as pages are read: 16 MiB keeps the B-trees' interior pages
# (6 MB at 10M articles) cached, so a lookup reads one leaf page from the OS instead of two
# pages (bench/seen_store.py). Not mmap_size: mapped pages count in RSS, which would then grow
# with the store.
CACHE_KIB = 16 * 1024
# Keys per query of known_keys(): SQLite's least variable limit (999 before 3.32).
KEY_BATCH = 999


def content_key(content_hash: str) -> bytes:
    return bytes.fromhex(content_hash)


class AlreadyWritten(Exception):
    """Another writer has this article: its URL (``duplicate_url``) or its content
    (``duplicate_content``), the exception's one argument."""


class Seen:
    """What the spider and the pipelines ask of a seen store; they find it by this class.

    ``SeenStore`` (SQLite, one process per site) and, with REDIS_URL, the shared
    ``crawler.cluster.seen.RedisSeenStore``. The writer calls ``claim`` before it writes a
    line, ``record`` once the line is on disk and ``abandon`` when the write failed.
    """

    # The errors of the store's own backend: the writer stops the crawl on them.
    errors: tuple[type[BaseException], ...] = ()
    path: object  # where the store lives, for messages
    data_dir: Path  # output files are recorded relative to it

    def has_url(self, url: str) -> bool:
        return self.has_key(url_key(url))

    def _relative(self, file: Path) -> str:
        return Path(os.path.relpath(file, self.data_dir)).as_posix()

    def claim(self, url: str, content_hash: str, file: Path, start: int, refresh: bool) -> None:
        """Before a line is written: raise AlreadyWritten when another writer has the article.
        One process writes a site's lines here, so the dedup pipeline has decided already."""

    def abandon(self) -> None:
        """The claimed line was not written."""

    def written_state(self, url: str, content_hash: str) -> tuple[bool | None, bool]:
        """Whether the URL's content changed (None: never written), and whether the content
        was written: the dedup pipeline's two questions, which a remote store asks at once."""
        return self.url_content_changed(url, content_hash), self.has_content(content_hash)

    def prune_gone(self, before: float) -> None:
        """Forget gone records older than ``before`` (a Unix time): they no longer hold."""


def complete_lines(file: Path, offset: int) -> tuple[list[bytes], int, int]:
    """The complete lines of ``file`` after ``offset``, where they end, and the file's size."""
    with open(file, "rb") as stream:
        stream.seek(offset)
        tail = stream.read()
    complete = tail.rfind(b"\n") + 1
    return tail[:complete].splitlines(), offset + complete, offset + len(tail)


def tail_articles(file: Path, offset: int) -> tuple[list[tuple[bytes, bytes]], int]:
    """The URL and content keys of each complete line of ``file`` after ``offset``, and where
    those lines end. An unreadable line is logged and left out; a torn last line is cut off."""
    lines, complete, size = complete_lines(file, offset)
    articles = []
    for number, line in enumerate(lines, 1):
        try:
            article = json.loads(line)
            articles.append((url_key(article["url"]), content_key(article["content_hash"])))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            logger.error("%s: unreadable line %d after byte %d: %s", file, number, offset, error)
    if complete < size:
        logger.warning("cutting a torn last line of %d bytes from %s", size - complete, file)
        cut_file(file, complete)
    return articles, complete


def cut_file(file: Path, size: int) -> None:
    """Cut ``file`` back to ``size`` bytes, durably."""
    with open(file, "rb+") as stream:
        stream.truncate(size)
        stream.flush()
        os.fsync(stream.fileno())


class SeenStore(Seen):
    """Built by Scrapy as an extension, so the spider and the pipelines share one store."""

    errors = (sqlite3.Error,)

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "seen.sqlite3"
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        # WAL with NORMAL sync: a lost transaction after a power cut rolls back the file sizes
        # with the keys, and start-up recovery reads those lines again.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.executescript(SCHEMA)
        self.recovered = self.recover()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SeenStore":
        store = cls(crawler.settings.get("DATA_DIR") or "data")
        if store.recovered:
            crawler.stats.set_value("seen_store/recovered_lines", store.recovered)
        crawler.signals.connect(store.close, signal=signals.spider_closed)
        return store

    def close(self) -> None:
        self.db.close()

    def has_key(self, key: bytes) -> bool:
        """Whether the URL of ``key`` (``crawler.urls.url_key``) was recorded."""
        return self.db.execute("SELECT 1 FROM urls WHERE key = ?", (key,)).fetchone() is not None

    def known_keys(self, keys: Iterable[bytes]) -> set[bytes]:
        """Which of ``keys`` (``crawler.urls.url_key``) were recorded, in a query per batch."""
        return self._select_keys("SELECT key FROM urls WHERE key IN ({})", keys)

    def gone_keys(self, keys: Iterable[bytes], since: float) -> set[bytes]:
        """Which of ``keys`` answered 404 or 410 at ``since`` (a Unix time) or later."""
        return self._select_keys("SELECT key FROM gone WHERE key IN ({}) AND at >= ?", keys, since)

    def _select_keys(self, query: str, keys: Iterable[bytes], *after: object) -> set[bytes]:
        wanted = list(set(keys))
        found: set[bytes] = set()
        size = KEY_BATCH - len(after)  # the variable limit counts every parameter
        for start in range(0, len(wanted), size):
            batch = wanted[start : start + size]
            sql = query.format(",".join("?" * len(batch)))
            found.update(key for (key,) in self.db.execute(sql, (*batch, *after)))
        return found

    def mark_gone(self, key: bytes, at: float) -> None:
        """Record that the article URL of ``key`` answered 404 or 410 at ``at`` (a Unix time)."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO gone (key, at) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET at = excluded.at",
                (key, at),
            )

    def prune_gone(self, before: float) -> None:
        with self._transaction():
            self.db.execute("DELETE FROM gone WHERE at < ?", (before,))

    def _url_content(self, key: bytes) -> bytes | None:
        row = self.db.execute("SELECT content FROM urls WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def url_content_changed(self, url: str, content_hash: str) -> bool | None:
        """None when the URL was never written; else whether its content differs now."""
        known = self._url_content(url_key(url))
        return None if known is None else known != content_key(content_hash)

    def has_content(self, content_hash: str) -> bool:
        key = content_key(content_hash)
        return (
            self.db.execute("SELECT 1 FROM contents WHERE key = ?", (key,)).fetchone() is not None
        )

    def record(self, url: str, content_hash: str, file: Path, size: int) -> None:
        """Mark an article seen, with its file's size now that its line is durably written."""
        with self._transaction():
            self._insert(url, content_hash)
            self._set_size(file, size)

    def _insert(self, url: str, content_hash: str) -> None:
        self._insert_keys(url_key(url), content_key(content_hash))

    def _insert_keys(self, url: bytes, content: bytes) -> None:
        self.db.execute(
            "INSERT INTO urls (key, content) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET content = excluded.content",
            (url, content),
        )
        self.db.execute("INSERT OR IGNORE INTO contents (key) VALUES (?)", (content,))

    def _set_size(self, file: Path, size: int) -> None:
        self.db.execute(
            "INSERT INTO files (path, size) VALUES (?, ?) "
            "ON CONFLICT(path) DO UPDATE SET size = excluded.size",
            (self._relative(file), size),
        )

    def recorded_size(self, file: Path) -> int | None:
        """The size of ``file`` the store last recorded (the end of its last recorded line)."""
        row = self.db.execute(
            "SELECT size FROM files WHERE path = ?", (self._relative(file),)
        ).fetchone()
        return row[0] if row else None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # sqlite3's own context manager neither begins a transaction nor takes the write lock.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (a full disk: SQLITE_FULL, SQLITE_IOERR) may leave the transaction
            # open; rolled back, the connection reads committed data only and can begin anew.
            if self.db.in_transaction:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error as error:
                    logger.error("%s: rollback failed: %s", self.path, error)
            raise

    def recover(self) -> int:
        """Record lines written after the store last heard of them; cut torn last lines.

        Returns how many lines were recovered.
        """
        known = dict(self.db.execute("SELECT path, size FROM files").fetchall())
        recovered = 0
        for file in sorted(self.data_dir.glob("*/*.jsonl")):
            size = file.stat().st_size
            done = known.get(self._relative(file), 0)
            if size == done:
                continue
            if size < done:
                logger.warning("%s is shorter than recorded (%d < %d bytes)", file, size, done)
                done = 0
            recovered += self._recover_file(file, done)
        return recovered

    def _recover_file(self, file: Path, offset: int) -> int:
        articles, complete = tail_articles(file, offset)
        with self._transaction():
            for url, content in articles:
                self._insert_keys(url, content)
            self._set_size(file, complete)
        if articles:
            logger.info("recovered %d written but unrecorded lines of %s", len(articles), file)
        return len(articles)
