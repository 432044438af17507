"""The deployment files of deploy/: the crontab's lines run as written, log pruning, the units.

The crontab's lines are run by /bin/sh as cron would, with the checkout's and DATA_DIR's paths
swapped for the work tree and a temporary directory, and the crawl narrowed to one fixture site.
"""

import configparser
import fcntl
import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.crawling import ROOT, SITES, written

DEPLOY = ROOT / "deploy"
CHECKOUT = "/opt/hanoi-press-crawler"
DATA_DIR = "/var/lib/hanoi-press"
PRUNE = ROOT / "scripts" / "prune-logs"
CRAWLALL = f"{CHECKOUT}/.venv/bin/scrapy crawlall -s DATA_DIR={DATA_DIR}"


def _crontab() -> tuple[dict[str, str], list[str]]:
    """The crontab's variables and its commands (the user field dropped)."""
    variables, commands = {}, []
    for line in (DEPLOY / "crontab").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assignment = re.match(r"^([A-Z_]+)=(.*)$", line)
        if assignment:
            variables[assignment.group(1)] = assignment.group(2)
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, line
        assert fields[5] == "hanoi-press", line
        assert "%" not in fields[6], "cron turns % into a new line"
        commands.append(fields[6])
    return variables, commands


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str
    unit.read(DEPLOY / name, encoding="utf-8")
    return unit


def _run_cron_line(command: str, data: Path, *, crawl_extra: str = "") -> int:
    variables, _ = _crontab()
    command = command.replace(CHECKOUT, shlex.quote(str(ROOT))).replace(
        DATA_DIR, shlex.quote(str(data))
    )
    if crawl_extra:
        command = command.replace("scrapy crawlall", f"scrapy crawlall {crawl_extra}")
    env = {"PATH": variables["PATH"], "HOME": os.environ.get("HOME", "/"), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [variables["SHELL"], "-c", command], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout == done.stderr == "", "cron would mail this: " + done.stdout + done.stderr
    return done.returncode


@pytest.fixture
def data(tmp_path) -> Path:
    """DATA_DIR as deploy/README.md leaves it before the first run."""
    (tmp_path / "data" / "logs").mkdir(parents=True)
    return tmp_path / "data"


needs_cron_tools = pytest.mark.skipif(
    not (shutil.which("flock") and shutil.which("timeout")), reason="util-linux flock needed"
)


@needs_cron_tools
def test_crontab_crawl_line_runs_crawlall_and_logs_its_end(data):
    _, commands = _crontab()
    (crawl,) = [c for c in commands if "crawlall" in c]
    assert CRAWLALL.removeprefix(f"{CHECKOUT}/") in crawl
    extra = f"--sites nguoihanoi -a since=2020-01-01 -s REPLAY_DIR={shlex.quote(str(SITES))}"

    assert _run_cron_line(crawl, data, crawl_extra=extra) == 0
    cron_log = (data / "logs" / "cron.log").read_text("utf-8")
    assert "nguoihanoi  healthy" in cron_log, cron_log  # crawlall's summary
    assert re.search(r"^exit status 0 at \d{4}-\d\d-\d\dT", cron_log, re.MULTILINE), cron_log
    run_logs = [p for p in (data / "logs").glob("*.log") if p.name != "cron.log"]
    assert len(run_logs) == 1 and re.fullmatch(r"\d{8}T\d{6}\.log", run_logs[0].name)
    assert len(written(data, "nguoihanoi")) == 4
    assert len(list((data / "reports").glob("*.json"))) == 1


@needs_cron_tools
def test_crontab_crawl_line_does_not_overlap_a_run_still_going(data):
    _, commands = _crontab()
    (crawl,) = [c for c in commands if "crawlall" in c]
    lock = data / "crawlall.lock"
    assert f"{DATA_DIR}/crawlall.lock" in crawl
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the previous run, still going
        started = time.monotonic()
        assert _run_cron_line(crawl, data, crawl_extra=f"-s REPLAY_DIR={SITES}") == 0
        assert time.monotonic() - started < 10
    cron_log = (data / "logs" / "cron.log").read_text("utf-8")
    assert cron_log.startswith("exit status 75 at "), cron_log
    assert [p.name for p in (data / "logs").iterdir()] == ["cron.log"]  # no run started


def _age(path: Path, days: float) -> None:
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


def test_prune_logs_deletes_run_logs_older_than_the_days_given(data):
    logs = data / "logs"
    for name, days in [
        ("20240101T000700.log", 45),
        ("20240301T030700.log", 31),
        ("20240320T060700.log", 29),
        ("20240401T090700.log", 0),
        ("cron.log", 90),  # logrotate's
        ("cron.log.2.gz", 90),
        ("notes.txt", 90),
    ]:
        (logs / name).write_text("x")
        _age(logs / name, days)
    (data / "reports").mkdir()
    (data / "reports" / "20240101T000700.json").write_text("{}")
    _age(data / "reports" / "20240101T000700.json", 45)

    done = subprocess.run([PRUNE, data, "30"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert sorted(Path(line).name for line in done.stdout.split()) == [
        "20240101T000700.log",
        "20240301T030700.log",
    ]
    assert sorted(p.name for p in logs.iterdir()) == [
        "20240320T060700.log",
        "20240401T090700.log",
        "cron.log",
        "cron.log.2.gz",
        "notes.txt",
    ]
    assert (data / "reports" / "20240101T000700.json").exists()


def test_prune_logs_before_any_run_and_with_a_bad_count(tmp_path):
    assert subprocess.run([PRUNE, tmp_path / "nothing-yet"], timeout=30).returncode == 0
    bad = subprocess.run([PRUNE, tmp_path, "a month"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "DAYS must be a whole number" in bad.stderr


def test_crontab_prune_line_runs_quietly(data):
    _, commands = _crontab()
    (prune,) = [c for c in commands if "prune-logs" in c]
    old = data / "logs" / "20240101T000700.log"
    old.write_text("x")
    _age(old, 45)
    assert _run_cron_line(prune, data) == 0
    assert not old.exists()
    assert "20240101T000700.log" in (data / "logs" / "cron.log").read_text("utf-8")


def test_service_runs_the_crontab_command_hardened_with_data_dir_writable():
    service = _unit("hanoi-press-crawler.service")["Service"]
    assert service["ExecStart"] == CRAWLALL
    assert service["WorkingDirectory"] == CHECKOUT
    assert service["ExecStartPre"] == f"-{CHECKOUT}/scripts/prune-logs {DATA_DIR} 30"
    assert service["User"] == "hanoi-press"
    assert service["Type"] == "oneshot"
    assert service["ReadWritePaths"] == DATA_DIR
    for option, value in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("PrivateTmp", "yes"),
        ("ProtectHome", "yes"),
    ]:
        assert service[option] == value, option
    assert "75" in service["SuccessExitStatus"].split()
    assert "3" not in service["SuccessExitStatus"].split()

    timer = _unit("hanoi-press-crawler.timer")["Timer"]
    assert timer["Persistent"] == "true"
    assert timer["RandomizedDelaySec"]
    assert timer["OnCalendar"] == "*-*-* 00/3:07:00"


def _directives(name: str, section: str) -> set[tuple[str, str]]:
    """A unit section's (name, value) pairs, every Environment= among them (_unit keeps the last)."""
    directives, current = set(), None
    for line in (DEPLOY / name).read_text("utf-8").splitlines():
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section and "=" in line and not line.startswith("#"):
            directives.add(tuple(line.split("=", 1)))
    return directives


def test_worker_template_runs_crawlall_on_redis_as_the_single_unit_does():
    worker = _directives("hanoi-press-worker@.service", "Service")
    single = _directives("hanoi-press-crawler.service", "Service")
    # Each instance names its worker after the machine and itself, and reads REDIS_URL from the
    # env file: ${REDIS_URL} is one argument whatever it holds.
    run = f"{CRAWLALL} -s REDIS_URL=${{REDIS_URL}} -s WORKER_ID=%H-%i"
    assert worker - single == {
        ("ExecStart", run),
        ("EnvironmentFile", "/etc/hanoi-press/worker.env"),
    }
    # User, hardening, timeouts, exit statuses, pruning and cache: all as the single unit's.
    assert single - worker == {("ExecStart", CRAWLALL)}
    worker_unit = _unit("hanoi-press-worker@.service")["Unit"]
    single_unit = _unit("hanoi-press-crawler.service")["Unit"]
    for option in ("Documentation", "Wants", "After"):
        assert worker_unit[option] == single_unit[option], option


def test_worker_timers_fire_together_on_the_single_timers_calendar():
    worker, single = _unit("hanoi-press-worker@.timer"), _unit("hanoi-press-crawler.timer")
    assert worker["Timer"]["OnCalendar"] == single["Timer"]["OnCalendar"]
    assert worker["Timer"]["Persistent"] == "true"
    # A random delay per instance would start some workers after the others finished.
    assert "RandomizedDelaySec" not in worker["Timer"]
    assert worker["Install"]["WantedBy"] == "timers.target"
    assert "Unit" not in worker["Timer"]  # so each instance starts its namesake service


def test_logrotate_and_scrapyd_use_data_dir():
    logrotate = (DEPLOY / "logrotate.conf").read_text("utf-8")
    assert f"{DATA_DIR}/logs/cron.log {{" in logrotate
    scrapyd = configparser.ConfigParser(interpolation=None)
    scrapyd.read(DEPLOY / "scrapyd.conf", encoding="utf-8")
    assert scrapyd["scrapyd"]["bind_address"] == "127.0.0.1"
    for name in ("eggs_dir", "logs_dir", "dbs_dir"):
        assert scrapyd["scrapyd"][name].startswith(f"{DATA_DIR}/scrapyd/"), name
    unit = _unit("hanoi-press-scrapyd.service")["Service"]
    assert unit["WorkingDirectory"] == f"{DATA_DIR}/scrapyd"
    assert unit["ExecStart"].startswith(f"{CHECKOUT}/.venv/bin/scrapyd ")
    assert unit["ReadWritePaths"] == DATA_DIR


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    names = [
        "hanoi-press-crawler.service",
        "hanoi-press-crawler.timer",
        "hanoi-press-scrapyd.service",
        "hanoi-press-worker@.service",
        "hanoi-press-worker@.timer",
    ]
    for name in names:
        text = (DEPLOY / name).read_text("utf-8").replace(CHECKOUT, str(ROOT))
        (tmp_path / name).write_text(text, "utf-8")
    if not (ROOT / ".venv" / "bin" / "scrapyd").exists():
        pytest.skip("scrapyd not installed in .venv")
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
