"""Tests of crawler.dates: the regex fast path, the dateparser fallback and helpers."""

import time
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler import dates
from crawler.dates import VN_TZ, parse_datetime, parse_epoch, to_iso

FAST_PATH = [
    # ISO 8601 and the machine-readable variants.
    ("2026-03-07T08:52:11+07:00", "2026-03-07T08:52:11+07:00"),
    ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00"),
    ("2026-03-07T08:52:11.123456789+0700", "2026-03-07T08:52:11+07:00"),
    ("2026-03-07T01:52:11Z", "2026-03-07T01:52:11+00:00"),
    ("2026-03-07T08:52:11", "2026-03-07T08:52:11+07:00"),
    ("2026-03-07T08:52:11-05:00", "2026-03-07T08:52:11-05:00"),
    ("2026-03-07T08:52+07", "2026-03-07T08:52:00+07:00"),
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00"),
    ("2026-03-07", "2026-03-07T00:00:00+07:00"),
    # Day first, with or without time, labels, weekdays and zones.
    ("10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("Thứ năm, 10/12/2020 12:16 (GMT+7)", "2020-12-10T12:16:00+07:00"),
    ("12:16 10/12/2020", "2020-12-10T12:16:00+07:00"),
    ("10-12-2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("10.12.2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("Cập nhật: 08:30, 05/03/2024", "2024-03-05T08:30:00+07:00"),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00"),
    ("Thứ Bảy, 07/03/2026 - 08:52", "2026-03-07T08:52:00+07:00"),
    ("07/03/2026   08:52 (GMT+07:00)", "2026-03-07T08:52:00+07:00"),
    ("Ngày đăng 17/07/2019 | 09:15", "2019-07-17T09:15:00+07:00"),
    ("Ngày đăng 17/07/2019 | 09:15 | Lượt xem: 1234", "2019-07-17T09:15:00+07:00"),
    ("Publish date 03/03/2020 | 14:00", "2020-03-03T14:00:00+07:00"),
    ("Thứ 7, 07/03/2026 08:52", "2026-03-07T08:52:00+07:00"),
    ("Chủ nhật, 08/03/2026 - 10:00", "2026-03-08T10:00:00+07:00"),
    ("CN, 08/03/2026 10:00", "2026-03-08T10:00:00+07:00"),
    ("10/12/2020 12:16:45", "2020-12-10T12:16:45+07:00"),
    ("10/12/2020", "2020-12-10T00:00:00+07:00"),
    ("14:17 12/12/2024", "2024-12-12T14:17:00+07:00"),
    ("10/12/2020, 12:16", "2020-12-10T12:16:00+07:00"),
    ("| 14:17 12/12/2024", "2024-12-12T14:17:00+07:00"),
    ("14:17 12/12/2024 |", "2024-12-12T14:17:00+07:00"),
    ("| 10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("10/12/2020 12:16 |", "2020-12-10T12:16:00+07:00"),
    ("Thứ Năm, 14:17 12/12/2024", "2024-12-12T14:17:00+07:00"),
    ("08:30 Thứ Năm, 10/12/2020", "2020-12-10T08:30:00+07:00"),
    ("10/12/2020 lúc 12:16", "2020-12-10T12:16:00+07:00"),
    ("10/12/2020 12h16", "2020-12-10T12:16:00+07:00"),
    ("Hà Phong - Nguyệt Ánh| 10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("Đăng lúc 12:16 10/12/2020", "2020-12-10T12:16:00+07:00"),
    ("Xuất bản: 10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("Updated 10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    # Vietnamese month words.
    ("10 tháng 12, 2020", "2020-12-10T00:00:00+07:00"),
    ("10 tháng 12 năm 2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("Ngày 10 tháng 12 năm 2020", "2020-12-10T00:00:00+07:00"),
    # Weekdays in any case.
    ("THỨ NĂM, 10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    ("thứ năm, 10/12/2020 12:16", "2020-12-10T12:16:00+07:00"),
    # Printed zones are honoured.
    ("10/12/2020 12:16 (GMT+07:00)", "2020-12-10T12:16:00+07:00"),
    ("10/12/2020 12:16 UTC+7", "2020-12-10T12:16:00+07:00"),
    ("10/12/2020 12:16 (GMT+9)", "2020-12-10T12:16:00+09:00"),
    ("10/12/2020 12:16 GMT-05:30", "2020-12-10T12:16:00-05:30"),
    ("10/12/2020 12:16 GMT", "2020-12-10T12:16:00+00:00"),
    # RSS (RFC 822).
    ("Fri, 15 May 2026 10:40:01 +0700", "2026-05-15T10:40:01+07:00"),
    ("Fri, 15 May 2026 03:40:01 GMT", "2026-05-15T03:40:01+00:00"),
    ("15 May 2026 10:40:01 +0700", "2026-05-15T10:40:01+07:00"),
]


@pytest.mark.parametrize(("text", "expected"), FAST_PATH)
def test_reads_printed_formats(text: str, expected: str) -> None:
    result = parse_datetime(text)
    assert result is not None
    assert to_iso(result) == expected


@pytest.mark.parametrize(("text", "_"), FAST_PATH)
def test_fast_path_never_calls_dateparser(
    text: str, _: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(dates, "_date_parser", fail)
    assert parse_datetime(text) is not None


def test_no_printed_zone_means_vietnam_time() -> None:
    result = parse_datetime("10/12/2020 12:16")
    assert result is not None
    assert result.tzinfo is VN_TZ
    assert result.utcoffset() == timedelta(hours=7)


def test_printed_zone_is_a_fixed_offset() -> None:
    result = parse_datetime("10/12/2020 12:16 (GMT+9)")
    assert result is not None
    assert result.tzinfo == timezone(timedelta(hours=9))
    assert result == datetime(2020, 12, 10, 3, 16, tzinfo=UTC)


def test_fractional_seconds_are_kept() -> None:
    result = parse_datetime("2026-03-07T08:52:11.250 +07:00")
    assert result is not None
    assert result.microsecond == 250000


def test_decomposed_unicode_and_invisible_characters() -> None:
    text = unicodedata.normalize("NFD", "Thứ năm,\u200b 10/12/2020\xa012:16")
    result = parse_datetime(text)
    assert result == datetime(2020, 12, 10, 12, 16, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "garbage",
        "Bình luận (0)",
        "31/02/2020",
        "31/02/2020 12:16",
        "10/12/2020 25:00",
        "10/12/2020 12:61",
        "32/01/2020",
        "10/13/2020",
        "2020-13-01",
        "2020-02-30T10:00:00",
        "2020-12-10T24:00:00",
        "Fri, 35 May 2026 10:40:01 +0700",
        "12:16",
        "2020",
        "10 tháng 12",
    ],
)
def test_unreadable_or_invalid_is_none(text: str | None) -> None:
    assert parse_datetime(text) is None


@pytest.mark.parametrize(
    "text",
    ["2 giờ trước", "hôm qua", "Hôm nay", "vừa xong", "5 phút trước", "hôm qua 10:30"],
)
def test_relative_phrases_need_a_base(text: str) -> None:
    assert parse_datetime(text) is None


BASE = datetime(2024, 3, 31, 15, 30, 45, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 giờ trước", datetime(2024, 3, 31, 13, 30, 45, tzinfo=VN_TZ)),
        ("2 tiếng trước", datetime(2024, 3, 31, 13, 30, 45, tzinfo=VN_TZ)),
        ("30 giây trước", datetime(2024, 3, 31, 15, 30, 15, tzinfo=VN_TZ)),
        ("5 phút trước", datetime(2024, 3, 31, 15, 25, 45, tzinfo=VN_TZ)),
        ("3 ngày trước", datetime(2024, 3, 28, 15, 30, 45, tzinfo=VN_TZ)),
        ("1 tuần trước", datetime(2024, 3, 24, 15, 30, 45, tzinfo=VN_TZ)),
        ("1 tháng trước", datetime(2024, 2, 29, 15, 30, 45, tzinfo=VN_TZ)),
        ("1 năm trước", datetime(2023, 3, 31, 15, 30, 45, tzinfo=VN_TZ)),
        ("hôm nay", BASE),
        ("Hôm qua", datetime(2024, 3, 30, 15, 30, 45, tzinfo=VN_TZ)),
        ("hôm kia", datetime(2024, 3, 29, 15, 30, 45, tzinfo=VN_TZ)),
        ("hôm qua lúc 10:30", datetime(2024, 3, 30, 10, 30, tzinfo=VN_TZ)),
        ("10:30 hôm qua", datetime(2024, 3, 30, 10, 30, tzinfo=VN_TZ)),
        ("vừa xong", BASE),
    ],
)
def test_relative_phrases_from_base(text: str, expected: datetime) -> None:
    assert parse_datetime(text, relative_base=BASE) == expected


def test_relative_base_in_other_zone_or_naive() -> None:
    utc_base = BASE.astimezone(UTC)
    result = parse_datetime("hôm qua lúc 10:30", relative_base=utc_base)
    assert result == datetime(2024, 3, 30, 10, 30, tzinfo=VN_TZ)
    naive = parse_datetime("2 giờ trước", relative_base=BASE.replace(tzinfo=None))
    assert naive == datetime(2024, 3, 31, 13, 30, 45, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/12/2020 12:16 - sửa 11/12/2020", datetime(2020, 12, 10, 12, 16)),
        ("12:16 10/12/2020 - sửa 11/12/2020 08:00", datetime(2020, 12, 10, 12, 16)),
        ("Đăng 10/12/2020 | Cập nhật 08:00 11/12/2020", datetime(2020, 12, 10)),
    ],
)
def test_first_printed_date_wins(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected.replace(tzinfo=VN_TZ)


def test_time_only_is_today_of_base() -> None:
    result = parse_datetime("12:16", relative_base=BASE)
    assert result == datetime(2024, 3, 31, 12, 16, tzinfo=VN_TZ)


@pytest.mark.parametrize("text", ["2", "2020", "garbage", "Bình luận (0)"])
def test_garbage_is_none_even_with_base(text: str) -> None:
    assert parse_datetime(text, relative_base=BASE) is None


def test_absolute_date_wins_over_relative_base() -> None:
    assert parse_datetime("10/12/2020 12:16", relative_base=BASE) == datetime(
        2020, 12, 10, 12, 16, tzinfo=VN_TZ
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngày 10 tháng mười hai năm 2020", datetime(2020, 12, 10, tzinfo=VN_TZ)),
        ("Tháng Mười Hai 10, 2020", datetime(2020, 12, 10, tzinfo=VN_TZ)),
        ("tháng 12 năm 2020", datetime(2020, 12, 1, tzinfo=VN_TZ)),
        ("tháng 12/2020", datetime(2020, 12, 1, tzinfo=VN_TZ)),
    ],
)
def test_dateparser_fallback(text: str, expected: datetime) -> None:
    result = parse_datetime(text)
    assert result == expected
    assert result is not None
    assert result.utcoffset() == timedelta(hours=7)


def test_fallback_without_year_uses_base_not_clock() -> None:
    result = parse_datetime("10 tháng 12", relative_base=BASE)
    assert result is not None
    assert (result.year, result.month, result.day) == (2024, 12, 10)


def test_fallback_reads_relative_wording_from_base() -> None:
    result = parse_datetime("tuần trước", relative_base=BASE)
    assert result is not None
    assert result.date() == datetime(2024, 3, 24).date()


@pytest.mark.parametrize("text", ["2020 giờ trước", "hôm qua năm 2020", "2024"])
def test_fallback_never_returns_clock_dates(text: str) -> None:
    assert parse_datetime(text) is None


def test_dateparser_instance_is_cached() -> None:
    assert dates._date_parser(None) is dates._date_parser(None)


def test_fast_path_costs_microseconds() -> None:
    # Generous bound (measured ~10 µs) so slow CI machines do not flake.
    parse_datetime("Thứ bảy, 7/3/2026, 00:05 (GMT+7)")
    start = time.perf_counter()
    for _ in range(1000):
        parse_datetime("Thứ bảy, 7/3/2026, 00:05 (GMT+7)")
    assert (time.perf_counter() - start) / 1000 < 0.0005


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2020, 12, 10, 12, 16, tzinfo=VN_TZ), "2020-12-10T12:16:00+07:00"),
        (
            datetime(2020, 12, 10, 12, 16, 5, 999999, tzinfo=VN_TZ),
            "2020-12-10T12:16:05+07:00",
        ),
        (datetime(2020, 12, 10, 5, 16, tzinfo=UTC), "2020-12-10T05:16:00+00:00"),
        (
            datetime(2020, 12, 10, 12, 16, tzinfo=timezone(timedelta(hours=9))),
            "2020-12-10T12:16:00+09:00",
        ),
        (datetime(2020, 12, 10, 12, 16), "2020-12-10T12:16:00+07:00"),
    ],
)
def test_to_iso(value: datetime, expected: str) -> None:
    assert to_iso(value) == expected


EXPECTED_EPOCH = datetime(2020, 12, 10, 12, 16, tzinfo=VN_TZ)
SECONDS = int(EXPECTED_EPOCH.timestamp())


@pytest.mark.parametrize(
    "value",
    [SECONDS, SECONDS * 1000, float(SECONDS), str(SECONDS), f" {SECONDS * 1000} "],
)
def test_parse_epoch(value: str | float) -> None:
    result = parse_epoch(value)
    assert result == EXPECTED_EPOCH
    assert result is not None
    assert result.tzinfo is VN_TZ


@pytest.mark.parametrize("value", [None, "", "abc", "12:16", 0, -5, "nan", "inf", True, 10**30])
def test_parse_epoch_junk_is_none(value: str | float | None) -> None:
    assert parse_epoch(value) is None
