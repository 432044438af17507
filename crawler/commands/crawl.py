"""``scrapy crawl <site>``: one site's crawl, under its lock, with a run report.

A bad ``-a`` value stops the command with Scrapy's usage error (exit status 2) and one line
saying what is expected, before anything starts. A site that another run holds stops it at once
with exit status 75. Otherwise the run writes its report (crawler/report.py) and exits 0 when the
site is healthy, 3 when it is failing.
"""

import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.locks import EXIT_LOCKED
from crawler.report import LOCKED
from crawler.runner import SiteRuns
from crawler.spiders.arguments import ArgumentError


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        site = args[0]
        spider_class = self.crawler_process.spider_loader.load(site)
        if not hasattr(spider_class, "parse_arguments"):
            super().run(args, opts)
            return
        try:
            spider_class.parse_arguments(opts.spargs, self.settings)
        except ArgumentError as error:
            # Logged as well: under scrapyd, the job's log is where an operator looks.
            logging.getLogger(__name__).error("%s: %s", site, error)
            raise UsageError(f"{site}: {error}", print_help=False) from None
        runs = SiteRuns(self.crawler_process, self.settings, f"crawl {site}")
        runs.add(site, opts.spargs, since_from_state=False)
        if runs.report.sites.get(site) is not None and runs.report.sites[site].status == LOCKED:
            print(f"{site}: not crawled: {runs.report.sites[site].reasons[0]}", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        self.crawler_process.start()
        self.exitcode = runs.finish().exit_status()
