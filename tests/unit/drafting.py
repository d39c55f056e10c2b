"""Drafts and write options as files and the command line make them, for the unit tests."""

from __future__ import annotations

from typing import Any

from timeline.domain.drafts import Draft, WriteOptions
from timeline.formats.entrydata import draft_from

EDITOR = "Ada Editor"


def options(reason: str, editor: str = EDITOR) -> WriteOptions:
    return WriteOptions(editor=editor, reason=reason)


def draft(title: str, date: str = "2020-05-28", kind: str = "statement", **fields: Any) -> Draft:
    """A draft read the way files and the CLI read one, with one source unless told otherwise."""
    data: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "date": date,
        "sources": [{"title": f"Report: {title}", "publisher": "Test Wire"}],
        **fields,
    }
    return draft_from(data)
