"""Dates as the sites print them: on article pages (the fixtures' and ../shared/corpus/vn's),
in meta tags and JSON-LD, and in RSS <pubDate>. bench/extraction.py times parse_datetime on
them and tests/test_dates_fast_path.py holds it to dateparser's readings."""

PRINTED_DATES = [
    "10/12/2020 12:16",
    "Thứ năm, 10/12/2020 12:16 (GMT+7)",
    "Thứ năm, 10/1/2019, 08:30 (GMT+7)",
    "02/12/2019 08:15 (GMT+07:00)",
    "12:16 10/12/2020",
    "08:00 | 14/12/2024",
    "Thứ Năm, 14:17 12/12/2024",
    "Thứ sáu, 14/11/2025 - 08:05",
    "10-12-2020 12:16",
    "Ngày đăng 05/12/2024 | 08:45",
    "Cập nhật: 08:30, 05/03/2024",
    "2024-12-05T08:30:00+07:00",
    "2026-03-07T08:52:11.000 +07:00",
    "2025-11-14 08:05",
    "Fri, 15 May 2026 10:40:01 +0700",
]
