"""Read Vietnamese bylines into author names and a source; strip lead prefixes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Byline:
    """Person names as printed, and the wire or outlet credited, if any."""

    authors: tuple[str, ...]
    source: str | None


# Wires and outlets that are credited alone ("TTXVN", "Reuters"), compared casefolded.
KNOWN_SOURCES = frozenset(
    s.casefold()
    for s in (
        "TTXVN",
        "VNA",
        "Reuters",
        "AFP",
        "AP",
        "Xinhua",
        "Tân Hoa Xã",
        "Bloomberg",
        "CNN",
        "BBC",
        "Vietnam+",
        "VietnamPlus",
        "VOV",
        "VTV",
        "TTO",
        "Kyodo",
        "Yonhap",
        "TASS",
        "Sputnik",
        "VnExpress",
        "Dân trí",
        "Tuổi Trẻ",
        "Thanh Niên",
        "VietNamNet",
        "Znews",
        "Nhân Dân",
    )
)

# Group or anonymous credits: a part equal to one of these, or starting with a group
# word ("Nhóm PV Thời sự"), is no name.
_GENERIC = frozenset(
    (
        "pv",
        "p.v",
        "ctv",
        "btv",
        "ptv",
        "phóng viên",
        "cộng tác viên",
        "biên tập viên",
        "tòa soạn",
        "toà soạn",
        "ẩn danh",
        "admin",
    )
)
_GENERIC_START = re.compile(r"^(?:nhóm|ban|tổ|pv|ctv|btv|phóng viên)\b", re.IGNORECASE)

# Role labels become separators; "Nguồn ảnh:" is left for _SOURCE_PART.
_ROLE = re.compile(
    r"(?:^|(?<=[\s,;/&\-–—]))(?<!nguồn\s)"
    r"(?:bài\s*(?:và|,|&|\+|/)\s*ảnh|nhóm\s+thực\s+hiện|thực\s+hiện|bài|ảnh|video|clip"
    r"|đồ\s+họa|đồ\s+hoạ|tác\s+giả|phóng\s+viên|pv|biên\s+tập|người\s+viết)"
    r"\s*:",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\(([^()]*)\)")
_PAREN_SOURCE = re.compile(r"^(?:theo|nguồn)\s*:?\s*(.+)$", re.IGNORECASE)
_SOURCE_PART = re.compile(r"^(?:theo|nguồn(?:\s+ảnh)?)(?:\s*:\s*|\s+)(.+)$", re.IGNORECASE)
# A date or time and all after it: "Hà Phong, 10/12/2020 12:16", "- Thứ năm, 14:17".
_TRAILING_DATE = re.compile(
    r"[\s,\-–—]*(?:(?:thứ\s*\S+|chủ\s*nhật|cn)\s*,?\s*)?"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}:\d{2}).*$",
    re.IGNORECASE,
)
# Credits split on dashes, commas and semicolons first; "và", "&" and "/" come second
# so that "Theo Sức khỏe và Đời sống" stays one source.
_MAJOR_SPLIT = re.compile(r"\s*[–—]\s*|\s+-\s*|\s*-\s+|\s*[,;]\s*")
_MINOR_SPLIT = re.compile(r"\s+và\s+|\s*&\s*", re.IGNORECASE)
# "Báo Nhân Dân", "Đài Tiếng nói Việt Nam": an outlet, whoever it is.
_OUTLET = re.compile(r"^(?:báo|tạp chí|đài|thông tấn xã|cổng thông tin|kênh)\s", re.IGNORECASE)
# Links and e-mail addresses go before splitting, or their slashes would make "names".
_LINK = re.compile(r"\S*(?:https?://|www\.)\S*|\S+@\S+", re.IGNORECASE)
# "Hà Thu tổng hợp", "Minh Anh t/h": role notes printed without brackets.
_TRAILING_ROLE = re.compile(
    r"\s+(?:tổng\s+hợp|thực\s+hiện|lược\s+dịch|biên\s+dịch|dịch|t/h)$", re.IGNORECASE
)
_NAME_PUNCT = frozenset(".-'’ ")
_EDGE = " \t-–—,;:*\"'“”‘’«»"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_GENERIC_PREFIX = re.compile(r"^\s*(\([^()]{1,24}\))\s*[-–—]\s*")


def parse_byline(text: str | None) -> Byline:
    """Split a byline such as "Hà Phong - Nguyệt Ánh| 10/12/2020 12:16".

    Roles, group credits and dates are dropped; wires and outlets become the source.
    """
    if not text:
        return Byline((), None)
    text = " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())
    # OneCMS joins the author span and the time span with "|".
    text = _TRAILING_DATE.sub("", text.split("|", 1)[0])

    sources: list[str] = []

    def paren(m: re.Match[str]) -> str:
        # Notes "(tổng hợp)", "(CTV)" go; "(theo X)" and "(TTXVN)" name the source.
        inner = _clean(m[1])
        if found := _PAREN_SOURCE.match(inner):
            sources.append(_clean(found[1]))
        elif _is_source(inner):
            sources.append(inner)
        return ";"

    text = _ROLE.sub(";", _PAREN.sub(paren, _LINK.sub(";", text)))

    authors: list[str] = []
    for major in _MAJOR_SPLIT.split(text):
        major = _TRAILING_ROLE.sub("", _clean(major))
        if found := _SOURCE_PART.match(major):
            sources.append(_clean(found[1]))
            continue
        for minor in _MINOR_SPLIT.split(major):
            # OneCMS prints "Name/Source": an acronym after a slash is the outlet.
            for index, part in enumerate(minor.split("/")):
                part = _clean(part)
                if not part or _is_generic(part):
                    continue
                if found := _SOURCE_PART.match(part):
                    sources.append(_clean(found[1]))
                elif _is_source(part) or (index and _is_acronym(part)):
                    sources.append(part)
                elif _is_name(part):
                    authors.append(part)
    source = ", ".join(_unique(s for s in sources if s)) or None
    return Byline(tuple(_unique(authors)), source)


def _clean(part: str) -> str:
    part = " ".join(part.split()).strip(_EDGE)
    # A sentence full stop, not the dot of an initial such as "H.P.".
    if part.endswith(".") and len(part) > 2 and part[-2].islower():
        part = part[:-1]
    return part


def _is_source(part: str) -> bool:
    return part.casefold() in KNOWN_SOURCES or bool(_OUTLET.match(part))


def _is_acronym(part: str) -> bool:
    # "TTXVN", "ANTĐ", "VIETNAM+"; initials with dots ("H.P") stay names.
    return part.isupper() and len(part) <= 10 and all(c.isalnum() or c == "+" for c in part)


def _is_generic(part: str) -> bool:
    return part.casefold() in _GENERIC or bool(_GENERIC_START.match(part))


def _is_name(part: str) -> bool:
    # Digits, "@", ":" and the like mark prose or data; names capitalise every word.
    words = part.split()
    if len(words) > 6 or not all(ch.isalpha() or ch in _NAME_PUNCT for ch in part):
        return False
    return all(word[0].isupper() for word in words)


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def strip_lead_prefix(lead: str, prefixes: Sequence[str] = ()) -> tuple[str, str | None]:
    """Remove an outlet tag such as "(NSHN) - " from the start of a lead.

    Returns the lead without it and the tag as printed, or the lead unchanged and None.
    """
    for prefix in sorted(prefixes, key=len, reverse=True):
        # A bracketed tag is unambiguous, so it may lack a separator: "(NHN) Sáng nay".
        separator = r"\s*(?:[-–—:]\s*|(?=\S))" if prefix.endswith(")") else r"\s*[-–—:]\s*"
        m = re.match(rf"\s*({re.escape(prefix)}){separator}", lead, re.IGNORECASE)
        if m:
            return lead[m.end() :], m[1]
    m = _GENERIC_PREFIX.match(lead)
    # "(0) - ..." is a counter, not an outlet.
    if m and any(ch.isalpha() for ch in m[1]):
        return lead[m.end() :], m[1]
    return lead, None
