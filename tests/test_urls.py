"""Tests of crawler.urls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.urls import (
    CANONICAL_FORM,
    _canonicalize,
    canonicalize_url,
    choose_canonical,
    host_of,
    on_domains,
    same_host,
    url_key,
)

BASE = "https://hanoimoi.vn/tin-tuc/bai-viet-123.html"
SITES = Path(__file__).parent / "fixtures" / "sites"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Scheme and host case; the path keeps its case.
        ("HTTPS://HanoiMoi.VN/Tin-Tuc", "https://hanoimoi.vn/Tin-Tuc"),
        # The scheme is kept as given.
        ("http://hanoimoi.vn/a", "http://hanoimoi.vn/a"),
        # Default ports go, other ports stay.
        ("https://hanoimoi.vn:443/a", "https://hanoimoi.vn/a"),
        ("http://hanoimoi.vn:80/a", "http://hanoimoi.vn/a"),
        ("https://hanoimoi.vn:80/a", "https://hanoimoi.vn:80/a"),
        ("http://hanoimoi.vn:8080/a", "http://hanoimoi.vn:8080/a"),
        # Fragment.
        ("https://hanoimoi.vn/a#binh-luan", "https://hanoimoi.vn/a"),
        # Host prefixes, also stacked, but never down to a bare TLD.
        ("https://www.hanoimoi.vn/a", "https://hanoimoi.vn/a"),
        ("https://m.hanoimoi.vn/a", "https://hanoimoi.vn/a"),
        ("https://amp.dantri.com.vn/a.htm", "https://dantri.com.vn/a.htm"),
        ("https://www.m.hanoimoi.vn/a", "https://hanoimoi.vn/a"),
        ("https://m.vn/a", "https://m.vn/a"),
        ("https://mm.hanoimoi.vn/a", "https://mm.hanoimoi.vn/a"),
        # Trailing root dot of a host.
        ("https://hanoimoi.vn./a", "https://hanoimoi.vn/a"),
        # Empty query and a bare path.
        ("https://hanoimoi.vn/a?", "https://hanoimoi.vn/a"),
        ("https://hanoimoi.vn", "https://hanoimoi.vn/"),
        # Remaining parameters are sorted.
        ("https://hanoimoi.vn/s?q=b&p=2&a=1", "https://hanoimoi.vn/s?a=1&p=2&q=b"),
        # Duplicate slashes in the path.
        ("https://hanoimoi.vn//tin-tuc///a.html", "https://hanoimoi.vn/tin-tuc/a.html"),
        # Dot segments.
        ("https://hanoimoi.vn/a/./b/../c", "https://hanoimoi.vn/a/c"),
    ],
)
def test_canonicalize_basic_rules(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    "param",
    [
        "utm_source=fb",
        "utm_medium=social",
        "utm_anything_at_all=1",
        "UTM_Campaign=x",
        "fbclid=IwAR0",
        "gclid=1",
        "dclid=1",
        "msclkid=1",
        "zarsrc=30",
        "zalo_source=1",
        "zalo_whatever=1",
        "_ga=2.1",
        "mc_cid=1",
        "mc_eid=1",
        "igshid=1",
        "ref=home",
        "ref_src=twsrc",
        "itm_source=1",
        "itm_campaign=1",
        "gidzl=abc",
        "fb_action_ids=1",
        "fb_source=1",
        "ocid=1",
        "cmpid=1",
        "spm=a.b.c",
    ],
)
def test_tracking_parameters_are_dropped(param: str) -> None:
    assert canonicalize_url(f"https://hanoimoi.vn/a?{param}") == "https://hanoimoi.vn/a"
    assert (
        canonicalize_url(f"https://hanoimoi.vn/a?id=7&{param}&p=2")
        == "https://hanoimoi.vn/a?id=7&p=2"
    )


def test_lookalike_parameters_are_kept() -> None:
    url = "https://hanoimoi.vn/a?page=2&preference=1&reference=x&utm=1"
    assert canonicalize_url(url) == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://hanoimoi.vn/amp/tin-tuc/a.html",
            "https://hanoimoi.vn/tin-tuc/a.html",
        ),
        ("https://hanoimoi.vn/tin-tuc/a/amp", "https://hanoimoi.vn/tin-tuc/a"),
        ("https://hanoimoi.vn/tin-tuc/a/amp/", "https://hanoimoi.vn/tin-tuc/a"),
        (
            "https://hanoimoi.vn/tin-tuc/a.amp.html",
            "https://hanoimoi.vn/tin-tuc/a.html",
        ),
        (
            "https://hanoimoi.vn/tin-tuc/a.html?amp=1",
            "https://hanoimoi.vn/tin-tuc/a.html",
        ),
        (
            "https://hanoimoi.vn/tin-tuc/a.html?amp",
            "https://hanoimoi.vn/tin-tuc/a.html",
        ),
        ("https://hanoimoi.vn/a.html?outputType=amp", "https://hanoimoi.vn/a.html"),
        (
            "https://hanoimoi.vn/a.html?outputType=AMP&id=1",
            "https://hanoimoi.vn/a.html?id=1",
        ),
        # Several AMP markers at once, and an AMP segment alone.
        ("https://amp.hanoimoi.vn/amp/amp/a/amp/amp", "https://hanoimoi.vn/a"),
        ("https://hanoimoi.vn/amp", "https://hanoimoi.vn/"),
        ("https://hanoimoi.vn/amp/", "https://hanoimoi.vn/"),
    ],
)
def test_amp_variants(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        # "amp" inside a word or another output type is not an AMP marker.
        "https://hanoimoi.vn/amply/campaign.html",
        "https://hanoimoi.vn/a/amp-hieu-qua",
        "https://hanoimoi.vn/example.html",
        "https://hanoimoi.vn/a.html?outputType=json",
        "https://hanoimoi.vn/a.html?camp=1",
    ],
)
def test_non_amp_lookalikes_are_kept(url: str) -> None:
    assert canonicalize_url(url) == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Non-ASCII paths and queries become UTF-8 percent-encoding.
        (
            "https://hanoimoi.vn/tin-tức/hà-nội?q=phố cổ",
            "https://hanoimoi.vn/tin-t%E1%BB%A9c/h%C3%A0-n%E1%BB%99i?q=ph%E1%BB%91+c%E1%BB%95",
        ),
        # Escapes are upper-cased, unreserved ones decoded.
        ("https://hanoimoi.vn/%c4%91%7Euser/%41", "https://hanoimoi.vn/%C4%91~user/A"),
        # An encoded slash is not a path separator and stays encoded.
        ("https://hanoimoi.vn/a%2fb", "https://hanoimoi.vn/a%2Fb"),
        # IDN hosts become punycode.
        ("https://www.Hà-Nội.vn/a", "https://xn--h-ni-0na4517b.vn/a"),
    ],
)
def test_encoding_cases(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_encoded_and_raw_forms_agree() -> None:
    raw = "https://hanoimoi.vn/tin-tức?q=đ"
    encoded = "https://hanoimoi.vn/tin-t%e1%bb%a9c?q=%C4%91"
    assert canonicalize_url(raw) == canonicalize_url(encoded)
    assert url_key(raw) == url_key(encoded)


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://WWW.HanoiMoi.vn:443/tin-tuc//x.amp.html?utm_source=fb&b=2&a=1&amp=1#top",
        "http://m.hanoimoi.vn:80/amp/a/b/amp/?outputType=amp&zalo_x=1&UTM_Medium=3",
        "https://amp.dantri.com.vn/a.htm?amp",
        "https://hanoimoi.vn/tin-tức?q=đ&ref=home&q=a b",
        "https://hanoimoi.vn/a/%2e%2e/amp//b/./c/..?x=%zz&&=3",
        "https://www.Hà-Nội.vn/a%2fb/%7e",
        "https://user@hanoimoi.vn:8443/x;p=1?a",
        "https://[::1]:443/x",
    ],
)
def test_canonicalize_is_idempotent(url: str) -> None:
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once


def test_canonicalize_rejects_unparsable_port() -> None:
    with pytest.raises(ValueError):
        canonicalize_url("https://hanoimoi.vn:99999/")


def test_url_key() -> None:
    key = url_key("https://hanoimoi.vn/a")
    assert isinstance(key, bytes)
    assert len(key) == 16
    assert url_key("http://hanoimoi.vn/a") == key
    assert url_key("https://www.hanoimoi.vn/a?utm_source=x#top") == key
    assert url_key("http://m.hanoimoi.vn:80/amp/a") == key
    assert url_key("https://hanoimoi.vn/b") != key
    assert url_key("https://hanoimoi.vn.evil.com/a") != key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.HanoiMoi.vn:8443/x", "hanoimoi.vn"),
        ("http://m.hanoimoi.vn/", "hanoimoi.vn"),
        ("https://amp.hanoimoi.vn/", "hanoimoi.vn"),
        ("https://tin.hanoimoi.vn/", "tin.hanoimoi.vn"),
        ("https://user:pw@hanoimoi.vn/", "hanoimoi.vn"),
        ("https://Hà-Nội.vn/", "xn--h-ni-0na4517b.vn"),
        ("mailto:toasoan@hanoimoi.vn", ""),
        ("/relative/path", ""),
        ("http://[bad", ""),
    ],
)
def test_host_of(url: str, expected: str) -> None:
    assert host_of(url) == expected


def test_same_host() -> None:
    assert same_host("https://www.hanoimoi.vn/a", "http://hanoimoi.vn:8080/b")
    assert same_host("https://m.hanoimoi.vn/a", "https://amp.hanoimoi.vn/b")
    assert not same_host("https://hanoimoi.vn/a", "https://tin.hanoimoi.vn/b")
    assert not same_host("https://hanoimoi.vn/a", "https://evil.com/b")
    # Two URLs without a host are not "the same host".
    assert not same_host("mailto:a@b.vn", "javascript:void(0)")


DOMAINS = ["hanoimoi.vn", "kinhtedothi.vn"]


@pytest.mark.parametrize(
    "url",
    [
        "https://hanoimoi.vn/a",
        "http://hanoimoi.vn/a",
        "https://www.hanoimoi.vn/a",
        "https://tin.hanoimoi.vn/a",
        "https://a.b.kinhtedothi.vn/a",
        "https://HANOIMOI.VN:8443/a",
        "https://hanoimoi.vn./a",
    ],
)
def test_on_domains_accepts(url: str) -> None:
    assert on_domains(url, DOMAINS)


@pytest.mark.parametrize(
    "url",
    [
        "https://evilhanoimoi.vn/a",
        "https://hanoimoi.vn.evil.com/a",
        "https://vnexpress.net/a",
        "mailto:toasoan@hanoimoi.vn",
        "javascript:alert(1)",
        "tel:+842438253067",
        "ftp://hanoimoi.vn/a",
        "data:text/html,hanoimoi.vn",
        "http://127.0.0.1/a",
        "http://[::1]/a",
        "http://localhost/a",
        "http://intranet/a",
        # Userinfo tricks: the real host is after the "@"...
        "http://hanoimoi.vn@evil.com/",
        "http://hanoimoi.vn:80@evil.com/",
        # ...and a backslash ends the host for browsers (and Scrapy).
        "http://evil.com\\@hanoimoi.vn/",
        # Even when the real host is ours, a userinfo part is not a news link.
        "http://evil.com@hanoimoi.vn/",
        "/relative/link",
        "",
    ],
)
def test_on_domains_rejects(url: str) -> None:
    assert not on_domains(url, DOMAINS)


def test_on_domains_normalises_the_domain_list() -> None:
    assert on_domains("https://hanoimoi.vn/a", ["WWW.HanoiMoi.vn"])
    assert on_domains("https://xn--h-ni-0na4517b.vn/a", ["hà-nội.vn"])
    assert on_domains("https://tin.hanoimoi.vn/a", [".hanoimoi.vn"])
    assert not on_domains("https://hanoimoi.vn/a", [])
    assert not on_domains("http://localhost/a", ["localhost"])


def test_choose_canonical_prefers_first_valid_declaration() -> None:
    declared = [None, "", "  ", "https://hanoimoi.vn/c.html?utm_source=x", "/d.html"]
    assert choose_canonical(BASE, declared) == "https://hanoimoi.vn/c.html"


def test_choose_canonical_resolves_relative_urls() -> None:
    assert choose_canonical(BASE, ["../bai-goc.html#top"]) == "https://hanoimoi.vn/bai-goc.html"
    assert choose_canonical(BASE, ["//www.hanoimoi.vn/x"]) == "https://hanoimoi.vn/x"


def test_choose_canonical_accepts_prefix_variants_of_the_host() -> None:
    fetched = "https://m.hanoimoi.vn/a.html"
    assert choose_canonical(fetched, ["https://www.hanoimoi.vn/a.html"]) == (
        "https://hanoimoi.vn/a.html"
    )


def test_choose_canonical_ignores_off_site_and_odd_declarations() -> None:
    declared = [
        "https://evil.com/a.html",
        "https://tin.hanoimoi.vn/a.html",
        "javascript:void(0)",
        "ftp://hanoimoi.vn/a.html",
        "http://[broken",
        "https://hanoimoi.vn:99999/a",
    ]
    fetched = "https://www.hanoimoi.vn/a.html?fbclid=1#x"
    assert choose_canonical(fetched, declared) == "https://hanoimoi.vn/a.html"
    assert choose_canonical(fetched, []) == "https://hanoimoi.vn/a.html"


# canonicalize_url's fast path: a URL of CANONICAL_FORM is returned as it is, which must be
# exactly what the full path (w3lib, then the project's rules) makes of it.
@settings(max_examples=300)
@given(st.from_regex(CANONICAL_FORM, fullmatch=True))
def test_a_url_of_the_canonical_form_is_what_the_full_path_makes_of_it(url: str) -> None:
    assert canonicalize_url(url) == _canonicalize(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hanoimoi.vn/ha-noi-day-manh-cai-cach-hanh-chinh-712345.html",
        "https://hanoimoi.vn/",
        "https://a-b.c.vn/x/y/",
        "https://hanoimoi.vn/~a_b.c-d",
        "https://hanoimoi.vn/amp/a",
        "https://hanoimoi.vn/a/amp",
        "https://hanoimoi.vn/a.amp.html",
        "https://hanoimoi.vn/.a/..b/...",
    ],
)
def test_fast_path_urls_agree_with_the_full_path(url: str) -> None:
    assert canonicalize_url(url) == _canonicalize(url)


def test_every_fixture_url_has_one_canonical_form_by_either_path() -> None:
    urls = [
        url
        for manifest in SITES.glob("*/manifest.json")
        for url in json.loads(manifest.read_text("utf-8"))
    ]
    assert len(urls) > 100
    fast = [url for url in urls if CANONICAL_FORM.fullmatch(url)]
    assert len(fast) > len(urls) / 2  # most links a site prints take the fast path
    for url in urls:
        assert canonicalize_url(url) == _canonicalize(url), url
