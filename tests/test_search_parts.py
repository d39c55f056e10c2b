"""Which part of the search index an entry page belongs to: pinned, since a part's name is its folder."""

from __future__ import annotations

import pytest

from timeline.site.search import bucket, entry_page_buckets


@pytest.mark.parametrize(
    "slug,part",
    [
        ("2020-05-28-trump-signs-order", "2020-h1"),
        ("2020-06-30-last-day-of-june", "2020-h1"),
        ("2020-07-01-first-day-of-july", "2020-h2"),
        ("2020-12-trump-in-december", "2020-h2"),
        ("2020-trump-some-day-that-year", "2020-h1"),
        ("1998-01-01-an-old-law", "1998-h1"),
        ("undated-entry", "xu"),
    ],
)
def test_an_entry_page_belongs_to_the_half_year_its_slug_starts_with(slug: str, part: str) -> None:
    assert bucket(slug) == part


def test_only_entry_pages_name_parts() -> None:
    paths = [
        "events/2020-07-01-a/index.html",
        "events/2020-07-01-a/v2/index.html",
        "events/2019-01-02-b/index.json",
        "timeline/2018/index.html",
        "events/2017-03-03-c/index.html",
    ]
    assert entry_page_buckets(paths) == {"2020-h2", "2017-h1"}
