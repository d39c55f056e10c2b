"""The archive's linter: what in the live entries needs an editor's attention.

Each check is a pure function from the live entries to findings, registered in
``CHECKS`` under the name ``timeline check --check NAME`` uses. Nothing here writes.
Severities: an *error* is something the archive states that is wrong (a weekday the
calendar contradicts); a *warning* puts a citation at risk or splits a facet (a link
that will rot or hides where it leads, one actor under two spellings); a *notice* is
worth a look but often right as it is (a print source, an entry with no relations, a
topic only one entry uses).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from timeline.domain.model import PolicyEvent
from timeline.errors import InvalidField


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """One thing to look at: which check found it, in which entries, and what to do."""

    severity: Severity
    check: str
    entries: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "check": self.check,
            "entries": list(self.entries),
            "message": self.message,
        }


# Services whose short links hide the address they lead to and die with the service. youtu.be
# is not one: it is YouTube's own short form of a video's address, kept as long as the video.
LINK_SHORTENERS = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "buff.ly",
        "dlvr.it",
        "fb.me",
        "goo.gl",
        "is.gd",
        "lnkd.in",
        "ow.ly",
        "t.co",
        "tinyurl.com",
        "trib.al",
        "tiny.cc",
        "shorturl.at",
        "rebrand.ly",
        "cutt.ly",
        "v.gd",
    }
)


def is_short_link(url: str) -> bool:
    """Whether ``url``'s host is a link shortener's (exactly, or with ``www.`` before it)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host in LINK_SHORTENERS or (host.startswith("www.") and host[4:] in LINK_SHORTENERS)


def check_source_urls(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A source without a URL (fine for print, a notice), or with one but no archived copy (a warning)."""
    for entry in entries:
        for number, source in enumerate(entry.sources, start=1):
            if not source.url:
                yield Finding(
                    Severity.NOTICE,
                    "sources",
                    (entry.slug,),
                    f"source {number} ({source.title!r}) has no URL; if it is online, add its url "
                    f"in events/{entry.slug}.md and run 'timeline sync'",
                )
            elif not source.archived_url:
                yield Finding(
                    Severity.WARNING,
                    "sources",
                    (entry.slug,),
                    f"source {number} ({source.url}) has no archived copy; save it in a web archive "
                    f"and add its archived_url in events/{entry.slug}.md, then run 'timeline sync'",
                )


def check_short_links(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A source URL at a link shortener: readers cannot see where it leads, and it dies with the service."""
    for entry in entries:
        for number, source in enumerate(entry.sources, start=1):
            for field, url in (("url", source.url), ("archived_url", source.archived_url)):
                if url and is_short_link(url):
                    yield Finding(
                        Severity.WARNING,
                        "short-links",
                        (entry.slug,),
                        f"source {number}'s {field} {url} is a short link; replace it with the address it "
                        f"leads to in events/{entry.slug}.md and run 'timeline sync'",
                    )


def check_unrelated(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """An entry that no relation reaches: it links to no entry and no live entry links to it."""
    linked = {relation.target for entry in entries for relation in entry.relations}
    for entry in entries:
        if not entry.relations and entry.id not in linked:
            yield Finding(
                Severity.NOTICE,
                "unrelated",
                (entry.slug,),
                "no relation links this entry to another; if it responds to, follows or is part of one, "
                f"add it with 'timeline link {entry.slug} RELATION TARGET'",
            )


def check_weekdays(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A weekday in the summary or a source's quotation that the calendar contradicts."""
    # Imported here, as in check_actor_spellings, to keep them out of every other command's start-up.
    from timeline.lint.weekdays import contradictions

    for entry in entries:
        date = entry.date
        exact_day = date.start if date.start == date.end and not date.is_approximate else None
        texts = [("the summary", entry.summary)]
        texts += [(f"source {n}'s quotation", s.quote) for n, s in enumerate(entry.sources, start=1) if s.quote]
        for where, text in texts:
            for found in contradictions(text, exact_day, date.start):
                day = f"{found.day.day} {found.day:%B %Y}"
                if found.dated:
                    yield Finding(
                        Severity.ERROR,
                        "weekdays",
                        (entry.slug,),
                        f"{where} says {found.phrase!r}, but {day} was a {found.actual}; "
                        "correct the weekday or the date",
                    )
                else:
                    yield Finding(
                        Severity.WARNING,
                        "weekdays",
                        (entry.slug,),
                        f"{where} says {found.said!r}, but the entry's date, {day}, was a {found.actual}; "
                        "correct the weekday or the entry's date, or say which day is meant",
                    )


def check_actor_spellings(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """One actor, probably, under two spellings: its facet page splits in two."""
    from timeline.lint.similarnames import near_duplicates

    users: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        for name in dict.fromkeys(actor.name for actor in entry.actors):
            users[name].append(entry.slug)
    for a, b in near_duplicates(users):
        # The spelling more entries use is the likelier one to keep.
        keep, other = sorted((a, b), key=lambda name: (-len(users[name]), name))
        yield Finding(
            Severity.WARNING,
            "actor-spellings",
            tuple(dict.fromkeys(users[other] + users[keep])),
            f"actor {other!r} (in {_listed(users[other])}) looks like {keep!r} (in {_listed(users[keep])}); "
            "if they are one, spell it one way with 'timeline correct ENTRY --actor NAME:ROLE ...'",
        )


def check_single_topics(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A topic only one entry uses: a new thread, or another spelling of an existing topic."""
    users = Counter(topic for entry in entries for topic in set(entry.topics))
    for entry in entries:
        for topic in entry.topics:
            if users[topic] == 1:
                yield Finding(
                    Severity.NOTICE,
                    "single-topics",
                    (entry.slug,),
                    f"topic {topic!r} is used by no other entry; if another topic means the same, "
                    f"use that one with 'timeline correct {entry.slug} --topic ...'",
                )


def _listed(slugs: list[str], most: int = 3) -> str:
    shown = ", ".join(slugs[:most])
    return shown if len(slugs) <= most else f"{shown} and {len(slugs) - most} more"


Check = Callable[[Sequence[PolicyEvent]], Iterable[Finding]]

CHECKS: dict[str, Check] = {
    "sources": check_source_urls,
    "short-links": check_short_links,
    "weekdays": check_weekdays,
    "actor-spellings": check_actor_spellings,
    "unrelated": check_unrelated,
    "single-topics": check_single_topics,
}


def run_checks(entries: Iterable[PolicyEvent], names: Iterable[str] = ()) -> list[Finding]:
    """The findings of the named checks (all of them if none is named) over the live entries,
    most severe first, then by entry."""
    chosen = list(dict.fromkeys(names)) or list(CHECKS)
    unknown = [name for name in chosen if name not in CHECKS]
    if unknown:
        raise InvalidField("check", f"no check named {unknown[0]!r}; the checks are {', '.join(CHECKS)}")
    live = [entry for entry in entries if entry.is_live]
    findings = [finding for name in chosen for finding in CHECKS[name](live)]
    return sorted(findings, key=lambda f: (f.severity.rank, f.entries, f.check, f.message))


def fails_strict(findings: Iterable[Finding]) -> bool:
    """Whether ``timeline check --strict`` fails: any finding of severity warning or above."""
    return any(f.severity.rank <= Severity.WARNING.rank for f in findings)
