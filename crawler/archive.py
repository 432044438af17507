"""Web archives of the article pages a crawl fetched: ``-s ARCHIVE=1``.

Every article page the spider gets to parse (a 2xx response whose URL ``spider.is_article_url``
accepts; robots.txt, feeds, sitemaps and listings are not archived) is written, as received, to
``DATA_DIR/archive/<site>/<crawl start, UTC, 20261127T141000>.wacz``: a WACZ 1.1.1 zip holding

    archive/data.warc.gz      the WARC 1.1: a response record per page (status line, headers and
                              body as the downloader gave them, before Scrapy decompresses the
                              body) and a request record beside it (the request as sent)
    indexes/index.cdx         a CDXJ line per response record, sorted by SURT
    pages/pages.jsonl         a line per archived page
    datapackage.json          every member with its size and sha256 hash
    datapackage-digest.json   the sha256 hash of datapackage.json

A redirected page is archived once, under its final URL, as the spider sees it. A run that
archives nothing writes no file.

Crash safety: the WARC is written record by record to ``<stamp>.warc.gz`` beside the future
WACZ, each record a gzip member flushed to the operating system before the response reaches the
spider. The WACZ is assembled at the spider's close (to ``<stamp>.wacz.partial``, fsynced, then
renamed), and only then is the WARC removed. A crawl killed midway therefore leaves the bare
``<stamp>.warc.gz``: every page archived up to the kill is in it, except at most the record being
written at that moment (a torn last gzip member, which readers and ``pack`` cut off). A power cut
can lose the records the operating system had not yet written to disk. ``python -m
crawler.reextract`` reads such a bare WARC as it reads a WACZ, and ``python -m crawler.archive
pack FILE.warc.gz`` turns it into the WACZ the crawl would have written.

Reading (for crawler/reextract.py): ``read_archive(path)`` checks a WACZ (members, sizes, sha256
hashes, every WARC record whole) or a bare WARC and lists its archived responses;
``Archive.response(page)`` reads one back.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import os
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_timestamp
from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveMiddleware",
    "ArchivedPage",
    "ArchivedResponse",
    "pack_wacz",
    "read_archive",
    "surt",
]

logger = logging.getLogger(__name__)

ARCHIVE_SUBDIR = "archive"
STAMP_FORMAT = "%Y%m%dT%H%M%S"
WACZ_VERSION = "1.1.1"
WARC_VERSION = "1.1"
WARC_MEMBER = "archive/data.warc.gz"
INDEX_MEMBER = "indexes/index.cdx"
PAGES_MEMBER = "pages/pages.jsonl"
DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"
WACZ_SUFFIX = ".wacz"
WARC_SUFFIX = ".warc.gz"
PARTIAL_SUFFIX = ".partial"
# Hop-by-hop: the body is stored de-chunked, so the header would describe bytes that are not there.
_DROPPED_HEADERS = frozenset({b"transfer-encoding"})
_COPY_CHUNK = 1 << 20


class ArchiveError(ValueError):
    """An archive that cannot be read: missing, not a WACZ or WARC, truncated or corrupt."""


# Writing ---------------------------------------------------------------------------------------


def _software() -> str:
    from importlib.metadata import version

    return f"hanoi-press-crawler (Scrapy {scrapy.__version__}, warcio {version('warcio')})"


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy's headers as (name, value) text pairs, a pair per value, hop-by-hop ones left out."""
    pairs = []
    for name, values in headers.items():
        if name.lower() in _DROPPED_HEADERS:
            continue
        for value in values:
            # Latin-1 maps every byte to one character: the bytes come back unchanged on reading.
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class WarcFile:
    """A WARC 1.1 file written record by record, each record a gzip member flushed at once."""

    def __init__(self, path: Path, info: dict[str, str]):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = open(path, "xb")  # kept open for the whole crawl
        self.writer = WARCWriter(self.stream, gzip=True, warc_version=WARC_VERSION)
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))
        self.responses = 0

    def write(self, request: Request, response: Response) -> None:
        """A response record and the request record concurrent to it."""
        protocol = response.protocol if (response.protocol or "").startswith("HTTP/") else None
        http_response = StatusAndHeaders(
            _status_line(response.status),
            _header_pairs(response.headers),
            protocol=protocol or "HTTP/1.1",
        )
        body = response.body
        response_record = self.writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_response,
        )
        parts = urlsplit(response.url)
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        http_request = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1",
            [("Host", parts.netloc), *_header_pairs(request.headers)],
            is_http_request=True,
        )
        request_record = self.writer.create_warc_record(
            response.url,
            "request",
            payload=io.BytesIO(request.body),
            length=len(request.body),
            http_headers=http_request,
        )
        self.writer.write_request_response_pair(request_record, response_record)
        self.responses += 1

    def close(self) -> None:
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()


def _crawl_stamp(directory: Path, started: datetime) -> str:
    """``20261127T141000``, with ``-2``, ``-3``… when a file of that crawl start exists already."""
    base = started.strftime(STAMP_FORMAT)
    stamp, number = base, 1
    while any(
        (directory / f"{stamp}{suffix}").exists()
        for suffix in (WACZ_SUFFIX, WARC_SUFFIX, WACZ_SUFFIX + PARTIAL_SUFFIX)
    ):
        number += 1
        stamp = f"{base}-{number}"
    return stamp


class ArchiveMiddleware:
    """Downloader middleware writing the article pages of a crawl to a WACZ (``ARCHIVE``).

    Placed between RedirectMiddleware (600) and HttpCompressionMiddleware (590): responses come
    back through downloader middlewares from the highest number down, so it sees the final
    response of a redirect chain, with its body still as the server sent it. Stats:
    ``archive/responses`` (records written), ``archive/failed`` (a write failed: archiving stops
    for the rest of the run, the crawl goes on), ``archive/torn_records``.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.directory = Path(crawler.settings.get("DATA_DIR") or "data") / ARCHIVE_SUBDIR
        self.started = datetime.now(UTC)
        self.warc: WarcFile | None = None
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ARCHIVE"):
            raise NotConfigured  # off unless asked for
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _archived(self, response: Response) -> bool:
        if not 200 <= response.status < 300 or self.failed:
            return False
        is_article_url = getattr(self.crawler.spider, "is_article_url", None)
        return is_article_url is not None and is_article_url(response.url)

    def _open(self) -> WarcFile:
        spider = self.crawler.spider
        directory = self.directory / spider.name
        directory.mkdir(parents=True, exist_ok=True)
        stamp = _crawl_stamp(directory, self.started)
        settings = self.crawler.settings
        info = {
            "software": _software(),
            "format": "WARC File Format 1.1",
            "isPartOf": spider.name,
            "description": f"article pages of {spider.name}, crawl started {stamp} UTC",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT"),
        }
        warc = WarcFile(directory / f"{stamp}{WARC_SUFFIX}", info)
        logger.info("archiving article pages to %s", warc.path)
        return warc

    def process_response(self, request: Request, response: Response) -> Response:
        if not self._archived(response):
            return response
        try:
            if self.warc is None:
                self.warc = self._open()
            self.warc.write(request, response)
        except OSError as error:
            # A full disk must not stop the crawl; what was written stays readable.
            self.failed = True
            self.crawler.stats.inc_value("archive/failed")
            logger.error("archiving stopped at %s: %s", response.url, error)
            return response
        self.crawler.stats.inc_value("archive/responses")
        return response

    def spider_closed(self, spider: scrapy.Spider, reason: str) -> None:
        if self.warc is None:
            return
        warc_path = self.warc.path
        try:
            self.warc.close()
            stamp = warc_path.name.removesuffix(WARC_SUFFIX)
            wacz = warc_path.with_name(stamp + WACZ_SUFFIX)
            packed = pack_wacz(warc_path, wacz, title=f"{spider.name} {stamp}")
        except (OSError, ArchiveError) as error:
            self.crawler.stats.inc_value("archive/pack_failed")
            logger.error("could not assemble the WACZ of %s (the WARC stays): %s", warc_path, error)
            return
        if packed.torn:
            self.crawler.stats.inc_value("archive/torn_records", packed.torn)
        warc_path.unlink()
        logger.info("archived %d article pages in %s", len(packed.pages), wacz)


# The WACZ ------------------------------------------------------------------------------------


def surt(url: str) -> str:
    """The Sort-friendly URI Reordering Transform key of a URL, as CDXJ indexes sort by.

    ``https://www.hanoimoi.vn/a-1.html?b=2&a=1`` → ``vn,hanoimoi)/a-1.html?a=1&b=2``: lower case,
    host labels reversed without ``www``, default port, fragment and scheme dropped, query sorted.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().strip(".")
    labels = host.split(".")
    if len(labels) > 2 and labels[0].startswith("www") and labels[0][3:].isdigit():
        labels = labels[1:]
    key = ",".join(reversed(labels))
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != default_port:
        key += f":{port}"
    key += ")" + (parts.path or "/")
    if parts.query:
        key += "?" + "&".join(sorted(parts.query.split("&")))
    return key.lower()


@dataclass(frozen=True)
class ArchivedPage:
    """A response record of an archive: where it is, and what the index says of it."""

    url: str
    date: str  # WARC-Date, ISO 8601 in UTC
    status: int
    mime: str
    digest: str
    offset: int  # of the record's gzip member in the WARC
    length: int
    record_id: str
    member: str | None = None  # the WARC's name inside a WACZ; None for a bare WARC


@dataclass
class WarcScan:
    """What reading a whole WARC found."""

    pages: list[ArchivedPage] = field(default_factory=list)
    first_date: str | None = None
    end: int = 0  # where the last whole record ends
    torn: int = 0  # records cut short at the end (0 or 1)


class TornRecordError(Exception):
    """A WARC record shorter than its Content-Length says: the file ends inside it."""


def _record_payload(record: Any) -> bytes:
    """The HTTP body as stored; TornRecordError when the record is cut short."""
    data = record.raw_stream.read()
    if getattr(record.raw_stream, "limit", 0):
        raise TornRecordError
    return data


def scan_warc(stream: IO[bytes], *, member: str | None, name: str) -> WarcScan:
    """Read every record (digests checked) and list the response records.

    A record cut short at the end of the stream is counted as torn and left out; anything else
    that cannot be read raises ArchiveError.
    """
    scan = WarcScan()
    iterator = ArchiveIterator(stream, check_digests="raise")
    try:
        for record in iterator:
            offset = iterator.get_record_offset()
            date = record.rec_headers.get_header("WARC-Date") or ""
            if scan.first_date is None:
                scan.first_date = date
            try:
                _record_payload(record)
            except TornRecordError:
                scan.torn += 1
                logger.warning(
                    "%s: the last record (%s) is cut short at byte %d: left out",
                    name,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    offset,
                )
                scan.end = offset
                break
            iterator.read_to_end()
            length = iterator.get_record_length()
            scan.end = offset + length
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            scan.pages.append(
                ArchivedPage(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    date=date,
                    status=int(status) if status and status.isdigit() else 0,
                    mime=(record.http_headers.get_header("Content-Type") or "").split(";")[0],
                    digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
                    offset=offset,
                    length=length,
                    record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
                    member=member,
                )
            )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{name}: unreadable WARC record: {_first_line(error)}") from error
    if scan.first_date is None:
        raise ArchiveError(f"{name}: no WARC record in it")
    return scan


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _cdxj_line(page: ArchivedPage, filename: str) -> str:
    fields = {
        "url": page.url,
        "mime": page.mime,
        "status": str(page.status),
        "digest": page.digest,
        "length": str(page.length),
        "offset": str(page.offset),
        "filename": filename,
    }
    return f"{surt(page.url)} {iso_date_to_timestamp(page.date)} {json.dumps(fields)}\n"


def _page_line(page: ArchivedPage) -> str:
    record_id = page.record_id.removeprefix("<urn:uuid:").removesuffix(">")
    return json.dumps({"id": record_id, "url": page.url, "ts": page.date}) + "\n"


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def pack_wacz(warc: Path, wacz: Path, *, title: str) -> WarcScan:
    """Assemble the WACZ of a WARC, atomically; a torn last record is left out.

    The WARC is stored uncompressed in the zip (its records are gzip members already), so that
    its records can be read at their offsets.
    """
    with open(warc, "rb") as stream:
        scan = scan_warc(stream, member=WARC_MEMBER, name=str(warc))
    index = "".join(
        sorted(_cdxj_line(page, Path(WARC_MEMBER).name) for page in scan.pages)
    ).encode()
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    pages = (json.dumps(header) + "\n" + "".join(map(_page_line, scan.pages))).encode()
    partial = wacz.with_name(wacz.name + PARTIAL_SUFFIX)
    resources = []
    with zipfile.ZipFile(partial, "w") as archive:
        info = _member_info(WARC_MEMBER, zipfile.ZIP_STORED)
        digest = hashlib.sha256()
        with open(warc, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
            remaining = scan.end
            while remaining:
                chunk = source.read(min(_COPY_CHUNK, remaining))
                if not chunk:
                    raise ArchiveError(f"{warc}: shorter than it was a moment ago")
                digest.update(chunk)
                target.write(chunk)
                remaining -= len(chunk)
        resources.append(_resource(WARC_MEMBER, digest.hexdigest(), scan.end))
        for name, data in ((INDEX_MEMBER, index), (PAGES_MEMBER, pages)):
            _write_member(archive, name, data)
            resources.append(_resource(name, hashlib.sha256(data).hexdigest(), len(data)))
        package = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": title,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "software": _software(),
            "resources": resources,
        }
        package_bytes = json.dumps(package, indent=2).encode()
        _write_member(archive, DATAPACKAGE, package_bytes)
        package_digest = {
            "path": DATAPACKAGE,
            "hash": f"sha256:{hashlib.sha256(package_bytes).hexdigest()}",
        }
        _write_member(archive, DATAPACKAGE_DIGEST, json.dumps(package_digest).encode())
    with open(partial, "rb+") as stream:
        os.fsync(stream.fileno())
    os.replace(partial, wacz)
    _fsync_directory(wacz.parent)
    return scan


def _member_info(name: str, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
    return info


def _write_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(_member_info(name, zipfile.ZIP_DEFLATED), data)


def _resource(path: str, sha256: str, size: int) -> dict[str, Any]:
    return {"name": Path(path).name, "path": path, "hash": f"sha256:{sha256}", "bytes": size}


# Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedResponse:
    """An archived response, as the downloader had given it."""

    url: str
    status: int
    protocol: str
    headers: dict[bytes, list[bytes]]
    body: bytes


def _archive_kind(path: Path) -> str:
    if path.name.endswith(WACZ_SUFFIX):
        return "wacz"
    if path.name.endswith((WARC_SUFFIX, ".warc")):
        return "warc"
    raise ArchiveError(f"{path}: not an archive (expected a .wacz, .warc.gz or .warc file)")


@dataclass
class Archive:
    """An archive checked whole by ``read_archive``, and its response records in WARC order."""

    path: Path
    kind: str  # "wacz" or "warc"
    pages: list[ArchivedPage]
    started: str  # the first record's WARC-Date
    torn: int = 0
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)
    _streams: dict[str | None, IO[bytes]] = field(default_factory=dict, repr=False)

    def _stream(self, member: str | None) -> IO[bytes]:
        if member not in self._streams:
            if self.kind == "warc":
                self._streams[member] = open(self.path, "rb")  # closed in close()
            else:
                if self._zip is None:
                    self._zip = zipfile.ZipFile(self.path)  # closed in close()
                self._streams[member] = self._zip.open(member)
        return self._streams[member]

    def response(self, page: ArchivedPage) -> ArchivedResponse:
        """Read one archived response back (pages read in order are read sequentially)."""
        stream = self._stream(page.member)
        try:
            stream.seek(page.offset)
            record = next(iter(ArchiveIterator(stream, check_digests="raise")))
            if record.http_headers is None:
                raise ArchiveError(f"{self.path}: the record at {page.offset} is no response")
            http = record.http_headers
            if (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
                # Another tool's WARC may keep the chunks: the body is what they carry.
                body = ChunkedDataReader(record.raw_stream, decomp_type=None).read()
            else:
                body = _record_payload(record)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, StopIteration) as error:
            where = f"{self.path}: unreadable record at {page.offset}"
            raise ArchiveError(f"{where}: {_first_line(error)}") from None
        except TornRecordError:
            raise ArchiveError(f"{self.path}: the record at {page.offset} is cut short") from None
        headers: dict[bytes, list[bytes]] = {}
        for name, value in http.headers:
            if name.lower().encode("latin-1") in _DROPPED_HEADERS:
                continue
            headers.setdefault(name.encode("latin-1"), []).append(value.encode("latin-1"))
        return ArchivedResponse(page.url, page.status, http.protocol or "HTTP/1.1", headers, body)

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams.clear()
        if self._zip is not None:
            self._zip.close()
            self._zip = None


def _warc_members(archive: zipfile.ZipFile) -> list[str]:
    return [
        name
        for name in archive.namelist()
        if name.startswith("archive/") and name.endswith((WARC_SUFFIX, ".warc"))
    ]


def _check_wacz(path: Path, archive: zipfile.ZipFile) -> list[str]:
    """Check the members a WACZ must have against datapackage.json; return its WARC members."""
    names = set(archive.namelist())
    if DATAPACKAGE not in names:
        raise ArchiveError(f"{path}: not a WACZ: no {DATAPACKAGE}")
    try:
        package = json.loads(archive.read(DATAPACKAGE))
        resources = package["resources"]
        listed = {resource["path"]: resource for resource in resources}
    except (ValueError, KeyError, TypeError) as error:
        raise ArchiveError(f"{path}: {DATAPACKAGE} is malformed: {error}") from None
    warcs = _warc_members(archive)
    if not warcs:
        raise ArchiveError(f"{path}: not a WACZ: no WARC under archive/")
    for member, resource in listed.items():
        if member not in names:
            raise ArchiveError(f"{path}: {member} is listed in {DATAPACKAGE} but missing")
        digest = hashlib.sha256()
        size = 0
        with archive.open(member) as stream:
            while chunk := stream.read(_COPY_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        expected = str(resource.get("hash", ""))
        if expected and expected != f"sha256:{digest.hexdigest()}":
            raise ArchiveError(f"{path}: {member} does not match its sha256 hash: corrupt")
        if "bytes" in resource and resource["bytes"] != size:
            raise ArchiveError(f"{path}: {member} is {size} bytes, {resource['bytes']} expected")
    unlisted = [member for member in warcs if member not in listed]
    if unlisted:
        raise ArchiveError(f"{path}: {', '.join(unlisted)} not listed in {DATAPACKAGE}")
    return warcs


def read_archive(path: str | Path) -> Archive:
    """Check an archive whole and list its response records; ArchiveError says what is wrong.

    A WACZ must be a whole zip whose members match datapackage.json, with every WARC record
    whole. A bare WARC (a killed crawl's) may end inside a record: that record is left out and
    counted in ``torn``.
    """
    path = Path(path)
    kind = _archive_kind(path)
    if not path.is_file():
        raise ArchiveError(f"{path}: no such file")
    pages: list[ArchivedPage] = []
    started: list[str] = []
    torn = 0
    try:
        if kind == "warc":
            with open(path, "rb") as stream:
                scan = scan_warc(stream, member=None, name=str(path))
            pages, started, torn = scan.pages, [scan.first_date or ""], scan.torn
        else:
            with zipfile.ZipFile(path) as archive:
                for member in _check_wacz(path, archive):
                    with archive.open(member) as stream:
                        scan = scan_warc(stream, member=member, name=f"{path}: {member}")
                    if scan.torn:
                        raise ArchiveError(f"{path}: {member} ends inside a record: truncated")
                    pages += scan.pages
                    started.append(scan.first_date or "")
    except zipfile.BadZipFile as error:
        raise ArchiveError(
            f"{path}: not a readable WACZ (truncated or corrupt zip): {error}"
        ) from None
    except (OSError, EOFError) as error:
        raise ArchiveError(f"{path}: unreadable: {error}") from None
    return Archive(path, kind, pages, min(started), torn)


# Command line --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.archive",
        description="Web archives of the crawled article pages.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    pack = commands.add_parser(
        "pack",
        help="assemble the WACZ of a WARC that a killed crawl left (the WARC is then removed)",
    )
    pack.add_argument("warc", nargs="+", type=Path, help=f"a <stamp>{WARC_SUFFIX} file")
    options = parser.parse_args(argv)
    status = 0
    for warc in options.warc:
        if not warc.name.endswith(WARC_SUFFIX):
            print(f"{warc}: expected a {WARC_SUFFIX} file", file=sys.stderr)
            status = 1
            continue
        stamp = warc.name.removesuffix(WARC_SUFFIX)
        wacz = warc.with_name(stamp + WACZ_SUFFIX)
        try:
            if wacz.exists():
                raise ArchiveError(f"{wacz} exists already")
            scan = pack_wacz(warc, wacz, title=f"{warc.parent.name} {stamp}")
        except (OSError, ArchiveError) as error:
            print(f"{warc}: {error}", file=sys.stderr)
            status = 1
            continue
        warc.unlink()
        torn = f", {scan.torn} torn record left out" if scan.torn else ""
        print(f"{wacz}: {len(scan.pages)} archived pages{torn}")
    return status


if __name__ == "__main__":
    sys.exit(main())
