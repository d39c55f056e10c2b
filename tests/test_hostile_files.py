"""Hostile text in the archive's files: data dumps, citation files and events/ files give it back.

The archive is the one of ``hostile.py``: every hostile string in every field that takes it. The
site's files are found from its ``manifest.json``, so data dumps split into several files are
all read.

What these tests prove:

1. The JSON data dumps and each entry's index.json hold every field exactly as it was given.
2. In the CSV dumps no cell starts with = + - @, a tab or a carriage return (a spreadsheet would
   run it): each such cell starts with an apostrophe, and dropping it gives the text back, so
   every field reads back exactly as given.
3. Every .bib file parses with bibtexparser with no failed block, its braces balance the way
   BibTeX counts them (escaped or not), and its fields read as LaTeX give back the title and
   the archive's name; every .ris line is a tag or a blank, and its fields give back the text;
   the CSL-JSON files hold the text exactly.
4. The events/ files read back as YAML 1.2 to the same values and summary; ``timeline export``
   writes them again byte for byte, and ``timeline sync`` finds nothing to apply.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
from hostile import SITE_TITLE, Case, HostileArchive
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from ruamel.yaml import YAML

from timeline.site.manifest import read as read_manifest

ENTRY_FIELDS = ("title", "kind", "summary", "actors", "platforms", "topics", "jurisdictions", "identifiers")


def manifest_files(hostile: HostileArchive, pattern: str) -> list[str]:
    files = read_manifest(hostile.out)["files"]
    return sorted(name for name in files if re.fullmatch(pattern, name))


def published_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry's fields as given; the first source's access date is the day it was recorded."""
    fields = {name: entry[name] for name in ENTRY_FIELDS}
    fields["sources"] = [dict(s) for s in entry["sources"]]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", fields["sources"][0].pop("accessed"))
    return fields


def live_cases(hostile: HostileArchive) -> list[Case]:
    return [case for case in hostile.cases if case.slug]


# 1. JSON ---------------------------------------------------------------------------------------


def test_json_dumps_and_entry_data_hold_every_field_exactly(hostile: HostileArchive) -> None:
    dumps = manifest_files(hostile, r"data/\d{4}/entries\.json")
    assert dumps
    by_slug = {entry["slug"]: entry for name in dumps for entry in json.loads((hostile.out / name).read_bytes())}
    wrong = []
    for case in live_cases(hostile):
        single = json.loads((hostile.out / f"events/{case.slug}/index.json").read_bytes())
        for where, entry in (("data dump", by_slug.get(case.slug)), ("index.json", single)):
            if entry is None or published_fields(entry) != case.entry:
                wrong.append(f"{case.text!r}: the {where} holds {entry and published_fields(entry)}")
        if not case.retracted:
            continue
        retracted = json.loads((hostile.out / f"events/{case.retracted}/index.json").read_bytes())
        if retracted["retraction_reason"] != case.prose or case.retracted in by_slug:
            wrong.append(f"{case.text!r}: the retracted entry's data holds {retracted['retraction_reason']!r}")
    assert wrong == [], "\n".join(wrong[:20])


# 2. CSV ----------------------------------------------------------------------------------------

FORMULA_START = re.compile(r"[=+\-@\t\r]")
NEUTRALISER = re.compile(r"^'(?='*[=+\-@\t\r])")  # the apostrophe a neutralised cell starts with


def test_csv_dumps_neutralise_formulas_and_give_every_field_back(hostile: HostileArchive) -> None:
    dumps = manifest_files(hostile, r"data/\d{4}/entries\.csv")
    assert dumps
    rows: dict[str, dict[str, str]] = {}
    runnable = []
    for name in dumps:
        for row in csv.DictReader(io.StringIO((hostile.out / name).read_text(encoding="utf-8"), newline="")):
            runnable += [f"{name}: {column} = {cell!r}" for column, cell in row.items() if FORMULA_START.match(cell)]
            rows[row["slug"]] = {column: NEUTRALISER.sub("", cell, count=1) for column, cell in row.items()}
    assert runnable == [], "\n".join(runnable[:20])
    wrong = []
    for case in live_cases(hostile):
        entry, (first, second) = case.entry, case.entry["sources"]
        wanted = {
            "title": entry["title"],
            "kind": entry["kind"],
            "summary": entry["summary"],
            "actors": f"{entry['actors'][0]['name']}:{entry['actors'][0]['role']}",
            "platforms": entry["platforms"][0],
            "topics": entry["topics"][0],
            "jurisdictions": entry["jurisdictions"][0],
            "identifiers": f"docket:{entry['identifiers'][0]['value']}",
            **{f"source_{k}": "; ".join(v) if isinstance(v, list) else v for k, v in first.items()},
            **{f"source2_{k}": v for k, v in second.items()},
        }
        row = rows.get(case.slug, {})
        found = {column: row.get(column) for column in wanted}
        if found != wanted:
            wrong.append(f"{case.text!r}: {[(c, found[c], wanted[c]) for c in wanted if found[c] != wanted[c]]}")
    assert wrong == [], "\n".join(wrong[:20])


# 3. Citations ----------------------------------------------------------------------------------


def latex_reader() -> LatexNodes2Text:
    """pylatexenc, knowing three text macros as LaTeX prints them (its table gives no text for the
    braces, and U+02C6 for the caret where LaTeX prints "^")."""
    context = get_default_latex_context_db()
    macros = [MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")]
    context.add_context_category("as-printed", prepend=True, macros=[*macros, MacroTextSpec("textasciicircum", "^")])
    return LatexNodes2Text(latex_context=context)


def bibtex_brace_problems(name: str, text: str) -> Iterator[str]:
    """BibTeX ends a braced value at the brace that balances its opening one, counting every
    brace, escaped or not: each entry must close on its own last line."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        if depth < 0 or (depth == 0 and line not in ("}", "") and not line.startswith("@")):
            yield f"{name}:{number}: the braces close early: {line[:100]!r}"
            depth = max(depth, 0)
        if line.startswith("@") and depth != 1:
            yield f"{name}:{number}: an entry's opening line leaves {depth} braces open"


def titles_by_key(hostile: HostileArchive) -> dict[str, str]:
    """Every entry's title by its citation key: the slug, or slug-vN for a revision."""
    keys = {}
    for case in live_cases(hostile):
        keys |= {case.slug: case.entry["title"], **{f"{case.slug}-v{n}": case.entry["title"] for n in (1, 2, 3)}}
    return keys


def test_bibtex_files_parse_and_read_back_as_the_text(hostile: HostileArchive) -> None:
    reader, titles = latex_reader(), titles_by_key(hostile)
    files = manifest_files(hostile, r".*\.bib")
    assert len(files) > 4 * len(live_cases(hostile))
    problems: list[str] = []
    checked = 0
    for name in files:
        text = (hostile.out / name).read_text(encoding="utf-8")
        problems += bibtex_brace_problems(name, text)
        library = bibtexparser.parse_string(text)
        problems += [f"{name}: a failed block {block.raw[:80]!r}" for block in library.failed_blocks]
        for entry in library.entries:
            fields = {field.key: reader.latex_to_text(field.value) for field in entry.fields}
            wanted_title = titles.get(entry.key)
            if wanted_title is not None:
                checked += 1
                if fields["title"] != f"{wanted_title}":
                    problems.append(f"{name}: title {entry.fields_dict['title'].value!r} reads {fields['title']!r}")
            if "author" in fields or fields["organization"] != SITE_TITLE:
                problems.append(f"{name}: the archive's name is {fields.get('author')!r}, {fields['organization']!r}")
    assert problems == [], "\n".join(problems[:20])
    # Each entry's permanent address and its three revisions, and the bundles.
    assert checked == 4 * len(live_cases(hostile)) + sum(1 for case in hostile.cases if case.bundle)


RIS_LINE = re.compile(r"[A-Z][A-Z0-9]  - .*")


def test_ris_files_have_only_tag_lines_and_give_the_text_back(hostile: HostileArchive) -> None:
    titles = {case.entry["title"] for case in live_cases(hostile)}
    checked = 0
    summaries = {case.entry["title"]: case.entry["summary"] for case in live_cases(hostile)}
    summaries |= {f"Filed entry {case.number}": case.prose for case in hostile.cases if case.filed and case.prose}
    problems: list[str] = []
    for name in manifest_files(hostile, r".*\.ris"):
        text = (hostile.out / name).read_bytes().decode("utf-8")
        lines = text.split("\r\n")
        odd = [(n, line) for n, line in enumerate(lines, 1) if line and not RIS_LINE.fullmatch(line)]
        problems += [f"{name}: line {n} {line[:80]!r}" for n, line in odd]
        for record in text.split("ER  - \r\n"):
            tags = dict(line.split("  - ", 1) for line in record.split("\r\n") if RIS_LINE.fullmatch(line))
            if not tags:
                continue
            title = tags.get("TI", "")
            checked += title in titles
            summary = summaries.get(title)  # none for the retracted companions some bundles pin
            if tags.get("AB") != (None if summary is None else " ".join(summary.splitlines())):
                problems.append(f"{name}: a record with TI {title!r} and AB {tags.get('AB', '')[:60]!r}")
            if "AU" in tags or tags.get("T2") != SITE_TITLE:
                problems.append(f"{name}: the archive's name is {tags.get('AU')!r}, {tags.get('T2')!r}")
    assert problems == [], "\n".join(problems[:20])
    assert checked == 4 * len(live_cases(hostile)) + sum(1 for case in hostile.cases if case.bundle)


def test_csl_json_files_hold_the_text_exactly(hostile: HostileArchive) -> None:
    by_title = {case.entry["title"]: case.entry for case in live_cases(hostile)}
    titles = titles_by_key(hostile)
    problems: list[str] = []
    for name in manifest_files(hostile, r".*(cite|bundle)\.json"):
        for item in json.loads((hostile.out / name).read_bytes()):
            entry = by_title.get(item["title"])
            if item["id"] in titles and titles[item["id"]] != item["title"]:
                problems.append(f"{name}: {item['id']} has the title {item['title']!r}")
            if entry is not None and item.get("abstract") != entry["summary"]:
                problems.append(f"{name}: {item['id']} has the abstract {item.get('abstract', '')[:60]!r}")
            if item["container-title"] != SITE_TITLE or "author" in item:
                problems.append(f"{name}: the archive's name is {item['container-title']!r}, {item.get('author')!r}")
    assert problems == [], "\n".join(problems[:20])


# 4. events/ files ----------------------------------------------------------------------------


def read_entry_file(path: Path) -> dict[str, Any]:
    """An events/ file read with a YAML 1.2 reader: its front matter, and the body as the summary."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front, summary = text[4:].split("\n---\n", 1)
    reader = YAML(typ="safe", pure=True)
    reader.version = (1, 2)
    return {**reader.load(front), "summary": summary.removesuffix("\n")}


def test_events_files_read_back_to_the_same_values(hostile: HostileArchive) -> None:
    events = hostile.archive.root / "events"
    wrong = []
    for case in live_cases(hostile):
        fields = published_fields(read_entry_file(events / f"{case.slug}.md"))
        if fields != case.entry:
            wrong.append(f"{case.text!r}: {[(k, fields[k]) for k in fields if fields[k] != case.entry[k]]}")
        retracted = read_entry_file(events / f"{case.retracted}.md") if case.retracted else {}
        if case.retracted and retracted["retraction_reason"] != case.prose:
            wrong.append(f"{case.text!r}: the retraction reason reads {retracted['retraction_reason']!r}")
        if case.filed and read_entry_file(events / f"{case.filed}.md")["actors"] != [{"name": case.line,
                                                                                      "role": case.line}]:  # fmt: skip
            wrong.append(f"{case.text!r}: the role recorded from a file reads back otherwise")
    assert wrong == [], "\n".join(wrong[:20])


def test_export_and_sync_are_a_fixed_point(hostile: HostileArchive, tmp_path: Path) -> None:
    archive = hostile.archive
    events = archive.root / "events"
    before = {path.name: path.read_bytes() for path in events.iterdir()}
    changes = archive.notifications()
    archive.ok("export", str(tmp_path / "exported"))
    exported = {path.name: path.read_bytes() for path in (tmp_path / "exported").iterdir()}
    assert exported.keys() == before.keys()
    assert [name for name in before if exported[name] != before[name]] == []
    archive.ok("sync")
    assert archive.notifications() == changes
    assert {path.name: path.read_bytes() for path in events.iterdir()} == before
