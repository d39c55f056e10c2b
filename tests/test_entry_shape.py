"""The entry's one public shape (``entrydata.entry_to_dict``) through every format that carries it.

An archive with every field and every kind of change, on its real SQLite store, is written out in
each format and read back: --json prints the shape; events/ files hold it and sync it into a new
store; JSON Lines and CSV import it into a new archive; the read model's documents and the site's
data files agree with it on every field they share. Import and a fresh sync record entries anew,
so their revision numbers start again; a merge is made only with `timeline merge`, and an import
records entries, not their retraction, so merged (and for imports retracted) entries stay behind.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest, record_every_kind_of_change

from timeline.cli.session import Session
from timeline.files.archive import load_archive
from timeline.formats.entrydata import ENTRY_FIELDS, LIST_FIELDS, SOURCE_FIELDS, entry_to_dict
from timeline.formats.entryfile import dump_entry_text, parse_entry_text
from timeline.site import urls
from timeline.site.build import view_path
from timeline.site.data import entries_csv

Shapes = dict[str, dict[str, Any]]


def new_archive(root: Path) -> ArchiveUnderTest:
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Shape archive")
    return archive


def shapes_of(archive: ArchiveUnderTest) -> Shapes:
    """Every entry's public shape, by slug, as entry_to_dict makes it from the store."""
    session = Session(archive_option=str(archive.root))
    try:
        app = session.app
        return {entry.slug: entry_to_dict(entry, app.slug_of) for entry in app.entries()}
    finally:
        session.close()


def live(shapes: Shapes) -> Shapes:
    return {slug: shape for slug, shape in shapes.items() if not shape["retracted"] and "merged_into" not in shape}


def without_revision(shapes: Shapes) -> Shapes:
    return {slug: {k: v for k, v in shape.items() if k != "revision"} for slug, shape in shapes.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[ArchiveUnderTest, Shapes]:
    """Every kind of change, plus an entry with every source field, identifiers recorded and then
    corrected, and cells a spreadsheet would run as formulas; the site built in _site/. Returns the
    archive and its entries' shapes."""
    archive = new_archive(tmp_path_factory.mktemp("shape") / "archive")
    slugs = record_every_kind_of_change(archive)
    removed = archive.add(
        "+1 million accounts removed", "2020-05-26/2020-05-27", "takedown",
        "--summary", "- first point\n- second point", "--actor", "@jack:author", "--actor", "Ratio: A Group:critic",
        "--topic", "=SUM(A1)", "--jurisdiction", "United States", "--source-url", "https://example.com/x",
        "--source-archived-url", "https://web.archive.org/web/2020/https://example.com/x",
        "--source-author", "A. Reporter", "--source-author", "B. Writer", "--source-date", "2020-05-26",
        "--source-quote", "-- the quote", "--source-quote-by", "Jack", "--source-language", "fr",
        "--link", "responds-to", slugs["labels"], "--identifier", "bill:H.R. 8922",
    )  # fmt: skip
    archive.ok(
        "correct", removed["slug"], "--identifier", "docket:N.D. Cal. No. 3:20-cv-03608",
        "--identifier", "federal-register:85 FR 34079", "--reason", "the case and the notice",
    )  # fmt: skip
    archive.ok(
        "source", "add", removed["slug"], "--title", "Ünïcode “second” look", "--publisher", "Other Wire",
        "--date", "2020-05", "--note", "gives a later date", "--accessed", "2020-06-01", "--reason", "second source",
    )  # fmt: skip
    archive.ok("build")
    return archive, shapes_of(archive)


def test_json_output_is_the_shape(built: tuple[ArchiveUnderTest, Shapes]) -> None:
    archive, shapes = built
    for slug, shape in shapes.items():
        assert archive.json("show", slug) == shape
    assert {entry["slug"]: entry for entry in archive.json("list", "--all")} == shapes


def test_events_files_hold_the_shape_and_sync_it_into_a_new_store(
    built: tuple[ArchiveUnderTest, Shapes], tmp_path: Path
) -> None:
    archive, shapes = built
    copy = new_archive(tmp_path / "copy")
    for slug, shape in shapes.items():
        path = archive.root / "events" / f"{slug}.md"
        text = path.read_text(encoding="utf-8")
        assert text == dump_entry_text(shape)
        # A file leaves empty fields out; its body, the summary, is always read.
        in_file = {k: v for k, v in shape.items() if v not in ([], "", False)} | {"summary": shape["summary"]}
        assert parse_entry_text(text, path).data == in_file
        if "merged_into" not in shape:
            shutil.copy(path, copy.root / "events")
    copy.ok("sync")
    synced = shapes_of(copy)
    assert without_revision(synced) == without_revision({s: e for s, e in shapes.items() if "merged_into" not in e})


def test_json_lines_export_is_the_shape_and_imports_back(
    built: tuple[ArchiveUnderTest, Shapes], tmp_path: Path
) -> None:
    archive, shapes = built
    exported = tmp_path / "entries.jsonl"
    archive.ok("export", str(exported))
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert {entry["slug"]: entry for entry in lines} == shapes
    kept = tmp_path / "live.jsonl"
    kept.write_text("".join(json.dumps(entry) + "\n" for entry in lines if entry["slug"] in live(shapes)))
    copy = new_archive(tmp_path / "copy")
    copy.ok("import", str(kept))
    assert without_revision(shapes_of(copy)) == without_revision(live(shapes))


def test_csv_of_the_shape_imports_back(built: tuple[ArchiveUnderTest, Shapes], tmp_path: Path) -> None:
    _, shapes = built
    path = tmp_path / "entries.csv"
    path.write_bytes(entries_csv([json.dumps(shape) for shape in live(shapes).values()]))
    copy = new_archive(tmp_path / "copy")
    copy.ok("import", str(path))
    assert without_revision(shapes_of(copy)) == without_revision(live(shapes))


# The fields a document holds as the shape does; the others it holds in its own form, checked below.
SAME_IN_DOCUMENT = ("id", "short_id", "slug", "revision", "title", "kind", "date", "retracted", "summary")
OWN_FORM_IN_DOCUMENT = (
    "actors",
    "identifiers",
    *LIST_FIELDS,
    "sources",
    "relations",
    "retraction_reason",
    "replaced_by",
    "merged_into",
)


def test_read_model_documents_agree_with_the_shape(built: tuple[ArchiveUnderTest, Shapes]) -> None:
    archive, shapes = built
    assert sorted(SAME_IN_DOCUMENT + OWN_FORM_IN_DOCUMENT) == sorted(ENTRY_FIELDS)
    read_model = view_path(load_archive(archive.root), archive.root / "_site")
    with closing(sqlite3.connect(read_model)) as connection:
        documents = [json.loads(row[0]) for row in connection.execute("SELECT data FROM entries")]
    assert sorted(doc["slug"] for doc in documents) == sorted(shapes)
    for doc in documents:
        shape = shapes[doc["slug"]]
        assert {name: doc[name] for name in SAME_IN_DOCUMENT} == {name: shape[name] for name in SAME_IN_DOCUMENT}
        assert [(a["name"], a["role"]) for a in doc["actors"]] == [(a["name"], a["role"]) for a in shape["actors"]]
        assert [{"scheme": i["scheme"], "value": i["value"]} for i in doc["identifiers"]] == shape["identifiers"]
        for name in LIST_FIELDS:
            assert [item["name"] for item in doc[name]] == shape[name]
        empty = {name: "" for name in SOURCE_FIELDS} | {"authors": []}
        assert [{name: source[name] for name in SOURCE_FIELDS} for source in doc["sources"]] == [
            empty | source for source in shape["sources"]
        ]
        assert [(r["type"], r["target_slug"]) for r in doc["relations"]] == [
            (r["type"], r["target"]) for r in shape["relations"]
        ]
        assert doc["retraction_reason"] == shape.get("retraction_reason", "")
        assert doc["merged_into_slug"] == shape.get("merged_into", "")
        assert doc["replaced_by"] == shape.get("replaced_by", "")


def test_data_files_are_the_shape(built: tuple[ArchiveUnderTest, Shapes]) -> None:
    archive, shapes = built
    site = archive.root / "_site"
    for slug, shape in shapes.items():  # retracted and merged entries' too
        assert json.loads((site / urls.entry_data(slug)).read_bytes()) == shape
    published: list[dict[str, Any]] = []
    for row in json.loads((site / urls.data_listing()).read_bytes()):
        year = json.loads((site / urls.data_json(row["year"])).read_bytes())
        # The year's CSV is the CSV of the shapes its JSON holds (which imports back, as tested above).
        assert (site / urls.data_csv(row["year"])).read_bytes() == entries_csv([json.dumps(e) for e in year])
        published += year
    assert {entry["slug"]: entry for entry in published} == live(shapes)
