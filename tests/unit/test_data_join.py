"""The whole archive's data files are joined from the years' files: the join must give the bytes
that writing every entry at once gives, whatever the years hold (none, one, many entries)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from timeline.site import data

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
ENTRY = st.fixed_dictionaries({"title": TEXT, "summary": TEXT, "actors": st.lists(TEXT, max_size=2)})
YEARS = st.lists(st.lists(ENTRY, max_size=4), max_size=5)


def public(entry: dict[str, object]) -> str:
    return json.dumps(entry, ensure_ascii=False, indent=1)


@given(YEARS)
def test_the_joined_json_is_every_entry_written_at_once(years: list[list[dict[str, object]]]) -> None:
    files = [data.entries_json([public(e) for e in year]) for year in years]
    everything = [public(e) for year in years for e in year]
    assert data.joined_json(files) == data.entries_json(everything)
    assert json.loads(data.joined_json(files)) == [e for year in years for e in year]


@given(st.lists(st.lists(TEXT.map(lambda s: f"{s!r},x\n"), max_size=4), max_size=5))
def test_the_joined_csv_is_every_row_written_at_once(years: list[list[str]]) -> None:
    files = [data.csv_file(lines) for lines in years]
    assert data.joined_csv(files) == data.csv_file([line for lines in years for line in lines])


def test_parts_are_joined_with_their_separator_between_them() -> None:
    parts = [memoryview(b"a"), memoryview(b"bc"), memoryview(b"d")]
    assert data.joined(b"[", parts, b", ", b"]") == b"[a, bc, d]"
    assert data.joined(b"[", [], b", ", b"]") == b"[]"
