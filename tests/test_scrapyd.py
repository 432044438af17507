"""On demand over HTTP: the project's egg on a real scrapyd, one spider scheduled through its API.

A scrapyd process is started on 127.0.0.1 (a free port, a temporary directory) with
deploy/scrapyd.conf, its port and directories replaced; scrapyd-deploy builds the egg from a
copy of the checkout and uploads it to the target of deploy/scrapy-deploy.cfg; then
``schedule.json`` runs ``nguoihanoi`` over the fixture sites, as deploy/README.md tells an
operator to.
"""

import configparser
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.crawling import ROOT, SITES, expected_articles, written

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
PROJECT = "crawler"
# Every request goes to the scrapyd on 127.0.0.1, never through a proxy.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(home: Path, **extra: str) -> dict[str, str]:
    """This environment less what could make a job import the work tree instead of the egg.

    HOME is a temporary one: scrapyd reads ~/.scrapyd.conf after ./scrapyd.conf, scrapyd-deploy
    ~/.scrapy.cfg and ~/.netrc, and none of an operator's may change what is tested.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "PYTHONPATH" and not name.startswith("SCRAPY_") and "proxy" not in name.lower()
    }
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return {**env, "HOME": str(home), **extra}


class Scrapyd:
    """A scrapyd process of its own, in ``base``, on a free port of 127.0.0.1."""

    def __init__(self, base: Path):
        self.base = base
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.output = base / "scrapyd.out"
        self.process: subprocess.Popen | None = None

    def configure(self) -> None:
        config = configparser.ConfigParser(interpolation=None)
        config.read(DEPLOY / "scrapyd.conf", encoding="utf-8")
        section = config["scrapyd"]
        assert section["bind_address"] == "127.0.0.1"
        section["http_port"] = str(self.port)
        for name in ("eggs_dir", "logs_dir", "dbs_dir"):
            section[name] = str(self.base / name.removesuffix("_dir"))
        section["poll_interval"] = "0.2"
        section["username"] = section["password"] = ""  # whatever /etc/scrapyd says
        # scrapyd reads ./scrapyd.conf: the job processes too, started in the same directory.
        with open(self.base / "scrapyd.conf", "w", encoding="utf-8") as stream:
            config.write(stream)

    def start(self) -> None:
        self.configure()
        with open(self.output, "wb") as output:
            # A session of its own, so that stop() ends scrapyd and any job it left running.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scrapyd", "--pidfile="],
                cwd=self.base,
                env=_environment(self.base),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"scrapyd exited at start:\n{self.log()}")
            try:
                if self.get("daemonstatus.json")["status"] == "ok":
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"scrapyd did not answer within 20 s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        group = self.process.pid  # the session leader's pid is its process group's id
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        try:
            os.killpg(group, signal.SIGKILL)  # a job still running, if any
        except ProcessLookupError:
            pass

    def log(self) -> str:
        return self.output.read_text("utf-8", errors="replace")

    def get(self, endpoint: str, **query: str) -> dict:
        url = self.url + endpoint + ("?" + urllib.parse.urlencode(query) if query else "")
        with DIRECT.open(url, timeout=10) as response:
            return json.load(response)

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict:
        body = urllib.parse.urlencode(fields).encode()
        with DIRECT.open(self.url + endpoint, data=body, timeout=30) as response:
            return json.load(response)

    def schedule(self, spider: str, *arguments: str, **settings: str) -> str:
        fields = [("project", PROJECT), ("spider", spider)]
        fields += [tuple(argument.split("=", 1)) for argument in arguments]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        answer = self.post("schedule.json", fields)
        assert answer["status"] == "ok", answer
        return answer["jobid"]

    def wait_finished(self, job: str, seconds: float = 60) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for finished in self.get("listjobs.json", project=PROJECT)["finished"]:
                if finished["id"] == job:
                    return finished
            time.sleep(0.2)
        raise AssertionError(f"job {job} not finished after {seconds} s:\n{self.log()[-4000:]}")

    def job_log(self, spider: str, job: str) -> str:
        return (self.base / "logs" / PROJECT / spider / f"{job}.log").read_text("utf-8")


def _checkout_copy(base: Path) -> Path:
    """What a clone builds the egg from, copied, so that the build leaves the work tree alone."""
    copy = base / "checkout"
    shutil.copytree(
        ROOT / "crawler", copy / "crawler", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("scrapy.cfg", "setup.py", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    server = Scrapyd(tmp_path_factory.mktemp("scrapyd"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def deployed(scrapyd, tmp_path_factory) -> dict:
    """scrapyd-deploy's egg, checked, then uploaded to the target of deploy/scrapy-deploy.cfg."""
    base = tmp_path_factory.mktemp("deploy")
    checkout = _checkout_copy(base)
    xdg = base / "xdg"  # scrapyd-deploy reads $XDG_CONFIG_HOME/scrapy.cfg, as ~/.config/scrapy.cfg
    xdg.mkdir()
    target = configparser.ConfigParser(interpolation=None)
    target.read(DEPLOY / "scrapy-deploy.cfg", encoding="utf-8")
    assert target["deploy:local"]["project"] == PROJECT
    target["deploy:local"]["url"] = scrapyd.url
    with open(xdg / "scrapy.cfg", "w", encoding="utf-8") as stream:
        target.write(stream)
    env = _environment(scrapyd.base, XDG_CONFIG_HOME=str(xdg))

    egg = base / "crawler.egg"
    build = subprocess.run(
        [BIN / "scrapyd-deploy", "--build-egg", egg],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    for schema in (checkout / "crawler" / "schemas").glob("*.json"):
        assert f"crawler/schemas/{schema.name}" in names, f"the egg lacks {schema.name}"
    assert "crawler/settings.py" in names
    assert "settings = crawler.settings" in entry_points

    upload = subprocess.run(
        [BIN / "scrapyd-deploy", "local", "--egg", egg],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upload.returncode == 0, upload.stdout + upload.stderr
    answer = json.loads(upload.stdout)
    assert answer["status"] == "ok" and answer["project"] == PROJECT, answer
    return answer


def test_jobs_can_only_import_the_crawler_from_the_egg(scrapyd):
    # Where a job starts (scrapyd's directory, its environment), the work tree is out of reach:
    # a job that runs at all ran the uploaded egg.
    probe = subprocess.run(
        [sys.executable, "-c", "import crawler"],
        cwd=scrapyd.base,
        env=_environment(scrapyd.base),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode != 0 and "No module named 'crawler'" in probe.stderr


def test_deployed_project_lists_every_spider(scrapyd, deployed):
    spiders = scrapyd.get("listspiders.json", project=PROJECT)["spiders"]
    assert "nguoihanoi" in spiders
    assert len(spiders) == deployed["spiders"] > 1


def test_schedule_one_spider_with_arguments_and_settings(scrapyd, deployed, tmp_path):
    data = tmp_path / "data"
    job = scrapyd.schedule("nguoihanoi", "since=2020-01-01", REPLAY_DIR=SITES, DATA_DIR=data)
    finished = scrapyd.wait_finished(job)

    assert finished["spider"] == "nguoihanoi"
    assert finished["log_url"] == f"/logs/{PROJECT}/nguoihanoi/{job}.log"
    log = scrapyd.job_log("nguoihanoi", job)
    assert "Traceback" not in log, log
    assert "'finish_reason': 'finished'" in log, log
    # Exit status 0: scrapyd says "Process died: exitstatus=N" for any other.
    assert f"Process finished: project='{PROJECT}' spider='nguoihanoi' job='{job}'" in (
        scrapyd.log()
    ), scrapyd.log()[-4000:]

    expected = {
        url for url, article in expected_articles().items() if article["site"] == "nguoihanoi"
    }
    assert len(expected) == 4
    articles = written(data, "nguoihanoi")
    assert sorted(article["url"] for article in articles) == sorted(expected)


def test_a_bad_argument_ends_the_job_with_status_2_and_says_why(scrapyd, deployed, tmp_path):
    data = tmp_path / "data"
    job = scrapyd.schedule("nguoihanoi", "since=yesterday", REPLAY_DIR=SITES, DATA_DIR=data)
    scrapyd.wait_finished(job)
    log = scrapyd.log()
    assert f"Process died: exitstatus=2 project='{PROJECT}' spider='nguoihanoi' job='{job}'" in (
        log
    ), log[-4000:]
    assert "nguoihanoi: since='yesterday': expected an ISO date" in log, log[-4000:]
    assert not written(data, "nguoihanoi")
