"""The Redis keys of distributed mode, in one place (documented in docs/distributed.md).

Every key starts with ``REDIS_KEY_PREFIX`` (``hanoi-press`` unless set), so one Redis may hold
several deployments. A crawl's keys live while the crawl does: the last worker to find it
finished deletes them, and ``REDIS_CRAWL_TTL`` expires them should every worker die for good.
The seen store's keys are permanent: they grow by one entry per article written (and the gone
links are pruned after ``GONE_RECHECK_AFTER``).
"""

import re
from dataclasses import dataclass

DEFAULT_PREFIX = "hanoi-press"
# A worker id names output files and Redis fields: no separators, no path characters.
WORKER_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# scrapy-redis fills its key templates in with %: a prefix holds none.
KEY_PREFIX = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class CrawlKeys:
    """One site's crawl: the shared request queue and what its workers hold."""

    prefix: str
    site: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:crawl:{self.site}"

    @property
    def queue(self) -> str:
        """Sorted set: requests waiting, scored by -priority (scrapy-redis's PriorityQueue)."""
        return f"{self.base}:queue"

    @property
    def dupefilter(self) -> str:
        """Set: 16-byte fingerprints of the requests queued in this crawl."""
        return f"{self.base}:dupefilter"

    @property
    def leases(self) -> str:
        """Hash: ``<worker>:<n>`` -> ``<score>|<request>``, requests a worker took and has not
        finished; put back in the queue when the worker's lock expires."""
        return f"{self.base}:leases"

    @property
    def workers(self) -> str:
        """Set: ids of the workers that joined the crawl."""
        return f"{self.base}:workers"

    @property
    def info(self) -> str:
        """Hash: when the crawl started, and by which worker."""
        return f"{self.base}:info"

    @property
    def pace(self) -> str:
        """String with a TTL: when the site may next be requested, on Redis's clock (ms)."""
        return f"{self.base}:pace"

    @property
    def last_success(self) -> str:
        """String: when the site's last healthy crawl started (``crawlall``'s next window
        starts there, less SINCE_OVERLAP). Kept: one short string per site."""
        return f"{self.prefix}:state:{self.site}"

    def worker(self, worker: str) -> str:
        """String with a TTL: the worker's lock, holding its process token."""
        return f"{self.base}:worker:{worker}"

    @property
    def worker_pattern(self) -> str:
        return f"{self.base}:worker:*"

    def all(self) -> list[str]:
        """The keys a finished crawl leaves to delete (workers' locks expire by themselves)."""
        return [self.queue, self.dupefilter, self.leases, self.workers, self.info]


@dataclass(frozen=True)
class SeenKeys:
    """The seen store, shared by every site (as DATA_DIR/seen.sqlite3 is in local mode)."""

    prefix: str

    @property
    def urls(self) -> str:
        """Hash: url_key (16 bytes) -> content key (16 bytes) of every article written."""
        return f"{self.prefix}:seen:urls"

    @property
    def contents(self) -> str:
        """Set: content keys of every article written."""
        return f"{self.prefix}:seen:contents"

    @property
    def files(self) -> str:
        """Hash: output file (relative to DATA_DIR) -> its size at its last confirmed line."""
        return f"{self.prefix}:seen:files"

    @property
    def pending(self) -> str:
        """Hash: writer (``<site>/<worker>``) -> the article it claimed and is writing."""
        return f"{self.prefix}:seen:pending"

    @property
    def claims(self) -> str:
        """Hash: ``u`` + url_key or ``c`` + content key -> writer, while a claim is pending."""
        return f"{self.prefix}:seen:claims"

    @property
    def stolen(self) -> str:
        """Hash: writer -> ``<file>|<offset>``: a dead writer's claim another took over; its
        line, if written, is cut at its restart."""
        return f"{self.prefix}:seen:stolen"

    @property
    def gone(self) -> str:
        """Sorted set: url_key -> Unix time it answered 404 or 410."""
        return f"{self.prefix}:seen:gone"

    def all(self) -> list[str]:
        return [
            self.urls,
            self.contents,
            self.files,
            self.pending,
            self.claims,
            self.stolen,
            self.gone,
        ]
