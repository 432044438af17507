"""Parse the publication dates Vietnamese news sites print.

Compiled regular expressions read the formats the sites actually use. dateparser is
only the fallback behind them: it costs about 1 ms a call, over 200 times the regexes
(bench/extraction.py), and misreads common shapes, e.g. finds nothing in
"Cập nhật: 08:30, 05/03/2024".
"""

from __future__ import annotations

import math
import re
import unicodedata
from calendar import monthrange
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Only the words are read whatever their case ((?i:...)): a case-insensitive search of the
# whole expression folds the case of every character it tries, digits included.
_WEEKDAY = r"(?i:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn)"
_TIME = r"(?P<H>\d{1,2})[:hH](?P<M>\d{2})(?::(?P<S>\d{2}))?"
_DATE = (
    r"(?:(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})"
    r"|(?:(?i:ngày)\s+)?(?P<vd>\d{1,2})\s+(?i:tháng)\s+(?P<vm>\d{1,2})"
    r"(?:\s*,\s*|\s+(?i:năm)\s+|\s+)(?P<vy>\d{4}))"
)
# Between date and time: "10/12/2020 12:16", "7/3/2026, 00:05", "17/07/2019 | 09:15".
_SEP = r"[\s,|\-–—]+(?:(?i:lúc)\s+)?"


def _named(pattern: str, prefix: str) -> str:
    """The pattern with its groups renamed: two alternatives of one expression may not share
    group names."""
    return pattern.replace("(?P<", f"(?P<{prefix}").replace("(?P=", f"(?P={prefix}")


# Time first ("14:17 12/12/2024", "08:30 Thứ Năm, 10/12/2020", groups t...) or date first
# ("10/12/2020 12:16", groups d...): one search finds the first printed date, time first when
# both start at one place. Searched, not anchored, so labels ("Cập nhật:", "Ngày đăng"),
# weekdays and trailing noise need no patterns of their own.
_TIME_FIRST = rf"(?<![\d:]){_TIME}{_SEP}(?:{_WEEKDAY}[\s,\-–—]+)?{_DATE}(?![\d/])"
_DATE_FIRST = rf"(?<![\d/.\-]){_DATE}(?:{_SEP}{_TIME})?(?![\d:/])"
_PRINTED = re.compile(f"(?P<t>{_named(_TIME_FIRST, 't')})|{_named(_DATE_FIRST, 'd')}")
_FIELDS = ("d", "m", "y", "vd", "vm", "vy", "H", "M", "S")
_TIME_FIRST_FIELDS = tuple(f"t{name}" for name in _FIELDS)
_DATE_FIRST_FIELDS = tuple(f"d{name}" for name in _FIELDS)
_ISO = re.compile(
    r"(?<![\d\-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    # vietnamnet prints a space before the offset: "2026-03-07T08:52:11.000 +07:00".
    r"(?:\s?(?P<z>Z|[+-]\d{2}(?::?\d{2})?))?(?![\d:])",
    re.IGNORECASE,
)
_ZONE = re.compile(
    r"\b(?:GMT|UTC)\s*(?:(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?(?![\d:])"
)
# An RSS <pubDate> as the sites write it, "Fri, 15 May 2026 10:40:01 +0700": read here; other
# RFC 822 shapes go to the email module's parser, which costs as much as the rest together.
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_RSS_DATE = re.compile(
    rf"(?:[A-Za-z]{{3}}, )?(\d{{1,2}}) ((?i:{'|'.join(_MONTHS)})) ([1-9]\d{{3}}) "
    r"(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{4})"
)
_RFC822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")

_RELATIVE_AGO = re.compile(
    r"(?P<n>\d+)\s*(?P<unit>giây|phút|giờ|tiếng|ngày|tuần|tháng|năm)\s*trước",
    re.IGNORECASE,
)
_RELATIVE_DAY = re.compile(
    r"hôm\s+(?P<day>nay|qua|kia)|(?P<now>vừa\s+xong|vừa\s+mới|mới\s+đây)", re.IGNORECASE
)
_CLOCK = re.compile(rf"(?<![\d:]){_TIME}(?![\d:])", re.IGNORECASE)
_DAYS_BACK = {"nay": 0, "qua": 1, "kia": 2}
_UNIT_SECONDS = {
    "giây": 1,
    "phút": 60,
    "giờ": 3600,
    "tiếng": 3600,
    "ngày": 86400,
    "tuần": 604800,
}

# Without a relative base dateparser fills missing parts from the clock: only trust it
# when the text holds a year and no relative wording.
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_RELATIVE_WORD = re.compile(r"\b(?:trước|sau|qua|nay|kia|tới|nữa|vừa|mới)\b", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def parse_datetime(text: str | None, *, relative_base: datetime | None = None) -> datetime | None:
    """Read a printed date as an aware datetime (+07:00 unless a zone is printed).

    Returns None for anything unreadable. Relative phrases ("2 giờ trước", "hôm qua")
    are read only against ``relative_base``; the current clock is never used.
    """
    if not text:
        return None
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = " ".join(text.split())
    if not text:
        return None
    try:
        return _parse(text, relative_base)
    except (ValueError, OverflowError):
        # Out-of-range fields such as 31/02/2020 or 25:00.
        return None


def _parse(text: str, relative_base: datetime | None) -> datetime | None:
    if "-" in text and (m := _ISO.search(text)):
        return _from_iso(m)
    # The first printed date wins: "10/12/2020 12:16, sửa 11/12/2020" is the 10th.
    if m := _PRINTED.search(text):
        return _from_match(m, _zone(text))
    if m := _RSS_DATE.fullmatch(text):
        return _from_rss(m)
    if _RFC822.match(text):
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        return dt if dt.tzinfo else dt.replace(tzinfo=VN_TZ)
    if relative_base is not None and (dt := _relative(text, relative_base)):
        return dt
    return _fallback(text, relative_base)


def _from_iso(m: re.Match[str]) -> datetime:
    fraction = (m["f"] or "").ljust(6, "0")[:6]
    z = m["z"]
    if z is None:
        tz: tzinfo = VN_TZ
    elif z.upper() == "Z":
        tz = UTC
    else:
        digits = z[1:].replace(":", "")
        tz = _offset(z[0], int(digits[:2]), int(digits[2:] or 0))
    return datetime(
        int(m["y"]),
        int(m["m"]),
        int(m["d"]),
        int(m["H"] or 0),
        int(m["M"] or 0),
        int(m["S"] or 0),
        int(fraction),
        tzinfo=tz,
    )


def _from_match(m: re.Match[str], tz: tzinfo) -> datetime:
    # The time-first alternative's outer group closes last when it is the one that matched.
    d, mo, y, vd, vm, vy, hour, minute, second = m.group(
        *(_TIME_FIRST_FIELDS if m.lastgroup == "t" else _DATE_FIRST_FIELDS)
    )
    day, month, year = (d, mo, y) if d else (vd, vm, vy)
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        tzinfo=tz,
    )


def _zone(text: str) -> tzinfo:
    """The printed "GMT+7" / "UTC+07:00" zone as a fixed offset, else Vietnam time."""
    m = ("GMT" in text or "UTC" in text) and _ZONE.search(text)
    if not m:
        return VN_TZ
    if not m["sign"]:
        return UTC
    return _offset(m["sign"], int(m["h"]), int(m["m"] or 0))


@lru_cache(maxsize=64)
def _offset(sign: str, hours: int, minutes: int) -> timezone:
    """A fixed offset, made once: the sites print one or two."""
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if sign == "-" else offset)


def _from_rss(m: re.Match[str]) -> datetime:
    """What parsedate_to_datetime makes of the same text, without its general parsing."""
    day, month, year, hour, minute, second, sign, zone = m.groups()
    tz = _offset(sign, int(zone[:2]), int(zone[2:])) if zone != "0000" or sign == "+" else VN_TZ
    return datetime(
        int(year),
        _MONTHS[month.lower()],
        int(day),
        int(hour),
        int(minute),
        int(second),
        tzinfo=tz,
    )


def _relative(text: str, base: datetime) -> datetime | None:
    base = base.astimezone(VN_TZ) if base.tzinfo else base.replace(tzinfo=VN_TZ)
    if m := _RELATIVE_AGO.search(text):
        n, unit = int(m["n"]), m["unit"].lower()
        if unit == "tháng":
            return _months_back(base, n)
        if unit == "năm":
            return _months_back(base, 12 * n)
        return base - timedelta(seconds=n * _UNIT_SECONDS[unit])
    m = _RELATIVE_DAY.search(text)
    if not m:
        return None
    if m["now"]:
        return base
    day = base - timedelta(days=_DAYS_BACK[m["day"].lower()])
    if clock := _CLOCK.search(text):
        day = day.replace(
            hour=int(clock["H"]),
            minute=int(clock["M"]),
            second=int(clock["S"] or 0),
            microsecond=0,
        )
    return day


def _months_back(base: datetime, months: int) -> datetime:
    year, month0 = divmod(base.year * 12 + base.month - 1 - months, 12)
    # Clamp the day: one month before 31 March is 28/29 February.
    day = min(base.day, monthrange(year, month0 + 1)[1])
    return base.replace(year=year, month=month0 + 1, day=day)


def _fallback(text: str, relative_base: datetime | None) -> datetime | None:
    # A bare number is a counter or an id, whatever dateparser makes of it.
    if text.isdigit():
        return None
    years = set(_YEAR.findall(text))
    if relative_base is None and (not years or _RELATIVE_WORD.search(text)):
        return None
    data = _date_parser(_naive_vn(relative_base)).get_date_data(text)
    dt = data.date_obj
    if dt is None:
        return None
    # A year-only reading takes its month from the clock, and a year that is not in
    # the text came from the clock too.
    if relative_base is None and (data.period == "year" or str(dt.year) not in years):
        return None
    return dt.astimezone(VN_TZ)


def _naive_vn(dt: datetime | None) -> datetime | None:
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone(VN_TZ).replace(tzinfo=None)


@lru_cache(maxsize=4)
def _date_parser(relative_base: datetime | None) -> DateDataParser:
    """One DateDataParser per relative base, built on first use (slow to load)."""
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "DATE_ORDER": "DMY",
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DAY_OF_MONTH": "first",
    }
    if relative_base is not None:
        settings["RELATIVE_BASE"] = relative_base
    return DateDataParser(languages=["vi"], settings=settings)


def to_iso(dt: datetime) -> str:
    """ISO 8601 to the second, offset kept; a naive value counts as Vietnam time."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VN_TZ)
    return dt.isoformat(timespec="seconds")


def parse_epoch(value: str | int | float | None) -> datetime | None:
    """Seconds or milliseconds since the epoch as Vietnam time, or None on junk."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    # 0 and negatives are placeholders for "unknown" in the sites' data attributes.
    if not math.isfinite(number) or number <= 0:
        return None
    # 1e11 seconds is the year 5138, so anything larger is milliseconds.
    if number >= 1e11:
        number /= 1000
    try:
        return datetime.fromtimestamp(number, VN_TZ)
    except (OverflowError, OSError, ValueError):
        return None
