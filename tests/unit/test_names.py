"""The names, duplicate check and 'supersedes' cycle walk shared by add and import
(timeline/app/names.py), against a fake store."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from timeline.app.names import DuplicateCheck, Evidence, NameAllocator, address_key, in_cycle, likeness, reaches
from timeline.domain.dates import PartialDate
from timeline.domain.drafts import Draft, record_draft
from timeline.domain.model import Actor, PolicyEvent, Source
from timeline.domain.naming import base_slug, short_id_for
from timeline.errors import (
    DuplicateEntry,
    InvalidChange,
    InvalidField,
)
from unit.drafting import EDITOR, options

ENTRY_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
BASE = "2020-05-28-twitter-labels-a-tweet"
SALTED = short_id_for(uuid.uuid5(ENTRY_ID, "1"))  # the first salted short id of ENTRY_ID
OWN = short_id_for(ENTRY_ID)


class FakeStore:
    """Reservations as a set of (namespace, name); records what it was asked."""

    def __init__(self, held: set[tuple[str, str]]) -> None:
        self.held = held
        self.asked: list[tuple[str, str]] = []

    def reserved(self, namespace: str, name: str) -> bool:
        self.asked.append((namespace, name))
        return (namespace, name) in self.held


Outcome = str | tuple[type[Exception], str]

# (held in the store; slugs given earlier in the same batch; the slug the draft gives; the slug, or the error)
SLUGS: list[Any] = [
    pytest.param(set(), [], "", BASE, id="free: date and title"),
    pytest.param({("slug", BASE)}, [], "", f"{BASE}-2", id="taken in the store: numbered from 2"),
    pytest.param({("slug", BASE), ("slug", f"{BASE}-2")}, [], "", f"{BASE}-3", id="taken twice in the store"),
    pytest.param(set(), [""], "", f"{BASE}-2", id="taken earlier in the batch"),
    pytest.param({("slug", BASE)}, [""], "", f"{BASE}-3", id="taken in the store and then in the batch"),
    pytest.param({("short", BASE)}, [], "", BASE, id="a short id does not take a slug"),
    pytest.param(set(), [], "my-own-slug", "my-own-slug", id="given and free"),
    pytest.param({("slug", BASE)}, [], BASE, (InvalidChange, f"slug {BASE} is already taken"), id="given, taken"),
    pytest.param(set(), ["mine"], "mine", (InvalidChange, "slug mine is already taken"), id="given, taken in batch"),
    pytest.param(set(), [], "Not A Slug", (InvalidField, "'Not A Slug' is not a slug"), id="given, malformed"),
]


@pytest.mark.parametrize(("held", "earlier", "given", "outcome"), SLUGS)
def test_name_allocator_slug(held: set[tuple[str, str]], earlier: list[str], given: str, outcome: Outcome) -> None:
    allocator = NameAllocator(FakeStore(held).reserved)
    for slug in earlier:
        allocator.slug(Draft("Twitter labels a tweet", "label", PartialDate("2020-05-28"), slug=slug))
    new = Draft("Twitter labels a tweet", "label", PartialDate("2020-05-28"), slug=given)
    if isinstance(outcome, str):
        assert allocator.slug(new) == outcome
        assert outcome in allocator.given["slug"]
    else:
        with pytest.raises(outcome[0], match=outcome[1]):
            allocator.slug(new)


# (held in the store; short ids given earlier in the same batch, as (entry id, given); the short id given; the
# short id, or the error)
SHORT_IDS: list[Any] = [
    pytest.param(set(), [], "", OWN, id="free: from the entry's id"),
    pytest.param({("short", OWN)}, [], "", SALTED, id="taken in the store: salted, the same on a re-run"),
    pytest.param(set(), [(ENTRY_ID, "")], "", SALTED, id="taken earlier in the batch"),
    pytest.param({("slug", OWN)}, [], "", OWN, id="a slug does not take a short id"),
    pytest.param(set(), [], "given1", "given1", id="given and free"),
    pytest.param(
        {("short", "given1")}, [], "given1", (InvalidChange, "short id given1 is already taken"), id="given, taken"
    ),
    pytest.param(
        set(),
        [(uuid.uuid4(), "given1")],
        "given1",
        (InvalidChange, "short id given1 is already taken"),
        id="given, in batch",
    ),
]


@pytest.mark.parametrize(("held", "earlier", "given", "outcome"), SHORT_IDS)
def test_name_allocator_short_id(
    held: set[tuple[str, str]], earlier: list[tuple[uuid.UUID, str]], given: str, outcome: Outcome
) -> None:
    allocator = NameAllocator(FakeStore(held).reserved)
    for entry_id, earlier_given in earlier:
        allocator.short_id(entry_id, earlier_given)
    if isinstance(outcome, str):
        assert allocator.short_id(ENTRY_ID, given) == outcome
        assert outcome in allocator.given["short"]
    else:
        with pytest.raises(outcome[0], match=outcome[1]):
            allocator.short_id(ENTRY_ID, given)


def test_a_name_given_in_the_batch_is_refused_without_asking_the_store() -> None:
    store = FakeStore(set())
    allocator = NameAllocator(store.reserved)
    allocator.slug(Draft("A", "label", PartialDate("2020-05-28"), slug="taken-here"))
    store.asked.clear()
    with pytest.raises(InvalidChange):
        allocator.slug(Draft("B", "label", PartialDate("2020-05-28"), slug="taken-here"))
    assert store.asked == []


def entry(title: str, date: str = "2020-05-28", entry_id: uuid.UUID | None = None) -> PolicyEvent:
    """A live entry made by the domain alone, named as the application names it."""
    new = Draft(title, "suspension", PartialDate(date), sources=(Source(title="Wire"),))
    entry_id = entry_id or uuid.uuid4()
    return record_draft(
        new,
        entry_id=entry_id,
        short_id=short_id_for(entry_id),
        slug=base_slug(new.date, title),
        relations=(),
        options=options("first report"),
        today=dt.date(2024, 3, 1),
    )


def test_duplicate_check_refuses_a_near_identical_title_on_the_same_day_naming_the_verb() -> None:
    known = [entry("Twitter suspends 936 accounts")]
    read: list[int] = []

    def live() -> list[PolicyEvent]:
        read.append(1)
        return known

    check = DuplicateCheck(live, verb="import")
    message = (
        r"likely duplicate of 2020-05-28-twitter-suspends-936-accounts "
        r"\(2020-05-28, 'Twitter suspends 936 accounts'\): the same day, a near-identical title and no source "
        r"address to tell them apart; pass --allow-duplicate to import anyway"
    )
    with pytest.raises(DuplicateEntry, match=message):
        check.refuse(Draft("twitter suspends 936 accounts!", "suspension", PartialDate("2020-05-28")))
    with pytest.raises(DuplicateEntry, match="to record it anyway"):  # the default verb
        DuplicateCheck(lambda: known).refuse(Draft("Twitter suspends 936 account", "label", PartialDate("2020-05-28")))
    check.refuse(Draft("Twitter suspends 200 accounts", "suspension", PartialDate("2020-05-28")))  # other numbers
    check.refuse(Draft("Twitter suspends 936 accounts", "suspension", PartialDate("2020-05-29")))  # another day
    check.refuse(Draft("Facebook removes a network", "takedown", PartialDate("2020-05-28")))  # another title
    assert len(read) == 1  # the live entries are read once


def test_duplicate_check_ignores_entries_that_are_not_live_and_counts_planned_ones() -> None:
    retracted, merged, target = entry("A retracted takedown"), entry("A merged takedown"), entry("The takedown")
    retracted.retract(editor=EDITOR, reason="never happened")
    merged.merge_into(target, editor=EDITOR, reason="the same")
    check = DuplicateCheck(lambda: [retracted, merged], verb="import")
    check.refuse(Draft("A retracted takedown", "takedown", PartialDate("2020-05-28")))
    check.refuse(Draft("A merged takedown", "takedown", PartialDate("2020-05-28")))

    check.planned(Draft("A new takedown", "takedown", PartialDate("2020-05-28~")), "2020-05-28-a-new-takedown")
    with pytest.raises(DuplicateEntry, match=r"likely duplicate of 2020-05-28-a-new-takedown \(2020-05-28~, "):
        check.refuse(Draft("A new takedown.", "takedown", PartialDate("2020-05-28")))


def evidence(
    title: str, kind: str = "policy-change", platforms: str = "", actors: str = "", urls: str = ""
) -> Evidence:
    """An entry's evidence from short notes: names and addresses separated by spaces; an actor is
    an author unless a role follows its name (``Twitter:subject``)."""
    draft = Draft(
        title,
        kind,
        PartialDate("2021-01-05"),
        actors=tuple(Actor(*(name.split(":") if ":" in name else (name, "author"))) for name in actors.split()),
        platforms=tuple(platforms.split()),
        sources=tuple(Source(title="Report", url=url) for url in urls.split()) or (Source(title="Report"),),
    )
    return Evidence.of(draft, "2021-01-05-existing")


TOS = "Updates its terms of service"
LIKENESS: list[Any] = [
    # (new, existing on the same day, why it looks the same or None)
    pytest.param(
        evidence(TOS, platforms="Twitch", urls="https://a.example/tos-1"),
        evidence(TOS, platforms="Twitch", urls="https://a.example/tos-2"),
        None,
        id="one-document-changed-twice-at-two-addresses",
    ),
    pytest.param(
        evidence("Twitch updates its terms", platforms="Twitch"),
        evidence("TikTok updates its terms", platforms="TikTok"),
        None,
        id="similar-platform-names-differ",
    ),
    pytest.param(
        evidence(TOS, platforms="X", urls="https://x.example/tos"),
        evidence(TOS, platforms="Quora", urls="https://x.example/tos"),
        None,
        id="other-platforms-even-citing-one-article",
    ),
    pytest.param(
        evidence(TOS, actors="Twitter"),
        evidence(TOS, actors="Facebook"),
        None,
        id="other-actors",
    ),
    pytest.param(
        evidence("Twitter labels a tweet", "label", urls="https://news.example/a"),
        evidence("Trump tweets about ballots", "statement", urls="https://news.example/a"),
        None,
        id="one-article-reports-two-kinds-of-event",
    ),
    pytest.param(
        evidence(
            "Dorsey defends the labels", "statement", "Twitter", "Dorsey Twitter:subject", "https://news.example/a"
        ),
        evidence(
            "Zuckerberg criticises the labels",
            "statement",
            "Twitter",
            "Zuckerberg Twitter:subject",
            "https://news.example/a",
        ),
        None,
        id="one-article-reports-two-people-speaking",
    ),
    pytest.param(
        evidence(
            "Dorsey defends the labels", "statement", "Twitter", "Dorsey Twitter:subject", "https://news.example/a"
        ),
        evidence("Dorsey stands by the labels", "statement", "Twitter", "Dorsey", "https://news.example/a"),
        "the same day, the same source address (news.example/a), the same platform and the same actor",
        id="one-person-speaking-recorded-twice",
    ),
    pytest.param(
        evidence(TOS, platforms="Twitter"),
        evidence(TOS + ".", platforms="Twitter"),
        "the same day, a near-identical title, the same platform and no source address to tell them apart",
        id="same-title-same-platform-nothing-else",
    ),
    pytest.param(
        evidence(TOS, platforms="Twitter", urls="https://twitter.example/tos"),
        evidence(TOS, platforms="Twitter"),
        "the same day, a near-identical title, the same platform and no source address to tell them apart",
        id="one-side-cites-no-address",
    ),
    pytest.param(
        evidence("Twitter revises the rules it applies to posts", platforms="Twitter", urls="http://www.tw.example/r/"),
        evidence(TOS, platforms="Twitter", urls="https://tw.example/r#changes"),
        "the same day, the same source address (tw.example/r) and the same platform",
        id="retitled-but-the-same-address",
    ),
    pytest.param(
        evidence(TOS, urls="https://tw.example/r?utm_source=feed"),
        evidence(TOS + "!", urls="https://tw.example/r"),
        "the same day, the same source address (tw.example/r) and a near-identical title",
        id="same-address-and-title",
    ),
]


@pytest.mark.parametrize(("new", "old", "why"), LIKENESS)
def test_likely_duplicates_are_judged_by_their_evidence(new: Evidence, old: Evidence, why: str | None) -> None:
    assert likeness(new, old) == why


def test_source_addresses_compare_as_documents() -> None:
    same = ["https://www.Example.org/tos/", "http://example.org/tos#top", "https://example.org/tos?utm_medium=x"]
    assert {address_key(url) for url in same} == {"example.org/tos"}
    assert address_key("https://example.org/tos?v=2") != address_key("https://example.org/tos?v=3")
    assert address_key("https://example.org:8443/tos") != address_key("https://example.org/tos")


A, B, C, D = (uuid.UUID(int=n) for n in range(1, 5))
GRAPHS: list[Any] = [
    # (edges; start; goal; reaches; start in a cycle)
    pytest.param({}, A, A, True, False, id="a node reaches itself, but is in no cycle alone"),
    pytest.param({A: [B], B: [C]}, A, C, True, False, id="a chain, forwards"),
    pytest.param({A: [B], B: [C]}, C, A, False, False, id="a chain, backwards"),
    pytest.param({A: [B, C], C: [D]}, A, D, True, False, id="through a second branch"),
    pytest.param({A: [B], B: [C], C: [A]}, A, C, True, True, id="a cycle of three"),
    pytest.param({A: [A]}, A, B, False, True, id="a node superseding itself"),
    pytest.param({D: [A], A: [B], B: [A]}, D, C, False, False, id="leads into a cycle it is not in, and stops"),
]


@pytest.mark.parametrize(("edges", "start", "goal", "reached", "cycle"), GRAPHS)
def test_reaches_and_in_cycle(
    edges: dict[uuid.UUID, list[uuid.UUID]], start: uuid.UUID, goal: uuid.UUID, reached: bool, cycle: bool
) -> None:
    def successors(node: uuid.UUID) -> list[uuid.UUID]:
        return edges.get(node, [])

    assert reaches(start, goal, successors) is reached
    assert in_cycle(start, successors) is cycle
