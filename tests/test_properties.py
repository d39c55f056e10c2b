"""Properties that hold after any sequence of changes, checked with Hypothesis state machines.

Each example is a fresh archive on an SQLite file and a random sequence of commands through the
application (add, correct, source add and withdraw, link, unlink, retract, merge), with titles,
summaries and names full of what breaks formats: YAML's `NO` and dates, HTML's `<` and `&`, Markdown,
quotes, right-to-left and CJK text. A command the archive refuses (a link that would make a
`supersedes` cycle, a correction that changes nothing...) must store nothing.

1. Replay: a fresh application over the same store reads every entry, at every revision a command
   returned, exactly as the command returned it.
2. events/ round trip: `export` -> `sync` -> `export` is a fixed point: sync appends nothing,
   refuses nothing, and the files stay byte for byte the same.
3. Incremental builds, made at random points of the sequence, end with the same files, byte for
   byte, as a full build of the store into a fresh folder (the search index compared by the pages
   each part holds: Pagefind never writes the same bytes twice).
4. Every page of every build is whole HTML and every relative link and source in it resolves.

Examples are few and derandomized, with no example database, so that CI runs the same ones.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from sitecheck import SEARCH_INDEX, broken_links, site_files, whole_html

from timeline.app.service import ArchiveService
from timeline.app.sync import sync_folder
from timeline.cli import main
from timeline.domain.drafts import WriteOptions
from timeline.domain.model import PolicyEvent, RelationType
from timeline.errors import TimelineError
from timeline.files.archive import DEFAULT_KINDS
from timeline.files.mirror import export_all
from timeline.formats.entrydata import draft_from, entry_to_dict, field_value, source_from
from timeline.site.build import build_site

BASE_URL = "https://example.org/"  # what `timeline init` writes
EDITOR = "Property Editor"

# Words that each break some format if it is handled carelessly.
WORDS = [
    "platform", "order", "NO", "yes", "null", "2020-05-28", "1.5", "<b>bold</b>", "a&b", '"quoted"', "it's",
    "*starred*", "# hash", "- dash", "[link](https://other.example/x)", "~", "@handle", "=SUM(A1)", "中文",
    "عربى", "Łódź", "émigré", "50%", "C:\\path", "{braces}",
]  # fmt: skip
DATES = ["2018-07-01", "2019-03-04", "2019-11", "2019", "2020-05-28~", "2020-05-28/2020-06-02", "2020-02-29", "2021"]
NAMES = ["Twitter", "Donald Trump", "European Commission", "O'Brien & Sons", "中文 actor", "NO"]


def words(least: int = 1, most: int = 5) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=least, max_size=most).map(" ".join)


summaries = st.lists(words(1, 8), max_size=3).map("\n\n".join)
actor_lists = st.lists(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(["", "issuer", "target"])).map(
        lambda pair: f"{pair[0]}:{pair[1]}" if pair[1] else pair[0]
    ),
    max_size=3,
)
name_lists = st.lists(st.sampled_from(NAMES), max_size=3, unique=True)
# Identifiers, some with what breaks formats (a colon in a docket number, YAML's NO, a date-like bill).
identifier_lists = st.lists(
    st.sampled_from(
        [
            "executive-order:13925",
            "federal-register:85 FR 34079",
            "docket:N.D. Cal. No. 3:20-cv-03608",
            "bill:NO",
            "bill:2020-05",
            "doi:10.1000/<a&b>",
        ]
    ),
    max_size=3,
    unique=True,
)
source_fields = st.fixed_dictionaries(
    {"title": words()},
    optional={
        "publisher": st.sampled_from(NAMES),
        "url": st.sampled_from(["https://news.example/a", "https://news.example/b?x=1&y=2", "http://例え.jp/パス"]),
        "date": st.sampled_from(DATES),
        "quote": words(),
    },
)
sources = source_fields.map(source_from)
drafts = st.fixed_dictionaries(
    {
        "title": words(),
        "kind": st.sampled_from(DEFAULT_KINDS),
        "date": st.sampled_from(DATES),
        "summary": summaries,
        "identifiers": identifier_lists,
        "actors": actor_lists,
        "platforms": name_lists,
        "topics": name_lists,
        "jurisdictions": name_lists,
        "sources": st.lists(source_fields, min_size=1, max_size=2),
    }
).map(draft_from)
VALUES = {
    "title": words(),
    "kind": st.sampled_from(DEFAULT_KINDS),
    "date": st.sampled_from(DATES),
    "summary": summaries,
    "identifiers": identifier_lists,
    "actors": actor_lists,
    "platforms": name_lists,
    "topics": name_lists,
}
corrections = st.sets(st.sampled_from(sorted(VALUES)), min_size=1, max_size=3)
relation_types = st.sampled_from([t.value for t in RelationType])


class ArchiveCommands(RuleBasedStateMachine):
    """Commands through the application, remembering every entry at every revision a command returned."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="timeline-properties-"))
        self.root = self.folder / "archive"
        result = CliRunner().invoke(main, ["init", str(self.root), "--title", "Property archive"])
        assert result.exit_code == 0, result.output
        self.service = ArchiveService.open(self.root)
        self.app = self.service.app
        self.latest: dict[UUID, PolicyEvent] = {}
        self.revisions: dict[tuple[UUID, int], Any] = {}
        self.steps = 0

    def options(self) -> WriteOptions:
        self.steps += 1
        return WriteOptions(editor=EDITOR, reason=f"step {self.steps}", allow_duplicate=True)

    def state(self, entry: PolicyEvent) -> Any:
        return entry_to_dict(entry, self.app.slug_of), entry.version, entry.created_on, entry.modified_on

    def apply(self, command: Any, *also: UUID) -> None:
        """Run a command; remember what it returned (and the entries in ALSO, which it changed too).
        A refused command must have stored nothing."""
        position = self.app.position()
        try:
            entry = command()
        except TimelineError:
            assert self.app.position() == position, "a refused command stored changes"
            return
        for changed in (entry, *(self.app.entry(entry_id) for entry_id in also)):
            self.latest[changed.id] = changed
            self.revisions[(changed.id, changed.revision)] = self.state(changed)

    def live(self) -> list[str]:
        return sorted(e.slug for e in self.latest.values() if e.is_live)

    def pick(self, data: st.DataObject, count: int = 1) -> list[str]:
        return data.draw(st.lists(st.sampled_from(self.live()), min_size=count, max_size=count, unique=True))

    @initialize(first=st.lists(drafts, min_size=3, max_size=3))
    def first_entries(self, first: list[Any]) -> None:
        for draft in first:
            self.apply(lambda draft=draft: self.app.add(draft, self.options()))

    @rule(draft=drafts, data=st.data(), relation=relation_types)
    def add(self, draft: Any, data: st.DataObject, relation: str) -> None:
        links = [(relation, self.pick(data)[0])] if self.live() and data.draw(st.booleans()) else []
        self.apply(lambda: self.app.add(draft, self.options(), links))

    @precondition(lambda self: self.live())
    @rule(data=st.data(), fields=corrections)
    def correct(self, data: st.DataObject, fields: set[str]) -> None:
        (entry,) = self.pick(data)
        changes = {name: field_value(name, data.draw(VALUES[name])) for name in sorted(fields)}
        self.apply(lambda: self.app.correct(entry, changes, self.options()))

    @precondition(lambda self: self.live())
    @rule(data=st.data(), source=sources)
    def add_source(self, data: st.DataObject, source: Any) -> None:
        (entry,) = self.pick(data)
        self.apply(lambda: self.app.add_source(entry, source, self.options()))

    @precondition(lambda self: self.live())
    @rule(data=st.data())
    def withdraw_source(self, data: st.DataObject) -> None:
        (entry,) = self.pick(data)
        number = data.draw(st.integers(1, len(self.app.get(entry).sources)))
        self.apply(lambda: self.app.withdraw_source(entry, str(number), self.options()))

    @precondition(lambda self: len(self.live()) >= 2)
    @rule(data=st.data(), relation=relation_types)
    def link(self, data: st.DataObject, relation: str) -> None:
        entry, target = self.pick(data, 2)
        self.apply(lambda: self.app.link(entry, relation, target, self.options()))

    @precondition(lambda self: any(e.relations for e in self.latest.values() if e.is_live))
    @rule(data=st.data())
    def unlink(self, data: st.DataObject) -> None:
        linked = sorted(e.slug for e in self.latest.values() if e.is_live and e.relations)
        entry = self.app.get(data.draw(st.sampled_from(linked)))
        relation = data.draw(st.sampled_from(entry.relations))
        target = self.app.slug_of(relation.target)
        self.apply(lambda: self.app.unlink(entry.slug, relation.type.value, target, self.options()))

    @precondition(lambda self: len(self.live()) >= 2)
    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        (entry,) = self.pick(data)
        self.apply(lambda: self.app.retract(entry, self.options()))

    @precondition(lambda self: len(self.live()) >= 3)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        duplicate, target = self.pick(data, 2)
        self.apply(lambda: self.app.merge(duplicate, target, self.options()), self.app.resolve(target))

    def teardown(self) -> None:
        try:
            self.check_replay()
            self.check_files_round_trip()
        finally:
            self.service.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def check_replay(self) -> None:
        fresh = ArchiveService.open(self.root)
        try:
            app = fresh.app
            for (entry_id, revision), state in self.revisions.items():
                replayed = app.entry(entry_id, version=revision)
                assert (entry_to_dict(replayed, app.slug_of), replayed.version) == state[:2]
                assert (replayed.created_on, replayed.modified_on) == state[2:]
            assert {e.id: e.revision for e in app.entries()} == {i: e.revision for i, e in self.latest.items()}
        finally:
            fresh.close()

    def check_files_round_trip(self) -> None:
        exported = self.folder / "exported"
        export_all(self.app.slug_of, self.app.entries(), exported)
        files = {p.name: p.read_bytes() for p in exported.iterdir()}
        position = self.app.position()
        report = sync_folder(self.app, exported, EDITOR)
        assert (report.recorded, report.revised, report.restored, report.problems) == ([], [], [], [])
        assert self.app.position() == position, "sync appended events for files it had just exported"
        assert {p.name: p.read_bytes() for p in exported.iterdir()} == files
        again = self.folder / "exported-again"
        export_all(self.app.slug_of, self.app.entries(), again)
        assert {p.name: p.read_bytes() for p in again.iterdir()} == files


TestArchiveCommands = ArchiveCommands.TestCase
TestArchiveCommands.settings = settings(
    max_examples=30,
    stateful_step_count=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_pages(out: Path) -> None:
    pages = sorted(out.rglob("*.html"))
    assert pages
    assert [p.relative_to(out).as_posix() for p in pages if not whole_html(p.read_bytes())] == []
    assert broken_links(out, BASE_URL) == []


def search_parts(out: Path) -> dict[str, set[str]]:
    """The pages each part of the search index holds: Pagefind names a page's fragment by its content."""
    root = out / SEARCH_INDEX
    if not root.is_dir():
        return {}
    return {part.name: {f.name for f in (part / "fragment").iterdir()} for part in root.iterdir() if part.is_dir()}


class IncrementalBuilds(ArchiveCommands):
    """The same commands, with an incremental build of the site after the first entries and then after
    every N changes the store accepted (N drawn from 1 to 3, so builds catch up one change or several)."""

    def __init__(self) -> None:
        super().__init__()
        self.every, self.unbuilt = 0, 0  # no builds while the first entries are recorded

    @initialize(first=st.lists(drafts, min_size=3, max_size=3), every=st.integers(1, 3))
    def first_entries(self, first: list[Any], every: int) -> None:  # type: ignore[override]
        super().first_entries(first)
        self.build()
        self.every = every

    def apply(self, command: Any, *also: UUID) -> None:
        position = self.app.position()
        super().apply(command, *also)
        if self.every and self.app.position() != position:
            self.unbuilt += 1
            if self.unbuilt == self.every:
                self.build()

    def build(self) -> None:
        self.unbuilt = 0
        build_site(self.app, self.service.archive, self.folder / "site")
        check_pages(self.folder / "site")

    def teardown(self) -> None:
        try:
            incremental, full = self.folder / "site", self.folder / "full"
            build_site(self.app, self.service.archive, incremental)
            build_site(self.app, self.service.archive, full, full=True)
            check_pages(full)
            built, expected = site_files(incremental), site_files(full)
            assert sorted(built) == sorted(expected)
            assert [name for name in expected if built[name] != expected[name]] == []
            assert search_parts(incremental) == search_parts(full)
        finally:
            self.service.close()
            shutil.rmtree(self.folder, ignore_errors=True)


TestIncrementalBuilds = IncrementalBuilds.TestCase
TestIncrementalBuilds.settings = settings(
    max_examples=12,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
