"""Tests of crawler.seen: the persistent seen store and its recovery from the JSON-lines files."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.seen import KEY_BATCH, SeenStore
from crawler.urls import url_key

HASH_A = "a" * 32
HASH_B = "b" * 32
HASH_C = "0123456789abcdef" * 2
URL_A = "https://hanoimoi.vn/gio-mua-688001.html"
URL_B = "https://hanoimoi.vn/pho-co-688002.html"
URL_C = "https://hanoimoi.vn/ho-tay-688003.html"


def line(url: str, content_hash: str, **extra: str) -> bytes:
    record = {"url": url, "content_hash": content_hash, "title": "Hà Nội", **extra}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """The output file of one site and day, as the writer lays it out."""
    path = tmp_path / "hanoimoi" / "2024-12-12.jsonl"
    path.parent.mkdir()
    return path


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[list[SeenStore]]:
    """Stores opened by a test, closed at its end."""
    opened: list[SeenStore] = []
    yield opened
    for store in opened:
        store.close()


def open_store(tmp_path: Path, stores: list[SeenStore]) -> SeenStore:
    store = SeenStore(tmp_path)
    stores.append(store)
    return store


def write_and_record(store: SeenStore, path: Path, url: str, content_hash: str) -> None:
    """What the writer pipeline does: append the line, then record the file's new size."""
    with open(path, "ab") as stream:
        stream.write(line(url, content_hash))
    store.record(url, content_hash, path, path.stat().st_size)


def test_empty_store(tmp_path: Path, stores: list[SeenStore]) -> None:
    store = open_store(tmp_path, stores)
    assert store.recovered == 0
    assert store.path == tmp_path / "seen.sqlite3"
    assert store.path.exists()
    assert store.has_url(URL_A) is False
    assert store.has_content(HASH_A) is False
    assert store.url_content_changed(URL_A, HASH_A) is None


def test_record_then_lookups(tmp_path: Path, output: Path, stores: list[SeenStore]) -> None:
    store = open_store(tmp_path, stores)
    write_and_record(store, output, URL_A, HASH_A)

    assert store.has_url(URL_A) is True
    assert store.has_url(URL_B) is False
    assert store.has_content(HASH_A) is True
    assert store.has_content(HASH_B) is False
    assert store.url_content_changed(URL_A, HASH_A) is False
    assert store.url_content_changed(URL_A, HASH_B) is True
    assert store.url_content_changed(URL_B, HASH_A) is None


def test_url_lookup_is_by_canonical_url(
    tmp_path: Path, output: Path, stores: list[SeenStore]
) -> None:
    store = open_store(tmp_path, stores)
    write_and_record(store, output, URL_A, HASH_A)
    assert store.has_url("http://www.hanoimoi.vn/gio-mua-688001.html#binh-luan") is True
    assert store.has_url("https://hanoimoi.vn/gio-mua-688001.html?utm_source=zalo") is True
    assert store.has_url("https://hanoimoi.vn/gio-mua-688009.html") is False


def test_rerecording_a_url_updates_its_content(
    tmp_path: Path, output: Path, stores: list[SeenStore]
) -> None:
    store = open_store(tmp_path, stores)
    write_and_record(store, output, URL_A, HASH_A)
    write_and_record(store, output, URL_A, HASH_B)
    assert store.url_content_changed(URL_A, HASH_B) is False
    assert store.url_content_changed(URL_A, HASH_A) is True
    # Both contents stay known.
    assert store.has_content(HASH_A) is True
    assert store.has_content(HASH_B) is True


def test_persists_across_reopen(tmp_path: Path, output: Path, stores: list[SeenStore]) -> None:
    first = open_store(tmp_path, stores)
    write_and_record(first, output, URL_A, HASH_A)
    write_and_record(first, output, URL_B, HASH_B)
    first.close()
    stores.remove(first)

    second = open_store(tmp_path, stores)
    assert second.recovered == 0
    assert second.has_url(URL_A) is True
    assert second.has_url(URL_B) is True
    assert second.has_content(HASH_B) is True
    assert second.url_content_changed(URL_B, HASH_B) is False


def test_unrecorded_lines_are_recovered(
    tmp_path: Path, output: Path, stores: list[SeenStore]
) -> None:
    first = open_store(tmp_path, stores)
    write_and_record(first, output, URL_A, HASH_A)
    first.close()
    stores.remove(first)
    # A killed run wrote two more lines but did not record them.
    with open(output, "ab") as stream:
        stream.write(line(URL_B, HASH_B) + line(URL_C, HASH_C))
    size = output.stat().st_size

    second = open_store(tmp_path, stores)
    assert second.recovered == 2
    assert second.has_url(URL_B) is True
    assert second.has_url(URL_C) is True
    assert second.url_content_changed(URL_C, HASH_C) is False
    assert second.has_content(HASH_B) is True
    assert output.stat().st_size == size
    second.close()
    stores.remove(second)

    # Recovery recorded the file's size: nothing is read twice.
    assert open_store(tmp_path, stores).recovered == 0


def test_files_never_recorded_are_read_whole(tmp_path: Path, stores: list[SeenStore]) -> None:
    for site, day, url, content_hash in [
        ("hanoimoi", "2024-12-12", URL_A, HASH_A),
        ("hanoimoi", "2024-12-13", URL_B, HASH_B),
        ("nguoihanoi", "2024-12-12", "https://nguoihanoi.vn/a-1.html", HASH_C),
    ]:
        path = tmp_path / site / f"{day}.jsonl"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(line(url, content_hash))
    (tmp_path / "hanoimoi" / "notes.txt").write_text("không phải JSON lines\n")

    store = open_store(tmp_path, stores)
    assert store.recovered == 3
    assert store.has_url(URL_A) is True
    assert store.has_url(URL_B) is True
    assert store.has_url("https://nguoihanoi.vn/a-1.html") is True


def test_torn_last_line_is_cut(
    tmp_path: Path, output: Path, stores: list[SeenStore], caplog: pytest.LogCaptureFixture
) -> None:
    whole = line(URL_A, HASH_A) + line(URL_B, HASH_B)
    torn = line(URL_C, HASH_C)[:-20]
    output.write_bytes(whole + torn)

    with caplog.at_level(logging.WARNING, logger="crawler.seen"):
        store = open_store(tmp_path, stores)
    assert store.recovered == 2
    assert output.read_bytes() == whole
    assert output.read_bytes().endswith(b"\n")
    assert store.has_url(URL_B) is True
    assert store.has_url(URL_C) is False
    assert f"cutting a torn last line of {len(torn)} bytes" in caplog.text


def test_torn_line_after_recorded_lines_is_cut(
    tmp_path: Path, output: Path, stores: list[SeenStore]
) -> None:
    first = open_store(tmp_path, stores)
    write_and_record(first, output, URL_A, HASH_A)
    first.close()
    stores.remove(first)
    recorded = output.read_bytes()
    with open(output, "ab") as stream:
        stream.write(b'{"url": "https://hanoimoi.vn/ho-tay-688003.html", "cont')

    second = open_store(tmp_path, stores)
    assert second.recovered == 0
    assert output.read_bytes() == recorded
    assert second.has_url(URL_C) is False
    second.close()
    stores.remove(second)

    # The cut size is recorded: the next line the writer appends starts cleanly.
    third = open_store(tmp_path, stores)
    write_and_record(third, output, URL_C, HASH_C)
    assert output.read_bytes() == recorded + line(URL_C, HASH_C)


def test_unreadable_complete_line_is_logged_and_skipped(
    tmp_path: Path, output: Path, stores: list[SeenStore], caplog: pytest.LogCaptureFixture
) -> None:
    content = (
        line(URL_A, HASH_A)
        + b"{not json at all\n"
        + b'{"url": "https://hanoimoi.vn/x.html"}\n'
        + b'{"url": "https://hanoimoi.vn/y.html", "content_hash": "not hex"}\n'
        + b"[1, 2]\n"
        + b'{"url": null, "content_hash": "cccccccccccccccccccccccccccccccc"}\n'
        + b"\xff\xfe\n"
        + line(URL_B, HASH_B)
    )
    output.write_bytes(content)

    with caplog.at_level(logging.ERROR, logger="crawler.seen"):
        store = open_store(tmp_path, stores)
    assert store.has_url(URL_A) is True
    assert store.has_url(URL_B) is True
    assert store.has_url("https://hanoimoi.vn/x.html") is False
    assert store.has_url("https://hanoimoi.vn/y.html") is False
    # Only the lines whose keys were recorded count as recovered.
    assert store.recovered == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert [e.split(": unreadable line ")[1].split(" ")[0] for e in errors] == [
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
    ]
    assert store.has_content("c" * 32) is False
    # A complete line is never cut, readable or not.
    assert output.read_bytes() == content


def test_file_shorter_than_recorded_is_read_from_the_start(
    tmp_path: Path, output: Path, stores: list[SeenStore], caplog: pytest.LogCaptureFixture
) -> None:
    first = open_store(tmp_path, stores)
    write_and_record(first, output, URL_A, HASH_A)
    write_and_record(first, output, URL_B, HASH_B)
    first.close()
    stores.remove(first)
    # The file was replaced by a shorter one (restored from a backup, say).
    output.write_bytes(line(URL_C, HASH_C))

    with caplog.at_level(logging.WARNING, logger="crawler.seen"):
        second = open_store(tmp_path, stores)
    assert second.recovered == 1
    assert second.has_url(URL_C) is True
    assert second.url_content_changed(URL_C, HASH_C) is False
    # What was recorded before stays seen.
    assert second.has_url(URL_A) is True
    assert "is shorter than recorded" in caplog.text
    second.close()
    stores.remove(second)

    assert open_store(tmp_path, stores).recovered == 0


def test_has_key_and_known_keys(tmp_path: Path, output: Path, stores: list[SeenStore]) -> None:
    store = open_store(tmp_path, stores)
    write_and_record(store, output, URL_A, HASH_A)
    write_and_record(store, output, URL_B, HASH_B)
    key_a, key_b, key_c = url_key(URL_A), url_key(URL_B), url_key(URL_C)

    assert store.has_key(key_a) is True
    assert store.has_key(key_c) is False
    # A key is the canonical URL's: another spelling of the page has the same one.
    assert store.has_key(url_key("http://www.hanoimoi.vn/gio-mua-688001.html?utm_source=x"))
    assert store.known_keys([]) == set()
    assert store.known_keys(iter([key_c])) == set()
    assert store.known_keys([key_a, key_c, key_a, key_b, key_b]) == {key_a, key_b}


def test_known_keys_beyond_one_batch(tmp_path: Path, output: Path, stores: list[SeenStore]) -> None:
    store = open_store(tmp_path, stores)
    urls = [f"https://hanoimoi.vn/bai-{i}-{690000 + i}.html" for i in range(3 * KEY_BATCH)]
    for i, url in enumerate(urls[::2]):
        write_and_record(store, output, url, f"{i:032x}")
    recorded = {url_key(url) for url in urls[::2]}
    others = {url_key(url) for url in urls[1::2]}

    asked = sorted(recorded | others) * 2  # every key twice, across batch boundaries
    assert store.known_keys(asked) == recorded
    assert store.known_keys(key for key in asked if key in others) == set()
