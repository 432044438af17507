"""Tests of crawler.spiders.arguments: the spider arguments, checked before any fetch."""

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from crawler.dates import VN_TZ
from crawler.spiders.arguments import ArgumentError, CrawlArguments

NOW = datetime(2024, 12, 15, 12, 0, tzinfo=VN_TZ)
DOMAINS = ["hanoimoi.vn"]


def parse(raw: dict[str, str], **kwargs) -> CrawlArguments:
    return CrawlArguments.parse(raw, domains=DOMAINS, now=NOW, **kwargs)


def test_no_arguments() -> None:
    assert parse({}) == CrawlArguments()
    assert parse({}) == CrawlArguments(None, None, None, (), None, False)


def test_iso_date_is_midnight_in_hanoi() -> None:
    since = parse({"since": "2024-12-01"}).since
    assert since == datetime(2024, 12, 1, 0, 0, tzinfo=VN_TZ)
    assert since.utcoffset() == timedelta(hours=7)
    assert since.isoformat() == "2024-12-01T00:00:00+07:00"


def test_date_only_until_is_the_end_of_that_day() -> None:
    until = parse({"until": "2024-12-31"}).until
    assert until == datetime.combine(datetime(2024, 12, 31).date(), time.max, tzinfo=VN_TZ)
    assert until.isoformat() == "2024-12-31T23:59:59.999999+07:00"


def test_naive_datetime_is_hanoi_time_and_until_kept_as_given() -> None:
    args = parse({"since": "2024-12-01T08:00", "until": "2024-12-31 18:30"})
    assert args.since == datetime(2024, 12, 1, 8, 0, tzinfo=VN_TZ)
    assert args.until == datetime(2024, 12, 31, 18, 30, tzinfo=VN_TZ)


def test_datetime_with_offset_keeps_it() -> None:
    args = parse({"since": "2024-12-01T08:00:00+00:00", "until": "2024-12-02T01:00Z"})
    assert args.since == datetime(2024, 12, 1, 8, 0, tzinfo=UTC)
    assert args.since.utcoffset() == timedelta(0)
    assert args.until == datetime(2024, 12, 2, 1, 0, tzinfo=UTC)
    assert args.since == datetime(2024, 12, 1, 15, 0, tzinfo=timezone(timedelta(hours=7)))


@pytest.mark.parametrize(
    ("value", "back"),
    [
        ("30m", timedelta(minutes=30)),
        ("45min", timedelta(minutes=45)),
        ("6h", timedelta(hours=6)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        (" 3D ", timedelta(days=3)),
        ("12 h", timedelta(hours=12)),
        ("0d", timedelta(0)),
    ],
)
def test_relative_span_back_from_now(value: str, back: timedelta) -> None:
    assert parse({"since": value}).since == NOW - back
    assert parse({"until": value}).until == NOW - back


@pytest.mark.parametrize(
    "value", ["hôm qua", "yesterday", "2024-13-01", "01/12/2024", "2d ago", "-2d", "1y", "x"]
)
def test_garbage_moment_names_the_argument_and_the_expected_forms(value: str) -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"since": value})
    message = str(error.value)
    assert message.startswith(f"since={value!r}: expected an ISO date or datetime")
    assert "2024-12-01" in message
    assert "30m, 6h, 2d, 1w" in message

    with pytest.raises(ArgumentError, match=r"^until="):
        parse({"until": value})


def test_since_after_until_is_an_error() -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"since": "2024-12-10", "until": "2024-12-09"})
    assert str(error.value) == (
        "since=2024-12-10T00:00:00+07:00 is after until=2024-12-09T23:59:59.999999+07:00"
    )


def test_since_and_until_on_the_same_day_is_that_day() -> None:
    args = parse({"since": "2024-12-09", "until": "2024-12-09"})
    assert args.since == datetime(2024, 12, 9, tzinfo=VN_TZ)
    assert args.until == datetime(2024, 12, 9, 23, 59, 59, 999999, tzinfo=VN_TZ)


def test_relative_since_after_absolute_until_is_an_error() -> None:
    with pytest.raises(ArgumentError, match=r"^since=2024-12-14T12:00:00\+07:00 is after until="):
        parse({"since": "1d", "until": "2024-12-01"})


@pytest.mark.parametrize(
    "url",
    [
        "https://hanoimoi.vn/gio-mua-688001.html",
        "http://hanoimoi.vn/a.html",
        "https://nhipsonghanoi.hanoimoi.vn/pho-co-123.html",
        "HTTPS://www.hanoimoi.vn/a.html",
    ],
)
def test_url_on_the_site(url: str) -> None:
    assert parse({"url": url}).url == url


def test_url_is_stripped() -> None:
    assert parse({"url": "  https://hanoimoi.vn/a.html \n"}).url == "https://hanoimoi.vn/a.html"


@pytest.mark.parametrize(
    "url",
    ["https://kinhtedothi.vn/a.html", "https://hanoimoi.vn.evil.com/a", "https://xhanoimoi.vn/a"],
)
def test_url_off_domain_is_an_error(url: str) -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"url": url})
    assert str(error.value) == f"url={url!r}: expected a URL on hanoimoi.vn"


@pytest.mark.parametrize(
    "url", ["hanoimoi.vn/a.html", "ftp://hanoimoi.vn/a", "/a.html", "javascript:alert(1)"]
)
def test_url_not_http_is_an_error(url: str) -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"url": url})
    assert str(error.value) == f"url={url!r}: expected an absolute http(s) URL"


def test_off_domain_message_lists_every_domain() -> None:
    with pytest.raises(ArgumentError) as error:
        CrawlArguments.parse(
            {"url": "https://dantri.com.vn/a.htm"},
            domains=["hanoimoi.vn", "nhipsonghanoi.hanoimoi.vn"],
            now=NOW,
        )
    assert str(error.value).endswith("expected a URL on hanoimoi.vn, nhipsonghanoi.hanoimoi.vn")


def test_start_comma_list_with_empty_parts_ignored() -> None:
    args = parse({"start": " https://hanoimoi.vn/chinh-tri, ,https://hanoimoi.vn/sitemap.xml,"})
    assert args.start == ("https://hanoimoi.vn/chinh-tri", "https://hanoimoi.vn/sitemap.xml")
    assert args.url is None


@pytest.mark.parametrize("value", ["", " ", ",", " , ,"])
def test_empty_start_is_an_error(value: str) -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"start": value})
    assert str(error.value) == "start=: expected one or more comma-separated URLs"


def test_start_part_off_domain_is_an_error() -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"start": "https://hanoimoi.vn/a,https://evil.vn/b"})
    assert str(error.value) == "start='https://evil.vn/b': expected a URL on hanoimoi.vn"


def test_url_and_start_together_is_an_error() -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"url": "https://hanoimoi.vn/a.html", "start": "https://hanoimoi.vn/chinh-tri"})
    assert str(error.value).startswith("url= and start= exclude each other")


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("25", 25), (" 7 ", 7), ("007", 7)])
def test_max_items(value: str, expected: int) -> None:
    assert parse({"max_items": value}).max_items == expected


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", "1e3", "²", "٣"])
def test_bad_max_items_is_an_error(value: str) -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"max_items": value})
    assert str(error.value) == f"max_items={value!r}: expected a whole number ≥ 1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_refresh_flag(value: str, expected: bool) -> None:
    assert parse({"refresh": value}).refresh is expected


def test_bad_refresh_is_an_error() -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"refresh": "maybe"})
    assert str(error.value) == "refresh='maybe': expected 1 or 0 (also true/false, yes/no)"


def test_unknown_arguments_are_an_error_naming_them() -> None:
    with pytest.raises(ArgumentError) as error:
        parse({"sinse": "2d", "max": "3", "since": "1d"})
    assert str(error.value) == (
        "unknown argument(s) max, sinse: expected since, until, url, start, max_items, refresh"
    )


def test_underscored_arguments_of_scrapyd_accepted() -> None:
    args = parse({"_job": "6487ec79947edab326d6db28a2d86511", "_version": "r1", "since": "2d"})
    assert args == CrawlArguments(since=NOW - timedelta(days=2))


def test_default_since_applies_when_since_is_absent() -> None:
    assert parse({}, default_since="2d").since == NOW - timedelta(days=2)
    assert parse({"until": "2024-12-20"}, default_since="2024-12-01").since == datetime(
        2024, 12, 1, tzinfo=VN_TZ
    )


def test_default_since_not_applied_when_since_is_given() -> None:
    assert parse({"since": "2024-11-01"}, default_since="2d").since == datetime(
        2024, 11, 1, tzinfo=VN_TZ
    )
    # An explicitly empty since lifts the lower bound instead of taking the default.
    assert parse({"since": ""}, default_since="2d").since is None


def test_bad_default_since_is_reported_as_since() -> None:
    with pytest.raises(ArgumentError, match=r"^since='hôm qua': expected"):
        parse({}, default_since="hôm qua")


def test_arguments_are_frozen() -> None:
    args = parse({"max_items": "3"})
    with pytest.raises(AttributeError):
        args.max_items = 4  # type: ignore[misc]


# admits


def test_admits_inside_the_window_inclusive() -> None:
    args = parse({"since": "2024-12-01", "until": "2024-12-31"})
    assert args.admits(datetime(2024, 12, 1, 0, 0, tzinfo=VN_TZ)) is True
    assert args.admits(datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=VN_TZ)) is True
    assert args.admits(datetime(2024, 12, 15, 8, 0, tzinfo=UTC)) is True
    assert args.admits(datetime(2024, 11, 30, 23, 59, 59, tzinfo=VN_TZ)) is False
    assert args.admits(datetime(2025, 1, 1, 0, 0, tzinfo=VN_TZ)) is False
    # 17:30 UTC on 30 November is 00:30 on 1 December in Hanoi.
    assert args.admits(datetime(2024, 11, 30, 17, 30, tzinfo=UTC)) is True


def test_admits_unknown_time() -> None:
    assert parse({"since": "2d"}).admits(None) is True


def test_admits_with_open_ends() -> None:
    only_since = parse({"since": "2024-12-01"})
    assert only_since.admits(datetime(2030, 1, 1, tzinfo=VN_TZ)) is True
    assert only_since.admits(datetime(2024, 11, 30, tzinfo=VN_TZ)) is False
    only_until = parse({"until": "2024-12-01"})
    assert only_until.admits(datetime(2000, 1, 1, tzinfo=VN_TZ)) is True
    assert only_until.admits(datetime(2024, 12, 2, tzinfo=VN_TZ)) is False
    assert parse({}).admits(datetime(1990, 1, 1, tzinfo=VN_TZ)) is True
