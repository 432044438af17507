"""Tests of ``python -m crawler.extract`` (run as a subprocess) and of ``crawler.extract.extract``."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.extract import extract
from crawler.parsers.base import NoArticle
from crawler.replay import load_manifest

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
MANIFEST = load_manifest(SITES)

PAGE = next(SITES.glob("nhipsonghanoi.hanoimoi.vn/articles/ban-chap-hanh-*.html"))
EXPECTED = json.loads(PAGE.with_name(PAGE.stem + ".expected.json").read_text("utf-8"))
NO_ARTICLE_PAGE = next(SITES.glob("hanoimoi.vn/articles/video-*.html"))


def url_of(page: Path) -> str:
    """The URL a fixture page is served under, from the replay manifest."""
    (url,) = [url for url, entry in MANIFEST.items() if entry.path == page.resolve()]
    return url


URL = url_of(PAGE)
NO_ARTICLE_URL = url_of(NO_ARTICLE_PAGE)


def run(*arguments: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler.extract", *map(str, arguments)],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
    )


def article_of(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stderr == b""
    return json.loads(done.stdout.decode("utf-8"))


def one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert text.endswith("\n")
    (line,) = text.splitlines()
    return line


def test_the_fixture_urls() -> None:
    assert URL == EXPECTED["url"]
    assert URL.startswith("https://nhipsonghanoi.hanoimoi.vn/ban-chap-hanh-")
    assert NO_ARTICLE_URL.startswith("https://hanoimoi.vn/video-")


def test_prints_the_expected_article() -> None:
    done = run("--url", URL, PAGE)
    assert article_of(done) == EXPECTED
    assert done.stdout.endswith(b"}\n")
    # Vietnamese is printed as UTF-8, not escaped.
    assert EXPECTED["title"].encode("utf-8") in done.stdout
    assert b"\\u" not in done.stdout


def test_the_most_specific_host_picks_the_site() -> None:
    # nhipsonghanoi.hanoimoi.vn is under hanoimoi.vn too: the sub-site's spider wins.
    article = article_of(run("--url", URL, PAGE))
    assert article["site"] == "nhipsonghanoi"
    # Its "(NSHN)" lead prefix is the one stripped.
    assert article["lead"] == EXPECTED["lead"]
    assert article["lead"].startswith("Sáng 10-12,")


def test_site_overrides_the_host() -> None:
    article = article_of(run("--site", "hanoimoi", "--url", URL, PAGE))
    assert article == {**EXPECTED, "site": "hanoimoi"}


def test_site_makes_an_unknown_host_usable() -> None:
    article = article_of(
        run(
            "--site",
            "nhipsonghanoi",
            "--url",
            "https://example.com/ban-chap-hanh-412307.html",
            PAGE,
        )
    )
    assert article["site"] == "nhipsonghanoi"
    assert article["title"] == EXPECTED["title"]
    assert article["body"] == EXPECTED["body"]


def test_reads_standard_input_given_a_dash() -> None:
    done = run("--url", URL, "-", stdin=PAGE.read_bytes())
    assert article_of(done) == EXPECTED


def test_a_page_without_an_article_exits_1_with_the_reason() -> None:
    done = run("--url", NO_ARTICLE_URL, NO_ARTICLE_PAGE)
    assert done.returncode == 1
    assert done.stdout == b""
    # The site's parser and the generic fallback each say why they found nothing.
    line = one_line(done.stderr)
    assert line.startswith(
        f"{NO_ARTICLE_PAGE}: no onecms template matches (title and body not found); generic: "
    )


def test_an_unknown_host_gets_the_generic_extractor() -> None:
    done = run("--url", "https://example.org/ban-chap-hanh-412307.html", PAGE)
    assert done.returncode == 0, done.stderr
    article = article_of(done)
    assert article["site"] is None
    assert article["extractor"] == "generic"
    assert article["title"] == EXPECTED["title"]
    assert article["body"].startswith(EXPECTED["body"][:200])


def test_generic_flag_uses_the_generic_extractor_for_a_known_site() -> None:
    article = article_of(run("--generic", "--url", URL, PAGE))
    assert article["site"] == EXPECTED["site"]
    assert article["extractor"] == "generic"
    assert article["title"] == EXPECTED["title"]


def test_an_unknown_site_exits_1_naming_the_known_sites() -> None:
    done = run("--site", "nosuchsite", "--url", URL, PAGE)
    assert done.returncode == 1
    assert done.stdout == b""
    line = one_line(done.stderr)
    assert line.startswith(f"{PAGE}: unknown site 'nosuchsite': expected one of ")
    known = line.split("expected one of ", 1)[1].split(", ")
    assert {"hanoimoi", "nguoihanoi", "nhipsonghanoi"} <= set(known)
    assert known == sorted(known)


def test_a_missing_file_exits_1_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    done = run("--url", URL, missing)
    assert done.returncode == 1
    assert done.stdout == b""
    line = one_line(done.stderr)
    assert line.startswith(f"{missing}: ")
    assert "No such file or directory" in line


def test_extract_returns_the_article() -> None:
    html = PAGE.read_text("utf-8")
    assert extract(html, URL) == EXPECTED
    assert extract(html, URL, site="hanoimoi") == {**EXPECTED, "site": "hanoimoi"}


def test_extract_raises_no_article_for_a_page_without_one() -> None:
    html = NO_ARTICLE_PAGE.read_text("utf-8")
    with pytest.raises(NoArticle, match=r"^no onecms template matches") as raised:
        extract(html, NO_ARTICLE_URL)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("charset", "codec"), [("windows-1258", "cp1258"), ("iso-8859-1", "latin-1")]
)
def test_the_pages_meta_charset_decides_its_encoding(
    tmp_path: Path, charset: str, codec: str
) -> None:
    html = PAGE.read_text("utf-8")
    assert html.count('<meta charset="utf-8">') == 1
    html = html.replace('<meta charset="utf-8">', f'<meta charset="{charset}">')
    # What the charset cannot hold is written as numeric character references.
    data = html.encode(codec, errors="xmlcharrefreplace")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # read as UTF-8, the page would be garbled
    page = tmp_path / f"{codec}.html"
    page.write_bytes(data)

    assert article_of(run("--url", URL, page)) == EXPECTED
    assert article_of(run("--url", URL, "-", stdin=data)) == EXPECTED
