"""The events/ file format: YAML front matter with the entry's fields, the summary as the body.

YAML is read as YAML 1.2 (its core schema, through libyaml) with dates kept as
the strings people wrote (an EDTF date such as ``2020-05`` must not become a
``datetime.date``), and ``NO`` stays the string "NO". Writing is deterministic,
so exporting a store reproduces the folder byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, SequenceNode
from yamlcore import CCoreLoader, CoreLoader

from timeline.errors import TimelineError
from timeline.formats.entrydata import ENTRY_FIELDS

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


# YAML 1.2's core schema has no timestamps, so dates stay text; libyaml parses ~50x faster
# than a pure-Python parser, which matters on the first sync of a large archive.
_LOADER = CCoreLoader if yaml.__with_libyaml__ else CoreLoader


def _load(front: str) -> tuple[Any, dict[str, int]]:
    """The front matter's value, and the line (counted in the file) of each top-level key."""
    loader = _LOADER(front)
    try:
        node: Node | None = loader.get_single_node()
        if node is None:
            return {}, {}
        lines: dict[str, int] = {}
        if isinstance(node, MappingNode):
            for key, _ in node.value:
                name = str(key.value)
                if name in lines:
                    raise MalformedFile("", key.start_mark.line + 2, f"the field {name!r} is given twice")
                lines[name] = key.start_mark.line + 2  # +1 for the fence, +1 as lines count from 1
        _refuse_tags(node)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


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
        data, key_lines = _load(front) if front.strip() else ({}, {})
    except MalformedFile as error:
        raise MalformedFile(path, error.line, error.problem) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else None  # +1 for the fence, +1 as lines count from 1
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        raise MalformedFile(path, line, f"invalid YAML: {problem}") from None
    except YAMLError as error:
        raise MalformedFile(path, None, f"invalid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(data, dict):
        raise MalformedFile(path, 2, "the front matter must be a mapping of fields (title: ..., kind: ...)")
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


def _refuse_tags(node: Node) -> None:
    """Refuse, at its line, any value tagged beyond the core schema (before anything is made of it)."""
    pending = [node]
    while pending:
        current = pending.pop()
        if current.tag not in _CORE_TAGS:
            tag = current.tag.replace("tag:yaml.org,2002:", "!!")
            problem = f"the YAML tag {tag} is not accepted; write plain text"
            raise MalformedFile("", current.start_mark.line + 2, problem)
        if isinstance(current, MappingNode):
            pending += [part for pair in current.value for part in pair]
        elif isinstance(current, SequenceNode):
            pending += current.value


def _plain(value: Any) -> Any:
    """The parsed front matter with string keys, and any other scalar (a float, a date-like
    value) as the text it was written as."""
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
