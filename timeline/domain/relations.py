"""How entries relate to each other: typed links, read from the entry that holds them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from timeline.domain.dates import PartialDate


class RelationType(StrEnum):
    """How one entry relates to another, read from the entry that holds the link."""

    RESPONDS_TO = "responds-to"
    PART_OF = "part-of"
    FOLLOWS = "follows"
    SUPERSEDES = "supersedes"
    CHALLENGES = "challenges"
    ENDS = "ends"
    RELATED = "related"

    @property
    def wording(self) -> str:
        return _WORDING[self][0]

    @property
    def inverse_wording(self) -> str:
        """How the link reads from the other end ('responded to by')."""
        return _WORDING[self][1]


_WORDING = {
    RelationType.RESPONDS_TO: ("responds to", "responded to by"),
    RelationType.PART_OF: ("part of", "includes"),
    RelationType.FOLLOWS: ("follows", "followed by"),
    RelationType.SUPERSEDES: ("supersedes", "superseded by"),
    RelationType.CHALLENGES: ("challenges", "challenged by"),
    RelationType.ENDS: ("ends", "ended by"),
    RelationType.RELATED: ("related to", "related to"),
}


@dataclass(frozen=True)
class Relation:
    type: RelationType
    target: UUID


# Relations that say the entry came after its target: a response, a sequel, an end, a replacement.
ORDERED = frozenset({RelationType.RESPONDS_TO, RelationType.FOLLOWS, RelationType.ENDS, RelationType.SUPERSEDES})


def out_of_order(kind: RelationType, entry_date: PartialDate, target_date: PartialDate) -> bool:
    """Whether an entry dated ``entry_date`` certainly comes before the target it would respond to,
    follow, end or supersede: even its latest possible day is before the target's earliest
    (so approximate and ranged dates are never refused on a guess)."""
    return kind in ORDERED and entry_date.end < target_date.start


def out_of_order_problem(
    kind: RelationType, entry: str, entry_date: PartialDate, target: str, target_date: PartialDate
) -> str:
    """The line that says why a link reads backwards in time."""
    return (
        f"{entry} ({entry_date.display()}) cannot {_VERBS[kind]} {target}, which comes later "
        f"({target_date.display()}); link the later entry to the earlier one "
        f"(timeline link {target} {kind.value} {entry}), or pass --allow-out-of-order if both dates are right"
    )


def inverse_problem(kind: RelationType, entry: str, target: str) -> str:
    """The line that says a link already joins the same two entries the other way."""
    return (
        f"the link already exists the other way ({target} {kind.wording} {entry}), so {entry} cannot also "
        f"{_VERBS[kind]} {target}; to reverse it, unlink it first (timeline unlink {target} {kind.value} {entry})"
    )


_VERBS = {
    RelationType.RESPONDS_TO: "respond to",
    RelationType.PART_OF: "be part of",
    RelationType.FOLLOWS: "follow",
    RelationType.SUPERSEDES: "supersede",
    RelationType.CHALLENGES: "challenge",
    RelationType.ENDS: "end",
    RelationType.RELATED: "be related to",
}
