"""Process faults: a crawl killed with SIGKILL again and again, and a disk that fills up mid-run.

What must hold (docs/reliability/process.md):

* kill -9 at random moments (start-up and recovery, mid-write, during close), rerun each time:
  at the end every article is written exactly once, every line parses and validates, and the
  seen store agrees with the files (every written URL seen, nothing seen that is not written).
  After every kill, nothing is seen that is not in a complete line. The long test (``--long``):
  2,000 articles, 30 kills; tests/test_crash_safety.py keeps 24 kills over 800 in CI.
* a full disk (a file-size limit, RLIMIT_FSIZE with SIGXFSZ ignored so that write() fails with
  EFBIG; or a small tmpfs, when it can be mounted): the run fails loudly (an ERROR naming the
  file and the error, ``write/failed``, finish reason ``write_failed``, the site failing, exit
  status 3), no torn line is left, the store holds exactly the URLs of the complete lines, and
  once the space is back a rerun writes every article exactly once.

Real processes, real files, the real spider over a tests/sitegen.py replay site; the writer's
branches that a real fault cannot be aimed at (a cut that fails too, a store that committed and
still raised) are driven in-process at the end.
"""

import errno
import json
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sitegen import build_site

from crawler import settings as project_settings
from crawler.items import ARTICLE_FIELDS, Article, article_schema
from crawler.pipelines import JsonLinesWriterPipeline
from crawler.seen import SeenStore
from crawler.urls import url_key

ROOT = Path(__file__).resolve().parent.parent
SITE = "hanoimoi"
LONG_ARTICLES = 2000
LONG_KILLS = 30
RECOVERED = re.compile(rb"recovered (\d+) written but unrecorded lines of")


# Running the crawl -------------------------------------------------------------------------


def crawl_command(site: Path, data: Path, *arguments: str, **settings: str) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", SITE, "-a", "since=2020-01-01"]
    for argument in arguments:
        command += ["-a", argument]
    settings = {"REPLAY_DIR": str(site), "DATA_DIR": str(data), "LOG_LEVEL": "INFO", **settings}
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def file_size_limit(limit: int) -> Callable[[], None]:
    """A preexec_fn: files may not grow past ``limit`` bytes, and write() fails with EFBIG."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # ignored signals stay ignored over exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


class Run:
    """One finished crawl: exit status, standard output and error, final stats, report."""

    def __init__(self, done: subprocess.CompletedProcess, stats_file: Path, data: Path):
        self.status = done.returncode
        self.out = done.stdout
        self.err = done.stderr
        self.stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
        found = re.search(r"^report: (.+)$", self.out, re.MULTILINE)
        path = Path(found[1]) if found else None
        self.report = json.loads(path.read_text("utf-8")) if path and path.exists() else None

    def __repr__(self) -> str:
        return f"exit status {self.status}\n{self.out}\n{self.err[-4000:]}"


def crawl(site: Path, data: Path, *arguments: str, limit: int | None = None, **settings) -> Run:
    stats_file = data.parent / "stats.json"  # beside DATA_DIR: on no full disk
    stats_file.unlink(missing_ok=True)
    done = subprocess.run(
        crawl_command(site, data, *arguments, STATS_FILE=str(stats_file), **settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=file_size_limit(limit) if limit else None,
    )
    return Run(done, stats_file, data)


# Reading what is on disk -------------------------------------------------------------------


def output_files(data: Path) -> list[Path]:
    return sorted(data.glob(f"{SITE}/*.jsonl"))


def output_size(data: Path) -> int:
    return sum(file.stat().st_size for file in output_files(data))


def count_lines(data: Path) -> int:
    return sum(file.read_bytes().count(b"\n") for file in output_files(data))


def complete_lines(data: Path) -> list[bytes]:
    """Every complete line of the output; a torn last line is not one."""
    lines = []
    for file in output_files(data):
        content = file.read_bytes()
        lines += content[: content.rfind(b"\n") + 1].splitlines()
    return lines


def torn_tails(data: Path) -> int:
    return sum(1 for file in output_files(data) if not file.read_bytes().endswith(b"\n"))


def valid_articles(data: Path) -> list[dict]:
    """Every line, parsed and checked against the schema; the files end with a whole line."""
    assert torn_tails(data) == 0, "a torn line was left"
    articles = [json.loads(line) for line in complete_lines(data)]
    validator = Draft202012Validator(article_schema())
    for article in articles:
        assert not list(validator.iter_errors(article)), article["url"]
    return articles


def store_contents(data: Path) -> tuple[set[bytes], set[bytes], dict[str, int]]:
    """URL keys, content keys and file sizes as the store holds them: read raw, no recovery."""
    path = data / "seen.sqlite3"
    if not path.exists():  # a run killed before it opened the store
        return set(), set(), {}
    db = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True)  # rw: reads the WAL left
    try:
        db.execute("PRAGMA query_only = 1")
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'files'").fetchone():
            return set(), set(), {}  # killed before the tables were made
        urls = {key for (key,) in db.execute("SELECT key FROM urls")}
        contents = {key for (key,) in db.execute("SELECT key FROM contents")}
        files = dict(db.execute("SELECT path, size FROM files").fetchall())
    finally:
        db.close()
    return urls, contents, files


def assert_store_agrees(data: Path) -> list[dict]:
    """The store holds exactly the URLs, contents and sizes of the complete lines."""
    articles = valid_articles(data)
    urls, contents, files = store_contents(data)
    assert urls == {url_key(a["url"]) for a in articles}
    assert contents == {bytes.fromhex(a["content_hash"]) for a in articles}
    sizes = {f"{SITE}/{file.name}": file.stat().st_size for file in output_files(data)}
    # An empty file (its first line cut back) may be unknown to the store.
    assert {p: n for p, n in files.items() if n} == {p: n for p, n in sizes.items() if n}
    return articles


def assert_nothing_seen_unwritten(data: Path) -> tuple[int, int]:
    """After a kill: no URL or size recorded past the complete lines.

    Returns (torn last lines, complete lines not yet recorded) for the figures.
    """
    lines = complete_lines(data)
    keys = {url_key(json.loads(line)["url"]) for line in lines}
    urls, _, files = store_contents(data)
    assert urls <= keys, f"{len(urls - keys)} URLs seen but not in a complete line"
    unrecorded = 0
    for file in output_files(data):
        content = file.read_bytes()
        complete = content.rfind(b"\n") + 1
        recorded = files.get(f"{SITE}/{file.name}", 0)
        assert recorded <= complete, f"{file} recorded past its last complete line"
        unrecorded += content[recorded:complete].count(b"\n")
    assert len(urls) == len(lines) - unrecorded
    return torn_tails(data), unrecorded


def assert_each_article_once(data: Path, urls: list[str]) -> list[dict]:
    articles = assert_store_agrees(data)
    written = [a["url"] for a in articles]
    assert len(written) == len(set(written)), "an article was written twice"
    assert sorted(written) == sorted(urls)
    return articles


# kill -9 at random moments -----------------------------------------------------------------


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, rng: random.Random):
    deadline = time.monotonic() + 120
    while not condition() and process.poll() is None:
        assert time.monotonic() < deadline, "the crawl stalled"
        time.sleep(rng.uniform(0, 0.01))


def kill_and_rerun(tmp_path: Path, articles: int, kills: int, seed: int) -> dict:
    """Kill crawls of a site of ``articles`` at random moments until ``kills`` kills landed."""
    site, data, logs = tmp_path / "site", tmp_path / "data", tmp_path / "logs"
    logs.mkdir()
    urls = build_site(site, articles)
    rng = random.Random(seed)
    figures: Counter = Counter()
    started = time.monotonic()
    attempt = unrecorded = 0
    while figures["kills"] < kills:
        assert attempt < 3 * kills, f"only {figures['kills']} kills landed in {attempt} runs"
        # Cycle: start-up (recovery of the last kill's tail), mid-write twice, during close.
        moment = ("start-up", "mid-write", "mid-write", "close", "mid-write")[attempt % 5]
        before, size_before = count_lines(data), output_size(data)
        arguments = [f"max_items={rng.randint(10, 60)}"] if moment == "close" else []
        log = logs / f"{attempt:03d}-{moment}.log"
        with open(log, "wb") as stderr:
            process = subprocess.Popen(
                crawl_command(site, data, *arguments),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            if moment == "start-up" and attempt % 2:
                time.sleep(rng.uniform(0.05, 1.2))  # anywhere in start-up
            elif moment == "start-up":
                # While the extensions are built: the seen store opens and recovers then.
                wait_for(lambda f=log: b"Enabled addons" in f.read_bytes(), process, rng)
                time.sleep(rng.uniform(0, 0.02))
            elif moment == "mid-write":
                target = before + rng.randint(1, 120)
                wait_for(lambda n=target: count_lines(data) >= n, process, rng)
                time.sleep(rng.uniform(0, 0.005))
            else:
                wait_for(lambda f=log: b"Closing spider" in f.read_bytes(), process, rng)
                time.sleep(rng.uniform(0, 0.03))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                figures["kills"] += 1
                figures[f"kills/{moment}"] += 1
                landed = True
            else:
                landed = False
            process.wait()
        attempt += 1
        after = count_lines(data)
        if landed and before < after < articles:
            figures["kills/while_writing"] += 1  # this run had written, and was not done
        if landed and moment == "start-up" and after == before:
            figures["kills/before_first_line"] += 1
            text = log.read_bytes()
            if b"Enabled addons" in text and b"Enabled extensions" not in text:
                figures["kills/during_extension_start-up"] += 1
        recovered = sum(map(int, RECOVERED.findall(log.read_bytes())))
        figures["recovered_lines"] += recovered
        changed = output_size(data) != size_before
        # A run that wrote had recovered, first, exactly what the last kill left unrecorded.
        assert recovered in ((0, unrecorded) if not changed else (unrecorded,)), figures
        torn, left = assert_nothing_seen_unwritten(data)
        if changed:  # else what is left is the last kill's, counted then
            figures["left/torn_lines"] += torn
            figures["left/unrecorded_lines"] += left
            figures["kills/between_write_and_record"] += bool(left)
        unrecorded = left

    final = crawl(site, data, LOG_LEVEL="INFO")
    assert final.status == 0, final
    assert final.stats.get("seen_store/recovered_lines", 0) == unrecorded, final
    figures["recovered_lines"] += unrecorded
    written = assert_each_article_once(data, urls)
    figures["runs"] = attempt + 1
    figures["lines"] = len(written)
    figures["duplicates"] = len(written) - len({a["url"] for a in written})
    figures["seconds"] = round(time.monotonic() - started, 1)
    # The kills must have landed while articles were being written, or the test proves little.
    assert figures["kills/while_writing"] >= kills // 2, figures
    # Every line a kill left unrecorded was recovered once, by the next run that got that far.
    assert figures["recovered_lines"] == figures["left/unrecorded_lines"] > 0, figures
    print(json.dumps(dict(sorted(figures.items()))))
    return figures


@pytest.mark.long
def test_kill_9_thirty_times_over_2000_articles(tmp_path: Path) -> None:
    figures = kill_and_rerun(tmp_path, LONG_ARTICLES, LONG_KILLS, seed=2025)
    assert figures["kills"] >= 20
    assert figures["kills/close"] >= 1 and figures["kills/start-up"] >= 1
    assert figures["lines"] == LONG_ARTICLES and figures["duplicates"] == 0


# A full disk -------------------------------------------------------------------------------

FAILURE_LINE = re.compile(
    r"ERROR: (writing (?P<file>\S+\.jsonl) failed|recording a line of (?P<recorded>\S+\.jsonl)"
    r" in \S+seen\.sqlite3 failed): (?P<error>[^;]+); the crawl stops \(write_failed\)"
)


def assert_failed_loudly(run: Run, data: Path, errors: tuple[str, ...]) -> re.Match:
    """The run stopped on the write failure, said so, and left the output and store whole."""
    failure = FAILURE_LINE.search(run.err)
    assert failure, run
    assert (failure["file"] or failure["recorded"]).startswith(str(data / SITE)), failure[0]
    assert any(error in failure["error"] for error in errors), failure[0]
    assert run.stats["finish_reason"] == "write_failed", run
    assert run.stats["write/failed"] == 1
    assert run.stats.get("articles/written", 0) < run.stats["articles/parsed"]
    # Nothing torn, nothing written and unseen, nothing seen and unwritten.
    articles = assert_store_agrees(data)
    figures = {
        "exit_status": run.status,
        "failed_in": "output" if failure["file"] else "seen store",
        "error": failure["error"],
        "written_this_run": run.stats.get("articles/written", 0),
        "not_attempted": run.stats.get("write/not_attempted", 0),
        "lines_kept": len(articles),
        "output_bytes": output_size(data),
    }
    print(json.dumps(figures, ensure_ascii=False))
    return failure


def assert_reported_failing(run: Run, *, report_written: bool = True) -> None:
    """Exit status 3, the summary naming the site and why, and the report saying the same."""
    assert run.status == 3, run
    assert re.search(r"^FAILING hanoimoi: .*'write_failed'", run.out, re.MULTILINE), run
    if report_written:
        assert run.report["run"]["exit_status"] == 3
        assert run.report["sites"][SITE]["status"] == "failing"
        assert run.report["sites"][SITE]["finish_reason"] == "write_failed"


def assert_complete_once_space_is_back(site: Path, data: Path, urls: list[str]) -> None:
    again = crawl(site, data)
    assert again.status == 0, again
    assert "write/failed" not in again.stats
    assert "seen_store/recovered_lines" not in again.stats  # the failed run left nothing to it
    assert_each_article_once(data, urls)


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    site = tmp_path_factory.mktemp("site")
    return site, build_site(site, 300)


def test_a_file_size_limit_hit_by_the_output_stops_the_run_and_leaves_no_torn_line(
    tmp_path: Path, small_site: tuple[Path, list[str]]
) -> None:
    site, urls = small_site
    data = tmp_path / "data"
    first = crawl(site, data, "max_items=100")
    assert first.status == 0, first
    (output,) = output_files(data)
    # The output reaches the limit ten-odd lines on, in the middle of a line, before the
    # store's write-ahead log (which grows from nothing) does.
    limit = output.stat().st_size + 20_000 + 777
    run = crawl(site, data, limit=limit)
    assert_reported_failing(run)
    failure = assert_failed_loudly(run, data, ("File too large",))
    assert failure["file"] == str(output)
    # The write that hit the limit was partial, then cut back to the last complete line.
    assert output.stat().st_size < limit
    assert_complete_once_space_is_back(site, data, urls)


def test_a_file_size_limit_hit_by_the_seen_store_stops_the_run_and_unwrites_the_line(
    tmp_path: Path, small_site: tuple[Path, list[str]]
) -> None:
    site, urls = small_site
    data = tmp_path / "data"
    # Each recorded line adds pages to the store's write-ahead log, which outgrows the output.
    run = crawl(site, data, limit=150_000)
    assert_reported_failing(run)
    failure = assert_failed_loudly(run, data, ("disk I/O error", "database or disk is full"))
    assert failure["recorded"], failure[0]
    assert 0 < count_lines(data) == run.stats["articles/written"]
    assert_complete_once_space_is_back(site, data, urls)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[Path, str], None]]:
    """Mount a small tmpfs (root only); skip the test where mounting is not permitted."""
    mounted: list[Path] = []

    def mount(where: Path, size: str) -> None:
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
        mounted.append(where)

    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root: the file-size-limit tests cover a full disk")
    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", str(where)], check=True)


def grow(where: Path) -> None:
    """The space is back."""
    subprocess.run(["mount", "-o", "remount,size=64m", str(where)], check=True)


def test_a_full_output_disk_stops_the_run_and_leaves_no_torn_line(
    tmp_path: Path, small_site: tuple[Path, list[str]], tmpfs
) -> None:
    site, urls = small_site
    data = tmp_path / "data"
    tmpfs(data / SITE, "256k")  # the output's own disk; the store's has room
    run = crawl(site, data)
    assert_reported_failing(run)
    failure = assert_failed_loudly(run, data, ("No space left on device",))
    assert failure["file"], failure[0]
    grow(data / SITE)
    assert_complete_once_space_is_back(site, data, urls)


def test_a_full_data_disk_stops_the_run_and_keeps_output_and_store_consistent(
    tmp_path: Path, small_site: tuple[Path, list[str]], tmpfs
) -> None:
    site, urls = small_site
    data = tmp_path / "data"
    tmpfs(data, "256k")  # output, store, locks and reports on one small disk
    run = crawl(site, data)
    # Whichever fills the disk first, the output or the store's log, the writer stops.
    assert_failed_loudly(run, data, ("No space left on device", "database or disk is full"))
    written = set(complete_lines(data))
    # A rerun on the still full disk fails too, losing nothing and keeping the two in step.
    still = crawl(site, data)
    assert still.status != 0, still
    assert set(complete_lines(data)) >= written
    assert_store_agrees(data)
    grow(data)
    assert_complete_once_space_is_back(site, data, urls)
    # (There is no room for the report itself.)
    assert_reported_failing(run, report_written=run.report is not None)


# The writer's branches, in-process ---------------------------------------------------------


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[JsonLinesWriterPipeline]:
    crawler: Crawler = get_crawler(
        settings_dict={"DATA_DIR": str(tmp_path), "EXTENSIONS": project_settings.EXTENSIONS}
    )
    pipeline = JsonLinesWriterPipeline.from_crawler(crawler)
    yield pipeline
    pipeline.close_spider()
    pipeline.store.close()


def article(number: int) -> Article:
    fields = {
        "url": f"https://hanoimoi.vn/bai-viet-so-{number}-{100000 + number}.html",
        "site": SITE,
        "title": f"Bài số {number}",
        "body": "Hà Nội. " * 40,
        "crawled_at": "2024-12-12T08:00:00+07:00",
        "content_hash": f"{number:032x}",
    }
    return Article(**{name: fields.get(name) for name in ARTICLE_FIELDS})


def output_of(writer: JsonLinesWriterPipeline) -> Path:
    return writer.data_dir / SITE / "2024-12-12.jsonl"


def half_then_enospc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next write puts half its bytes down, the one after finds the disk full."""
    real_write = os.write
    calls = []

    def write(descriptor: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(descriptor, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)


def test_a_partial_write_is_cut_back_and_the_crawl_refuses_the_rest(
    writer: JsonLinesWriterPipeline, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    writer.process_item(article(1))
    size = output_of(writer).stat().st_size
    with monkeypatch.context() as patch:
        half_then_enospc(patch)
        with pytest.raises(OSError, match="No space left"):
            writer.process_item(article(2))
    assert output_of(writer).stat().st_size == size
    assert writer.store.recorded_size(output_of(writer)) == size
    assert not writer.store.has_url(ItemAdapter(article(2))["url"])
    stats = writer.crawler.stats
    assert stats.get_value("write/failed") == 1
    assert f"writing {output_of(writer)} failed: [Errno 28]" in caplog.text
    # Once writing failed, nothing more is written, even with room again: the crawl is stopping.
    with pytest.raises(DropItem, match="write_failed"):
        writer.process_item(article(3))
    assert stats.get_value("write/not_attempted") == 1
    assert output_of(writer).stat().st_size == size


def test_a_torn_line_that_cannot_be_cut_is_cut_by_the_stores_recovery(
    writer: JsonLinesWriterPipeline, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    writer.process_item(article(1))
    size = output_of(writer).stat().st_size

    def ftruncate(descriptor: int, length: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as patch:
        half_then_enospc(patch)
        patch.setattr(os, "ftruncate", ftruncate)
        with pytest.raises(OSError):
            writer.process_item(article(2))
    assert output_of(writer).stat().st_size > size  # the torn half line is still there
    assert "the seen store's recovery cuts the torn line at the next start" in caplog.text
    writer.close_spider()
    writer.store.close()
    writer.store = SeenStore(writer.data_dir)  # the next run's start
    assert writer.store.recovered == 0
    assert output_of(writer).stat().st_size == size


def test_a_line_the_store_could_not_record_is_cut_back(
    writer: JsonLinesWriterPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer.process_item(article(1))
    size = output_of(writer).stat().st_size

    def record(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(writer.store, "record", record)
    with pytest.raises(sqlite3.OperationalError):
        writer.process_item(article(2))
    assert output_of(writer).stat().st_size == size
    assert writer.crawler.stats.get_value("write/failed") == 1


def test_a_line_the_store_recorded_before_failing_stays(
    writer: JsonLinesWriterPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_record = writer.store.record

    def record(*arguments: object) -> None:
        real_record(*arguments)
        raise sqlite3.OperationalError("disk I/O error")  # after the COMMIT

    monkeypatch.setattr(writer.store, "record", record)
    with pytest.raises(sqlite3.OperationalError):
        writer.process_item(article(1))
    # Cutting it would leave a URL seen that is not written: lost for good.
    assert output_of(writer).stat().st_size == writer.store.recorded_size(output_of(writer)) > 0
    assert writer.store.has_url(ItemAdapter(article(1))["url"])


class FailingCommit:
    """A connection whose COMMIT fails and leaves the transaction open, as SQLITE_FULL may."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __getattr__(self, name: str):
        return getattr(self.db, name)

    def execute(self, statement: str, *arguments):
        if statement == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(statement, *arguments)


def test_a_failed_commit_is_rolled_back(tmp_path: Path) -> None:
    store = SeenStore(tmp_path)
    try:
        output = tmp_path / SITE / "2024-12-12.jsonl"
        real = store.db
        store.db = FailingCommit(real)
        with pytest.raises(sqlite3.OperationalError):
            store.record("https://hanoimoi.vn/a-1.html", "a" * 32, output, 100)
        store.db = real
        assert not real.in_transaction
        assert not store.has_url("https://hanoimoi.vn/a-1.html")
        assert store.recorded_size(output) is None
        store.record("https://hanoimoi.vn/a-2.html", "b" * 32, output, 200)  # usable again
        assert store.recorded_size(output) == 200
    finally:
        store.close()
