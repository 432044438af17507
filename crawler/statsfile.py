"""Writes a crawl's final stats as JSON to ``-s STATS_FILE=path``, for scripts and tests."""

import json
import os
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, crawler: Crawler, path: str):
        self.crawler = crawler
        self.path = Path(path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StatsFile":
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured  # silently off: only scripts and tests ask for the file
        extension = cls(crawler, path)
        crawler.signals.connect(extension.write, signal=signals.spider_closed)
        return extension

    def write(self, spider: Spider, reason: str) -> None:
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(stats, default=str, ensure_ascii=False, indent=1), "utf-8")
        os.replace(partial, self.path)
