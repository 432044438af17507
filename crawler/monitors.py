"""Alerts: per-spider health checks run by spidermon at spider close, and who gets told.

Enabled by three settings (see the end of this docstring): spidermon's extension runs
``SpiderCloseMonitorSuite`` when the spider closes, after the spider's own close-time bookkeeping
(``articles/fallback_share_exceeded``) and before ``crawler.statsfile.StatsFile`` writes the stats.

The checks, each with its threshold as a setting:

- articles written (``articles/written``) at least ``ALERT_MIN_ITEMS``, unless the run found
  nothing new: the links it found were already written (``discovery/already_seen``, or dropped as
  duplicates) or outside the window, and the article pages it requested were not all unreadable
  (judged from ``ALERT_MIN_SAMPLE`` requests on);
- field coverage among written articles, ``fields/filled/<name>`` over ``articles/written``, at
  least ``ALERT_MIN_FIELD_COVERAGE[name]``; unknown (passes) while the writer counts no field
  (once it counts one, a field with no count is filled in none), and not judged under
  ``ALERT_MIN_SAMPLE`` articles written;
- errors: ``log_count/ERROR`` and ``articles/parse_error`` at most ``ALERT_MAX_ERRORS`` and
  ``ALERT_MAX_PARSE_ERRORS``, downloader exceptions at most ``ALERT_MAX_DOWNLOAD_ERROR_SHARE`` of
  the requests;
- the finish reason among ``ALERT_FINISH_REASONS``;
- the generic extractor's share within the spider's limit (``articles/fallback_share_exceeded``,
  which the spider sets at close, absent).

Every run records its verdict in the stats: ``alerts/monitors_failed`` (a count, 0 when healthy)
and ``alerts/failed/<monitor>`` (its message); spidermon's report is in the log. When a check
fails, each action whose setting is set tells someone: a JSON POST to ``ALERT_WEBHOOK_URL``, a
mail through ``ALERT_SMTP_HOST``, a Telegram message with ``ALERT_TELEGRAM_TOKEN``. An action
never raises into the crawl and never writes a URL, token or password into the log, the stats or
an exception: it logs "<channel> alert sent" or "<channel> alert failed: <status>", and counts
``alerts/sent/<channel>`` or ``alerts/send_failed/<channel>``.

spidermon decides nothing about the exit status of ``scrapy crawl``. Settings::

    EXTENSIONS = {..., "spidermon.contrib.scrapy.extensions.Spidermon": 500}
    SPIDERMON_ENABLED = True
    SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.SpiderCloseMonitorSuite"]
"""

import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from base64 import b64encode
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.settings import BaseSettings
from spidermon import Action, Monitor, MonitorSuite, monitors
from spidermon.exceptions import SkipAction

from crawler.report import article_requests

logger = logging.getLogger(__name__)

# The defaults of every ALERT_* setting; crawler/settings.py may restate them.
DEFAULTS: dict[str, Any] = {
    "ALERT_MIN_ITEMS": 1,
    "ALERT_MIN_FIELD_COVERAGE": {"authors": 0.5, "lead": 0.8, "published_at": 1.0, "related": 0.2},
    "ALERT_MIN_SAMPLE": 5,
    "ALERT_MAX_ERRORS": 0,
    "ALERT_MAX_PARSE_ERRORS": 0,
    "ALERT_MAX_DOWNLOAD_ERROR_SHARE": 0.2,
    "ALERT_FINISH_REASONS": ["finished", "max_items"],
    "ALERT_TIMEOUT": 10.0,
    "ALERT_WEBHOOK_URL": "",
    "ALERT_SMTP_HOST": "",
    "ALERT_SMTP_PORT": 587,
    "ALERT_SMTP_TLS": "",
    "ALERT_SMTP_USER": "",
    "ALERT_SMTP_PASSWORD": "",
    "ALERT_MAIL_FROM": "",
    "ALERT_MAIL_TO": [],
    "ALERT_TELEGRAM_API": "https://api.telegram.org",
    "ALERT_TELEGRAM_TOKEN": "",
    "ALERT_TELEGRAM_CHAT_ID": "",
}


def _setting(settings: BaseSettings, name: str) -> Any:
    """A setting as given, or its default here when settings.py and the command line lack it."""
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def _int(settings: BaseSettings, name: str) -> int:
    return settings.getint(name, DEFAULTS[name])


def _float(settings: BaseSettings, name: str) -> float:
    return settings.getfloat(name, DEFAULTS[name])


def _list(settings: BaseSettings, name: str) -> list[str]:
    return [str(v).strip() for v in settings.getlist(name, DEFAULTS[name]) if str(v).strip()]


# Monitors ------------------------------------------------------------------------------------


class _CrawlMonitor(Monitor):
    """A monitor over the final stats of one crawl (spidermon's ``data``)."""

    @property
    def stats(self) -> dict[str, Any]:
        return self.data.stats

    @property
    def settings(self) -> BaseSettings:
        return self.data.crawler.settings

    def count(self, name: str) -> int:
        return int(self.stats.get(name) or 0)


@monitors.name("Articles")
class ArticlesMonitor(_CrawlMonitor):
    @monitors.name("written")
    def test_articles_written(self):
        """At least ALERT_MIN_ITEMS articles written, unless nothing new was there to write."""
        written = self.count("articles/written")
        minimum = _int(self.settings, "ALERT_MIN_ITEMS")
        max_items = getattr(getattr(self.data.spider, "args", None), "max_items", None)
        if max_items:
            minimum = min(minimum, max_items)
        if written >= minimum:
            return
        not_new = sum(
            self.count(name)
            for name in (
                "discovery/already_seen",
                "discovery/outside_window",
                "articles/outside_window",
                "dropped/duplicate_url",
                "dropped/duplicate_content",
            )
        )
        requested = article_requests(self.stats, self.settings)
        if requested is None:
            self.skipTest("this worker took no request: the other workers had them all")
        if not requested and self.count("discovery/article_requests"):
            return  # distributed: the other workers answered the links this one found
        sample = _int(self.settings, "ALERT_MIN_SAMPLE")
        unreadable = requested >= max(sample, 1) and self.count("articles/parsed") == 0
        if not_new and not unreadable:
            return
        if unreadable:
            reason = f"none of the {requested} article pages requested held an article"
        elif requested:
            reason = f"from {requested} article pages requested, none of them known"
        else:
            reason = "no article link found"
        self.fail(f"{written} articles written (at least {minimum} expected): {reason}")


@monitors.name("Fields")
class FieldCoverageMonitor(_CrawlMonitor):
    @monitors.name("coverage")
    def test_field_coverage(self):
        """Each field of ALERT_MIN_FIELD_COVERAGE filled in at least that share of articles."""
        written = self.count("articles/written")
        counted = any(name.startswith("fields/filled/") for name in self.stats)
        if not counted:
            self.skipTest("coverage unknown: no fields/filled/* stats")
        if written < max(_int(self.settings, "ALERT_MIN_SAMPLE"), 1):
            self.skipTest(f"coverage not judged on {written} articles")
        minimums = (
            self.settings.getdict("ALERT_MIN_FIELD_COVERAGE")
            or DEFAULTS["ALERT_MIN_FIELD_COVERAGE"]
        )
        low = []
        for field, minimum in sorted(minimums.items()):
            share = self.count(f"fields/filled/{field}") / written
            if share < float(minimum):
                low.append(f"{field} {share:.0%} (minimum {float(minimum):.0%})")
        if low:
            self.fail(f"fields filled in too few of {written} articles: " + ", ".join(low))


@monitors.name("Errors")
class ErrorsMonitor(_CrawlMonitor):
    @monitors.name("logged")
    def test_errors_logged(self):
        """At most ALERT_MAX_ERRORS errors logged."""
        errors = self.count("log_count/ERROR")
        maximum = _int(self.settings, "ALERT_MAX_ERRORS")
        if errors > maximum:
            self.fail(f"{errors} errors logged, at most {maximum} expected")

    @monitors.name("parser")
    def test_parse_errors(self):
        """At most ALERT_MAX_PARSE_ERRORS article pages broke the site's parser."""
        errors = self.count("articles/parse_error")
        maximum = _int(self.settings, "ALERT_MAX_PARSE_ERRORS")
        if errors > maximum:
            self.fail(f"the parser failed on {errors} article pages, at most {maximum} expected")

    @monitors.name("downloads")
    def test_download_errors(self):
        """Downloader exceptions in at most ALERT_MAX_DOWNLOAD_ERROR_SHARE of the requests."""
        exceptions = self.count("downloader/exception_count")
        requests = self.count("downloader/request_count")
        maximum = _float(self.settings, "ALERT_MAX_DOWNLOAD_ERROR_SHARE")
        share = exceptions / requests if requests else 0.0
        if share > maximum:
            self.fail(
                f"{exceptions} downloads of {requests} requests failed ({share:.0%}, "
                f"at most {maximum:.0%} expected)"
            )


@monitors.name("Finish")
class FinishReasonMonitor(_CrawlMonitor):
    @monitors.name("reason")
    def test_finish_reason(self):
        """The crawl finished for one of the ALERT_FINISH_REASONS."""
        reason = self.stats.get("finish_reason")
        expected = _list(self.settings, "ALERT_FINISH_REASONS")
        if reason not in expected:
            self.fail(f"finished with reason {reason!r}, expected one of {', '.join(expected)}")


@monitors.name("Fallback")
class FallbackMonitor(_CrawlMonitor):
    @monitors.name("share")
    def test_fallback_share(self):
        """The site's parser read its pages: the generic extractor's share stayed low."""
        share = self.stats.get("articles/fallback_share_exceeded")
        if share is not None:
            parser = getattr(getattr(self.data.spider, "parser", None), "name", "site")
            self.fail(
                f"{float(share):.0%} of the articles needed the generic extractor "
                f"(over the spider's limit): the {parser} parser no longer fits the site"
            )


# Actions -------------------------------------------------------------------------------------


class AlertFailed(Exception):
    """An alert that did not go out; its message names the channel and status, no secret."""


def failures(result) -> list[dict[str, str]]:
    """The failed monitors of a spidermon result: their names and messages."""
    failed = []
    for outcome in result.monitors_failed_results:
        # A failed check has its message as reason; a check that raised, its traceback's end.
        lines = (outcome.error or "").strip().splitlines()
        message = outcome.reason or (lines[-1] if lines else "")
        failed.append({"monitor": outcome.item.name, "message": str(message)})
    return failed


class RecordVerdict(Action):
    """Every run: the failed monitors' count and messages into the stats (for the report)."""

    def run_action(self):
        stats = self.data.crawler.stats
        failed = failures(self.result)
        stats.set_value("alerts/monitors_failed", len(failed))
        for failure in failed:
            stats.set_value(f"alerts/failed/{failure['monitor']}", failure["message"])


class _Alert(Action):
    """An alert channel: skipped unless configured; sends, logs and counts without secrets."""

    channel = ""

    def __init__(self, settings: BaseSettings | None = None):
        super().__init__()
        self.settings = settings or BaseSettings()
        self.timeout = _float(self.settings, "ALERT_TIMEOUT")

    @classmethod
    def from_crawler_kwargs(cls, crawler):
        return {"settings": crawler.settings}

    def secrets(self) -> list[str]:
        return []

    def missing(self) -> str | None:
        """Why the channel is off (the settings to set), or None when configured."""
        raise NotImplementedError

    def send(self, alert: dict[str, Any], text: str) -> None:
        raise NotImplementedError

    def run_action(self):
        missing = self.missing()
        if missing:
            raise SkipAction(f"{missing} not set")
        spider = self.data.spider
        alert = {
            "spider": spider.name,
            "bot": self.settings.get("BOT_NAME"),
            "finish_reason": self.data.stats.get("finish_reason"),
            "failed": failures(self.result),
        }
        text = summary(alert)
        stats = self.data.crawler.stats
        try:
            self.send(alert, text)
        except Exception as error:  # any failure is reported, none raised on
            status = self.redact(describe(error))
            stats.inc_value(f"alerts/send_failed/{self.channel}")
            logger.warning("%s alert failed: %s", self.channel, status)
            raise AlertFailed(f"{self.channel} alert failed: {status}") from None
        stats.inc_value(f"alerts/sent/{self.channel}")
        logger.info("%s alert sent", self.channel)

    def redact(self, text: str) -> str:
        """A second guard: statuses are built without URLs, yet any secret in them is masked.

        Short values (a path "/x", a user name) are left: masking them would garble the words.
        """
        for secret in sorted(self.secrets(), key=len, reverse=True):
            if len(secret) >= 6:
                text = text.replace(secret, "***")
        return text


def summary(alert: dict[str, Any]) -> str:
    lines = [
        f"{alert['bot']}: {alert['spider']}: {len(alert['failed'])} checks failed "
        f"(finish reason {alert['finish_reason']})"
    ]
    lines += [f"- {f['monitor']}: {f['message']}" for f in alert["failed"]]
    return "\n".join(lines)


def describe(error: BaseException) -> str:
    """A short status: the HTTP status, the network error's reason, or the error's type."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        return f"{type(reason).__name__}: {reason}" if isinstance(reason, OSError) else "URLError"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP {error.smtp_code}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "SMTP recipients refused"
    if isinstance(error, OSError):
        return f"{type(error).__name__}: {error.strerror or error}"
    return type(error).__name__


def post_json(url: str, payload: dict[str, Any], timeout: float) -> int:
    """POST payload as JSON; credentials in the URL's user part go as Basic authorization."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError("not an http(s) URL")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if parts.username is not None:
        credentials = f"{parts.username}:{parts.password or ''}".encode()
        headers["Authorization"] = "Basic " + b64encode(credentials).decode()
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        url = urlunsplit(parts._replace(netloc=netloc))
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        return response.status


class WebhookAlert(_Alert):
    """POSTs the alert as JSON (with a ``text`` summary) to ALERT_WEBHOOK_URL."""

    channel = "webhook"

    def secrets(self):
        url = str(_setting(self.settings, "ALERT_WEBHOOK_URL"))
        parts = urlsplit(url)
        # The whole URL, and each part that may carry a credential.
        return [url, parts.password or "", parts.path, parts.query]

    def missing(self):
        return None if _setting(self.settings, "ALERT_WEBHOOK_URL") else "ALERT_WEBHOOK_URL"

    def send(self, alert, text):
        url = str(_setting(self.settings, "ALERT_WEBHOOK_URL"))
        post_json(url, {**alert, "text": text}, self.timeout)


class TelegramAlert(_Alert):
    """Sends the summary to ALERT_TELEGRAM_CHAT_ID through the bot ALERT_TELEGRAM_TOKEN."""

    channel = "telegram"

    def secrets(self):
        token = str(_setting(self.settings, "ALERT_TELEGRAM_TOKEN"))
        return [token, *token.split(":")[1:]]  # the token, and its secret half

    def missing(self):
        names = ("ALERT_TELEGRAM_TOKEN", "ALERT_TELEGRAM_CHAT_ID")
        unset = [name for name in names if not _setting(self.settings, name)]
        return " and ".join(unset) or None

    def send(self, alert, text):
        api = str(_setting(self.settings, "ALERT_TELEGRAM_API")).rstrip("/")
        token = _setting(self.settings, "ALERT_TELEGRAM_TOKEN")
        chat_id = _setting(self.settings, "ALERT_TELEGRAM_CHAT_ID")
        payload = {"chat_id": chat_id, "text": text[:4096], "disable_web_page_preview": True}
        post_json(f"{api}/bot{token}/sendMessage", payload, self.timeout)


class MailAlert(_Alert):
    """Mails the summary from ALERT_MAIL_FROM to ALERT_MAIL_TO through ALERT_SMTP_HOST.

    ALERT_SMTP_TLS: ``ssl`` (implicit TLS, port 465), ``starttls`` (required), ``none``
    (plain), or empty: STARTTLS when the server offers it, and required before a password is
    sent. ALERT_SMTP_USER and ALERT_SMTP_PASSWORD log in when set.
    """

    channel = "mail"

    def secrets(self):
        return [str(_setting(self.settings, "ALERT_SMTP_PASSWORD"))]

    def missing(self):
        unset = [
            name
            for name in ("ALERT_SMTP_HOST", "ALERT_MAIL_FROM", "ALERT_MAIL_TO")
            if not _setting(self.settings, name)
        ]
        return " and ".join(unset) or None

    def send(self, alert, text):
        settings = self.settings
        host = str(_setting(settings, "ALERT_SMTP_HOST"))
        port = _int(settings, "ALERT_SMTP_PORT")
        tls = str(_setting(settings, "ALERT_SMTP_TLS")).lower()
        user = str(_setting(settings, "ALERT_SMTP_USER"))
        password = str(_setting(settings, "ALERT_SMTP_PASSWORD"))
        recipients = _list(settings, "ALERT_MAIL_TO")
        message = EmailMessage()
        message["Subject"] = text.splitlines()[0]
        message["From"] = str(_setting(settings, "ALERT_MAIL_FROM"))
        message["To"] = ", ".join(recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid()
        message.set_content(text + "\n")
        context = ssl.create_default_context()
        if tls == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=self.timeout)
        with smtp:
            if tls != "ssl":
                smtp.ehlo()
                offered = smtp.has_extn("starttls")
                if tls == "starttls" or (tls != "none" and (offered or password)):
                    smtp.starttls(context=context)
                    smtp.ehlo()
            if user:
                smtp.login(user, password)
            smtp.send_message(message, to_addrs=recipients)


# The suite -----------------------------------------------------------------------------------


class SpiderCloseMonitorSuite(MonitorSuite):
    """The health of one spider's crawl, judged at close (SPIDERMON_SPIDER_CLOSE_MONITORS)."""

    monitors = [
        ArticlesMonitor,
        FieldCoverageMonitor,
        ErrorsMonitor,
        FinishReasonMonitor,
        FallbackMonitor,
    ]
    monitors_finished_actions = [RecordVerdict]
    monitors_failed_actions = [WebhookAlert, MailAlert, TelegramAlert]
