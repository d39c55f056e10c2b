"""How messages say a number of things."""

from __future__ import annotations

import doctest

import pytest

import timeline.wording
from timeline.wording import plural


@pytest.mark.parametrize(
    ("count", "singular", "expected"),
    [
        (1, "entry", "1 entry"),
        (2, "entry", "2 entries"),
        (0, "bundle", "0 bundles"),
        (1, "bundle", "1 bundle"),
        (3001, "source", "3,001 sources"),
        (1, "bad row", "1 bad row"),
        (2, "bad row", "2 bad rows"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (1_000_000, "file", "1,000,000 files"),
    ],
)
def test_plural_agrees_with_the_count(count: int, singular: str, expected: str) -> None:
    assert plural(count, singular) == expected


def test_an_irregular_plural_is_given() -> None:
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_the_examples_in_the_docstring_hold() -> None:
    result = doctest.testmod(timeline.wording)
    assert result.attempted > 0
    assert result.failed == 0
