"""The spider arguments (``-a name=value``), typed and checked before anything is fetched.

A value that makes no sense raises ArgumentError with a message saying what is expected; the
command stops there.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from crawler.dates import VN_TZ
from crawler.urls import on_domains


class ArgumentError(ValueError):
    """A spider argument that makes no sense."""


_RELATIVE = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
KNOWN = ("since", "until", "url", "start", "max_items", "refresh")


def parse_moment(name: str, value: str, now: datetime, *, end_of_day: bool = False) -> datetime:
    """An ISO date or datetime (Hanoi time when no zone is given) or a span back from now."""
    text = value.strip()
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return now - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ArgumentError(
            f"{name}={value!r}: expected an ISO date or datetime (2024-12-01, "
            f"2024-12-01T08:00, 2024-12-01T08:00+07:00) or a span back from now (30m, 6h, 2d, 1w)"
        ) from None
    if _DATE_ONLY.match(text) and end_of_day:
        # until=2024-12-31 includes the whole of that day.
        moment = datetime.combine(moment.date(), time.max)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def parse_flag(name: str, value: str) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ArgumentError(f"{name}={value!r}: expected 1 or 0 (also true/false, yes/no)")


def _site_url(name: str, value: str, domains: list[str]) -> str:
    url = value.strip()
    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise ArgumentError(f"{name}={value!r}: expected an absolute http(s) URL")
    if not on_domains(url, domains):
        raise ArgumentError(f"{name}={value!r}: expected a URL on {', '.join(domains)}")
    return url


@dataclass(frozen=True)
class CrawlArguments:
    since: datetime | None = None
    until: datetime | None = None
    url: str | None = None
    start: tuple[str, ...] = ()
    max_items: int | None = None
    refresh: bool = False

    @classmethod
    def parse(
        cls, raw: dict[str, str], *, domains: list[str], now: datetime, default_since: str = ""
    ) -> "CrawlArguments":
        """Check every argument; ``default_since`` applies when neither ``since`` nor ``url`` is."""
        unknown = sorted(k for k in raw if k not in KNOWN and not k.startswith("_"))
        if unknown:
            raise ArgumentError(
                f"unknown argument(s) {', '.join(unknown)}: expected {', '.join(KNOWN)}"
            )
        # One article asked for by URL is wanted whatever its date.
        since_text = raw.get("since", "" if raw.get("url") else default_since)
        since = parse_moment("since", since_text, now) if since_text else None
        until = (
            parse_moment("until", raw["until"], now, end_of_day=True) if raw.get("until") else None
        )
        if since and until and since > until:
            raise ArgumentError(f"since={since.isoformat()} is after until={until.isoformat()}")

        url = _site_url("url", raw["url"], domains) if raw.get("url") else None
        start = tuple(
            _site_url("start", part, domains)
            for part in (raw.get("start") or "").split(",")
            if part.strip()
        )
        if "start" in raw and not start:
            raise ArgumentError("start=: expected one or more comma-separated URLs")
        if url and start:
            raise ArgumentError(
                "url= and start= exclude each other: give one article or entry points"
            )

        max_items = None
        if "max_items" in raw:
            text = str(raw["max_items"]).strip()
            if not (text.isascii() and text.isdigit()) or int(text) < 1:
                raise ArgumentError(f"max_items={raw['max_items']!r}: expected a whole number ≥ 1")
            max_items = int(text)
        refresh = parse_flag("refresh", raw["refresh"]) if "refresh" in raw else False
        return cls(since, until, url, start, max_items, refresh)

    def admits(self, moment: datetime | None) -> bool:
        """Whether a publication time is inside [since, until]; an unknown time is admitted."""
        if moment is None:
            return True
        return (self.since is None or moment >= self.since) and (
            self.until is None or moment <= self.until
        )
