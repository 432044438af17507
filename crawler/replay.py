"""Offline replay: answer every request from a directory of saved responses.

Run any spider with ``-s REPLAY_DIR=DIR`` and every request, robots.txt
included, is answered from ``DIR/manifest.json``, a JSON object mapping
absolute URLs to entries::

    {
      "https://hanoimoi.vn/robots.txt": {"file": "robots.txt"},
      "https://hanoimoi.vn/old": {"status": 301, "headers": {"Location": "/new"}},
      "https://hanoimoi.vn/new": {"file": "pages/new.html", "status": 200}
    }

``status`` defaults to 200, ``file`` (relative to DIR) may be absent for an
empty body and ``headers`` are passed through as they are. Without a
Content-Type header the file's extension decides it. A URL missing from the
manifest is answered 404 with an empty body.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["ReplayEntry", "ReplayError", "ReplayMiddleware", "load_manifest"]

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"

# Used only when the entry has no Content-Type header of its own.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

_ENTRY_KEYS = frozenset({"file", "status", "headers"})


class ReplayError(ValueError):
    """The replay directory or its manifest is unusable."""


@dataclass(frozen=True)
class ReplayEntry:
    """One saved response of a manifest."""

    url: str
    # Absolute path of the body inside the replay directory; None for an empty body.
    path: Path | None = None
    status: int = 200
    headers: dict[str, list[str]] = field(default_factory=dict)

    def content_type(self) -> str | None:
        """Return the declared Content-Type, else the one implied by the file name."""
        for name, values in self.headers.items():
            if name.lower() == "content-type" and values:
                return values[0]
        if self.path is None:
            return None
        return CONTENT_TYPES.get(self.path.suffix.lower(), DEFAULT_CONTENT_TYPE)

    def body(self) -> bytes:
        """Read the saved body (empty without a file)."""
        return self.path.read_bytes() if self.path is not None else b""


def _lookup_key(url: str) -> str:
    """Scrapy's canonical form: sorted query, no fragment, normalised escapes."""
    return canonicalize_url(url)


def _parse_headers(raw: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise ReplayError(f"{where}: 'headers' must be an object")
    headers: dict[str, list[str]] = {}
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise ReplayError(f"{where}: header {name!r} must be a string or a list of strings")
        headers[name] = values
    return headers


def _parse_file(raw: Any, root: Path, where: str) -> Path:
    if not isinstance(raw, str) or not raw:
        raise ReplayError(f"{where}: 'file' must be a non-empty string")
    relative = Path(raw)
    if relative.is_absolute() or raw.startswith(("/", "\\")):
        raise ReplayError(f"{where}: file {raw!r} must be relative to {root}")
    # resolve() follows symlinks too, so a link pointing outside is caught as well.
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ReplayError(f"{where}: file {raw!r} escapes the replay directory {root}")
    if not path.is_file():
        raise ReplayError(f"{where}: file {raw!r} does not exist in {root}")
    return path


def _parse_entry(url: str, raw: Any, root: Path, manifest: Path) -> ReplayEntry:
    where = f"{manifest}: entry {url!r}"
    try:
        parts = urlsplit(url)
        # The middleware indexes every key by its canonical form as well.
        _lookup_key(url)
    except ValueError as exc:
        raise ReplayError(f"{where}: the key is not a valid URL: {exc}") from exc
    if not parts.scheme or not parts.netloc:
        raise ReplayError(f"{where}: the key must be an absolute URL")
    if not isinstance(raw, dict):
        raise ReplayError(f"{where}: the value must be an object")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        # Catches typos such as "header" or "stauts" that would otherwise be ignored.
        raise ReplayError(f"{where}: unknown keys {unknown}")
    status = raw.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ReplayError(f"{where}: 'status' must be an HTTP status code, got {status!r}")
    # "file": null is read like an absent file: an empty body.
    path = _parse_file(raw["file"], root, where) if raw.get("file") is not None else None
    headers = _parse_headers(raw.get("headers", {}), where)
    return ReplayEntry(url=url, path=path, status=status, headers=headers)


def _read_manifest(manifest: Path) -> dict[str, Any]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReplayError(f"replay manifest is malformed: {manifest}: {exc}") from exc
    if not isinstance(data, dict):
        raise ReplayError(f"replay manifest must be a JSON object: {manifest}")
    return data


def load_manifest(replay_dir: str | Path) -> dict[str, ReplayEntry]:
    """Read and check the manifests of ``replay_dir``; keys are the URLs as written.

    A replay directory holds ``manifest.json``, or one per sub-directory (``DIR/<site>/
    manifest.json``, so that each site's fixtures are kept apart), or both; each entry's file is
    relative to its own manifest's directory. Raises ReplayError naming the problem: no
    manifest, a malformed one, bad entries, files missing or outside ``replay_dir``, or a URL
    given twice.
    """
    root = Path(replay_dir).resolve()
    manifests = [m for m in (root / MANIFEST_NAME,) if m.is_file()]
    manifests += sorted(root.glob(f"*/{MANIFEST_NAME}"))
    if not manifests:
        raise ReplayError(f"replay manifest not found: {root / MANIFEST_NAME}")
    entries: dict[str, ReplayEntry] = {}
    for manifest in manifests:
        for url, raw in _read_manifest(manifest).items():
            if url in entries:
                raise ReplayError(f"{manifest}: entry {url!r} is already in another manifest")
            entries[url] = _parse_entry(url, raw, manifest.parent, manifest)
    return entries


class ReplayMiddleware:
    """Downloader middleware serving every request from a replay directory.

    Lookup: the request URL exactly as written in the manifest first, then
    both sides in w3lib's canonical form (sorted query, no fragment,
    normalised percent-encoding), so "?b=1&a=2" finds an entry written
    "?a=2&b=1". Stats: ``replay/served`` and ``replay/missing``.
    """

    def __init__(self, replay_dir: str | Path, stats: StatsCollector) -> None:
        self.replay_dir = Path(replay_dir)
        self.stats = stats
        self.entries = load_manifest(self.replay_dir)
        self._by_canonical: dict[str, ReplayEntry] = {}
        for url, entry in self.entries.items():
            # With two spellings of one URL, the first one in the manifest wins.
            self._by_canonical.setdefault(_lookup_key(url), entry)
        logger.info("Replaying %d responses from %s", len(self.entries), self.replay_dir)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the REPLAY_DIR setting; disabled when it is empty."""
        replay_dir = crawler.settings.get("REPLAY_DIR")
        if not replay_dir:
            raise NotConfigured  # off unless asked for; no warning in every real crawl
        assert crawler.stats is not None
        return cls(replay_dir, crawler.stats)

    def find(self, url: str) -> ReplayEntry | None:
        """Return the manifest entry answering *url*, if any."""
        entry = self.entries.get(url)
        if entry is None:
            entry = self._by_canonical.get(_lookup_key(url))
        return entry

    def process_request(self, request: Request) -> Response:
        """Answer *request* from the manifest, or 404 when it is not there.

        Returning a Response here means Scrapy never calls the download
        handler: nothing touches the network, and since download slots (and
        so DOWNLOAD_DELAY and AutoThrottle) live behind the middlewares, no
        politeness delay slows the replay down.
        """
        entry = self.find(request.url)
        if entry is None:
            self.stats.inc_value("replay/missing")
            logger.info("Replay: no entry for %s, answering 404", request.url)
            return Response(url=request.url, status=404, request=request, flags=["replay"])
        self.stats.inc_value("replay/served")
        headers = Headers(entry.headers)
        content_type = entry.content_type()
        if content_type is not None:
            headers.setdefault("Content-Type", content_type)
        body = entry.body()
        response_cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_cls(
            url=request.url,
            status=entry.status,
            headers=headers,
            body=body,
            request=request,
            flags=["replay"],
        )
