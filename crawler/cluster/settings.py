"""The settings distributed mode changes, applied when REDIS_URL is set (spiders/base.py)."""

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from crawler.cluster.keys import CrawlKeys
from crawler.cluster.worker import key_prefix

LOCAL_SEEN_STORE = "crawler.seen.SeenStore"
REDIS_SEEN_STORE = "crawler.cluster.seen.RedisSeenStore"
SHARED_PACE = "crawler.cluster.politeness.SharedPaceMiddleware"
# After the replay middleware (990), before the download handler: see politeness.py.
PACE_PRIORITY = 995


def apply(settings: BaseSettings) -> None:
    """scrapy-redis's scheduler with leases, its dupefilter and a JSON queue; the seen store in
    Redis; the site's request pace shared by its workers. At spider priority, like a spider's
    custom_settings, unless given firmer."""
    keys = CrawlKeys(key_prefix(settings), "%(spider)s")  # scrapy-redis fills in the spider
    values = {
        "SCHEDULER": "crawler.cluster.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.cluster.scheduler.LeasedQueue",
        "DUPEFILTER_CLASS": "crawler.cluster.scheduler.DupeFilter",
        "SCHEDULER_QUEUE_KEY": keys.queue,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_SERIALIZER": "crawler.cluster.serializer",
    }
    for name, value in values.items():
        settings.set(name, value, priority=SETTINGS_PRIORITIES["spider"])
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares.setdefault(SHARED_PACE, PACE_PRIORITY)
    priority = max(
        settings.getpriority("DOWNLOADER_MIDDLEWARES") or 0, SETTINGS_PRIORITIES["spider"]
    )
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=priority)
    extensions = settings.getdict("EXTENSIONS")
    if LOCAL_SEEN_STORE in extensions:
        extensions[REDIS_SEEN_STORE] = extensions.pop(LOCAL_SEEN_STORE)
        priority = max(settings.getpriority("EXTENSIONS") or 0, SETTINGS_PRIORITIES["spider"])
        settings.set("EXTENSIONS", extensions, priority=priority)
