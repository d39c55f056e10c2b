"""The entry as a spreadsheet row: the columns the CSV import reads and the site's entries.csv writes.

Defined once here so that a file the site publishes always imports back: one row per entry, the
entry's fields as ``ENTRY_COLUMNS``, then each source's fields (``entrydata.SOURCE_FIELDS``) under
``source_`` for the first source and ``source2_`` ... ``source9_`` for the others.
"""

from __future__ import annotations

import re

from timeline.formats.entrydata import SOURCE_FIELDS

ENTRY_COLUMNS = (
    "title",
    "kind",
    "date",
    "summary",
    "slug",
    "actors",
    "platforms",
    "topics",
    "jurisdictions",
    "identifiers",
    "relations",
    "id",
    "short_id",
)
SOURCES_PER_ROW = 9
# A source column as the import reads it: (the source's number, empty for the first; the field).
SOURCE_COLUMN = re.compile(r"^source(\d?)_(\w+)$")


def source_column(number: int, name: str) -> str:
    """The column of field ``name`` of a row's ``number``-th source (counted from 1)."""
    return f"source_{name}" if number == 1 else f"source{number}_{name}"


# Every column, in the order the site's entries.csv writes them.
CSV_COLUMNS = [
    *ENTRY_COLUMNS,
    *(source_column(number, name) for number in range(1, SOURCES_PER_ROW + 1) for name in SOURCE_FIELDS),
]
