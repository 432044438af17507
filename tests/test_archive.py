"""Archives of the crawled article pages (``-s ARCHIVE=1``) and ``python -m crawler.reextract``.

End to end, in real processes: fixture sites are crawled through replay with archiving on, the
WACZ files are checked member by member, and re-extracting them into an empty DATA_DIR must
write the lines the crawls wrote (but for ``crawled_at``).
"""

import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from crawling import ROOT, SITES, crawl, written
from warcio.archiveiterator import ArchiveIterator

from crawler import settings as project_settings
from crawler.locks import EXIT_LOCKED, SiteLock

ARCHIVE_MIDDLEWARE = "crawler.archive.ArchiveMiddleware"
# The project's middlewares and the archive one, whether settings.py names it yet or not.
ARCHIVING = {
    "ARCHIVE": "1",
    "DOWNLOADER_MIDDLEWARES": json.dumps(
        {**project_settings.DOWNLOADER_MIDDLEWARES, ARCHIVE_MIDDLEWARE: 595}
    ),
}
WACZ_MEMBERS = {
    "archive/data.warc.gz",
    "indexes/index.cdx",
    "pages/pages.jsonl",
    "datapackage.json",
    "datapackage-digest.json",
}
SITE_DIRS = ("hanoimoi.vn", "nhipsonghanoi.hanoimoi.vn", "nguoihanoi.vn")

H = "https://hanoimoi.vn/"
NS = "https://nhipsonghanoi.hanoimoi.vn/"
NH = "https://nguoihanoi.vn/"
# Every article page each crawl parses, written or not: what its archive must hold, and only it.
ARCHIVED = {
    "hanoimoi": {
        H + "pho-co-ha-noi-giu-hon-xua-giua-nhip-song-moi-688590.html",
        H + "khai-mac-ky-hop-thuong-le-cuoi-nam-2024-cua-hdnd-thanh-pho-ha-noi-688214.html",
        H + "quan-ba-dinh-tong-ket-cong-tac-xay-dung-dang-nam-2024-688301.html",
        # reached through a 301 from its old URL: archived under the final one
        H + "ha-noi-tang-toc-giai-ngan-von-dau-tu-cong-nhung-thang-cuoi-nam-688455.html",
        H + "dai-bieu-hdnd-thanh-pho-tiep-xuc-cu-tri-quan-hoan-kiem-565904.html",
        H + "ha-noi-lay-y-kien-cu-tri-ve-de-an-sap-xep-don-vi-hanh-chinh-cap-xa-647815.html",
        # no date anywhere (dropped) and a shell page without article (not extracted)
        H + "tap-huan-nghiep-vu-cong-tac-dan-van-cho-can-bo-co-so-689010.html",
        H + "video-toan-canh-ha-noi-don-giang-sinh-2024-688702.html",
    },
    "nhipsonghanoi": {
        NS
        + "ban-chap-hanh-dang-bo-cac-quan-cau-giay-hai-ba-trung-thong-qua-mot-so-noi-dung-quan-trong-412307.html",
        NS + "mua-hoa-sua-trang-troi-nhung-con-pho-cu-652418.html",
        # the syndicated copy of hanoimoi's 688214: dropped as a duplicate, archived all the same
        NS + "khai-mac-ky-hop-thuong-le-cuoi-nam-2024-cua-hdnd-thanh-pho-ha-noi-688231.html",
    },
    "nguoihanoi": {
        NH + "lang-gom-bat-trang-vao-mua-nung-moi-58214.html",
        NH + "trien-lam-anh-ve-di-san-thang-long-ha-noi-mo-cua-tai-van-mieu-62937.html",
        NH + "pho-ong-do-nhung-ngay-giap-tet-71406.html",
        NH + "ha-noi-mo-them-khong-gian-di-bo-cuoi-tuan-quanh-ho-thien-quang-74582.html",
    },
}
OLD_URL = H + "thu-do-day-nhanh-giai-ngan-von-dau-tu-cong-nhung-thang-cuoi-nam-688455.html"
# Served gzip-encoded in the crawl: archived with its encoding, as it came over the wire.
GZIPPED = NH + "pho-ong-do-nhung-ngay-giap-tet-71406.html"
GZIPPED_FILE = "articles/pho-ong-do-nhung-ngay-giap-tet-71406.html"
# What replay serves and the archives must not hold: robots.txt, feeds, sitemaps, listings.
NOT_ARTICLES = ("/robots.txt", "/rss/", "sitemap", "/chinh-tri")


def copy_sites(target: Path, sites=SITE_DIRS) -> Path:
    for site in sites:
        shutil.copytree(SITES / site, target / site)
    return target


def serve_gzipped(replay: Path) -> bytes:
    """Serve GZIPPED with ``Content-Encoding: gzip``; return the bytes sent."""
    site = replay / "nguoihanoi.vn"
    encoded = gzip.compress((site / GZIPPED_FILE).read_bytes(), mtime=0)
    (site / (GZIPPED_FILE + ".gz")).write_bytes(encoded)
    manifest = json.loads((site / "manifest.json").read_text("utf-8"))
    manifest[GZIPPED] = {
        "file": GZIPPED_FILE + ".gz",
        "headers": {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
    }
    (site / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return encoded


def reextract(data: Path, *archives: Path, refresh: bool = False) -> tuple[int, dict, str, str]:
    """Run ``python -m crawler.reextract``; return its status, summed stats, stdout and stderr."""
    stats_file = data.parent / f"reextract-stats-{data.name}.json"
    stats_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "crawler.reextract", "-s", f"DATA_DIR={data}"]
    command += ["-s", f"STATS_FILE={stats_file}", *map(str, archives)]
    if refresh:
        command.append("--refresh")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return done.returncode, stats, done.stdout, done.stderr


def wacz_of(data: Path, site: str) -> Path:
    files = sorted((data / "archive" / site).iterdir())
    assert [f.suffix for f in files] == [".wacz"], files  # no WARC nor .partial left behind
    return files[0]


def records(warc: bytes) -> list:
    """Every record of a WARC, with its HTTP body read (digests checked)."""
    found = []
    for record in ArchiveIterator(io.BytesIO(warc), check_digests="raise"):
        record.body = record.raw_stream.read()
        found.append(record)
    return found


def without_crawl_time(lines: list[dict]) -> list[dict]:
    return sorted(
        ({k: v for k, v in line.items() if k != "crawled_at"} for line in lines),
        key=lambda line: line["url"],
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Three sites crawled with ARCHIVE=1 into one DATA_DIR, hanoimoi first."""
    replay = copy_sites(tmp_path_factory.mktemp("replay"))
    encoded = serve_gzipped(replay)
    data = tmp_path_factory.mktemp("crawled")
    runs = {
        site: crawl(site, data, "since=2020-01-01", replay=replay, **ARCHIVING)
        for site in ("hanoimoi", "nhipsonghanoi", "nguoihanoi")
    }
    for status, _, log in runs.values():
        assert status == 0, log
    return data, runs, encoded


@pytest.fixture(scope="module")
def reextracted(crawled, tmp_path_factory):
    """The crawls' archives re-extracted into an empty DATA_DIR, then once more."""
    data = tmp_path_factory.mktemp("reextracted") / "data"
    first = reextract(data, crawled[0] / "archive")
    files = {path: path.read_bytes() for path in data.glob("*/*.jsonl")}
    second = reextract(data, crawled[0] / "archive")
    return data, first, files, second


def test_a_crawl_archives_its_article_pages_and_only_them(crawled):
    data, runs, _ = crawled
    for site, urls in ARCHIVED.items():
        with zipfile.ZipFile(wacz_of(data, site)) as wacz:
            found = records(wacz.read("archive/data.warc.gz"))
            pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        responses = [r for r in found if r.rec_type == "response"]
        assert {r.rec_headers.get_header("WARC-Target-URI") for r in responses} == urls
        assert len(responses) == len(urls)  # each page once
        assert runs[site][1]["archive/responses"] == len(urls)
        assert pages[0]["format"] == "json-pages-1.0"
        assert {page["url"] for page in pages[1:]} == urls
        for record in found:
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            assert not any(part in url for part in NOT_ARTICLES), url
    assert OLD_URL not in ARCHIVED["hanoimoi"]


def test_the_wacz_is_a_valid_wacz_1_1_1(crawled):
    data, _, _ = crawled
    with zipfile.ZipFile(wacz_of(data, "hanoimoi")) as wacz:
        assert wacz.testzip() is None
        assert set(wacz.namelist()) == WACZ_MEMBERS
        # The WARC is stored, not deflated: its records are read at their offsets.
        assert wacz.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package_bytes = wacz.read("datapackage.json")
        package = json.loads(package_bytes)
        assert package["profile"] == "data-package"
        assert package["wacz_version"] == "1.1.1"
        assert package["created"].endswith("Z")
        assert {r["path"] for r in package["resources"]} == WACZ_MEMBERS - {
            "datapackage.json",
            "datapackage-digest.json",
        }
        for resource in package["resources"]:
            member = wacz.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(member).hexdigest()
            assert resource["bytes"] == len(member)
        digest = json.loads(wacz.read("datapackage-digest.json"))
        assert digest == {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        warc = wacz.read("archive/data.warc.gz")
        index = wacz.read("indexes/index.cdx").decode().splitlines()
    assert index == sorted(index)
    assert len(index) == len(ARCHIVED["hanoimoi"])
    for line in index:
        key, timestamp, fields = line.split(" ", 2)
        entry = json.loads(fields)
        assert key.startswith("vn,hanoimoi)/") and len(timestamp) == 14
        assert entry["filename"] == "data.warc.gz" and entry["status"] == "200"
        start = int(entry["offset"])
        member = warc[start : start + int(entry["length"])]
        (record,) = records(member)  # the index points at exactly one whole record
        assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        assert record.rec_headers.get_header("WARC-Payload-Digest") == entry["digest"]


def test_records_hold_the_responses_as_received_with_their_requests(crawled):
    data, _, encoded = crawled
    manifest = json.loads((SITES / "hanoimoi.vn" / "manifest.json").read_text("utf-8"))
    with zipfile.ZipFile(wacz_of(data, "hanoimoi")) as wacz:
        found = records(wacz.read("archive/data.warc.gz"))
    assert found[0].rec_type == "warcinfo"
    responses = {r.rec_headers.get_header("WARC-Record-ID"): r for r in found[1:]}
    requests = [r for r in found if r.rec_type == "request"]
    assert len(requests) == len(ARCHIVED["hanoimoi"])
    for request in requests:
        response = responses[request.rec_headers.get_header("WARC-Concurrent-To")]
        url = response.rec_headers.get_header("WARC-Target-URI")
        assert request.rec_headers.get_header("WARC-Target-URI") == url
        assert request.http_headers.protocol == "GET"
        assert request.http_headers.get_header("Host") == "hanoimoi.vn"
        assert request.http_headers.get_header("User-Agent").startswith("hanoi-press-crawler/")
        assert response.http_headers.protocol == "HTTP/1.1"
        assert response.http_headers.statusline == "200 OK"
        assert response.http_headers.get_header("Content-Type") == "text/html; charset=utf-8"
        page = SITES / "hanoimoi.vn" / manifest[url]["file"]
        assert response.body == page.read_bytes()

    # A body sent gzip-encoded is kept encoded, with the header that says so.
    with zipfile.ZipFile(wacz_of(data, "nguoihanoi")) as wacz:
        found = records(wacz.read("archive/data.warc.gz"))
    (record,) = [
        r
        for r in found
        if r.rec_type == "response" and r.rec_headers.get_header("WARC-Target-URI") == GZIPPED
    ]
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert record.body == encoded


def test_reextract_writes_the_lines_the_crawls_wrote(crawled, reextracted):
    crawl_data = crawled[0]
    data, (status, stats, out, err), _, _ = reextracted
    assert status == 0, err
    for site in ARCHIVED:
        assert written(crawl_data, site), site
        # The same urls, fields and content hashes, but for the time of the crawl.
        assert without_crawl_time(written(data, site)) == without_crawl_time(
            written(crawl_data, site)
        )
    assert stats["reextract/archives"] == 3
    assert stats["reextract/pages_read"] == sum(map(len, ARCHIVED.values()))
    assert stats["articles/written"] == 6 + 2 + 4
    # Pages are replayed oldest crawl first: the syndicated copy is again the duplicate.
    assert stats["dropped/duplicate_content"] == 1
    assert stats["dropped/missing_published_at"] == 1
    assert stats["articles/no_article"] == 1
    assert "reextract/not_archived" not in stats  # nothing asked for beyond the archives
    assert not (data / "archive").exists()  # re-extraction archives nothing
    assert out.splitlines() == [
        "reextract: 3 archives, 15 archived pages read",
        "written: 12 articles (hanoimoi 6, nguoihanoi 4, nhipsonghanoi 2)",
        "dropped: duplicate_content 1, missing_published_at 1",
        "not extracted: no_article 1",
    ]


def test_a_second_reextract_writes_nothing(reextracted):
    data, _, files, (status, stats, out, err) = reextracted
    assert status == 0, err
    assert {path: path.read_bytes() for path in data.glob("*/*.jsonl")} == files
    assert "articles/written" not in stats
    assert stats["dropped/duplicate_url"] == 6 + 2 + 4
    assert "written: 0 articles" in out


def test_refresh_writes_again_what_a_parser_now_reads_differently(reextracted, tmp_path):
    # The same page archived by a later crawl with other content stands for a parser fix.
    replay = copy_sites(tmp_path / "replay", ["nguoihanoi.vn"])
    page = replay / "nguoihanoi.vn" / "articles" / "lang-gom-bat-trang-vao-mua-nung-moi-58214.html"
    html = page.read_text("utf-8")
    assert "<p>Dù còn nhiều khó khăn" in html
    page.write_text(html.replace("<p>Dù còn nhiều khó khăn", "<p>Đã sửa. Dù còn nhiều khó khăn"))
    later = tmp_path / "later"
    url = NH + "lang-gom-bat-trang-vao-mua-nung-moi-58214.html"
    status, _, log = crawl("nguoihanoi", later, f"url={url}", replay=replay, **ARCHIVING)
    assert status == 0, log
    data = tmp_path / "data"
    shutil.copytree(reextracted[0], data)
    before = written(data, "nguoihanoi")

    status, stats, _, err = reextract(data, later / "archive", refresh=True)
    assert status == 0, err
    assert stats["articles/written"] == 1
    assert stats["dedup/changed"] == 1
    after = written(data, "nguoihanoi")
    assert after[:-1] == before
    assert after[-1]["url"] == url
    assert "Đã sửa. Dù còn nhiều khó khăn" in after[-1]["body"]


def test_the_warc_of_a_killed_crawl_is_read_and_can_be_packed(crawled, tmp_path):
    # A kill leaves the WARC being written, its last record maybe cut short.
    with zipfile.ZipFile(wacz_of(crawled[0], "nguoihanoi")) as wacz:
        warc = wacz.read("archive/data.warc.gz")
    site = tmp_path / "archive" / "nguoihanoi"
    site.mkdir(parents=True)
    left = site / "20261127T141000.warc.gz"
    left.write_bytes(warc[: len(warc) - 2000])

    status, stats, out, err = reextract(tmp_path / "data", tmp_path / "archive")
    assert status == 0, err
    assert stats["reextract/torn_records"] == 1
    assert stats["articles/written"] == stats["reextract/pages_read"] == 3
    assert "cut short" in err
    assert "(torn records left out: 1)" in out

    done = subprocess.run(
        [sys.executable, "-m", "crawler.archive", "pack", str(left)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert not left.exists()
    with zipfile.ZipFile(site / "20261127T141000.wacz") as wacz:
        assert wacz.testzip() is None
        assert len(wacz.read("pages/pages.jsonl").splitlines()) == 1 + 3


def test_an_unreadable_archive_stops_reextract_before_anything_is_written(crawled, tmp_path):
    wacz = wacz_of(crawled[0], "hanoimoi").read_bytes()
    truncated = tmp_path / "truncated.wacz"
    truncated.write_bytes(wacz[: len(wacz) // 2])
    # A WACZ whose WARC no longer matches its hash (the zip itself is whole).
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(io.BytesIO(wacz)) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename == "archive/data.warc.gz":
                member = member[:100] + bytes([member[100] ^ 1]) + member[101:]
            target.writestr(info, member)
    # A WARC damaged in the middle, not merely cut short at the end.
    with zipfile.ZipFile(io.BytesIO(wacz)) as source:
        warc = bytearray(source.read("archive/data.warc.gz"))
    warc[len(warc) // 2 : len(warc) // 2 + 64] = b"\0" * 64
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(warc))
    good = wacz_of(crawled[0], "nguoihanoi")

    data = tmp_path / "data"
    status, stats, out, err = reextract(
        data, good, truncated, tampered, damaged, tmp_path / "missing.wacz"
    )
    assert status == 1
    assert f"reextract: {truncated}: not a readable WACZ (truncated or corrupt zip)" in err
    assert f"reextract: {tampered}: archive/data.warc.gz does not match its sha256 hash" in err
    assert f"reextract: {damaged}: unreadable WARC record" in err
    assert f"reextract: {tmp_path / 'missing.wacz'}: no such file or directory" in err
    assert "nothing extracted" in err
    assert out == "" and stats == {}
    assert not list(data.glob("*/*.jsonl"))


def test_reextract_waits_for_a_crawl_of_the_same_site(crawled, tmp_path):
    data = tmp_path / "data"
    lock = SiteLock(data, "nguoihanoi").acquire()
    try:
        status, _, _, err = reextract(data, wacz_of(crawled[0], "nguoihanoi"))
    finally:
        lock.release()
    assert status == EXIT_LOCKED
    assert "nguoihanoi is being crawled by another run" in err
    assert not list(data.glob("*/*.jsonl"))
