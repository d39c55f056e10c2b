"""Relations that read wrongly: a response dated before what it responds to, and two entries
linked to each other with the same relation both ways (their pages then list each other under
"Responds to" and "Responded to by" at once). 'timeline link' refuses both; these checks find
the ones already in an archive (recorded before, imported, or written in events/ by hand)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from timeline.domain.model import PolicyEvent
from timeline.domain.relations import Relation, out_of_order
from timeline.lint.findings import Finding, Severity


def check_relation_order(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A response, sequel, end or replacement dated before the entry it links to."""
    by_id = {entry.id: entry for entry in entries}
    for entry in entries:
        for relation in entry.relations:
            target = by_id.get(relation.target)
            if target is not None and out_of_order(relation.type, entry.date, target.date):
                yield Finding(
                    Severity.NOTICE,
                    "relation-order",
                    (entry.slug, target.slug),
                    f"{entry.slug} ({entry.date.display()}) {relation.type.wording} {target.slug}, which comes "
                    f"later ({target.date.display()}); if a date is wrong, correct it; if the link reads the "
                    f"wrong way, unlink it (timeline unlink {entry.slug} {relation.type.value} {target.slug}) "
                    f"and link {target.slug} to {entry.slug}",
                )


def check_relation_inverse(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """Two entries each linking to the other with the same relation (reported once per pair)."""
    by_id = {entry.id: entry for entry in entries}
    for entry in entries:
        for relation in entry.relations:
            target = by_id.get(relation.target)
            if target is None or entry.slug > target.slug or Relation(relation.type, entry.id) not in target.relations:
                continue
            yield Finding(
                Severity.WARNING,
                "relation-inverse",
                (entry.slug, target.slug),
                f"{entry.slug} and {target.slug} each say they {relation.type.value.replace('-', ' ')} the other, "
                f"so each page lists the other as both '{relation.type.wording}' and "
                f"'{relation.type.inverse_wording}'; keep the link that reads the right way and unlink the "
                f"other (timeline unlink {target.slug} {relation.type.value} {entry.slug})",
            )
