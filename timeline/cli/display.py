"""Text for people: how an entry, a list and a history look at a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

from timeline.app.history import Revision
from timeline.domain.model import PolicyEvent, Source


def source_lines(number: int, source: Source) -> list[str]:
    head = ", ".join(p for p in (source.publisher, f"“{source.title}”", str(source.date or "")) if p)
    lines = [f"  [{number}] {head}"]
    if source.authors:
        lines.append(f"      by {', '.join(source.authors)}")
    if source.url:
        lines.append(f"      {source.url}")
    if source.archived_url:
        lines.append(f"      archived: {source.archived_url}")
    if source.quote:
        by = f" — {source.quote_by}" if source.quote_by else ""
        lines.append(f"      “{source.quote}”{by}")
    if source.note:
        lines.append(f"      note: {source.note}")
    if source.accessed:
        lines.append(f"      accessed {source.accessed.isoformat()}")
    return lines


def entry_text(entry: PolicyEvent, slug_of: Callable[[UUID], str]) -> str:
    lines = [entry.title, f"{entry.date.display()} · {entry.kind}"]
    if entry.identifiers:
        lines.append(" · ".join(identifier.text for identifier in entry.identifiers))
    if entry.retracted:
        lines.append(f"RETRACTED on {entry.modified_on:%Y-%m-%d}: {entry.retraction_reason}")
    if entry.merged_into is not None:
        lines.append(f"MERGED into {slug_of(entry.merged_into)} on {entry.modified_on:%Y-%m-%d}")
    lines.append(f"slug {entry.slug} · short id {entry.short_id} · revision {entry.revision}")
    if entry.actors:
        lines.append("actors: " + "; ".join(f"{a.name} ({a.role})" if a.role else a.name for a in entry.actors))
    for label, values in (
        ("platforms", entry.platforms),
        ("topics", entry.topics),
        ("jurisdictions", entry.jurisdictions),
    ):
        if values:
            lines.append(f"{label}: {', '.join(values)}")
    if entry.summary:
        lines += ["", entry.summary, ""]
    lines.append("sources:")
    for number, source in enumerate(entry.sources, 1):
        lines += source_lines(number, source)
    if entry.relations:
        lines.append("relations:")
        lines += [f"  {r.type.wording} {slug_of(r.target)}" for r in entry.relations]
    return "\n".join(lines)


SHORT_ID_WIDTH = 8  # the archive's own short ids; one given in a file may be longer


def list_line(entry: PolicyEvent, short_id_width: int = SHORT_ID_WIDTH) -> str:
    """One entry in `timeline list`: its date, short id, kind, slug and title, in columns."""
    state = "" if entry.is_live else (" [retracted]" if entry.retracted else " [merged]")
    return f"{entry.date!s:<22} {entry.short_id:<{short_id_width}}  {entry.kind:<16} {entry.slug}  {entry.title}{state}"


def revision_text(revision: Revision, *, with_slug: bool = False) -> str:
    where = f"{revision.slug} " if with_slug else ""
    head = (
        f"{where}v{revision.number}  {revision.timestamp:%Y-%m-%d %H:%M:%S} UTC  {revision.change} by {revision.editor}"
    )
    lines = [head]
    if revision.reason:
        lines.append(f"    reason: {revision.reason}")
    lines += [f"    {detail}" for detail in revision.details]
    return "\n".join(lines)


def revisions_text(revisions: Iterable[Revision], *, with_slug: bool = False) -> str:
    return "\n".join(revision_text(r, with_slug=with_slug) for r in revisions)
