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
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize
from w3lib.url import safe_url_string

__all__ = [
    "canonicalize_url",
    "choose_canonical",
    "host_of",
    "on_domains",
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


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def on_domains(url: str, domains: Iterable[str]) -> bool:
    """Tell whether *url* is an http(s) URL on one of *domains* or a subdomain."""
    scheme, userinfo, raw_host = _split(url)
    if scheme not in _WEB_SCHEMES or userinfo:
        # A userinfo part only ever serves to disguise the real host.
        return False
    host = _normalize_host(raw_host)
    if "." not in host or host.endswith(".localhost") or _is_ip_literal(host):
        return False
    for domain in domains:
        # Normalise the domain exactly like a URL host (IDN, case, prefixes).
        wanted = host_of(f"http://{domain.strip().lstrip('.')}/")
        if wanted and (host == wanted or host.endswith(f".{wanted}")):
            return True
    return False


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
