"""Byte ranges of a Range header (RFC 9110 §14), as the data API answers them for ZIP members."""

from __future__ import annotations

import pytest

from catalog_portal.data.ranges import MAX_RANGES, RangeNotSatisfiable, byte_ranges_parse


@pytest.mark.parametrize(
    "header, expected",
    [
        ("bytes=0-9", [(0, 10)]),
        ("bytes=90-", [(90, 100)]),
        ("bytes=-5", [(95, 100)]),
        ("bytes=-500", [(0, 100)]),
        ("bytes=95-1000", [(95, 100)]),
        ("BYTES = 0-0", [(0, 1)]),
        ("bytes=0-9, 50-59, -5", [(0, 10), (50, 60), (95, 100)]),
    ],
)
def test_ranges_are_the_bytes_asked_for_ending_at_the_last(header, expected):
    assert byte_ranges_parse(header=header, size=100) == expected


def test_overlapping_and_adjacent_ranges_are_sent_once():
    assert byte_ranges_parse(header="bytes=50-59, 0-9, 5-19, 20-29", size=100) == [
        (0, 30),
        (50, 60),
    ]


@pytest.mark.parametrize(
    "header",
    [None, "", "items=0-9", "bytes=", "bytes=9-0", "bytes=a-9", "bytes=0-9,x", "bytes=5"],
)
def test_a_missing_or_malformed_header_asks_for_the_whole(header):
    assert byte_ranges_parse(header=header, size=100) is None


def test_more_ranges_than_the_limit_ask_for_the_whole():
    header = "bytes=" + ",".join(f"{n}-{n}" for n in range(MAX_RANGES + 1))
    assert byte_ranges_parse(header=header, size=1000) is None


def test_ranges_past_the_end_are_dropped_unless_all_are():
    assert byte_ranges_parse(header="bytes=0-9, 200-", size=100) == [(0, 10)]
    for header in ("bytes=100-", "bytes=101-200", "bytes=-0"):
        with pytest.raises(RangeNotSatisfiable):
            byte_ranges_parse(header=header, size=100)
