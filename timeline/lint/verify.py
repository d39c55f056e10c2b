"""`timeline verify`: check that the store, the site and events/ agree, writing nothing.

Four checks, each reporting every difference it finds:

1. the store: every aggregate (entry, slug or short-id reservation, bundle, actor profile) replays
   from its domain events, and they point at one another consistently;
2. the site's read model equals one rebuilt from the store in a scratch folder;
3. every file of the built site is as manifest.json recorded it;
4. every entry's events/ file exists, parses and says what the store says;
5. the committed history (history/) is intact and holds what the store holds
   (see :mod:`timeline.lint.historycheck`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from timeline.app.application import TimelineArchive
from timeline.app.backup import notifications
from timeline.app.fileedits import file_differences
from timeline.domain.actors import ActorProfile
from timeline.domain.bundle import Bundle
from timeline.domain.model import PolicyEvent, Reservation
from timeline.errors import InvalidField, TimelineError
from timeline.files.archive import Archive
from timeline.files.mirror import entry_path, entry_text
from timeline.formats.entrydata import draft_from, relations_from
from timeline.formats.entryfile import MalformedFile, parse_entry_text, read_entry_file
from timeline.lint.historycheck import check_history
from timeline.site import urls
from timeline.site.build import view_path
from timeline.site.integrity import check_files, check_read_model
from timeline.wording import plural

AGGREGATES: dict[str, type[Any]] = {
    "timeline:PolicyEvent.": PolicyEvent,
    "timeline:Reservation.": Reservation,
    "timeline:Bundle.": Bundle,
    "timeline:Actor.": ActorProfile,
}
SYNC_HINT = "'timeline sync' applies the file, 'timeline export events' puts back the store's version"


@dataclass
class VerifyReport:
    """What was checked, and every difference found, by part."""

    checked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    store: list[str] = field(default_factory=list)
    read_model: list[str] = field(default_factory=list)
    site: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.store, *self.read_model, *self.site, *self.events, *self.history]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return "verified: " + "; ".join(self.checked + self.skipped)
        return f"verify found {plural(len(self.problems), 'difference')} (listed above)"


def _agree(count: int, verb: str) -> str:
    """``verb`` as its subject, ``count`` things, takes it: "1 file matches", "2 files match"."""
    return f"{verb}es" if count == 1 and verb.endswith(("ch", "sh", "s")) else f"{verb}s" if count == 1 else verb


def verify_archive(app: TimelineArchive, archive: Archive, out: Path, *, out_named: bool = False) -> VerifyReport:
    """Run every check (see the module's docstring); nothing is written anywhere.

    ``out`` is the built site's folder; when it was not named and has never been built,
    the site's checks are skipped rather than failed.
    """
    report = VerifyReport()
    events = _EventsCheck(app, archive.events_dir, report.events)
    _check_store(app, report, events)
    events.finish()
    _check_site(app, archive, out, out_named, report)
    report.checked.append(f"{plural(events.files, 'events/ file')} {_agree(events.files, 'match')} the store")
    history = check_history(app, archive)
    report.history = history.problems
    report.checked.append(
        f"{plural(history.files, 'history/ file')} {_agree(history.files, 'hold')} the store's "
        f"{plural(history.events, 'change')}, intact"
    )
    return report


# 1. The store ------------------------------------------------------------------------------------


@dataclass
class _Links:
    """What aggregates say about one another, checked once all are loaded."""

    entries: dict[UUID, tuple[str, str, int]] = field(default_factory=dict)  # id: slug, short id, revision
    reserved: dict[tuple[str, str], UUID] = field(default_factory=dict)
    targets: list[tuple[str, UUID]] = field(default_factory=list)  # (who points, entry it points to)
    pins: list[tuple[str, UUID, int]] = field(default_factory=list)
    broken: set[UUID] = field(default_factory=set)  # aggregates that do not replay, reported already
    misplaced: list[str] = field(default_factory=list)  # actor profiles whose id is not their key's

    def add(self, aggregate: Any) -> None:
        if isinstance(aggregate, PolicyEvent):
            self.entries[aggregate.id] = (aggregate.slug, aggregate.short_id, aggregate.revision)
            who = f"entry {aggregate.slug}"
            self.targets += [(f"{who} ({r.type.value})", r.target) for r in aggregate.relations]
            if aggregate.merged_into is not None:
                self.targets.append((f"{who} (merged into)", aggregate.merged_into))
        elif isinstance(aggregate, Reservation):
            self.reserved[(aggregate.namespace, aggregate.name)] = aggregate.entry_id
        elif isinstance(aggregate, Bundle):
            self.pins += [(f"bundle {aggregate.name}", p.entry_id, p.revision) for p in aggregate.pins]
        elif isinstance(aggregate, ActorProfile) and aggregate.id != ActorProfile.create_id(aggregate.key):
            self.misplaced.append(
                f"store: actor {aggregate.key} ({aggregate.id}): its id is not its key's, so a second profile "
                "of the same actor could be made"
            )

    def problems(self) -> Iterable[str]:
        yield from self.misplaced
        for entry_id, (slug, short_id, _) in self.entries.items():
            for namespace, name in (("slug", slug), ("short", short_id)):
                holder = self.reserved.get((namespace, name))
                if holder != entry_id:
                    yield f"store: entry {slug} ({entry_id}): its {namespace} {name!r} is reserved for {holder}"
        names = {"slug": 0, "short": 1}
        for (namespace, name), entry_id in self.reserved.items():
            found = self.entries.get(entry_id)
            if entry_id in self.broken:
                continue
            if found is None:
                yield f"store: the {namespace} {name!r} is reserved for {entry_id}, which is no entry of the store"
            elif namespace in names and found[names[namespace]] != name:
                yield f"store: the {namespace} {name!r} is reserved for entry {found[0]}, whose {namespace} differs"
        for who, target in self.targets:
            if target not in self.entries and target not in self.broken:
                yield f"store: {who} points to {target}, which is no entry of the store"
        for who, entry_id, revision in self.pins:
            pinned = self.entries.get(entry_id)
            if entry_id in self.broken:
                continue
            if pinned is None:
                yield f"store: {who} pins {entry_id}, which is no entry of the store"
            elif not 1 <= revision <= pinned[2]:
                yield f"store: {who} pins revision {revision} of {pinned[0]}, which has revisions 1 to {pinned[2]}"


def _check_store(app: TimelineArchive, report: VerifyReport, events: _EventsCheck) -> None:
    stop = app.position()
    kinds: dict[UUID, type[Any]] = {}
    changes = 0
    for notification in notifications(app, stop):
        changes += 1
        kind = next((cls for prefix, cls in AGGREGATES.items() if notification.topic.startswith(prefix)), None)
        originator = UUID(str(notification.originator_id))
        if kind is None:
            report.store.append(
                f"store: the change at position {notification.id} has topic {notification.topic!r}, "
                "which no aggregate of the archive has"
            )
        elif kinds.setdefault(originator, kind) is not kind:
            report.store.append(
                f"store: the change at position {notification.id} ({notification.topic}) belongs to "
                f"{originator}, a {kinds[originator].__name__}"
            )
    links = _Links()
    counts = dict.fromkeys(AGGREGATES.values(), 0)
    for originator, kind in kinds.items():
        try:
            aggregate: Any = app.repository.get(originator)
        except Exception as error:  # whatever stops a replay is what this check reports
            report.store.append(f"store: {kind.__name__} {originator} does not replay: {type(error).__name__}: {error}")
            links.broken.add(originator)
            continue
        if not isinstance(aggregate, kind):
            report.store.append(f"store: {originator} replays as a {type(aggregate).__name__}, not a {kind.__name__}")
            continue
        counts[kind] += 1
        links.add(aggregate)
        if isinstance(aggregate, PolicyEvent):
            events.check(aggregate)
    report.store += links.problems()
    events.broken = links.broken
    report.checked.append(
        f"{plural(changes, 'change')} {_agree(changes, 'replay')} into {plural(counts[PolicyEvent], 'entry')}, "
        f"{plural(counts[Reservation], 'reservation')}, {plural(counts[Bundle], 'bundle')} and "
        f"{plural(counts[ActorProfile], 'actor profile')}"
    )


# 2 and 3. The site ---------------------------------------------------------------------------------


def _check_site(app: TimelineArchive, archive: Archive, out: Path, out_named: bool, report: VerifyReport) -> None:
    live = view_path(archive, out)
    built = (out / urls.manifest()).is_file()
    if not built and not live.is_file():
        if out_named:
            report.site.append(f"site: {out} has not been built (no {urls.manifest()}, no read model)")
        else:
            report.skipped.append(f"the site in {out} has not been built: its checks were skipped")
        return
    if live.is_file():
        model = check_read_model(app, live)
        report.read_model += model.problems
        report.checked.append(f"the read model matches a rebuild at store position {model.position:,}")
    else:
        report.read_model.append(f"read model: {out} has no read model (it is kept in {live.parent})")
    if built:
        files = check_files(out)
        report.site += files.problems
        report.checked.append(f"{plural(files.files, 'site file')} {_agree(files.files, 'match')} {urls.manifest()}")
    else:
        report.site.append(f"site: {out} has no {urls.manifest()}; build it again")


# 4. events/ -----------------------------------------------------------------------------------------


class _EventsCheck:
    """Each entry's file against the text the store would write, and, where they differ, why."""

    def __init__(self, app: TimelineArchive, folder: Path, problems: list[str]):
        self.app = app
        self.folder = folder
        self.problems = problems
        self.names: set[str] = set()
        self.files = 0
        self.broken: set[UUID] = set()

    def name(self, path: Path) -> str:
        return f"{self.folder.name}/{path.name}"

    def check(self, entry: PolicyEvent) -> None:
        path = entry_path(self.folder, entry.slug)
        self.names.add(path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(
                f"events: {self.name(path)} is missing; 'timeline export {self.folder.name}' writes it back"
            )
            return
        except (OSError, UnicodeDecodeError) as error:
            self.problems.append(f"events: {self.name(path)} cannot be read ({error})")
            return
        try:
            if text == entry_text(self.app.slug_of, entry):
                self.files += 1
                return
            self.problems.append(f"events: {self._why(entry, path, text)}")
        except Exception as error:  # an entry it links to does not replay: the store's check names it
            self.problems.append(f"events: {self.name(path)} cannot be compared ({type(error).__name__}: {error})")

    def _why(self, entry: PolicyEvent, path: Path, text: str) -> str:
        name = self.name(path)
        try:
            entry_file = parse_entry_text(text, path)
            data = entry_file.data
            if data.get("id") and str(data["id"]) != str(entry.id):
                return f"{name} has id {data['id']}, but entry {entry.slug} has id {entry.id}"
            try:
                draft = draft_from(data)
                relations = relations_from(data.get("relations"))
            except InvalidField as error:
                raise MalformedFile(path, entry_file.line_of(error.field), str(error)) from None
            fields = [n for n in ("slug", "short_id") if getattr(draft, n) and getattr(draft, n) != getattr(entry, n)]
            fields += file_differences(self.app, entry, draft, relations, data.get("retracted") is True)
        except MalformedFile as error:
            where = f"{name}:{error.line}" if error.line else name
            return f"{where}: {error.problem}"
        except TimelineError as error:
            return f"{name}: {error}"
        if fields:
            return f"{name} differs from the store in {', '.join(fields)} (edited by hand?); {SYNC_HINT}"
        if data.get("revision") != entry.revision:
            return f"{name} says revision {data.get('revision')}, the store is at revision {entry.revision}"
        return (
            f"{name} differs from the text the store writes (layout, comments or the retraction reason); "
            f"'timeline export {self.folder.name}' rewrites it"
        )

    def finish(self) -> None:
        """Files of the folder that name no entry of the store."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.md")):
            if path.name in self.names:
                continue
            if self._id_in(path) in self.broken:
                self.problems.append(f"events: {self.name(path)} cannot be compared: its entry does not replay")
            else:
                self.problems.append(f"events: {self.name(path)} is no entry of the store; 'timeline sync' records it")

    def _id_in(self, path: Path) -> UUID | None:
        try:
            return UUID(str(read_entry_file(path).data.get("id")))
        except (TimelineError, ValueError):
            return None
