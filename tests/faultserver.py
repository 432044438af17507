"""A real HTTP server on 127.0.0.1 for the network-fault tests: nguoihanoi.vn and its faults.

``scrapy crawl nguoihanoi`` reaches it as its HTTP proxy: with ``http_proxy`` set in the crawl's
environment, Scrapy's HttpProxyMiddleware sends every ``http://nguoihanoi.vn/...`` request here
with its absolute URI, so the real download handler and every downloader middleware are under
test while the spider runs unchanged.

The site: robots.txt (``/bai-cam-*`` disallowed), the four fixture articles of
tests/fixtures/sites/nguoihanoi.vn at their own paths, and per crawl of ``CRAWLS`` a sitemap
``/loi/<crawl>.xml`` listing some of those articles (``Crawl.good``) and the pages of its
faults. A faulty page is a copy of a fixture article (``Fault.victim``) served wrong: the
answers are the functions below. ``FaultServer.hits`` records when each request for a path came
and when its answer ended (a stalled answer ends when the client gives up).
"""

import gzip
import json
import select
import socket
import struct
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "sites" / "nguoihanoi.vn" / "articles"
HOST = "nguoihanoi.vn"
SITE = f"http://{HOST}"
# The fixture articles, by a short name.
WALK = "ha-noi-mo-them-khong-gian-di-bo-cuoi-tuan-quanh-ho-thien-quang-74582"
TET = "pho-ong-do-nhung-ngay-giap-tet-71406"
PHOTOS = "trien-lam-anh-ve-di-san-thang-long-ha-noi-mo-cua-tai-van-mieu-62937"
POTTERY = "lang-gom-bat-trang-vao-mua-nung-moi-58214"
ROBOTS = b"User-agent: *\nDisallow: /bai-cam-\nAllow: /\n"
HTML = "text/html; charset=utf-8"
BIG_PAGE = 30 * 1024 * 1024  # bytes: the page DOWNLOAD_MAXSIZE (8 MB) must cut
BOMB = 64 * 1024 * 1024  # bytes once gunzipped, from 65 KB on the wire
STALL_SECONDS = 30  # how long a stalled answer waits for the client to give up, at most


def page(slug: str) -> bytes:
    return (ARTICLES / f"{slug}.html").read_bytes()


def expected(slug: str) -> dict:
    return json.loads((ARTICLES / f"{slug}.expected.json").read_text("utf-8"))


def to_windows_1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 writes it: a precomposed letter where the code page has
    one (â, ơ, đ...), then the tone mark as a combining character; &#N; for anything else."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        # With a vowel mark (â, ơ...) in the letter and the tone apart, or the bare letter.
        splits = [
            (unicodedata.normalize("NFC", base + mark), marks[:i] + marks[i + 1 :])
            for i, mark in enumerate(marks)
        ]
        for letter, rest in [*splits, (base, marks)]:
            try:
                out += letter.encode("cp1258") + "".join(rest).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += char.encode("cp1258", errors="xmlcharrefreplace")
    return bytes(out)


def _after_first_paragraph(html: bytes) -> int:
    return html.index(b"</p>", html.index(b"content-main-normal")) + 4


def truncated(html: bytes) -> bytes:
    """The page cut after its body's first paragraph: title and lead whole, the body not."""
    return html[: _after_first_paragraph(html)]


def nested(html: bytes, depth: int, container: str) -> bytes:
    """The page with ``depth`` nested <div>s in a ``container`` element after the body's first
    paragraph (a <figure> is dropped from the body text; a <div> is read)."""
    cut = _after_first_paragraph(html)
    nest = f"<{container}>{'<div>' * depth}{'</div>' * depth}</{container}>".encode()
    return html[:cut] + nest + html[cut:]


@cache
def big_page() -> bytes:
    """An article with a comment that makes it BIG_PAGE bytes."""
    html = page(PHOTOS)
    padding = b"<!--" + b"x" * (BIG_PAGE - len(html) - 7) + b"-->"
    return html.replace(b"</body>", padding + b"</body>")


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b"<!DOCTYPE html><html><body><p>" + b" " * BOMB, compresslevel=9)


def binary_body() -> bytes:
    """A PNG signature and bytes of every value, NULs included: not HTML, whatever the label."""
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


# The handler -------------------------------------------------------------------------------

Answer = Callable[["Handler", int], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args) -> None:
        pass  # quiet: the tests assert on what the crawl says

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = parts.hostname or (self.headers.get("Host") or "").split(":")[0]
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        owner = self.server.owner
        hit = owner.record(path)
        try:
            if host != HOST:
                self.send(502, b"only nguoihanoi.vn is served here", "text/plain")
            else:
                owner.answer(path)(self, len(owner.hits[path]))
        finally:
            hit.append(time.monotonic())

    # Ways to answer, for the faults.

    def send(
        self, status: int, body: bytes, content_type: str | None = HTML, **headers: str
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_head(self, status: int, content_type: str | None = HTML, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.flush()

    def stream(self, chunks, chunked: bool = False) -> None:
        """Write until done or until the client hangs up (it cut the download)."""
        try:
            for chunk in chunks:
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                else:
                    self.wfile.write(chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def stall(self) -> None:
        """Send nothing more: wait until the client gives up and closes the connection."""
        self.wfile.flush()
        self.close_connection = True
        deadline = time.monotonic() + STALL_SECONDS
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.connection], [], [], 0.2)
            if ready:
                try:
                    if not self.connection.recv(4096):
                        return
                except OSError:
                    return

    def reset(self) -> None:
        """Abort the connection: the client reads an RST, not an orderly end."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def close_now(self) -> None:
        """End the response by closing the connection (HTTP/1.0 style)."""
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_WR)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: "FaultServer"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up on a stalled or huge answer is the point of the test


# The faults --------------------------------------------------------------------------------


def status(code: int, then: str | None = None, after: int = 1, **headers: str) -> Answer:
    """``code`` (with ``headers``); from attempt ``after + 1`` on, the article ``then`` if any."""

    def answer(h: Handler, attempt: int) -> None:
        if then and attempt > after:
            h.send(200, page(then))
        else:
            h.send(code, f"<html><body>{code}</body></html>".encode(), **headers)

    return answer


def serve(content: bytes, content_type: str | None = HTML) -> Answer:
    return lambda h, attempt: h.send(200, content, content_type)


def redirect(code: int, to: str) -> Answer:
    return lambda h, attempt: h.send(code, b"", None, Location=to)


def stall(h: Handler, attempt: int) -> None:
    """Read the request, answer nothing."""
    h.stall()


def stall_mid_body(h: Handler, attempt: int) -> None:
    body = page(PHOTOS)
    h.send_head(200, Content_Length=str(len(body)))
    h.wfile.write(body[: len(body) // 2])
    h.stall()


def reset_mid_body(h: Handler, attempt: int) -> None:
    body = page(PHOTOS)
    h.send_head(200, Content_Length=str(len(body)))
    h.wfile.write(body[: len(body) // 2])
    h.reset()


def reset_before_answer(h: Handler, attempt: int) -> None:
    h.reset()


def closed_early(h: Handler, attempt: int) -> None:
    """No length, no chunks: the body ends with the connection, here after one paragraph."""
    h.send_head(200, Connection="close")
    h.wfile.write(truncated(page(PHOTOS)))
    h.close_now()


def big_declared(h: Handler, attempt: int) -> None:
    body = big_page()
    h.send_head(200, Content_Length=str(len(body)))
    h.stream(body[i : i + 65536] for i in range(0, len(body), 65536))


def big_chunked(h: Handler, attempt: int) -> None:
    body = big_page()
    h.send_head(200, Transfer_Encoding="chunked")
    h.stream((body[i : i + 65536] for i in range(0, len(body), 65536)), chunked=True)


def windows_1258(slug: str, declared: bool) -> bytes:
    html = page(slug).decode("utf-8")
    meta = '<meta charset="windows-1258">\n' if declared else ""
    return to_windows_1258(html.replace('<meta charset="utf-8">\n', meta))


def without_meta_charset(slug: str) -> bytes:
    return page(slug).replace(b'<meta charset="utf-8">\n', b"")


@dataclass(frozen=True)
class Fault:
    """A faulty page: the URL path a sitemap lists, its answer, and the other paths it
    involves (redirect hops) with theirs."""

    name: str
    path: str
    answer: Answer
    more: dict[str, Answer] = field(default_factory=dict)

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path, *self.more)

    @property
    def url(self) -> str:
        return SITE + self.path


@dataclass(frozen=True)
class Crawl:
    """One crawl: a sitemap listing the ``good`` articles and the faults' pages."""

    name: str
    faults: tuple[Fault, ...]
    good: tuple[str, ...] = (WALK, TET, POTTERY)
    entry: Answer | None = None  # what the sitemap answers, if it is the fault

    @property
    def entry_path(self) -> str:
        return f"/loi/{self.name}.xml"

    @property
    def entry_url(self) -> str:
        return SITE + self.entry_path

    def sitemap(self) -> bytes:
        urls = [f"{SITE}/{slug}.html" for slug in self.good] + [f.url for f in self.faults]
        locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>\n'
        ).encode()


def _chain(name: str, hops: int, number: int, to: str) -> Fault:
    """``hops`` redirects (301, 302, 303, 307, 308 in turn) ending at the article ``to``."""
    codes = (301, 302, 303, 307, 308)
    paths = [f"/loi-{name}-{i}-{number + i}.html" for i in range(hops)] + [f"/{to}.html"]
    answers = {paths[i]: redirect(codes[i % len(codes)], paths[i + 1]) for i in range(hops)}
    first = paths[0]
    return Fault(name, first, answers.pop(first), answers)


CRAWLS = {
    crawl.name: crawl
    for crawl in (
        Crawl(
            "http-errors",
            (
                Fault("http-500", "/loi-may-chu-500-90001.html", status(500)),
                Fault("http-502", "/loi-cong-502-90002.html", status(502)),
            ),
        ),
        Crawl(
            "http-recovered",
            (
                Fault("http-503-then-ok", "/loi-qua-tai-90003.html", status(503, POTTERY)),
                Fault(
                    "http-429-then-ok",
                    "/loi-qua-nhieu-90004.html",
                    status(429, PHOTOS, Retry_After="2"),
                ),
            ),
            good=(WALK, TET),
        ),
        Crawl(
            "http-429-given-up",
            (
                Fault("http-429-always", "/loi-qua-nhieu-90005.html", status(429, Retry_After="1")),
                Fault(
                    "http-429-retry-after-1h",
                    "/loi-qua-nhieu-90006.html",
                    status(429, Retry_After="3600"),
                ),
            ),
        ),
        Crawl(
            "all-articles-503",
            tuple(
                Fault(f"http-503-{i}", f"/loi-qua-tai-{i}-9010{i}.html", status(503))
                for i in range(6)
            ),
            good=(),
        ),
        Crawl("site-down", (), good=(), entry=status(503)),
        Crawl(
            "timeouts",
            (
                Fault("timeout", "/loi-cham-90007.html", stall),
                Fault("stall-mid-body", "/loi-treo-giua-chung-90008.html", stall_mid_body),
            ),
        ),
        Crawl(
            "resets",
            (
                Fault("reset-mid-body", "/loi-ngat-giua-chung-90009.html", reset_mid_body),
                Fault("reset-before-answer", "/loi-ngat-ngay-90010.html", reset_before_answer),
                Fault("closed-early", "/loi-dong-som-90011.html", closed_early),
            ),
        ),
        Crawl(
            "redirects",
            (
                _chain("redirect-chain", 4, 90020, PHOTOS),
                _chain("redirect-too-many", 25, 90100, PHOTOS),
                Fault(
                    "redirect-loop",
                    "/loi-vong-a-90012.html",
                    redirect(301, "/loi-vong-b-90013.html"),
                    {"/loi-vong-b-90013.html": redirect(302, f"{SITE}/loi-vong-a-90012.html")},
                ),
            ),
        ),
        Crawl(
            "robots",
            (Fault("robots-disallow", "/bai-cam-doc-90014.html", serve(page(PHOTOS))),),
        ),
        Crawl(
            "oversize",
            (
                Fault("maxsize-declared", "/loi-trang-30mb-90015.html", big_declared),
                Fault("maxsize-chunked", "/loi-trang-30mb-khuc-90016.html", big_chunked),
                Fault(
                    "gzip-bomb",
                    "/loi-bom-gzip-90017.html",
                    lambda h, attempt: h.send(200, gzip_bomb(), Content_Encoding="gzip"),
                ),
            ),
        ),
        Crawl(
            "charsets",
            (
                Fault(
                    "charset-1258-declared",
                    "/ma-1258-khai-90018.html",
                    serve(windows_1258(PHOTOS, True), "text/html; charset=windows-1258"),
                ),
                Fault(
                    "charset-1258-undeclared",
                    "/ma-1258-khong-khai-90019.html",
                    serve(windows_1258(POTTERY, False), "text/html"),
                ),
                Fault(
                    "charset-utf8-labelled-latin1",
                    "/ma-utf8-nhan-latin1-90200.html",
                    serve(without_meta_charset(TET), "text/html; charset=iso-8859-1"),
                ),
            ),
            good=(),
        ),
        Crawl(
            "bodies",
            (
                Fault("truncated-html", "/loi-cut-90201.html", serve(truncated(page(PHOTOS)))),
                Fault("empty", "/loi-rong-90203.html", serve(b"")),
                Fault("binary-as-html", "/loi-nhi-phan-90202.html", serve(binary_body())),
            ),
        ),
        Crawl(
            "nesting",
            (
                Fault(
                    "nested-5000-deep",
                    "/loi-long-sau-90204.html",
                    serve(nested(page(PHOTOS), 5000, "figure")),
                ),
                Fault(
                    "nested-1500-deep",
                    "/loi-long-1500-90205.html",
                    serve(nested(page(PHOTOS), 1500, "div")),
                ),
            ),
        ),
    )
}
FAULTS = {fault.name: fault for crawl in CRAWLS.values() for fault in crawl.faults}


class FaultServer:
    """The threaded server; ``with FaultServer() as server:`` runs it on a free port."""

    def __init__(self) -> None:
        # path -> [[start, end], ...] (time.monotonic()) of each request for it
        self.hits: dict[str, list[list[float]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._routes: dict[str, Answer] = {"/robots.txt": serve(ROBOTS, "text/plain")}
        for slug in (WALK, TET, PHOTOS, POTTERY):
            self._routes[f"/{slug}.html"] = serve(page(slug))
        for crawl in CRAWLS.values():
            self._routes[crawl.entry_path] = crawl.entry or serve(crawl.sitemap(), "text/xml")
            for fault in crawl.faults:
                self._routes.update({fault.path: fault.answer, **fault.more})
        big_page(), gzip_bomb()  # made now: a first request must not wait for them
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def proxy(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, path: str) -> list[float]:
        """Note a request for ``path``; return its entry, to which the answer's end is added."""
        with self._lock:
            hit = [time.monotonic()]
            self.hits[path].append(hit)
            return hit

    def count(self, path: str) -> int:
        return len(self.hits.get(path, ()))

    def span(self, paths: Iterable[str]) -> float:
        """Seconds from the first request for any of ``paths`` to the end of the last answer."""
        hits = [hit for path in paths for hit in self.hits.get(path, ())]
        if not hits:
            return 0.0
        return max(hit[-1] for hit in hits) - min(hit[0] for hit in hits)

    def answer(self, path: str) -> Answer:
        return self._routes.get(path, status(404))

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
