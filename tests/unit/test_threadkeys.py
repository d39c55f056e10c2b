"""Which address each thread keeps or gets when threads grow, merge, split and end: the rule is a
function of the threads before and the stories after, so every build of one history agrees."""

from __future__ import annotations

from timeline.site.threadkeys import Member, OldThread, assign


def member(slug: str, day: str = "2020-05-28", rank: int = 0) -> Member:
    return Member(day, rank, slug, f"id-{slug}")


def thread(key: str, since: int, *slugs: str) -> OldThread:
    return OldThread(key, f"id-{key}", since, frozenset(f"id-{s}" for s in slugs))


def nobody_holds(key: str) -> bool:
    return False


def test_a_new_story_takes_the_slug_of_its_earliest_entry_in_date_and_day_order() -> None:
    story = sorted([member("b-order", rank=1), member("z-label", rank=0), member("a-later", "2020-06-01")])
    outcome = assign([story], [], nobody_holds)
    assert outcome.keys == ["z-label"]
    assert outcome.anchors == {"z-label": "id-z-label"}


def test_a_growing_thread_keeps_its_key_even_when_an_earlier_entry_joins() -> None:
    story = sorted([member("earlier", "2019-01-01"), member("first"), member("second")])
    outcome = assign([story], [thread("first", 10, "first", "second")], nobody_holds)
    assert (outcome.keys, outcome.merged, outcome.ended) == (["first"], {}, [])


def test_merged_threads_keep_the_key_given_first_and_the_other_leads_to_it() -> None:
    story = sorted([member("a"), member("b"), member("c"), member("d")])
    old = [thread("c", 30, "c", "d"), thread("a", 40, "a", "b")]
    outcome = assign([story], old, nobody_holds)
    assert outcome.keys == ["c"]
    assert outcome.merged == {"a": "c"}


def test_a_split_leaves_the_key_with_the_part_holding_its_entry_and_gives_the_other_its_own() -> None:
    # "c" was merged into "a" before; undoing the link gives "c" back to its part.
    parts = [sorted([member("a"), member("b")]), sorted([member("c"), member("d"), member("e")])]
    outcome = assign(parts, [thread("a", 10, "a", "b", "c", "d", "e")], nobody_holds)
    assert outcome.keys == ["a", "c"]
    assert (outcome.merged, outcome.ended) == ({}, [])


def test_without_its_entry_the_largest_part_keeps_the_key() -> None:
    parts = [sorted([member("b"), member("c")]), sorted([member("d"), member("e"), member("f")])]
    outcome = assign(parts, [thread("a", 10, "b", "c", "d", "e", "f")], nobody_holds)
    assert outcome.keys == ["b", "a"]


def test_a_thread_left_with_one_entry_ends() -> None:
    outcome = assign([], [thread("a", 10, "a", "b")], nobody_holds)
    assert (outcome.keys, outcome.ended) == ([], ["a"])


def test_a_key_held_by_another_live_thread_is_never_taken() -> None:
    story = sorted([member("a"), member("b")])
    assert assign([story], [], lambda key: key == "a").keys == ["b"]
    assert assign([story], [], lambda key: key in {"a", "b", "a--2"}).keys == ["a--3"]
