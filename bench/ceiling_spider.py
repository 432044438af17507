"""The ceilings of bench/throughput.py: hanoimoi's spider, discovery and all, whose article
pages are fetched and then neither read for fields nor written.

``hanoimoi-ceiling`` decodes and parses each page once into a tree (``response.selector``: the
least any spider does with a page); ``hanoimoi-engine`` does not even that: Scrapy alone.

Loaded by ``-s SPIDER_MODULES=crawler.spiders,ceiling_spider`` with bench/ on the Python path;
not spiders of the project (``scrapy list`` does not show them).
"""

from collections.abc import Iterator

from scrapy.http import Response, TextResponse

from crawler.items import Article
from crawler.spiders.hanoimoi import HanoimoiSpider


class EngineSpider(HanoimoiSpider):
    name = "hanoimoi-engine"

    def parse_article(self, response: Response) -> Iterator[Article]:
        return iter(())


class CeilingSpider(HanoimoiSpider):
    name = "hanoimoi-ceiling"

    def parse_article(self, response: Response) -> Iterator[Article]:
        if isinstance(response, TextResponse):
            response.selector.root  # noqa: B018 - the parse is the point
        return iter(())
