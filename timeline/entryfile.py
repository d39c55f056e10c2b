"""The events/ file format: YAML front matter with the entry's fields, the summary as the body.

YAML is read as YAML 1.2 with dates kept as the strings people wrote (an EDTF
date such as ``2020-05`` must not become a ``datetime.date``), and ``NO`` stays
the string "NO". Writing is deterministic, so exporting a store reproduces the
folder byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from timeline.entrydata import ENTRY_FIELDS
from timeline.errors import TimelineError

FENCE = "---"
# What a file's front matter may say: every field but the summary, which is the body.
FILE_FIELDS = tuple(f for f in ENTRY_FIELDS if f != "summary")


class MalformedFile(TimelineError):
    """An entry file that cannot be read: the message gives its path, line and problem."""

    def __init__(self, path: Path | str, line: int | None, problem: str):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


class _StringDates(RoundTripConstructor):
    """Timestamps stay strings: EDTF dates are text, not datetime.date."""


_StringDates.add_constructor("tag:yaml.org,2002:timestamp", _StringDates.construct_yaml_str)


def _reader() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _StringDates
    yaml.version = (1, 2)
    return yaml


@dataclass(frozen=True)
class EntryFile:
    """The parsed file: its fields (front matter plus ``summary``) and where each key sits."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]

    def line_of(self, field: str) -> int | None:
        """The line of the key an error names ('source title' -> the sources key)."""
        key = field.split(" ")[0]
        return self.lines.get(key) or self.lines.get(f"{key}s")


def parse_entry_text(text: str, path: Path | str) -> EntryFile:
    path = Path(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise MalformedFile(path, 1, f"must start with a '{FENCE}' line opening the YAML front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    except StopIteration:
        raise MalformedFile(path, len(lines), f"the front matter is never closed by a '{FENCE}' line") from None
    front = "\n".join(lines[1:end])
    try:
        data = _reader().load(front) if front.strip() else {}
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else None  # +1 for the fence, +1 as lines count from 1
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise MalformedFile(path, line, f"invalid YAML: {problem}") from None
    except YAMLError as error:
        raise MalformedFile(path, None, f"invalid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(data, dict):
        raise MalformedFile(path, 2, "the front matter must be a mapping of fields (title: ..., kind: ...)")
    key_lines = {str(key): data.lc.key(key)[0] + 2 for key in data} if hasattr(data, "lc") else {}
    unknown = [key for key in data if key not in FILE_FIELDS]
    if unknown:
        raise MalformedFile(
            path, key_lines.get(str(unknown[0])), f"unknown field {unknown[0]!r}; accepted: {', '.join(FILE_FIELDS)}"
        )
    fields = {}
    for key, value in data.items():
        try:
            fields[str(key)] = _plain(value)
        except _Unsupported as error:
            raise MalformedFile(path, key_lines.get(str(key)), f"{key}: {error}") from None
    fields["summary"] = "\n".join(lines[end + 1 :]).strip("\n")
    key_lines["summary"] = end + 2
    return EntryFile(path=path, data=fields, lines=key_lines)


def read_entry_file(path: Path) -> EntryFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise MalformedFile(path, None, f"is not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise MalformedFile(path, None, f"cannot be read ({error.strerror})") from None
    return parse_entry_text(text, path)


# YAML 1.2's core schema. Other tags (!!python/object/apply:..., !!binary, !custom) name types an
# entry has no use for: they are refused, never read as something else.
_CORE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}


class _Unsupported(Exception):
    pass


def _plain(value: Any) -> Any:
    """ruamel's commented containers and scalars as plain dicts, lists and strings."""
    tag = getattr(getattr(value, "tag", None), "value", None)
    if tag is not None and tag not in _CORE_TAGS:
        raise _Unsupported(f"the YAML tag {tag.replace('tag:yaml.org,2002:', '!!')} is not accepted; write plain text")
    if isinstance(value, TaggedScalar):
        return str(value.value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value if isinstance(value, int) else float(value)
    if not isinstance(value, str):
        raise _Unsupported("only text, numbers, lists and mappings are accepted")
    return str(value)


# Writing uses PyYAML's libyaml emitter: ~0.1 ms a file against ~1.5 ms for ruamel's
# pure-Python one, which dominated a 10,000-row import. Its output is plain YAML that
# reads back the same under YAML 1.2 (it quotes 'yes', 'NO' and date-like strings).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_entry_text(fields: dict[str, Any]) -> str:
    """The file text for an entry mapping (as made by ``entrydata.entry_to_dict``)."""
    front = {key: fields[key] for key in FILE_FIELDS if fields.get(key) not in (None, [], "", False)}
    text = yaml.dump(front, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    summary = str(fields.get("summary") or "").strip("\n")
    return f"{FENCE}\n{text}{FENCE}\n" + (f"{summary}\n" if summary else "")
