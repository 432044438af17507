"""Extract archived article pages again, with today's parsers: ``python -m crawler.reextract``.

    python -m crawler.reextract [-s NAME=VALUE ...] [--refresh] ARCHIVE...

An ARCHIVE is a WACZ written by a crawl run with ``-s ARCHIVE=1`` (crawler/archive.py), a bare
``.warc.gz`` that a killed crawl left, or a directory searched for both (``DATA_DIR/archive``
holds every site's). Every archive is checked whole first: when one is unreadable (missing,
truncated, corrupt) the command names it and exits 1 before anything is extracted.

Then each archived article page goes through the real machinery of a crawl, offline: the site's
spider (found from the URL, as ``crawler.extract.spider_for`` finds it) is run by Scrapy with
its requests answered from the archive by ``ArchiveReplayMiddleware`` instead of the network,
so ``parse_article`` extracts the page (site parser, generic fallback) and the project's item
pipelines normalize, validate, deduplicate and write it to ``DATA_DIR/<site>/<day>.jsonl``, as a
crawl would. A page already written is dropped by the seen store, so a second run over the same
archives writes nothing; ``--refresh`` writes again the articles whose content changed (a parser
fix), as the spider argument ``refresh=1`` does. Archives are replayed oldest crawl first, each
page in the order it was fetched, so duplicates across sites resolve as they did in the crawls.

A line's ``crawled_at`` is the time of the re-extraction (the pipeline stamps it); when the page
was fetched is in the archive (``WARC-Date``).

Settings: the project's, with ``-s`` on top (``DATA_DIR`` above all); robots.txt, politeness
delays, REPLAY_DIR, ARCHIVE, alerts and the per-crawl STATS_FILE are turned off, whatever ``-s``
says, as a replay of archives needs. ``-s STATS_FILE=path`` writes the summed stats of the whole
run as JSON. Scrapy logs warnings and errors to stderr (``-s LOG_LEVEL=INFO`` for more); a
summary goes to stdout: archived pages read, articles written, dropped and not extracted by
reason. Exit status: 0; 1 for an unreadable archive or a site run that failed; 2 for a usage
error; 75 when a crawl of one of the archives' sites holds its lock (crawler/locks.py: one writer
per site at a time).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro

from crawler.archive import (
    WACZ_SUFFIX,
    WARC_SUFFIX,
    Archive,
    ArchivedPage,
    ArchiveError,
    read_archive,
)
from crawler.extract import spider_for
from crawler.locks import EXIT_LOCKED, SiteLock, SiteLocked

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger("crawler.reextract")  # its name under -m too

ARCHIVE_REPLAY = "crawler.reextract.ArchiveReplayMiddleware"
# The request's archived page travels in its meta, so one URL archived twice is read twice.
META_KEY = "archived_page"
# Off in a replay of archived pages, whatever -s says; ARCHIVE so that nothing is archived again.
OFFLINE_SETTINGS = {
    "ARCHIVE": False,
    "REPLAY_DIR": "",
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    # One page at a time: articles reach the pipelines in the order they were fetched.
    "CONCURRENT_REQUESTS": 1,
    "STATS_FILE": "",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    # Alerts judge crawls of the sites, not replays of their archives.
    "SPIDERMON_ENABLED": False,
}


@dataclass(frozen=True)
class Source:
    """An archived page and the archive it is read from."""

    archive: Archive
    page: ArchivedPage


@dataclass
class Job:
    """One site's spider run over consecutive archived pages of that site."""

    site: str
    spider: type[scrapy.Spider]
    sources: list[Source] = field(default_factory=list)


class ArchiveReplayMiddleware:
    """Downloader middleware answering each request with the archived response it carries.

    The response comes back as the downloader gave it in the crawl (body still compressed when
    it was), so the middlewares below (decompression above all) and the spider see what they
    saw then. A request that carries no archived page is answered 404: nothing touches the
    network. Stats: ``reextract/pages_read``, ``reextract/not_archived``,
    ``reextract/unreadable_records``.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> Response:
        stats = self.crawler.stats
        # Popped: a request made from this one (a redirect, a retry) is not answered with it.
        source: Source | None = request.meta.pop(META_KEY, None)
        if source is None:
            stats.inc_value("reextract/not_archived")
            logger.warning("not in the archives, answering 404: %s", request.url)
            return Response(url=request.url, status=404, request=request, flags=["archive"])
        try:
            archived = source.archive.response(source.page)
        except ArchiveError as error:
            stats.inc_value("reextract/unreadable_records")
            logger.error("%s", error)
            raise IgnoreRequest(str(error)) from None
        stats.inc_value("reextract/pages_read")
        headers = Headers(archived.headers)
        response_class = responsetypes.from_args(
            headers=headers, url=archived.url, body=archived.body
        )
        return response_class(
            url=archived.url,
            status=archived.status,
            headers=headers,
            body=archived.body,
            request=request,
            protocol=archived.protocol,
            flags=["archive"],
        )


def archive_spider(site_spider: type[scrapy.Spider], sources: list[Source]) -> type:
    """The site's spider, starting from archived pages instead of its feeds and sitemaps.

    Only where it starts differs: each page goes to the site spider's own ``parse_article``, and
    its items through the pipelines.
    """

    class ArchivedPagesSpider(site_spider):  # type: ignore[misc, valid-type]
        async def start(self) -> AsyncIterator[scrapy.Request]:
            for source in sources:
                url = source.page.url
                if not self.is_article_url(url):
                    self.crawler.stats.inc_value("reextract/not_article_url")
                    logger.warning(
                        "%s: not an article page of %s: %s", source.archive.path, self.name, url
                    )
                    continue
                yield scrapy.Request(
                    url, callback=self.parse_article, dont_filter=True, meta={META_KEY: source}
                )

    ArchivedPagesSpider.__name__ = ArchivedPagesSpider.__qualname__ = (
        f"Archived{site_spider.__name__}"
    )
    return ArchivedPagesSpider


# Archives and jobs -----------------------------------------------------------------------------


def find_archives(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """The archive files named or found under the directories named; the problems met."""
    found: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.name.endswith((WACZ_SUFFIX, WARC_SUFFIX))
            )
            # A WARC beside the WACZ made from it (a kill between the two steps of packing).
            inside = [
                p
                for p in inside
                if not (
                    p.name.endswith(WARC_SUFFIX)
                    and p.with_name(p.name.removesuffix(WARC_SUFFIX) + WACZ_SUFFIX).exists()
                )
            ]
            if not inside:
                problems.append(f"{path}: no archive ({WACZ_SUFFIX}, {WARC_SUFFIX}) in it")
            found += inside
        elif path.exists():
            found.append(path)
        else:
            problems.append(f"{path}: no such file or directory")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


def plan(archives: list[Archive], stats: dict[str, int]) -> list[Job]:
    """Site runs over the archives' pages, oldest crawl first, in the order pages were fetched.

    Consecutive pages of one site share a run. Pages of no known site and responses that were
    not successes (another tool's archive may hold them) are counted and left out.
    """
    jobs: list[Job] = []
    for archive in sorted(archives, key=lambda a: (a.started, str(a.path))):
        for page in archive.pages:
            if not 200 <= page.status < 300:
                stats["reextract/skipped_status"] = stats.get("reextract/skipped_status", 0) + 1
                continue
            try:
                spider = spider_for(page.url)
            except LookupError:
                stats["reextract/no_site"] = stats.get("reextract/no_site", 0) + 1
                logger.warning("%s: no site crawls %s: left out", archive.path, page.url)
                continue
            if not jobs or jobs[-1].spider is not spider:
                jobs.append(Job(spider.name, spider))
            jobs[-1].sources.append(Source(archive, page))
    return jobs


# Running -------------------------------------------------------------------------------------


def build_settings(overrides: list[tuple[str, str]]) -> Settings:
    """The project's settings, ``-s`` values on top, and what an offline replay needs."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("LOG_LEVEL", "WARNING", priority="project")
    for name, value in overrides:
        settings.set(name, value, priority="cmdline")
    middlewares = {**settings.getdict("DOWNLOADER_MIDDLEWARES"), ARCHIVE_REPLAY: 995}
    # Set last, at the highest priority of a command: a `-s` value cannot undo them.
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.setdict(OFFLINE_SETTINGS, priority="cmdline")
    return settings


def _add(totals: dict[str, Any], stats: dict[str, Any]) -> None:
    for name, value in stats.items():
        if name.startswith("memusage/"):
            continue  # a peak of each run: a sum means nothing
        if isinstance(value, int | float) and not isinstance(value, bool):
            totals[name] = totals.get(name, 0) + value


@dataclass
class Outcome:
    totals: dict[str, Any] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def run(jobs: list[Job], process: AsyncCrawlerProcess, arguments: dict[str, str]) -> Outcome:
    """Run the jobs one after the other in one crawler process."""
    from twisted.internet import reactor

    outcome = Outcome()

    async def drive() -> None:
        try:
            for job in jobs:
                logger.info("%s: %d archived pages", job.site, len(job.sources))
                crawler = process.create_crawler(archive_spider(job.spider, job.sources))
                try:
                    await process.crawl(crawler, **arguments)
                except Exception as error:
                    outcome.failures.append(f"{job.site}: the run failed: {error}")
                    logger.exception("%s: the run failed", job.site)
                    break
                stats = crawler.stats.get_stats()
                _add(outcome.totals, stats)
                written = stats.get("articles/written", 0)
                outcome.written[job.site] = outcome.written.get(job.site, 0) + written
                if stats.get("finish_reason") != "finished":
                    reason = stats.get("finish_reason")
                    outcome.failures.append(f"{job.site}: the run ended early ({reason})")
                    break
        except Exception as error:  # a bug here must not leave the reactor running
            outcome.failures.append(f"reextract failed: {error}")
            logger.exception("reextract failed")
        finally:
            reactor.stop()

    reactor.callWhenRunning(lambda: deferred_from_coro(drive()))
    process.start(stop_after_crawl=False)
    return outcome


def _by_reason(totals: dict[str, Any], prefix: str) -> str:
    reasons = sorted((k.removeprefix(prefix), v) for k, v in totals.items() if k.startswith(prefix))
    return ", ".join(f"{reason} {count}" for reason, count in reasons) or "none"


# Archived pages that gave no item, by reason: the spider's counts, then the planning's.
NOT_EXTRACTED = (
    "articles/no_article",
    "articles/not_html",
    "articles/parse_error",
    "articles/outside_window",
    "reextract/no_site",
    "reextract/not_article_url",
    "reextract/skipped_status",
    "reextract/unreadable_records",
)


def summary(archives: list[Archive], outcome: Outcome) -> str:
    totals = outcome.totals
    torn = sum(a.torn for a in archives)
    torn_text = f" (torn records left out: {torn})" if torn else ""
    pages = totals.get("reextract/pages_read", 0)
    written = sum(outcome.written.values())
    by_site = ", ".join(f"{site} {n}" for site, n in sorted(outcome.written.items()) if n)
    lines = [
        f"reextract: {len(archives)} archives, {pages} archived pages read{torn_text}",
        f"written: {written} articles" + (f" ({by_site})" if by_site else ""),
        f"dropped: {_by_reason(totals, 'dropped/')}",
    ]
    not_extracted = {
        name.partition("/")[2]: totals[name] for name in NOT_EXTRACTED if totals.get(name)
    }
    lines.append(f"not extracted: {_by_reason(not_extracted, '')}")
    if totals.get("articles/fallback"):
        lines.append(f"generic extractor used: {totals['articles/fallback']}")
    for failure in outcome.failures:
        lines.append(f"failed: {failure}")
    return "\n".join(lines)


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.reextract",
        description="Extract archived article pages again, with the current parsers, and write "
        "them through the pipelines as a crawl would.",
    )
    parser.add_argument(
        "archives", nargs="+", metavar="ARCHIVE", help="a .wacz or .warc.gz file, or a directory"
    )
    parser.add_argument(
        "-s",
        dest="settings",
        action="append",
        type=_setting,
        default=[],
        metavar="NAME=VALUE",
        help="a setting (DATA_DIR above all), as for scrapy crawl",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="write again the articles already written whose content changed",
    )
    options = parser.parse_args(argv)
    settings = build_settings(options.settings)
    # Logging as in a crawl (and the asyncio reactor installed) before the archives are read.
    process = AsyncCrawlerProcess(settings)

    paths, problems = find_archives(options.archives)
    archives: list[Archive] = []
    for path in paths:
        try:
            archives.append(read_archive(path))
        except ArchiveError as error:
            problems.append(str(error))
    if problems:
        for problem in problems:
            print(f"reextract: {problem}", file=sys.stderr)
        print("reextract: nothing extracted; mend or leave out the archives above", file=sys.stderr)
        return 1

    counted: dict[str, int] = {"reextract/archives": len(archives)}
    counted["reextract/torn_records"] = sum(a.torn for a in archives)
    jobs = plan(archives, counted)
    arguments = {"since": ""}  # no window: every archived article is wanted
    if options.refresh:
        arguments["refresh"] = "1"
    locks: list[SiteLock] = []
    try:
        # A site's lines and seen store have one writer at a time, as in crawls.
        for site in sorted({job.site for job in jobs}):
            locks.append(SiteLock(Path(settings.get("DATA_DIR") or "data"), site).acquire())
        outcome = run(jobs, process, arguments) if jobs else Outcome()
    except SiteLocked as held:
        print(f"reextract: {held}; nothing extracted, try again later", file=sys.stderr)
        return EXIT_LOCKED
    finally:
        for lock in locks:
            lock.release()
        for archive in archives:
            archive.close()
    _add(outcome.totals, counted)
    unreadable = outcome.totals.get("reextract/unreadable_records", 0)
    if unreadable:
        outcome.failures.append(f"{unreadable} archived records could not be read back")
    print(summary(archives, outcome))
    stats_file = _stats_file(options.settings)
    if stats_file:
        _write_json(Path(stats_file), outcome.totals)
    return 1 if outcome.failures else 0


def _stats_file(overrides: list[tuple[str, str]]) -> str:
    """``-s STATS_FILE=…`` as given: the per-crawl one is turned off in the runs themselves."""
    return next((value for name, value in reversed(overrides) if name == "STATS_FILE"), "")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    os.replace(partial, path)


if __name__ == "__main__":
    sys.exit(main())
