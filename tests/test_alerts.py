"""Alerts: spidermon's checks at spider close (crawler/monitors.py) and the actions they trigger.

The checks are judged on final stats given by hand; the alerts are tested end to end: a real
``scrapy crawl`` over the fixture replay, with a webhook, a fake Telegram API and an SMTP sink
served on 127.0.0.1 by the test itself.
"""

import base64
import email
import email.policy
import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from crawling import SITES, crawl
from scrapy.utils.test import get_crawler
from spidermon import MonitorRunner

from crawler.monitors import SpiderCloseMonitorSuite

SPIDERMON = {
    "SPIDERMON_ENABLED": "1",
    "EXTENSIONS": json.dumps(
        {
            "crawler.seen.SeenStore": 0,
            "crawler.statsfile.StatsFile": 900,
            "spidermon.contrib.scrapy.extensions.Spidermon": 500,
        }
    ),
    "SPIDERMON_SPIDER_CLOSE_MONITORS": "crawler.monitors.SpiderCloseMonitorSuite",
}
TOKEN = "7301:telegram-token-secret"
PASSWORD = "smtp-password-secret"
HOOK_PASSWORD = "hook-password-secret"
HOOK_PATH = "/hooks/T0/hook-path-secret"
SECRETS = (TOKEN, PASSWORD, HOOK_PASSWORD, HOOK_PATH)


# The checks, on final stats ----------------------------------------------------------------

HEALTHY = {
    "articles/written": 10,
    "articles/parsed": 10,
    "discovery/article_requests": 10,
    "downloader/request_count": 14,
    "fields/filled/authors": 8,
    "fields/filled/lead": 10,
    "fields/filled/published_at": 10,
    "fields/filled/related": 6,
    "finish_reason": "finished",
}


def judge(stats: dict, max_items: int | None = None, **settings) -> tuple[dict, dict]:
    """Each check's status ("OK", "FAIL", "SKIPPED") by name, and the stats it recorded."""
    crawler = get_crawler(settings_dict=settings)
    spider = SimpleNamespace(
        name="nguoihanoi",
        parser=SimpleNamespace(name="onecms"),
        args=SimpleNamespace(max_items=max_items),
    )
    runner = MonitorRunner()
    suite = SpiderCloseMonitorSuite(crawler=crawler)
    result = runner.run(suite, stats=stats, crawler=crawler, spider=spider)
    statuses = {outcome.item.name: outcome.status for outcome in result.monitor_results}
    return statuses, crawler.stats.get_stats()


def failed(statuses: dict) -> set[str]:
    return {name for name, status in statuses.items() if status not in ("OK", "SKIPPED")}


def test_a_healthy_crawl_passes_every_check():
    statuses, recorded = judge(HEALTHY)
    assert len(statuses) == 7
    assert not failed(statuses)
    assert recorded == {"alerts/monitors_failed": 0}


@pytest.mark.parametrize(
    "stats",
    [
        # Every link found was written before.
        {"discovery/already_seen": 12},
        # Known links, and a few pages that were new but old news or duplicates.
        {
            "discovery/already_seen": 3,
            "discovery/article_requests": 2,
            "articles/parsed": 1,
            "articles/outside_window": 1,
        },
        {"discovery/article_requests": 1, "articles/parsed": 1, "dropped/duplicate_content": 1},
        # Nothing published inside the window.
        {"discovery/outside_window": 40},
        # Known links and one odd page: too few requests to call the pages unreadable.
        {"discovery/already_seen": 3, "discovery/article_requests": 1, "articles/no_article": 1},
    ],
)
def test_nothing_new_is_no_alarm(stats):
    statuses, _ = judge({**stats, "finish_reason": "finished"})
    assert not failed(statuses)


@pytest.mark.parametrize(
    ("stats", "message"),
    [
        ({}, "0 articles written (at least 1 expected): no article link found"),
        (
            {
                "discovery/already_seen": 4,
                "discovery/article_requests": 5,
                "articles/no_article": 5,
            },
            "none of the 5 article pages requested held an article",
        ),
        (
            {"discovery/article_requests": 2, "articles/parsed": 2, "dropped/invalid": 2},
            "from 2 article pages requested, none of them known",
        ),
    ],
)
def test_no_article_written_alarms(stats, message):
    statuses, recorded = judge({**stats, "finish_reason": "finished"})
    assert failed(statuses) == {"Articles/written"}
    assert recorded["alerts/monitors_failed"] == 1
    assert message in recorded["alerts/failed/Articles/written"]


def test_a_distributed_worker_is_judged_on_the_requests_it_answered():
    distributed = {"REDIS_URL": "redis://127.0.0.1:1/0"}
    # The other workers took every request: no alarm for this one.
    statuses, _ = judge({"finish_reason": "finished"}, **distributed)
    assert statuses["Articles/written"] == "SKIPPED"
    # It queued 40 article pages, the others answered them; it answered 6, none an article.
    stats = {
        "finish_reason": "finished",
        "scheduler/dequeued/redis": 8,
        "discovery/article_requests": 40,
        "articles/answered": 6,
        "articles/no_article": 6,
        "discovery/already_seen": 2,
    }
    statuses, recorded = judge(stats, **distributed)
    assert failed(statuses) == {"Articles/written"}
    assert "none of the 6 article pages requested" in recorded["alerts/failed/Articles/written"]
    # It read the sitemap and queued its 3 links; the others answered them all.
    found = {"finish_reason": "finished", "scheduler/dequeued/redis": 1}
    statuses, _ = judge({**found, "discovery/article_requests": 3}, **distributed)
    assert statuses["Articles/written"] == "OK"


def test_the_minimum_of_articles_is_a_setting_capped_by_max_items():
    stats = {**HEALTHY, "articles/written": 3}
    assert failed(judge(stats, ALERT_MIN_ITEMS="5")[0]) == {"Articles/written"}
    assert not failed(judge(stats, max_items=3, ALERT_MIN_ITEMS="5")[0])


def test_field_coverage_alarms_under_its_minimum():
    stats = {**HEALTHY, "fields/filled/authors": 2}
    del stats["fields/filled/related"]  # counted in no article
    statuses, recorded = judge(stats)
    assert failed(statuses) == {"Fields/coverage"}
    message = recorded["alerts/failed/Fields/coverage"]
    assert "authors 20% (minimum 50%)" in message
    assert "related 0% (minimum 20%)" in message
    assert "lead" not in message
    # The minimums are a dict setting, given as JSON on the command line.
    assert not failed(judge(stats, ALERT_MIN_FIELD_COVERAGE='{"lead": 0.9}')[0])


def test_field_coverage_is_unknown_without_counts_or_articles():
    uncounted = {k: v for k, v in HEALTHY.items() if not k.startswith("fields/")}
    statuses, _ = judge(uncounted)
    assert statuses["Fields/coverage"] == "SKIPPED"
    few = {**HEALTHY, "articles/written": 2, "fields/filled/authors": 0}
    assert judge(few)[0]["Fields/coverage"] == "SKIPPED"
    assert judge(few, ALERT_MIN_SAMPLE="1")[0]["Fields/coverage"] == "FAIL"


@pytest.mark.parametrize(
    ("extra", "check", "settings"),
    [
        ({"log_count/ERROR": 1}, "Errors/logged", {}),
        (
            {"articles/parse_error": 1, "log_count/ERROR": 1},
            "Errors/parser",
            {"ALERT_MAX_ERRORS": "1"},
        ),
        ({"downloader/exception_count": 4}, "Errors/downloads", {}),
        ({"finish_reason": "shutdown"}, "Finish/reason", {}),
        ({"finish_reason": "closespider_timeout"}, "Finish/reason", {}),
        ({"articles/fallback_share_exceeded": 0.6}, "Fallback/share", {}),
    ],
)
def test_each_check_alarms_past_its_threshold(extra, check, settings):
    statuses, recorded = judge({**HEALTHY, **extra}, **settings)
    assert failed(statuses) == {check}
    assert recorded[f"alerts/failed/{check}"]


def test_thresholds_are_settings():
    assert not failed(judge({**HEALTHY, "log_count/ERROR": 2}, ALERT_MAX_ERRORS="2")[0])
    # 2 exceptions in 14 requests: under the default 20% share.
    assert not failed(judge({**HEALTHY, "downloader/exception_count": 2})[0])
    assert not failed(judge({**HEALTHY, "finish_reason": "max_items"})[0])
    reasons = {"ALERT_FINISH_REASONS": "finished,closespider_timeout"}
    assert not failed(judge({**HEALTHY, "finish_reason": "closespider_timeout"}, **reasons)[0])


# Local servers -------------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append({"path": self.path, "headers": self.headers, "body": body})
        answer = json.dumps({"ok": self.server.status == 200}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO (with AUTH PLAIN, no STARTTLS), MAIL, RCPT, DATA."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                self.server.logins.append(command)
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender, recipients = command, []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.mails.append((sender, recipients, b"".join(lines)))
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@contextmanager
def serving(server) -> Iterator:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def http_server(status: int = 200):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests, server.status = [], status
    return serving(server)


def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSession)
    server.daemon_threads = True
    server.logins, server.mails = [], []
    return serving(server)


def alert_settings(hook, telegram, smtp, **extra) -> dict[str, str]:
    hook_port, telegram_port, smtp_port = (s.server_address[1] for s in (hook, telegram, smtp))
    return {
        **SPIDERMON,
        "ALERT_WEBHOOK_URL": f"http://crawler:{HOOK_PASSWORD}@127.0.0.1:{hook_port}{HOOK_PATH}",
        "ALERT_TELEGRAM_API": f"http://127.0.0.1:{telegram_port}",
        "ALERT_TELEGRAM_TOKEN": TOKEN,
        "ALERT_TELEGRAM_CHAT_ID": "-100200300",
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(smtp_port),
        "ALERT_SMTP_USER": "crawler",
        "ALERT_SMTP_PASSWORD": PASSWORD,
        "ALERT_MAIL_FROM": "crawler@example.invalid",
        "ALERT_MAIL_TO": "desk@example.invalid,night@example.invalid",
        "ALERT_TIMEOUT": "5",
        **extra,
    }


def assert_no_secret(log: str, data) -> None:
    stats_text = "\n".join(p.read_text("utf-8") for p in data.glob("stats-*.json"))
    for secret in SECRETS:
        assert secret not in log
        assert secret not in stats_text


# End to end ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Alerts to 127.0.0.1 go straight there, whatever proxy the environment names."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """A replay of nguoihanoi.vn that has its robots.txt and nothing else: no link to find."""
    replay = tmp_path_factory.mktemp("replay")
    (replay / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    manifest = {"https://nguoihanoi.vn/robots.txt": {"file": "robots.txt"}}
    (replay / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return replay


@pytest.fixture(scope="module")
def broken_status(broken_site, tmp_path_factory):
    """The exit status of the broken site's crawl without spidermon: the project's own verdict."""
    status, stats, log = crawl(
        "nguoihanoi", tmp_path_factory.mktemp("data"), replay=broken_site, SPIDERMON_ENABLED="0"
    )
    assert stats["finish_reason"] == "finished", log
    assert not any(name.startswith("alerts/") for name in stats)
    return status


def test_a_healthy_crawl_and_its_rerun_send_no_alert(tmp_path):
    with http_server() as hook, http_server() as telegram, smtp_sink() as smtp:
        settings = alert_settings(hook, telegram, smtp)
        first = crawl("nguoihanoi", tmp_path, "since=2020-01-01", replay=SITES, **settings)
        # The second run finds only articles it already wrote: nothing new, and no alarm.
        second = crawl("nguoihanoi", tmp_path, "since=2020-01-01", replay=SITES, **settings)
    for status, stats, log in (first, second):
        assert status == 0, log
        assert stats["alerts/monitors_failed"] == 0
        assert "[Spidermon] OK" in log
        assert "alert sent" not in log
    assert first[1]["articles/written"] == 4
    assert "articles/written" not in second[1]
    assert second[1]["discovery/already_seen"] == 4
    assert hook.requests == telegram.requests == smtp.mails == []


def test_a_broken_site_alerts_every_configured_channel_once(tmp_path, broken_site, broken_status):
    with http_server() as hook, http_server() as telegram, smtp_sink() as smtp:
        settings = alert_settings(hook, telegram, smtp, ALERT_SMTP_TLS="none")
        status, stats, log = crawl("nguoihanoi", tmp_path, replay=broken_site, **settings)
    # spidermon sets no exit status: the project's own judgement of the site does.
    assert status == broken_status

    [posted] = hook.requests
    assert posted["path"] == HOOK_PATH
    assert posted["headers"]["Content-Type"].startswith("application/json")
    assert posted["headers"]["Authorization"].startswith("Basic ")
    alert = json.loads(posted["body"])
    assert alert["spider"] == "nguoihanoi"
    assert alert["finish_reason"] == "finished"
    assert {"monitor": "Articles/written", "message": stats["alerts/failed/Articles/written"]} in (
        alert["failed"]
    )
    assert "no article link found" in alert["text"]

    [sent] = telegram.requests
    assert sent["path"] == f"/bot{TOKEN}/sendMessage"
    message = json.loads(sent["body"])
    assert message["chat_id"] == "-100200300"
    assert message["text"] == alert["text"]

    [(sender, recipients, raw)] = smtp.mails
    [login] = smtp.logins
    assert base64.b64decode(login.split()[-1]) == f"\0crawler\0{PASSWORD}".encode()
    assert sender.endswith("FROM:<crawler@example.invalid>")
    assert len(recipients) == 2
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert "nguoihanoi" in mail["Subject"]
    assert "Articles/written" in mail.get_content()

    assert stats["alerts/monitors_failed"] >= 1
    for channel in ("webhook", "mail", "telegram"):
        assert stats[f"alerts/sent/{channel}"] == 1
        assert f"{channel} alert sent" in log
    assert_no_secret(log, tmp_path)


def test_without_configuration_the_log_and_stats_are_the_alert(
    tmp_path, broken_site, broken_status
):
    status, stats, log = crawl("nguoihanoi", tmp_path, replay=broken_site, **SPIDERMON)
    assert status == broken_status
    assert "[Spidermon] FAILED" in log
    assert "Articles/written... FAIL" in log
    assert "WebhookAlert... SKIPPED (ALERT_WEBHOOK_URL not set)" in log
    assert stats["alerts/monitors_failed"] >= 1
    assert stats["alerts/failed/Articles/written"].startswith("0 articles written")
    assert not any(name.startswith(("alerts/sent/", "alerts/send_failed/")) for name in stats)


def test_an_alert_that_cannot_go_out_is_logged_without_its_secret(
    tmp_path, broken_site, broken_status
):
    with http_server(500) as hook, http_server(401) as telegram, smtp_sink() as smtp:
        # No ALERT_SMTP_TLS: the sink offers no STARTTLS, so the password is not sent in clear.
        settings = alert_settings(hook, telegram, smtp)
        status, stats, log = crawl("nguoihanoi", tmp_path, replay=broken_site, **settings)
    assert status == broken_status
    assert stats["finish_reason"] == "finished"
    assert len(hook.requests) == len(telegram.requests) == 1
    assert smtp.logins == smtp.mails == []
    assert "webhook alert failed: HTTP 500" in log
    assert "telegram alert failed: HTTP 401" in log
    assert "mail alert failed: SMTPNotSupportedError" in log
    for channel in ("webhook", "mail", "telegram"):
        assert stats[f"alerts/send_failed/{channel}"] == 1
    assert_no_secret(log, tmp_path)


def test_an_unreachable_channel_does_not_hold_the_crawl(tmp_path, broken_site, broken_status):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings = {
        **SPIDERMON,
        "ALERT_WEBHOOK_URL": f"http://127.0.0.1:{closed}{HOOK_PATH}",
        "ALERT_TELEGRAM_API": f"http://127.0.0.1:{closed}",
        "ALERT_TELEGRAM_TOKEN": TOKEN,
        "ALERT_TELEGRAM_CHAT_ID": "1",
    }
    status, stats, log = crawl("nguoihanoi", tmp_path, replay=broken_site, **settings)
    assert status == broken_status
    assert "webhook alert failed: ConnectionRefusedError: [Errno 111] Connection refused" in log
    assert "telegram alert failed: ConnectionRefusedError" in log
    assert stats["alerts/send_failed/webhook"] == stats["alerts/send_failed/telegram"] == 1
    assert "MailAlert... SKIPPED" in log
    assert_no_secret(log, tmp_path)
