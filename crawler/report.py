"""The run report: per site what a run did, whether the site is healthy, and why not.

Every run (``scrapy crawl`` and ``scrapy crawlall``) writes ``DATA_DIR/reports/<start>.json``
(schema: ``crawler/schemas/report.schema.json``) and prints a summary table. A site is failing
when its entry points gave no article link at all or none of its article pages an article, when
too many of its articles needed the generic extractor or were dropped for missing fields, when
too many of its requests failed, or when its crawl ended abnormally; the thresholds are the
``HEALTH_*`` settings. The run's exit status is ``EXIT_FAILING`` when any site is failing.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scrapy.settings import BaseSettings

from crawler.dates import VN_TZ, to_iso

REPORT_SCHEMA_VERSION = 1
EXIT_FAILING = 3
FILLED_FIELDS = ("authors", "published_at", "lead", "related")

HEALTHY = "healthy"
FAILING = "failing"
LOCKED = "locked"  # another run held the site: not crawled this time
NOT_STARTED = "not_started"  # the crawl could not start (bad arguments, a broken spider)


def _count(stats: dict, prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}


@dataclass
class SiteRun:
    """What one site's crawl did, from its final stats."""

    site: str
    status: str = HEALTHY
    reasons: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def figures(self) -> dict:
        stats = self.stats
        written = stats.get("articles/written", 0)
        dropped = _count(stats, "dropped/")
        http = {
            status: n
            for status, n in _count(stats, "downloader/response_status_count/").items()
            if status.isdigit() and int(status) >= 400
        }
        return {
            "status": self.status,
            "reasons": self.reasons,
            "pages_fetched": stats.get("response_received_count", 0),
            "articles_written": written,
            "dropped": {k: v for k, v in dropped.items() if not k.startswith("duplicate")},
            "duplicates": sum(v for k, v in dropped.items() if k.startswith("duplicate")),
            "already_seen": stats.get("discovery/already_seen", 0),
            "fallbacks": stats.get("articles/fallback", 0),
            "no_article": stats.get("articles/no_article", 0),
            "parse_errors": stats.get("articles/parse_error", 0),
            "http_errors": http,
            "exceptions": stats.get("downloader/exception_count", 0),
            # What the network did, by name (crawler/network.py, docs/reliability/network.md).
            "exceptions_by_type": _count(stats, "downloader/exception_type_count/"),
            "retries": {
                "count": stats.get("retry/count", 0),
                "gave_up": stats.get("retry/max_reached", 0),
                "waited_seconds": round(stats.get("network/backoff_seconds", 0.0), 1),
                "wait_refused": stats.get("network/retry_after_too_long", 0),
            },
            "given_up": _count(stats, "network/ignored/"),
            "over_maxsize": stats.get("network/over_maxsize", 0),
            "robots_forbidden": stats.get("robotstxt/forbidden", 0),
            "not_html": stats.get("articles/not_html", 0),
            "charset_fixed": _count(stats, "network/charset/"),
            "fill_rates": {
                name: round(stats.get(f"fields/filled/{name}", 0) / written, 3) if written else None
                for name in FILLED_FIELDS
            },
            "duration_seconds": round(stats.get("elapsed_time_seconds", 0.0), 1),
            "finish_reason": stats.get("finish_reason"),
        }


def run_worker(settings: BaseSettings) -> str | None:
    """The worker's id in distributed mode, which names its logs, reports and output files;
    else None."""
    if not settings.get("REDIS_URL"):
        return None
    from crawler.cluster.worker import worker_id  # Redis is needed only in this mode

    return worker_id(settings)


def run_id(started_at: datetime, worker: str | None = None) -> str:
    """A run's name in DATA_DIR/logs and DATA_DIR/reports: its start, and its worker's id."""
    stamp = started_at.strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{worker}" if worker else stamp


def article_requests(stats: dict, settings: BaseSettings) -> int | None:
    """The article requests a crawl answers for: those it queued; in distributed mode those it
    answered, whoever queued them (a worker answers the others' and they answer its own), and
    None when it took no request from the shared queue: then it has nothing to be judged on."""
    if not settings.get("REDIS_URL"):
        return stats.get("discovery/article_requests", 0)
    if not stats.get("scheduler/dequeued/redis"):
        return None
    return stats.get("articles/answered", 0)


def judge(site: str, stats: dict, settings: BaseSettings) -> SiteRun:
    """Whether a finished crawl of ``site`` is healthy, with every reason it is not.

    Share rules apply from ``HEALTH_MIN_SAMPLE`` articles or requests on: one odd page among
    three is no sign of a redesign.
    """
    run = SiteRun(site, stats=stats)
    sample = settings.getint("HEALTH_MIN_SAMPLE")
    written = stats.get("articles/written", 0)
    parsed = stats.get("articles/parsed", 0)
    requested = article_requests(stats, settings)
    if requested is None:
        return run
    # Links known from earlier runs (written, or gone: 404 or 410) or older than `since` are
    # news found, just not new.
    found = (
        stats.get("discovery/article_requests", 0)
        + stats.get("discovery/already_seen", 0)
        + stats.get("discovery/gone", 0)
        + stats.get("discovery/outside_window", 0)
    )
    if not written and not found and not parsed:
        received = stats.get("response_received_count", 0)
        failed = stats.get("downloader/exception_count", 0)
        # The HTTP errors among those responses (retried attempts are not responses here).
        http_errors = stats.get("httperror/response_ignored_count", 0)
        run.reasons.append(
            f"found no article link ({received} responses, {http_errors} with an HTTP error "
            f"status; {failed} requests with no response)"
        )
    elif requested >= sample and not parsed:
        run.reasons.append(f"none of {requested} article pages requested gave an article")
    fallbacks = stats.get("articles/fallback", 0)
    if parsed >= sample and fallbacks / parsed > settings.getfloat("HEALTH_MAX_FALLBACK_SHARE"):
        run.reasons.append(
            f"{fallbacks} of {parsed} articles needed the generic extractor: its parser no "
            "longer fits the site"
        )
    missing = sum(v for k, v in _count(stats, "dropped/").items() if not k.startswith("duplicate"))
    if parsed >= sample and missing / parsed > settings.getfloat("HEALTH_MAX_MISSING_SHARE"):
        run.reasons.append(f"{missing} of {parsed} articles were dropped for missing fields")
    requests = stats.get("downloader/request_count", 0)
    errors = (
        stats.get("downloader/exception_count", 0)
        + stats.get("articles/parse_error", 0)
        # Answers given up after they arrived (truncated, a gzip bomb, a redirect loop...).
        + sum(_count(stats, "network/ignored/").values())
        + sum(
            n
            for status, n in _count(stats, "downloader/response_status_count/").items()
            if status.isdigit() and int(status) >= 400
        )
    )
    if requests >= sample and errors / requests > settings.getfloat("HEALTH_MAX_ERROR_SHARE"):
        run.reasons.append(f"{errors} of {requests} requests failed")
    if stats.get("write/failed"):
        # Also when the failure came during a close already under way (max_items).
        run.reasons.append(
            f"{stats['write/failed']} article(s) could not be written, "
            f"{stats.get('write/not_attempted', 0)} more not attempted: see the log's ERROR"
        )
    if stats.get("finish_reason") not in (None, "finished", "max_items"):
        run.reasons.append(f"finished with reason {stats.get('finish_reason')!r}")
    if run.reasons:
        run.status = FAILING
    return run


@dataclass
class RunReport:
    command: str
    data_dir: Path
    started_at: datetime = field(default_factory=lambda: datetime.now(VN_TZ))
    sites: dict[str, SiteRun] = field(default_factory=dict)
    # In distributed mode, workers started together must not share a report or a log.
    worker: str | None = None

    @property
    def run_id(self) -> str:
        return run_id(self.started_at, self.worker)

    @property
    def failing(self) -> list[str]:
        """Sites that failed, or whose crawl could not even start."""
        return sorted(
            name for name, run in self.sites.items() if run.status in (FAILING, NOT_STARTED)
        )

    def exit_status(self) -> int:
        return EXIT_FAILING if self.failing else 0

    def as_dict(self) -> dict:
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "run": {
                "id": self.run_id,
                "command": self.command,
                "started_at": to_iso(self.started_at),
                "finished_at": to_iso(datetime.now(VN_TZ)),
                "data_dir": str(self.data_dir),
                "exit_status": self.exit_status(),
                "failing": self.failing,
            },
            "sites": {name: self.sites[name].figures() for name in sorted(self.sites)},
        }

    def write(self) -> Path:
        """Write ``DATA_DIR/reports/<start>.json`` whole or not at all; return its path."""
        folder = self.data_dir / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.run_id}.json"
        partial = path.with_name(path.name + ".partial")
        try:
            partial.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1), "utf-8")
            os.replace(partial, path)
        except OSError:
            partial.unlink(missing_ok=True)
            raise
        return path

    def summary(self) -> str:
        """The table an operator reads: a line per site, then the failing sites and why."""
        head = ("site", "status", "pages", "written", "dropped", "dupes", "fallback", "errors", "s")
        rows = [head]
        for name in sorted(self.sites):
            f = self.sites[name].figures()
            rows.append(
                (
                    name,
                    f["status"],
                    str(f["pages_fetched"]),
                    str(f["articles_written"]),
                    str(sum(f["dropped"].values())),
                    str(f["duplicates"]),
                    str(f["fallbacks"]),
                    str(
                        sum(f["http_errors"].values())
                        + f["exceptions"]
                        + sum(f["given_up"].values())
                    ),
                    str(f["duration_seconds"]),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
        for name, run in sorted(self.sites.items()):
            if run.status != HEALTHY:
                label = run.status.upper().replace("_", " ")
                lines.append(f"{label} {name}: " + "; ".join(run.reasons))
        return "\n".join(lines)
