"""Links between entries that make sense: to a live target, not already made the other way, in
no 'supersedes' cycle, and not reading backwards in time (a response dated before what it
responds to). Shared by 'timeline link', 'timeline add --link' and edited events/ files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from timeline.app.names import reaches
from timeline.domain.dates import PartialDate
from timeline.domain.model import PolicyEvent
from timeline.domain.relations import Relation, RelationType, inverse_problem, out_of_order, out_of_order_problem
from timeline.errors import InvalidChange


class Entries(Protocol):
    def get(self, ref: str | UUID) -> PolicyEvent: ...

    def slug_of(self, entry_id: UUID) -> str: ...


def relation_to(
    entries: Entries,
    entry_id: UUID,
    entry_slug: str,
    kind: RelationType,
    target: PolicyEvent,
    entry_date: PartialDate | None,
    allow_out_of_order: bool,
) -> Relation:
    """The relation KIND from an entry to TARGET, or the refusal saying why it makes no sense.
    ``entry_date`` (the linking entry's date) enables the check of order in time."""
    if target.id != entry_id:
        if target.merged_into is not None:
            raise InvalidChange(
                f"entry {target.slug} was merged into {entries.slug_of(target.merged_into)}; link to that one"
            )
        if target.retracted:
            raise InvalidChange(f"entry {target.slug} is retracted; relations to it are not allowed")
        if kind is RelationType.SUPERSEDES and reaches(target.id, entry_id, superseded_by(entries.get)):
            raise InvalidChange(
                f"{entry_slug} supersedes {target.slug} would make a cycle: "
                f"{target.slug} already supersedes {entry_slug}, directly or through others"
            )
        if Relation(kind, entry_id) in target.relations:
            raise InvalidChange(inverse_problem(kind, entry_slug, target.slug))
        if entry_date is not None and not allow_out_of_order and out_of_order(kind, entry_date, target.date):
            raise InvalidChange(out_of_order_problem(kind, entry_slug, entry_date, target.slug, target.date))
    return Relation(kind, target.id)


def superseded_by(get: Callable[[UUID], PolicyEvent]) -> Callable[[UUID], list[UUID]]:
    """The entries an entry supersedes (the next step of a 'supersedes' chain)."""
    return lambda entry_id: [r.target for r in get(entry_id).relations if r.type is RelationType.SUPERSEDES]
