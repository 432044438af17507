"""``scrapy crawl``, with the spider's arguments checked before anything starts.

A bad ``-a`` value stops the command with Scrapy's usage error (exit status 2) and one line
saying what is expected, instead of a traceback from inside the crawl.
"""

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.spiders.arguments import ArgumentError


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            spider_class = self.crawler_process.spider_loader.load(args[0])
            if hasattr(spider_class, "parse_arguments"):
                try:
                    spider_class.parse_arguments(opts.spargs, self.settings)
                except ArgumentError as error:
                    raise UsageError(f"{args[0]}: {error}", print_help=False) from None
        super().run(args, opts)
