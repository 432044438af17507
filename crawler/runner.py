"""Running sites' crawls in one process, each under its lock, and reporting on the run.

Shared by ``scrapy crawl`` (one site) and ``scrapy crawlall`` (every site, or ``--sites``).
A site whose lock another run holds is not crawled and is reported as locked; a site whose
crawl could not start is reported as not started; the others are judged from their stats
(crawler/report.py). A healthy site's run start is recorded in ``DATA_DIR/state/<site>.json``:
``crawlall`` takes a site's ``since`` from it, so a missed cron slot loses nothing.
"""

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.locks import LockUnavailable, SiteLock, SiteLocked
from crawler.report import HEALTHY, LOCKED, NOT_STARTED, RunReport, SiteRun, judge, run_worker
from crawler.spiders.arguments import ArgumentError, parse_moment

logger = logging.getLogger(__name__)


def state_path(data_dir: Path, site: str) -> Path:
    return data_dir / "state" / f"{site}.json"


def last_success(data_dir: Path, site: str) -> datetime | None:
    """When the site's last healthy run started, or None."""
    try:
        state = json.loads(state_path(data_dir, site).read_text("utf-8"))
        return datetime.fromisoformat(state["last_success"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_success(data_dir: Path, site: str, started_at: datetime) -> None:
    path = state_path(data_dir, site)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({"last_success": started_at.isoformat()}), "utf-8")
    os.replace(partial, path)


def since_last_success(last: datetime | None, settings: BaseSettings) -> str | None:
    """``since`` for a site whose last healthy run started at ``last``: that less
    SINCE_OVERLAP, or None."""
    if last is None:
        return None
    # SINCE_OVERLAP is a span such as "6h": parse_moment takes it back from the last start.
    return parse_moment("SINCE_OVERLAP", settings.get("SINCE_OVERLAP"), last).isoformat()


class SiteRuns:
    """The crawls of one command, in one crawler process."""

    def __init__(self, process: Any, settings: BaseSettings, command: str):
        self.process = process
        self.settings = settings
        self.data_dir = Path(settings.get("DATA_DIR") or "data")
        self.report = RunReport(command, self.data_dir, worker=run_worker(settings))
        self._started: list[tuple[str, Crawler, Any, Any]] = []

    def add(self, site: str, arguments: dict[str, str], *, since_from_state: bool) -> None:
        """Schedule a site's crawl, unless its arguments are wrong or its lock is held."""
        spider_class = self.process.spider_loader.load(site)
        arguments = dict(arguments)
        if since_from_state and "since" not in arguments and "url" not in arguments:
            since = since_last_success(self._last_success(site), self.settings)
            if since:
                arguments["since"] = since
        try:
            spider_class.parse_arguments(arguments, self.settings)
        except ArgumentError as error:
            self.report.sites[site] = SiteRun(site, NOT_STARTED, [str(error)])
            return
        lock = self._lock(site)
        try:
            lock.acquire()
        except SiteLocked as held:
            logger.warning("%s: skipped: %s", site, held)
            self.report.sites[site] = SiteRun(site, LOCKED, [str(held)])
            return
        except LockUnavailable as error:
            logger.error("%s: not started: %s", site, error)
            self.report.sites[site] = SiteRun(site, NOT_STARTED, [str(error)])
            return
        crawler = self.process.create_crawler(spider_class)
        task = self.process.crawl(crawler, **arguments)
        self._started.append((site, crawler, lock, task))

    def _lock(self, site: str) -> Any:
        """The site's lock: a file in DATA_DIR, or in distributed mode the worker's in Redis
        (every worker joins the site's crawl; only a second process of one worker is held)."""
        if self.settings.get("REDIS_URL"):
            from crawler.cluster.worker import WorkerLock

            return WorkerLock(self.settings, site)
        return SiteLock(self.data_dir, site)

    def _last_success(self, site: str) -> datetime | None:
        """In distributed mode the crawl's, kept in Redis: every worker takes the same window."""
        if self.settings.get("REDIS_URL"):
            from crawler.cluster.worker import crawl_last_success

            return crawl_last_success(self.settings, site)
        return last_success(self.data_dir, site)

    def _record_success(self, site: str, lock: Any) -> None:
        if self.settings.get("REDIS_URL"):
            lock.record_success()
        else:
            record_success(self.data_dir, site, self.report.started_at)

    def finish(self) -> RunReport:
        """After the process has run: judge each site, record successes, write the report."""
        for site, crawler, lock, task in self._started:
            error = task.exception() if task.done() and not task.cancelled() else None
            if error is not None or getattr(crawler, "spider", None) is None:
                self.report.sites[site] = SiteRun(site, NOT_STARTED, [f"did not start: {error}"])
            else:
                run = judge(site, crawler.stats.get_stats(), self.settings)
                self.report.sites[site] = run
                if run.status == HEALTHY:
                    try:
                        self._record_success(site, lock)
                    except OSError as error:
                        logger.error("%s: its healthy run could not be recorded: %s", site, error)
            lock.release()
        # A full disk must not cost the summary and the exit status: they are the alert.
        try:
            where = str(self.report.write())
        except OSError as error:
            logger.error("the run report could not be written: %s", error)
            where = f"not written ({error})"
        print(self.report.summary())
        print(f"report: {where}")
        return self.report
