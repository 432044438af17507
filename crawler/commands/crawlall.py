"""``scrapy crawlall [--sites a,b]``: every site's crawl in one process, for cron.

Each site is polite on its own (its own downloader slots) and runs under its lock; a site that
another run holds is skipped and reported as locked. Without ``-a since=``, a site's ``since`` is
its last healthy run's start less ``SINCE_OVERLAP`` (``DEFAULT_SINCE`` for its first run), so a
missed cron slot loses nothing. The log goes to ``DATA_DIR/logs/<start>.log`` (unless ``-s
LOG_FILE`` says otherwise), the report to ``DATA_DIR/reports/<start>.json``, and the summary to
standard output. Exit status: 0 when every crawled site is healthy, 3 when any is failing, 75
when every site was held by another run.
"""

from datetime import datetime
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from crawler.commands import chosen_sites
from crawler.dates import VN_TZ
from crawler.locks import EXIT_LOCKED
from crawler.report import LOCKED, run_id, run_worker
from crawler.runner import SiteRuns
from crawler.spiders.arguments import ArgumentError


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl every site (or --sites a,b) in one process, with locks and a run report"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--sites", metavar="A,B", help="crawl only these sites (default: every site)"
        )

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        self.started_at = datetime.now(VN_TZ)
        if not self.settings.get("LOG_FILE"):
            logs = Path(self.settings.get("DATA_DIR") or "data") / "logs"
            logs.mkdir(parents=True, exist_ok=True)
            try:
                name = run_id(self.started_at, run_worker(self.settings))
            except ArgumentError as error:
                raise UsageError(str(error), print_help=False) from None
            self.settings.set("LOG_FILE", str(logs / f"{name}.log"), priority="cmdline")

    def run(self, args, opts) -> None:
        if args:
            raise UsageError(f"unexpected arguments {' '.join(args)}: use --sites a,b")
        known = sorted(self.crawler_process.spider_loader.list())
        sites = chosen_sites(opts.sites, known) if opts.sites else known
        runs = SiteRuns(self.crawler_process, self.settings, "crawlall")
        runs.report.started_at = self.started_at
        for site in sites:
            runs.add(site, opts.spargs, since_from_state=True)
        self.crawler_process.start()
        report = runs.finish()
        if all(run.status == LOCKED for run in report.sites.values()):
            self.exitcode = EXIT_LOCKED
        else:
            self.exitcode = report.exit_status()
