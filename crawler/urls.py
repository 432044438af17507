"""Pure URL helpers for deduplication and link filtering.

``canonicalize_url`` maps the many spellings of one article (tracking
parameters, AMP variants, mobile hosts, ``www.``) to one string, and
``url_key`` turns that string into a compact, scheme-independent key.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable, Sequence
from functools import cache
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize
from w3lib.url import safe_url_string

__all__ = [
    "canonicalize_url",
    "choose_canonical",
    "host_of",
    "on_domains",
    "rejection",
    "same_host",
    "url_key",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_PREFIXES = ("www.", "m.", "amp.")
_WEB_SCHEMES = frozenset({"http", "https"})

# Compared against the lower-cased, percent-decoded parameter name.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "zarsrc",
        "_ga",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "gidzl",
        "fb_action_ids",
        "fb_source",
        "ocid",
        "cmpid",
        "spm",
    }
)
_TRACKING_PREFIXES = ("utm_", "zalo_", "itm_")

_MULTI_SLASH = re.compile(r"/{2,}")

# A URL in its canonical form already, as nearly every link a site prints is: http(s), a
# lower-case host of two or more labels, the last a letter first, none of them a www., m. or
# amp. to strip; no port, userinfo, query or fragment; a path of unreserved characters without
# empty, "." or ".." segments. canonicalize_url gives such a URL back unchanged
# (tests/test_urls.py checks it against the full path), at a tenth of the cost. AMP paths
# ("/amp", ".amp.html") are left to the full path by a substring test.
CANONICAL_FORM = re.compile(
    r"https?://(?!(?:www|m|amp)\.)"
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:(?:/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)+/?|/)"
)


def _strip_host_prefixes(host: str) -> str:
    """Drop leading "www.", "m." and "amp." labels, never down to a bare TLD."""
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            rest = host.removeprefix(prefix)
            # "m.vn" must stay as is: a host keeps at least two labels.
            if rest != host and "." in rest:
                host = rest
                changed = True
    return host


def _normalize_host(host: str) -> str:
    """Lower-case a host, drop a trailing root dot and the mobile/www/AMP prefixes."""
    return _strip_host_prefixes(host.lower().rstrip("."))


def _is_tracking_param(name: str) -> bool:
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def _is_amp_param(name: str, value: str) -> bool:
    # "?amp", "?amp=1" and friends select the AMP rendering of the same article.
    if name == "amp":
        return True
    return name == "outputtype" and value.lower() == "amp"


def _clean_query(query: str) -> str:
    """Drop tracking and AMP parameters, keeping the others byte for byte."""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name = unquote_plus(raw_name).lower()
        if _is_tracking_param(name) or _is_amp_param(name, unquote_plus(raw_value)):
            continue
        kept.append(pair)
    return "&".join(kept)


def _strip_amp_path(path: str) -> str:
    """Map an AMP path to its regular page, repeating until nothing changes."""
    previous = None
    while path != previous:
        previous = path
        if path.startswith("/amp/"):
            path = path[len("/amp") :]
        if path.endswith("/amp/"):
            path = path[: -len("/amp/")] or "/"
        elif path.endswith("/amp"):
            path = path[: -len("/amp")] or "/"
        if path.endswith(".amp.html"):
            path = path[: -len(".amp.html")] + ".html"
    return path


def canonicalize_url(url: str) -> str:
    """Return the canonical form of *url* used for deduplication.

    The scheme is kept as given (only lower-cased). Raises ``ValueError`` for
    URLs that cannot be parsed, such as an out-of-range port.
    """
    if CANONICAL_FORM.fullmatch(url) and "/amp" not in url and ".amp." not in url:
        return url
    return _canonicalize(url)


def _canonicalize(url: str) -> str:
    # w3lib makes the URL safe (IDNA host, UTF-8 percent-encoding in upper case),
    # resolves dot segments, sorts the query and drops the fragment.
    canonical = _w3lib_canonicalize(url.strip(), keep_fragments=False)
    parts = urlsplit(canonical)
    scheme = parts.scheme.lower()

    netloc = parts.netloc
    if netloc:
        userinfo, at, _ = netloc.rpartition("@")
        host = parts.hostname or ""
        port = parts.port
        if ":" in host:
            host = f"[{host}]"  # IPv6 literal
        host = _normalize_host(host)
        if port is not None and port != _DEFAULT_PORTS.get(scheme):
            host = f"{host}:{port}"
        netloc = f"{userinfo}{at}{host}"

    path = _MULTI_SLASH.sub("/", parts.path)
    path = _strip_amp_path(path)
    # The query is already sorted by w3lib; removing pairs keeps it sorted.
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> bytes:
    """Return a 16-byte key of *url*; http and https of one page share it."""
    canonical = canonicalize_url(url)
    _, _, without_scheme = canonical.partition(":")
    return hashlib.blake2b(without_scheme.encode("utf-8"), digest_size=16).digest()


def _split(url: str) -> tuple[str, str, str]:
    """Return (scheme, userinfo, host) as a browser would see them, or empties."""
    try:
        # safe_url_string parses like a browser: "\\" ends the host, IDN -> punycode.
        parts = urlsplit(safe_url_string(url.strip()))
        host = parts.hostname or ""
    except ValueError:
        return "", "", ""
    userinfo = parts.netloc.rpartition("@")[0]
    return parts.scheme.lower(), userinfo, host


def host_of(url: str) -> str:
    """Return the lower-case host of *url* without port and www./m./amp. prefix."""
    return _normalize_host(_split(url)[2])


def same_host(a: str, b: str) -> bool:
    """Tell whether two URLs are on the same (prefix-normalised) host."""
    host = host_of(a)
    return bool(host) and host == host_of(b)


_NUMERIC_LABEL = re.compile(r"\d+|0x[0-9a-f]*", re.IGNORECASE)


def _is_ip_literal(host: str) -> bool:
    """An IPv4 or IPv6 address, in any spelling a resolver or browser reads as one.

    Besides the dotted quad and IPv6, "127.1", "0x7f.1" and "2130706433" reach 127.0.0.1 through
    inet_aton; the WHATWG URL parser reads a host whose last label is a number as IPv4 too.
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]))
    return True


# The kinds of rejection, as ``rejection`` names them (and the spiders' stats count them).
REJECTIONS = ("scheme", "invalid", "userinfo", "localhost", "ip_literal", "no_dot", "offsite")


@cache
def _wanted(domain: str) -> str:
    """A domain normalised exactly like a URL host (IDN, case, prefixes)."""
    return host_of(f"http://{domain.strip().lstrip('.')}/")


def rejection(url: str, domains: Iterable[str], *, subdomains: bool = True) -> str | None:
    """Why *url* may not be requested for a site on *domains*, or None when it may.

    The kinds, checked in this order: ``scheme`` (not http or https, relative URLs included),
    ``invalid`` (no host, or one that does not parse), ``userinfo`` (a "user@" part, which only
    ever disguises the host), ``localhost``, ``ip_literal`` (an address instead of a name),
    ``no_dot`` (a single-label name: an intranet host), ``offsite`` (another site; with
    ``subdomains`` False, a sub-domain of the site's domains too).
    """
    try:
        # safe_url_string parses like a browser (and Scrapy): "\\" ends the host, IDN -> punycode.
        parts = urlsplit(safe_url_string(url.strip()))
    except ValueError:
        return "invalid"
    if parts.scheme.lower() not in _WEB_SCHEMES:
        return "scheme"
    try:
        raw_host = parts.hostname or ""
        _ = parts.port  # a port that is no number, or out of range, raises
    except ValueError:
        return "invalid"
    if not raw_host:
        return "invalid"
    if parts.netloc.rpartition("@")[0]:
        return "userinfo"
    host = _normalize_host(raw_host)
    if host == "localhost" or host.endswith(".localhost"):
        return "localhost"
    if _is_ip_literal(host):
        return "ip_literal"
    if "." not in host:
        return "no_dot"
    for domain in domains:
        wanted = _wanted(domain)
        if wanted and (host == wanted or (subdomains and host.endswith(f".{wanted}"))):
            return None
    return "offsite"


def on_domains(url: str, domains: Iterable[str]) -> bool:
    """Tell whether *url* is an http(s) URL on one of *domains* or a subdomain."""
    return rejection(url, domains) is None


def choose_canonical(fetched_url: str, declared: Sequence[str | None]) -> str:
    """Return the canonical URL of a fetched page.

    The first declared URL (link[rel=canonical], og:url; relative ones are
    resolved against *fetched_url*) that is http(s) and on the same host wins;
    off-site or broken declarations are ignored, since a page must not be able
    to claim another site's URL.
    """
    for candidate in declared:
        if not candidate or not candidate.strip():
            continue
        try:
            absolute = urljoin(fetched_url, candidate.strip())
            if _split(absolute)[0] in _WEB_SCHEMES and same_host(absolute, fetched_url):
                return canonicalize_url(absolute)
        except ValueError:
            continue
    return canonicalize_url(fetched_url)
