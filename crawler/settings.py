"""Scrapy settings of the Hanoi press crawler.

Every value here can be overridden per run with ``-s NAME=VALUE``.
"""

import os

BOT_NAME = "hanoi-press-crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Who we are and how to reach us: newspapers' admins block anonymous bots first. The project
# has no public address yet: a deployment sets its own (-s CONTACT=mailto:desk@newsroom.vn).
CONTACT = "mailto:hanoi-press-crawler@example.invalid"
USER_AGENT_FORMAT = "{bot}/0.1 (+{contact})"
USER_AGENT = USER_AGENT_FORMAT.format(bot=BOT_NAME, contact=CONTACT)

# Politeness fit for a newspaper's servers.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
# A 429 or 503 is retried after its Retry-After, or after RETRY_BACKOFF_BASE seconds doubled at
# each retry when it gives none; the host waits as long. A longer Retry-After than
# RETRY_AFTER_MAX (seconds) is not waited for: the page is given up (crawler/network.py).
RETRY_BACKOFF_HTTP_CODES = [429, 503]
RETRY_BACKOFF_BASE = 1.0
RETRY_AFTER_MAX = 120.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's code-execution HTTP server on localhost, one per crawler: attack surface, unused here.
REMOTE_CONTROL_ENABLED = False
# Measured: 10 concurrent items per response instead of 100 cuts CPU per page by a quarter.
CONCURRENT_ITEMS = 10

# Where the JSON lines and the seen store live.
DATA_DIR = "data"
# Offline mode: answer every request from DIR/manifest.json (see crawler/replay.py).
REPLAY_DIR = ""
# The window of a run given no `since` argument: what a cron run every few hours looks back on.
# Backfills pass since=... explicitly.
DEFAULT_SINCE = "3d"
# When a site is failing (crawler/report.py): more than these shares of its articles needed the
# generic extractor (its parser no longer fits; the spider also warns at close) or were dropped
# for missing fields, or of its requests failed...
HEALTH_MAX_FALLBACK_SHARE = 0.2
HEALTH_MAX_MISSING_SHARE = 0.2
HEALTH_MAX_ERROR_SHARE = 0.5
# ...judged only from this many articles (or requests) on.
HEALTH_MIN_SAMPLE = 5
# crawlall starts a site's window at its last healthy run less this overlap.
SINCE_OVERLAP = "6h"
# How many listing pages a spider follows from one entry point when the listing shows no dates.
LISTING_MAX_PAGES = 20
# Discovered article URLs wait in the spider as strings; ARTICLE_REQUESTS_AHEAD of them at most
# are handed to Scrapy's scheduler at a time as Requests (default, and why: spiders/base.py).
# An article URL that answered 404 or 410 is not requested again for GONE_RECHECK_AFTER, a span
# (default and why: spiders/base.py).

# Web archives (crawler/archive.py): with ARCHIVE on, the article pages a crawl parses are also
# saved as received to DATA_DIR/archive/<site>/<crawl start, UTC>.wacz; `python -m
# crawler.reextract DATA_DIR/archive` extracts them again with the current parsers.
ARCHIVE = False

DOWNLOADER_MIDDLEWARES = {
    # Network faults Scrapy lets through or does not name (crawler/network.py): retries that wait
    # for Retry-After, counted gzip bombs, redirect loops, maxsize cuts, and HTML that is empty,
    # truncated, nested too deep, binary or labelled latin-1 when it is UTF-8.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.network.RetryAfterMiddleware": 550,
    "crawler.network.PageCheckMiddleware": 585,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.network.HttpCompressionMiddleware": 590,
    "crawler.network.FaultStatsMiddleware": 650,
    # Between RedirectMiddleware (600) and HttpCompressionMiddleware (590): final responses,
    # bodies as the server sent them. Off unless ARCHIVE.
    "crawler.archive.ArchiveMiddleware": 595,
    # Last before the download handler, so robots.txt, redirects and stats see replayed responses.
    "crawler.replay.ReplayMiddleware": 990,
}

EXTENSIONS = {
    "crawler.seen.SeenStore": 0,
    # Alerts: spidermon runs crawler/monitors.py at spider close, before StatsFile (900) so that
    # the alerts/* stats reach STATS_FILE.
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    "crawler.statsfile.StatsFile": 900,
}
# Where to write the final stats as JSON (off when empty).
STATS_FILE = ""

ITEM_PIPELINES = {
    "crawler.pipelines.NormalizePipeline": 100,
    "crawler.pipelines.ValidatePipeline": 200,
    "crawler.pipelines.DedupPipeline": 300,
    "crawler.pipelines.JsonLinesWriterPipeline": 400,
}

LOG_FORMATTER = "crawler.logformatter.LogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Alerts (crawler/monitors.py): each spider's crawl is checked at close; the verdict goes to the
# log and the stats (alerts/*), and a failure is sent by each channel whose setting is set.
# spidermon does not set the exit status: the run report does (crawler/report.py).
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.SpiderCloseMonitorSuite"]
ALERT_MIN_ITEMS = 1
ALERT_MIN_FIELD_COVERAGE = {"authors": 0.5, "lead": 0.8, "published_at": 1.0, "related": 0.2}
ALERT_MIN_SAMPLE = 5  # no coverage or "all pages unreadable" verdict on fewer articles/requests
ALERT_MAX_ERRORS = 0  # log_count/ERROR
ALERT_MAX_PARSE_ERRORS = 0  # articles/parse_error
ALERT_MAX_DOWNLOAD_ERROR_SHARE = 0.2  # downloader/exception_count / downloader/request_count
ALERT_FINISH_REASONS = ["finished", "max_items"]
ALERT_TIMEOUT = 10
# Secrets come from the environment: a -s value is visible in ps and in shell history.
ALERT_WEBHOOK_URL = os.environ.get("ALERT_WEBHOOK_URL", "")
ALERT_SMTP_HOST = ""
ALERT_SMTP_PORT = 587
# "ssl", "starttls" or "none"; empty: STARTTLS if offered, and required to send a password.
ALERT_SMTP_TLS = ""
ALERT_SMTP_USER = ""
ALERT_SMTP_PASSWORD = os.environ.get("ALERT_SMTP_PASSWORD", "")
ALERT_MAIL_FROM = ""
ALERT_MAIL_TO = []
ALERT_TELEGRAM_API = "https://api.telegram.org"
ALERT_TELEGRAM_TOKEN = os.environ.get("ALERT_TELEGRAM_TOKEN", "")
ALERT_TELEGRAM_CHAT_ID = ""
