"""Hostile input the archive refuses, and names that can never leave the site's folder.

What these tests prove:

1. Every hostile string a field must refuse (control characters, lone surrogates and
   non-characters, line breaks in a one-line field, text past a field's length) is refused by
   each command that takes the field: `add`, `correct`, `source add`, `retract`, `bundle create`
   and the editor of any change. A source address that is not http(s) with a host (javascript:,
   data:, vbscript:, mixed case, entity-encoded, relative...) is refused. Each refusal is one
   ``error:`` line naming the field, exit status 2, and nothing written: the store and events/
   are as they were.
2. An events/ file that names a slug or a short id that could leave the site's folder, or uses a
   YAML tag that names a program's object (``!!python/object/apply:os.system``), is refused by
   `timeline sync` with its path, line and problem, and runs nothing.
3. Titles, names and sources like ``../../etc/passwd``, ``..``, ``/abs``, ``C:\\x`` and ``%2e%2e``
   give slugs and keys of lowercase letters, digits and hyphens, and every file of the built site
   lies inside its folder; the addresses module refuses a path that would not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result
from conftest import ArchiveUnderTest
from hostile import HOSTILE, PATHS, REJECTED_URLS, SOURCE_TITLE_MAX, as_line, as_text

from timeline.domain.naming import SLUG_PATTERN
from timeline.site import urls


def state(archive: ArchiveUnderTest) -> tuple[object, dict[str, bytes]]:
    events = archive.root / "events"
    return archive.notifications(), {path.name: path.read_bytes() for path in sorted(events.iterdir())}


def refusal_problem(archive: ArchiveUnderTest, field: str, *args: str) -> str | None:
    """None if `timeline ARGS` is refused with one error line naming FIELD, exit 2, nothing written."""
    before = state(archive)
    result: Result = archive.run(*args)
    lines = result.stderr.splitlines()
    if result.exit_code != 2 or len(lines) != 1 or not lines[0].startswith(f"error: {field}"):
        return f"{args!r}: exit {result.exit_code}, stderr {result.stderr!r}"
    if result.stdout or state(archive) != before:
        return f"{args!r}: refused, but something was written"
    return None


@pytest.fixture
def one_entry(sqlite_archive: ArchiveUnderTest) -> tuple[ArchiveUnderTest, str]:
    entry = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    sqlite_archive.ok("bundle", "create", "existing", entry["slug"])
    return sqlite_archive, entry["slug"]


NEW = ("add", "--kind", "statement", "--date", "2020-05-27", "--allow-duplicate")


def test_every_command_refuses_what_a_field_cannot_hold(one_entry: tuple[ArchiveUnderTest, str]) -> None:
    archive, slug = one_entry
    why = ("--reason", "checking a refusal")
    problems: list[str | None] = []
    one_line = [text for text in HOSTILE if as_line(text) is None and text.strip()]
    prose = [text for text in HOSTILE if as_text(text) is None and text.strip()]
    assert len(one_line) >= 15 and len(prose) >= 10
    for text in one_line:
        problems += [
            refusal_problem(archive, "title", *NEW, "--title", text, "--source-title", "Report"),
            refusal_problem(archive, "title", "correct", slug, "--title", text, *why),
            refusal_problem(archive, "platforms", *NEW, "--title", "Fine", "--source-title", "R", "--platform", text),
            refusal_problem(archive, "actor", "correct", slug, "--actor", f"{text}:issuer", *why),
            refusal_problem(archive, "actor", "correct", slug, "--actor", f"Twitter:{text}", *why),
            refusal_problem(
                archive, "source publisher", "source", "add", slug, "--title", "R", "--publisher", text, *why
            ),
            refusal_problem(archive, "editor", "correct", slug, "--topic", "x", "--editor", text, *why),
            refusal_problem(archive, "bundle title", "bundle", "create", "new", slug, "--title", text),
        ]
        if as_line(text, SOURCE_TITLE_MAX) is None:  # a source's title may be longer
            problems.append(refusal_problem(archive, "source title", "source", "add", slug, "--title", text, *why))
    for text in prose:
        problems += [
            refusal_problem(archive, "summary", *NEW, "--title", "Fine", "--source-title", "R", "--summary", text),
            refusal_problem(archive, "summary", "correct", slug, "--summary", text, *why),
            refusal_problem(archive, "reason", "retract", slug, "--reason", text),
            refusal_problem(archive, "source quote", "source", "add", slug, "--title", "R", "--quote", text, *why),
            refusal_problem(archive, "source note", "source", "add", slug, "--title", "R", "--note", text, *why),
        ]
    for url in REJECTED_URLS:
        problems += [
            refusal_problem(archive, "source url", *NEW, "--title", "Fine", "--source-title", "R", "--source-url", url),
            refusal_problem(archive, "source url", "source", "add", slug, "--title", "R", "--url", url, *why),
            refusal_problem(
                archive, "source archived_url", "source", "add", slug, "--title", "R", "--archived-url", url, *why
            ),
        ]
    for name in (*PATHS, "<script>", "Upper", "a b", "a/b", ""):
        problems.append(refusal_problem(archive, "bundle name", "bundle", "create", name, slug))
    found = [p for p in problems if p is not None]
    assert found == [], "\n".join(found[:30])


FILE = """---
title: {title}
kind: statement
date: '2020-05-27'
{extra}sources:
- title: A report
---
A summary.
"""


@pytest.mark.parametrize(
    "title, extra, problem",
    [
        ("Fine", "slug: ../../etc/passwd\n", "slug: '../../etc/passwd' is not a slug"),
        ("Fine", "slug: 2020-05-27-a/../../b\n", "is not a slug"),
        ("Fine", "short_id: ../../x\n", "short_id: '../../x' is not a short id"),
        ("Fine", "short_id: C:\\x\n", "is not a short id"),
        ('!!python/object/apply:os.system ["touch pwned"]', "", "the YAML tag !!python/object/apply:os.system"),
        ("!!python/name:os.system x", "", "the YAML tag !!python/name:os.system is not accepted"),
        ("[a, list]", "", "title: is a list; give text"),
    ],
)
def test_sync_refuses_a_file_that_names_a_path_or_a_program_object(
    sqlite_archive: ArchiveUnderTest, title: str, extra: str, problem: str
) -> None:
    path = sqlite_archive.root / "events" / "hostile.md"
    path.write_text(FILE.format(title=title, extra=extra), encoding="utf-8")
    before = sqlite_archive.notifications()
    result = sqlite_archive.run("sync")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path.relative_to(sqlite_archive.root)}") and problem in line, line
    assert sqlite_archive.notifications() == before
    assert sorted(p.name for p in (sqlite_archive.root / "events").iterdir()) == ["hostile.md"]
    assert not any(sqlite_archive.root.rglob("pwned"))


SEGMENT = re.compile(r"[a-z0-9][a-z0-9._-]*")


def test_names_like_paths_stay_inside_the_site_folder(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    slugs = []
    for number, name in enumerate(PATHS):
        entry = sqlite_archive.add(
            name,
            f"2020-05-{number + 1:02d}",
            "statement",
            "--actor",
            f"{name}:issuer",
            "--platform",
            name,
            "--topic",
            name,
            "--jurisdiction",
            name,
            "--source-publisher",
            name,
            "--source-url",
            f"https://example.org/{name}",
        )
        slugs.append(entry["slug"])
        sqlite_archive.ok("bundle", "create", f"bundle-{number}", entry["slug"], "--title", name)
    assert all(SLUG_PATTERN.fullmatch(slug) for slug in slugs), slugs
    assert len(set(slugs)) == len(slugs)
    out = tmp_path / "site"
    sqlite_archive.ok("build", "--out", str(out))
    written = [path for path in out.rglob("*") if path.is_file()]
    assert len(written) > 100
    outside = [p for p in written if not p.resolve().is_relative_to(out.resolve())]
    assert outside == []
    odd = {
        p.relative_to(out).as_posix()
        for p in written
        if not all(SEGMENT.fullmatch(s) for s in p.relative_to(out).parts)
    }
    assert odd == set()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archive", "site"], "written beside the site"


@pytest.mark.parametrize(
    "url", ["../", "events/../../x/", "/etc/passwd", "events/..\\..\\x/", "C:\\x", "C:/x/", "events//x/", "./x"]
)
def test_the_addresses_module_refuses_a_path_outside_the_folder(url: str) -> None:
    with pytest.raises(ValueError, match="not a path inside the site's folder"):
        urls.output_path(url)
