"""Which key (and so which address, threads/<key>/) each thread gets after a change: a function of
the threads before it and the stories after it, never of when or where the site is built, so an
incremental build, a full one and another clone's give every thread the same address.

A thread's key is the slug of its earliest entry when it first appeared, and it keeps it as it grows.
When threads merge, the merged thread keeps the key given first (the address cited longest) and
the others' pages lead to it. When a thread splits, the part holding the entry the key was made
from keeps it (else the largest part); every other part takes the slug of its earliest entry that no
live thread holds, which brings an address back to life when a merge is undone. A thread left with
fewer than two entries ends: its page stays, saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Member:
    """An entry of a story, ordered as listings order it (by start date, then causally within the
    day: see dayorder.py), which is how a thread picks its earliest."""

    date_start: str
    day_rank: int
    slug: str
    entry_id: str


@dataclass(frozen=True)
class OldThread:
    """A live thread before the change: its key, the entry its key was made from, when the key was given."""

    key: str
    anchor: str
    since: int
    members: frozenset[str]


@dataclass
class Outcome:
    keys: list[str]  # each story's key, in the order the stories were given
    anchors: dict[str, str] = field(default_factory=dict)  # key -> entry id, for keys given now
    merged: dict[str, str] = field(default_factory=dict)  # old key -> the key its page leads to
    ended: list[str] = field(default_factory=list)


def assign(stories: list[list[Member]], old: list[OldThread], live_elsewhere: Callable[[str], bool]) -> Outcome:
    """The key of each of STORIES (each sorted, two entries or more) now that the threads OLD were
    changed; ``live_elsewhere(key)`` says whether a live thread outside OLD holds KEY."""
    won: list[list[OldThread]] = [[] for _ in stories]
    outcome = Outcome(keys=[""] * len(stories))
    for thread in sorted(old, key=lambda t: (t.since, t.key)):
        heirs = [i for i, story in enumerate(stories) if any(m.entry_id in thread.members for m in story)]
        if not heirs:
            outcome.ended.append(thread.key)
            continue
        holding = [i for i in heirs if any(m.entry_id == thread.anchor for m in stories[i])]
        winner = holding[0] if holding else min(heirs, key=lambda i: (-len(stories[i]), stories[i][0]))
        won[winner].append(thread)
    taken: set[str] = set()
    for index, threads in enumerate(won):
        if threads:  # (already in order of when their keys were given)
            outcome.keys[index] = threads[0].key
            outcome.merged |= {t.key: threads[0].key for t in threads[1:]}
            taken.add(threads[0].key)
    for index in sorted((i for i, threads in enumerate(won) if not threads), key=lambda i: stories[i][0]):
        key, anchor = _fresh_key(stories[index], lambda k: k in taken or live_elsewhere(k))
        outcome.keys[index] = key
        outcome.anchors[key] = anchor
        taken.add(key)
    # A key merged away or ended now but given to a story in the same change is that story's.
    outcome.merged = {k: v for k, v in outcome.merged.items() if k not in taken}
    outcome.ended = [k for k in outcome.ended if k not in taken]
    return outcome


def _fresh_key(story: list[Member], held: Callable[[str], bool]) -> tuple[str, str]:
    """The slug of the story's earliest entry whose key no live thread holds, and that entry's id.
    (Should every slug be held, the first with a number: "--" never occurs in a slug.)"""
    for member in story:
        if not held(member.slug):
            return member.slug, member.entry_id
    number = 2
    while held(f"{story[0].slug}--{number}"):
        number += 1
    return f"{story[0].slug}--{number}", story[0].entry_id
