"""The domain layer on its own, with no store and no application: entries and bundles made and changed
through their own methods, the domain events each change records, the changes the domain refuses, and
the names and dates it works out."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from timeline.domain.actors import ActorProfile
from timeline.domain.bundle import Bundle, Pin
from timeline.domain.dates import PartialDate
from timeline.domain.drafts import Draft, WriteOptions, record_draft
from timeline.domain.identifiers import Identifier, IdentifierScheme, identifiers_from, parse_identifier
from timeline.domain.model import (
    CORRECTABLE,
    Actor,
    PolicyEvent,
    Relation,
    RelationType,
    Reservation,
    Source,
    with_accessed,
)
from timeline.domain.naming import (
    base_slug,
    relation_type,
    short_id_for,
)
from timeline.errors import InvalidChange, InvalidField

ORDER_ID = UUID("12345678-1234-5678-1234-567812345678")
LABELS_ID = UUID("87654321-4321-8765-4321-876543218765")
TODAY = dt.date(2024, 3, 1)
WIRE = Source(title="Trump signs order", publisher="Test Wire", url="https://example.com/order")
PAPER = Source(title="The order in print", publisher="Daily Paper", date=PartialDate("2020-05-29"))


def draft(**fields: Any) -> Draft:
    defaults: dict[str, Any] = {
        "title": "Executive order on preventing online censorship",
        "kind": "executive-order",
        "date": PartialDate("2020-05-28"),
        "summary": "The order asks agencies to review the liability shield.",
        "actors": (Actor("Donald Trump", "issuer"), Actor("Twitter", "target")),
        "platforms": ("Twitter",),
        "topics": ("Section 230",),
        "jurisdictions": ("United States",),
        "sources": (WIRE,),
    }
    return Draft(**{**defaults, **fields})


def recorded(entry_id: UUID = ORDER_ID, relations: tuple[Relation, ...] = (), **fields: Any) -> PolicyEvent:
    """A new entry, named the way the application names it, recorded by Alice."""
    new = draft(**fields)
    return record_draft(
        new,
        entry_id=entry_id,
        short_id=short_id_for(entry_id),
        slug=base_slug(new.date, new.title),
        relations=relations,
        options=WriteOptions(editor="Alice", reason="first report"),
        today=TODAY,
    )


def recorded_events(entry: PolicyEvent | Bundle) -> list[tuple[str, int, str, str]]:
    """The pending domain events as (class, revision, editor, reason); collecting them empties the list."""
    return [(type(e).__name__, e.originator_version, e.editor, e.reason) for e in entry.collect_events()]


def replayed(events: list[Any]) -> Any:
    """The aggregate the domain events make when applied in order, as a store would rebuild it."""
    aggregate = None
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def state(entry: PolicyEvent) -> dict[str, Any]:
    names = (*CORRECTABLE, "id", "slug", "short_id", "sources", "relations", "retraction_reason", "merged_into")
    return {name: getattr(entry, name) for name in (*names, "revision")}


# Recording -------------------------------------------------------------------------------------------------


def test_a_draft_becomes_an_entry_at_revision_1() -> None:
    entry = recorded()
    assert entry.id == ORDER_ID
    assert entry.short_id == "ci2fm6as"
    assert entry.slug == "2020-05-28-executive-order-on-preventing-online-censorship"
    assert entry.title == "Executive order on preventing online censorship"
    assert entry.kind == "executive-order"
    assert entry.date == PartialDate("2020-05-28")
    assert entry.actors == (Actor("Donald Trump", "issuer"), Actor("Twitter", "target"))
    assert (entry.platforms, entry.topics, entry.jurisdictions) == (("Twitter",), ("Section 230",), ("United States",))
    # A source cited without an access date was accessed on the day it was recorded.
    assert entry.sources == (replace(WIRE, accessed=TODAY),)
    assert entry.relations == ()
    assert entry.revision == 1
    assert entry.is_live and not entry.retracted
    assert entry.merged_into is entry.ended_on is None
    [event] = entry.collect_events()
    assert type(event).__name__ == "Recorded"
    assert event.TOPIC == "timeline:PolicyEvent.Recorded"
    assert (event.originator_id, event.originator_version) == (ORDER_ID, 1)
    assert (event.editor, event.reason) == ("Alice", "first report")
    for name in ("short_id", "slug", "title", "date", "actors", "sources", "relations"):
        assert getattr(event, name) == getattr(entry, name), name


def test_a_draft_without_a_reason_is_recorded_as_recorded() -> None:
    entry = record_draft(
        draft(sources=(PAPER,)),
        entry_id=LABELS_ID,
        short_id="labels",
        slug="chosen-slug",
        relations=(Relation(RelationType.RESPONDS_TO, ORDER_ID),),
        options=WriteOptions(editor="Bob"),
        today=TODAY,
    )
    assert (entry.short_id, entry.slug) == ("labels", "chosen-slug")
    assert entry.relations == (Relation(RelationType.RESPONDS_TO, ORDER_ID),)
    assert recorded_events(entry) == [("Recorded", 1, "Bob", "recorded")]


def test_a_source_keeps_the_access_date_it_was_given() -> None:
    accessed = Source(title="Archived", accessed=dt.date(2021, 1, 5))
    assert with_accessed(accessed, TODAY) is accessed
    assert with_accessed(WIRE, TODAY).accessed == TODAY
    assert recorded(sources=(accessed,)).sources == (accessed,)


# Corrections -----------------------------------------------------------------------------------------------


def test_a_correction_changes_only_what_differs_and_records_who_and_why() -> None:
    entry = recorded()
    entry.collect_events()
    entry.correct(
        {"title": "Order on online censorship", "kind": "executive-order", "platforms": ["Twitter", "Facebook"]},
        editor="Bob",
        reason="the official title",
    )
    assert entry.title == "Order on online censorship"
    assert entry.platforms == ("Twitter", "Facebook")  # a list given is kept as a tuple
    assert entry.slug == "2020-05-28-executive-order-on-preventing-online-censorship"  # set once
    [event] = entry.collect_events()
    assert (type(event).__name__, event.originator_version, event.editor, event.reason) == (
        "Corrected",
        2,
        "Bob",
        "the official title",
    )
    # The unchanged kind is not part of the recorded change.
    assert event.changes == {"title": "Order on online censorship", "platforms": ["Twitter", "Facebook"]}
    entry.correct({"date": PartialDate("2020-05-28~")}, editor="Carol", reason="reported dates vary")
    assert (entry.date.display(), entry.revision) == ("c. 28 May 2020", 3)
    assert recorded_events(entry) == [("Corrected", 3, "Carol", "reported dates vary")]


@pytest.mark.parametrize(
    "changes,problem",
    [
        ({"slug": "another-slug"}, "cannot correct slug"),
        ({"sources": (), "id": ORDER_ID}, "cannot correct id, sources"),
        ({"title": "Executive order on preventing online censorship"}, "nothing to correct"),
        ({}, "nothing to correct"),
    ],
)
def test_a_correction_that_changes_nothing_or_what_cannot_be_corrected_is_refused(
    changes: dict[str, Any], problem: str
) -> None:
    entry = recorded()
    with pytest.raises(InvalidChange, match=problem):
        entry.correct(changes, editor="Bob", reason="r")
    assert (entry.revision, recorded_events(entry)) == (1, [("Recorded", 1, "Alice", "first report")])


EO = Identifier(IdentifierScheme.EXECUTIVE_ORDER, "13925")
FR = Identifier(IdentifierScheme.FEDERAL_REGISTER, "85 FR 34079")


def test_identifiers_are_recorded_corrected_as_a_whole_and_replayed() -> None:
    entry = recorded(identifiers=(EO,))
    assert entry.identifiers == (EO,)
    assert [i.text for i in (EO, FR)] == ["Executive Order 13925", "85 FR 34079"]
    entry.correct({"identifiers": [EO, FR]}, editor="Bob", reason="the notice")
    assert entry.identifiers == (EO, FR)
    fields = {name: getattr(entry, name) for name in CORRECTABLE} | {"identifiers": (FR,)}
    assert entry.differences(fields, entry.sources, entry.relations, retracted=False) == ["identifiers"]
    events = entry.collect_events()
    assert replayed(events).identifiers == (EO, FR)
    # A Recorded event from before the field existed replays with none.
    del events[0].__dict__["identifiers"]
    assert replayed(events[:1]).identifiers == ()


def test_an_identifier_is_checked_against_its_scheme() -> None:
    assert identifiers_from([{"scheme": "executive-order", "value": 13925}, "Executive-Order:13925"]) == (EO,)
    assert parse_identifier("docket:N.D. Cal. No. 3:20-cv-03608").value == "N.D. Cal. No. 3:20-cv-03608"
    assert parse_identifier("federal-register-document:2020-12030").text == "FR Doc. 2020-12030"
    for bad, problem in [
        ("federal-register-document:85 FR 34079", "year-number"),
        ("executive-order:13925a", "in digits"),
        ("federal-register:85 F.R. 34079", "volume FR page"),
        ("ordinance:12", "unknown scheme 'ordinance'"),
    ]:
        with pytest.raises(InvalidField, match=problem):
            parse_identifier(bad)
    with pytest.raises(InvalidField, match="unknown key 'label'"):
        identifiers_from([{"scheme": "bill", "value": "H.R. 1", "label": "Bill"}])


# Sources ---------------------------------------------------------------------------------------------------


def test_sources_are_added_and_withdrawn_one_event_each() -> None:
    entry = recorded()
    entry.collect_events()
    entry.add_source(PAPER, editor="Bob", reason="a second account")
    assert [s.title for s in entry.sources] == ["Trump signs order", "The order in print"]
    assert entry.source_named("2") == PAPER
    assert entry.source_named(" https://example.com/order ").title == "Trump signs order"
    entry.withdraw_source(entry.source_named("1"), editor="Carol", reason="the wire report was wrong")
    assert entry.sources == (PAPER,)
    assert entry.revision == 3
    assert recorded_events(entry) == [
        ("SourceAdded", 2, "Bob", "a second account"),
        ("SourceWithdrawn", 3, "Carol", "the wire report was wrong"),
    ]


@pytest.mark.parametrize(
    "duplicate",
    [
        Source(title="Another title", url="https://example.com/order"),  # the same URL
        Source(title="The order in print", publisher="Daily Paper", date=PartialDate("2020-05-29")),
    ],
    ids=["same-url", "same-publisher-title-and-date"],
)
def test_a_source_already_cited_is_refused(duplicate: Source) -> None:
    entry = recorded(sources=(WIRE, PAPER))
    with pytest.raises(InvalidChange, match="already cites this source"):
        entry.add_source(duplicate, editor="Bob", reason="r")
    assert len(entry.sources) == 2


def test_the_same_document_is_told_by_url_or_else_by_publisher_title_and_date() -> None:
    assert WIRE.same_document(Source(title="Other", url=WIRE.url))
    assert not WIRE.same_document(Source(title=WIRE.title, publisher=WIRE.publisher))
    assert PAPER.same_document(Source(title=PAPER.title, publisher=PAPER.publisher, date=PAPER.date, note="p. 3"))
    assert not PAPER.same_document(Source(title=PAPER.title, publisher=PAPER.publisher, date=PartialDate("2020")))


def test_withdrawing_the_last_source_or_one_not_cited_is_refused() -> None:
    entry = recorded()
    with pytest.raises(InvalidChange, match="must keep at least one source"):
        entry.withdraw_source(entry.sources[0], editor="Bob", reason="r")
    with pytest.raises(InvalidChange, match="does not cite this source"):
        entry.withdraw_source(PAPER, editor="Bob", reason="r")
    assert (len(entry.sources), entry.revision) == (1, 1)


@pytest.mark.parametrize(
    "which,problem",
    [
        ("0", "has only source 1, not 0"),
        ("2", "has only source 1, not 2"),
        ("https://example.com/other", "cites no source with URL 'https://example.com/other'"),
        ("", "cites no source with URL ''"),
    ],
)
def test_a_source_named_wrongly_is_refused_naming_the_source_field(which: str, problem: str) -> None:
    with pytest.raises(InvalidField) as refused:
        recorded().source_named(which)
    assert refused.value.field == "source"
    assert problem in refused.value.problem


# Links -----------------------------------------------------------------------------------------------------


def test_links_are_made_and_unmade() -> None:
    entry = recorded()
    entry.collect_events()
    responds = Relation(RelationType.RESPONDS_TO, LABELS_ID)
    related = Relation(RelationType.RELATED, LABELS_ID)
    entry.link(responds, editor="Bob", reason="the order answers the labels")
    entry.link(related, editor="Bob", reason="same question")
    assert entry.relations == (responds, related)
    entry.unlink(responds, editor="Carol", reason="not a response after all")
    assert entry.relations == (related,)
    assert recorded_events(entry) == [
        ("Linked", 2, "Bob", "the order answers the labels"),
        ("Linked", 3, "Bob", "same question"),
        ("Unlinked", 4, "Carol", "not a response after all"),
    ]


def test_a_link_to_itself_twice_or_missing_is_refused() -> None:
    entry = recorded()
    with pytest.raises(InvalidChange, match="cannot be linked to itself"):
        entry.link(Relation(RelationType.FOLLOWS, ORDER_ID), editor="Bob", reason="r")
    entry.link(Relation(RelationType.FOLLOWS, LABELS_ID), editor="Bob", reason="r")
    with pytest.raises(InvalidChange, match="already has this link"):
        entry.link(Relation(RelationType.FOLLOWS, LABELS_ID), editor="Bob", reason="r")
    with pytest.raises(InvalidChange, match="has no such link"):
        entry.unlink(Relation(RelationType.ENDS, LABELS_ID), editor="Bob", reason="r")
    assert (entry.relations, entry.revision) == ((Relation(RelationType.FOLLOWS, LABELS_ID),), 2)


@pytest.mark.parametrize(
    "text,relation,wording,inverse",
    [
        ("responds-to", RelationType.RESPONDS_TO, "responds to", "responded to by"),
        (" Part-Of ", RelationType.PART_OF, "part of", "includes"),
        ("supersedes", RelationType.SUPERSEDES, "supersedes", "superseded by"),
        ("related", RelationType.RELATED, "related to", "related to"),
    ],
)
def test_relations_are_read_from_text_and_worded_both_ways(
    text: str, relation: RelationType, wording: str, inverse: str
) -> None:
    assert relation_type(text) is relation
    assert (relation.wording, relation.inverse_wording) == (wording, inverse)


def test_an_unknown_relation_is_refused_with_the_accepted_ones() -> None:
    with pytest.raises(InvalidField) as refused:
        relation_type("answers")
    assert refused.value.field == "relation"
    assert refused.value.problem == (
        "'answers' is not a relation; accepted: responds-to, part-of, follows, supersedes, challenges, ends, related"
    )


# End of life -----------------------------------------------------------------------------------------------


def refusals(entry: PolicyEvent, other: PolicyEvent) -> list[str]:
    """The message of each change the entry refuses: it refuses them all once retracted or merged."""
    changes = [
        lambda: entry.correct({"title": "New"}, editor="Bob", reason="r"),
        lambda: entry.add_source(PAPER, editor="Bob", reason="r"),
        lambda: entry.withdraw_source(entry.sources[0], editor="Bob", reason="r"),
        lambda: entry.link(Relation(RelationType.RELATED, other.id), editor="Bob", reason="r"),
        lambda: entry.unlink(Relation(RelationType.RELATED, other.id), editor="Bob", reason="r"),
        lambda: entry.retract(editor="Bob", reason="r"),
        lambda: entry.merge_into(other, editor="Bob", reason="r"),
    ]
    messages = []
    for change in changes:
        with pytest.raises(InvalidChange) as refused:
            change()
        messages.append(str(refused.value))
    return messages


def test_a_retracted_entry_keeps_its_reason_and_refuses_every_change() -> None:
    entry = recorded()
    entry.collect_events()
    entry.retract(editor="Bob", reason="the order was never signed")
    assert (entry.retracted, entry.retraction_reason, entry.is_live) == (True, "the order was never signed", False)
    assert entry.ended_on == entry.modified_on
    assert recorded_events(entry) == [("Retracted", 2, "Bob", "the order was never signed")]
    other = recorded(LABELS_ID, title="Twitter labels two tweets")
    slug = "2020-05-28-executive-order-on-preventing-online-censorship"
    assert refusals(entry, other) == [f"entry {slug} is retracted; it can no longer be changed"] * 7
    assert (entry.revision, entry.collect_events()) == (2, [])


def test_a_merged_entry_points_at_the_other_and_refuses_every_change() -> None:
    duplicate = recorded(LABELS_ID, title="White House order on online censorship")
    order = recorded()
    duplicate.collect_events()
    duplicate.merge_into(order, editor="Bob", reason="the same order twice")
    assert (duplicate.merged_into, duplicate.is_live, duplicate.retracted) == (ORDER_ID, False, False)
    assert duplicate.ended_on == duplicate.modified_on
    assert recorded_events(duplicate) == [("Merged", 2, "Bob", "the same order twice")]
    slug = "2020-05-28-white-house-order-on-online-censorship"
    message = f"entry {slug} was merged into another entry; change that one instead"
    assert refusals(duplicate, order) == [message] * 7
    assert (order.is_live, order.revision) == (True, 1)


def test_an_entry_is_merged_only_into_another_live_entry() -> None:
    order = recorded()
    with pytest.raises(InvalidChange, match="cannot be merged into itself"):
        order.merge_into(order, editor="Bob", reason="r")
    gone = recorded(LABELS_ID, title="Twitter labels two tweets")
    gone.retract(editor="Bob", reason="wrong")
    with pytest.raises(InvalidChange, match=f"entry {gone.slug} is retracted or merged; merge into a live entry"):
        order.merge_into(gone, editor="Bob", reason="r")
    merged = recorded(UUID(int=7), title="A third report of the order")
    merged.merge_into(order, editor="Bob", reason="same order")
    duplicate = recorded(UUID(int=8), title="A fourth report of the order")
    with pytest.raises(InvalidChange, match=f"entry {merged.slug} is retracted or merged; merge into a live entry"):
        duplicate.merge_into(merged, editor="Bob", reason="r")
    assert (order.is_live, order.revision, duplicate.is_live, duplicate.revision) == (True, 1, True, 1)


# Revision from a whole new state (an edited events/ file) --------------------------------------------------


def test_revise_brings_the_entry_to_the_given_state_with_the_usual_events() -> None:
    responds = Relation(RelationType.RESPONDS_TO, LABELS_ID)
    related = Relation(RelationType.RELATED, LABELS_ID)
    entry = recorded(relations=(related,))
    entry.collect_events()
    edited_wire = replace(entry.sources[0], title="Trump signs the order")
    fields = {"title": "Order on online censorship", "kind": "executive-order"}
    assert entry.differences(fields, (edited_wire, PAPER), (responds,), retracted=True) == [
        "title",
        "sources",
        "relations",
        "retracted",
    ]
    entry.revise(fields, (edited_wire, PAPER), (responds,), "never signed", editor="Bob", reason="file edited")
    assert entry.title == "Order on online censorship"
    assert entry.sources == (edited_wire, PAPER)
    assert entry.relations == (responds,)
    assert entry.retraction_reason == "never signed"
    # The source edited in place (same position, same document) is corrected, never withdrawn;
    # the new one is added.
    assert recorded_events(entry) == [
        ("Corrected", 2, "Bob", "file edited"),
        ("SourceCorrected", 3, "Bob", "file edited"),
        ("SourceAdded", 4, "Bob", "file edited"),
        ("Unlinked", 5, "Bob", "file edited"),
        ("Linked", 6, "Bob", "file edited"),
        ("Retracted", 7, "Bob", "never signed"),
    ]


def test_revise_withdraws_a_source_the_file_drops_and_corrects_one_it_edits() -> None:
    entry = recorded()
    entry.add_source(PAPER, editor="Bob", reason="second account")
    entry.collect_events()
    wire = entry.sources[0]
    moved = replace(PAPER, archived_url="https://web.archive.org/web/2020/paper")
    # The paper kept (now first, with an archived copy), the wire dropped.
    entry.revise(
        {name: getattr(entry, name) for name in CORRECTABLE}, (moved,), (), None, editor="Bob", reason="edited"
    )
    assert entry.sources == (moved,)
    assert [name for name, *_ in recorded_events(entry)] == ["SourceCorrected", "SourceWithdrawn"]
    assert wire not in entry.sources


def test_revise_unretracts_an_entry_the_file_no_longer_retracts() -> None:
    entry = recorded()
    entry.retract(editor="Bob", reason="by mistake")
    entry.collect_events()
    entry.revise(
        {name: getattr(entry, name) for name in CORRECTABLE}, entry.sources, (), None, editor="Bob", reason="undo"
    )
    assert (entry.retracted, entry.is_live) == (False, True)
    assert recorded_events(entry) == [("Unretracted", 3, "Bob", "undo")]


def test_revise_to_the_same_state_records_nothing() -> None:
    entry = recorded(relations=(Relation(RelationType.RELATED, LABELS_ID),))
    entry.collect_events()
    fields = {name: getattr(entry, name) for name in CORRECTABLE}
    assert entry.differences(fields, entry.sources, entry.relations, retracted=False) == []
    entry.revise(fields, entry.sources, entry.relations, None, editor="Bob", reason="unchanged file")
    assert (entry.revision, entry.collect_events()) == (1, [])


def test_a_source_written_without_its_access_date_is_the_same_source() -> None:
    entry = recorded()
    assert entry.sources[0].accessed == TODAY
    entry.collect_events()
    entry.revise({}, (WIRE,), (), None, editor="Bob", reason="file without the access date")
    assert (len(entry.sources), entry.revision) == (1, 1)


# Replay ----------------------------------------------------------------------------------------------------


def test_the_recorded_events_rebuild_the_same_entry() -> None:
    entry = recorded()
    entry.correct({"summary": "Shorter."}, editor="Bob", reason="clarity")
    entry.add_source(PAPER, editor="Bob", reason="print")
    entry.link(Relation(RelationType.CHALLENGES, LABELS_ID), editor="Carol", reason="it answers them")
    entry.withdraw_source(entry.sources[0], editor="Carol", reason="wire was wrong")
    entry.retract(editor="Dan", reason="never signed")
    events = list(entry.collect_events())
    assert [e.originator_version for e in events] == [1, 2, 3, 4, 5, 6]
    assert state(replayed(events)) == state(entry)
    assert state(replayed(events))["revision"] == 6


# Bundles and reservations ----------------------------------------------------------------------------------


def test_a_bundle_pins_revisions_and_keeps_them() -> None:
    bundle = Bundle(name="smith-2026", title="Smith (2026)", pins=(Pin(ORDER_ID, 3),), editor="Alice", reason="paper")
    assert Bundle.create_id("smith-2026") == Bundle.create_id("smith-2026") != Bundle.create_id("smith-2027")
    bundle.add((Pin(ORDER_ID, 5), Pin(LABELS_ID, 2)), editor="Bob", reason="second draft")
    assert bundle.pins == (Pin(ORDER_ID, 3), Pin(LABELS_ID, 2))  # the order stays pinned at revision 3
    bundle.remove((ORDER_ID,), editor="Carol", reason="not cited after all")
    assert bundle.pins == (Pin(LABELS_ID, 2),)
    assert recorded_events(bundle) == [
        ("Started", 1, "Alice", "paper"),
        ("EntriesAdded", 2, "Bob", "second draft"),
        ("EntriesRemoved", 3, "Carol", "not cited after all"),
    ]


@pytest.mark.parametrize(
    "change,problem",
    [
        (lambda b: b.add((Pin(ORDER_ID, 9),), editor="B", reason="r"), "bundle b already holds these entries"),
        (lambda b: b.remove((LABELS_ID,), editor="B", reason="r"), "bundle b does not hold 1 of these entries"),
        (lambda b: b.remove((ORDER_ID,), editor="B", reason="r"), "bundle b would be empty"),
    ],
    ids=["add-again", "remove-missing", "remove-last"],
)
def test_a_bundle_refuses_changes_that_change_nothing_or_empty_it(change: Any, problem: str) -> None:
    bundle = Bundle(name="b", title="B", pins=(Pin(ORDER_ID, 1),), editor="Alice", reason="r")
    with pytest.raises(InvalidChange, match=problem):
        change(bundle)
    assert (bundle.pins, bundle.version) == ((Pin(ORDER_ID, 1),), 1)


def test_a_reservation_id_is_derived_from_its_namespace_and_name() -> None:
    slug_id = Reservation.create_id("slug", "2020-05-28-order")
    assert slug_id == Reservation.create_id("slug", "2020-05-28-order")
    assert slug_id != Reservation.create_id("short_id", "2020-05-28-order")
    reservation = Reservation(namespace="slug", name="2020-05-28-order", entry_id=ORDER_ID)
    assert (reservation.namespace, reservation.name, reservation.entry_id, reservation.version) == (
        "slug",
        "2020-05-28-order",
        ORDER_ID,
        1,
    )


# Actor profiles ------------------------------------------------------------------------------------------


def test_an_actor_profile_is_one_per_actor_and_records_each_new_type() -> None:
    assert ActorProfile.create_id("twitter") == ActorProfile.create_id("twitter") != ActorProfile.create_id("x")
    profile = ActorProfile(key="twitter", name="Twitter", actor_type="organization", editor="Alice", reason="a firm")
    profile.type_as("government", editor="Bob", reason="nationalised, in this story")
    assert profile.actor_type == "government"
    events = list(profile.collect_events())
    assert [(type(e).__name__, e.originator_version, e.editor, e.reason) for e in events] == [
        ("Started", 1, "Alice", "a firm"),
        ("Typed", 2, "Bob", "nationalised, in this story"),
    ]
    assert [type(e).TOPIC for e in events] == ["timeline:Actor.Started", "timeline:Actor.Typed"]
    again = replayed(events)
    assert (again.key, again.name, again.actor_type, again.version) == ("twitter", "Twitter", "government", 2)


def test_an_actor_profile_refuses_the_type_it_has_and_unknown_types() -> None:
    profile = ActorProfile(key="x", name="X", actor_type="person", editor="Alice", reason="")
    with pytest.raises(InvalidChange, match="actor X is already typed person: nothing to change"):
        profile.type_as("person", editor="Bob", reason="")
    with pytest.raises(InvalidField, match="'company' is not accepted; use one of: person, organization, government"):
        profile.type_as("company", editor="Bob", reason="")
    with pytest.raises(InvalidField):
        ActorProfile(key="y", name="Y", actor_type="thing", editor="Alice", reason="")
    assert (profile.actor_type, profile.version) == ("person", 1)


def test_a_deleted_bundle_keeps_its_pins_and_is_never_changed_again() -> None:
    bundle = Bundle(name="b", title="B", pins=(Pin(ORDER_ID, 1),), editor="Alice", reason="r")
    assert (bundle.deleted, bundle.deleted_on, bundle.deletion_reason) == (False, None, "")
    bundle.delete(editor="Bob", reason="the paper was withdrawn")
    events = bundle.collect_events()
    assert [(type(e).__name__, get_topic(type(e)), e.originator_version, e.editor, e.reason) for e in events] == [
        ("Started", "timeline:Bundle.Started", 1, "Alice", "r"),
        ("Deleted", "timeline:Bundle.Deleted", 2, "Bob", "the paper was withdrawn"),
    ]
    assert bundle.deleted_on == bundle.modified_on == events[-1].timestamp
    assert (bundle.pins, bundle.deletion_reason) == ((Pin(ORDER_ID, 1),), "the paper was withdrawn")
    again = replayed(events)
    shown = ("deleted_on", "deletion_reason", "pins")
    assert [getattr(again, name) for name in shown] == [getattr(bundle, name) for name in shown]

    refusal = f"bundle b was deleted on {bundle.deleted_on:%Y-%m-%d} \\(the paper was withdrawn\\); a deleted bundle"
    for change in (
        lambda: bundle.add((Pin(LABELS_ID, 1),), editor="C", reason="r"),
        lambda: bundle.remove((ORDER_ID,), editor="C", reason="r"),
        lambda: bundle.delete(editor="C", reason="again"),
    ):
        with pytest.raises(InvalidChange, match=refusal):
            change()
    assert (bundle.version, bundle.collect_events()) == (2, [])
