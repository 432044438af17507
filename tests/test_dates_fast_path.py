"""The date fast path reads what the sites print exactly as dateparser (with the crawler's own
settings) reads it, and leaves dateparser only what it cannot read."""

import pytest
from printed_dates import PRINTED_DATES

from crawler import dates
from crawler.dates import parse_datetime, to_iso

# The crawler's own dateparser, kept before a test counts the calls to it.
DATE_PARSER = dates._date_parser


def dateparser_reading(text: str):
    """dateparser's reading of the text, with the settings of the crawler's own fallback."""
    return DATE_PARSER(None).get_date_data(text).date_obj


@pytest.fixture
def dateparser_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    class Counting:
        def __init__(self, relative_base):
            self.wrapped = DATE_PARSER(relative_base)

        def get_date_data(self, text):
            calls.append(text)
            return self.wrapped.get_date_data(text)

    monkeypatch.setattr(dates, "_date_parser", Counting)
    return calls


@pytest.mark.parametrize("text", PRINTED_DATES)
def test_the_fast_path_reads_every_printed_date(text: str) -> None:
    assert parse_datetime(text) is not None


# The printed dates dateparser reads at all: only these can be compared.
READ_BY_DATEPARSER = [text for text in PRINTED_DATES if dateparser_reading(text) is not None]


@pytest.mark.parametrize("text", READ_BY_DATEPARSER)
def test_where_dateparser_reads_a_date_the_fast_path_reads_it_the_same(text: str) -> None:
    expected = dateparser_reading(text)
    found = parse_datetime(text)
    assert found == expected
    assert found.utcoffset() == expected.utcoffset()
    assert to_iso(found) == to_iso(expected)


def test_dateparser_reads_most_printed_dates() -> None:
    # The comparison above means something only if dateparser reads most of them.
    assert len(READ_BY_DATEPARSER) >= len(PRINTED_DATES) - 4


def test_dateparser_is_not_called_for_what_the_fast_path_reads(dateparser_calls) -> None:
    for text in PRINTED_DATES:
        parse_datetime(text)
    assert dateparser_calls == []


@pytest.mark.parametrize("text", ["2026/05/15 10:40", "Tháng 5 15, 2026", "15 thg 5, 2026"])
def test_dateparser_is_called_once_for_what_the_fast_path_cannot_read(
    text: str, dateparser_calls: list[str]
) -> None:
    assert parse_datetime(text) == dateparser_reading(text) is not None
    assert dateparser_calls == [text]
