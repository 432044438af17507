"""Log lines for dropped items: the reason and the URL, not the whole article."""

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        # Scrapy's own line repeats the item, body and all: unreadable in a cron log.
        entry = super().dropped(item, exception, response, spider)
        return {**entry, "msg": "Dropped %(exception)s", "args": {"exception": exception}}
