"""The archive's linter: what in the live entries needs an editor's attention.

Each check is a pure function from the live entries to findings, registered in
``CHECKS`` under the name ``timeline check --check NAME`` uses. Nothing here writes.
Severities: an *error* is something the archive states that is wrong (a weekday the
calendar contradicts); a *warning* puts a citation at risk, splits a facet or leaves a
reader with nothing but a title (a link that will rot or hides where it leads, one actor
under two spellings, an entry without a summary); a *notice* is worth a look but often
right as it is (a print source, an undated source, an entry with no relations, a topic
only one entry uses). Findings alike share a group, so they can be told in one line
(see findings.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from timeline.domain.model import PolicyEvent
from timeline.errors import ConfigError, InvalidField
from timeline.files.archive import CONFIG_NAME, Archive
from timeline.lint.findings import Finding, Group, Severity, fails_strict
from timeline.lint.relationsense import check_relation_inverse, check_relation_order

__all__ = ["CHECKS", "Finding", "Severity", "fails_strict", "ignored_checks", "is_short_link", "run_checks"]

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


NO_ARCHIVED_COPY = Group(
    "sources have no archived copy",
    "save each in a web archive and add its archived_url in the entry's events/ file, then run 'timeline sync'",
)
NO_SOURCE_URL = Group(
    "sources have no URL", "if one is online, add its url in the entry's events/ file and run 'timeline sync'"
)
NO_SOURCE_DATE = Group(
    "sources have no date",
    "add each one's publication date in the entry's events/ file and run 'timeline sync', if it has one",
)
NO_SUMMARY = Group(
    "entries have no summary", "say in a few sentences what happened with 'timeline correct ENTRY --summary TEXT'"
)
SHORT_LINK = Group(
    "source addresses are short links",
    "replace each with the address it leads to in the entry's events/ file and run 'timeline sync'",
)
UNRELATED = Group(
    "entries are linked to no other entry",
    "if one responds to, follows or is part of another, add it with 'timeline link ENTRY RELATION TARGET'",
)


def check_archived_copies(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A source with a URL but no archived copy: the page may change or vanish."""
    for entry in entries:
        for number, source in enumerate(entry.sources, start=1):
            if source.url and not source.archived_url:
                yield Finding(
                    Severity.WARNING,
                    "no-archived-copy",
                    (entry.slug,),
                    f"source {number} ({source.url}) has no archived copy; save it in a web archive "
                    f"and add its archived_url in events/{entry.slug}.md, then run 'timeline sync'",
                    NO_ARCHIVED_COPY,
                )


def check_source_urls(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A source without a URL: right for print and offline sources, worth a look otherwise."""
    for entry in entries:
        for number, source in enumerate(entry.sources, start=1):
            if not source.url:
                yield Finding(
                    Severity.NOTICE,
                    "no-source-url",
                    (entry.slug,),
                    f"source {number} ({source.title!r}) has no URL; if it is online, add its url "
                    f"in events/{entry.slug}.md and run 'timeline sync'",
                    NO_SOURCE_URL,
                )


def check_source_dates(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """A source without a publication date: a reader cannot tell when it was said."""
    for entry in entries:
        for number, source in enumerate(entry.sources, start=1):
            if source.date is None:
                yield Finding(
                    Severity.NOTICE,
                    "no-source-date",
                    (entry.slug,),
                    f"source {number} ({source.title!r}) has no date; if it was published on a known day, "
                    f"add its date in events/{entry.slug}.md and run 'timeline sync'",
                    NO_SOURCE_DATE,
                )


def check_summaries(entries: Sequence[PolicyEvent]) -> Iterator[Finding]:
    """An entry without a summary: its page tells only its title."""
    for entry in entries:
        if not entry.summary.strip():
            yield Finding(
                Severity.WARNING,
                "no-summary",
                (entry.slug,),
                f"the entry has no summary; say in a few sentences what happened with "
                f"'timeline correct {entry.slug} --summary TEXT --reason TEXT'",
                NO_SUMMARY,
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
                        SHORT_LINK,
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
                UNRELATED,
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
            f"if they are one, spell it one way in each entry with 'timeline correct ENTRY --remove-actor {other!r} "
            f"--add-actor {keep + ':ROLE'!r}'",
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
                    f"use that one with 'timeline correct {entry.slug} --remove-topic {topic!r} --add-topic TOPIC'",
                )


def _listed(slugs: list[str], most: int = 3) -> str:
    shown = ", ".join(slugs[:most])
    return shown if len(slugs) <= most else f"{shown} and {len(slugs) - most} more"


Check = Callable[[Sequence[PolicyEvent]], Iterable[Finding]]

# Every check, under the name `timeline check --check NAME` and timeline.toml's [check] ignore use.
# A new check is a function from the live entries to findings, listed here and in the README.
CHECKS: dict[str, Check] = {
    "no-summary": check_summaries,
    "no-archived-copy": check_archived_copies,
    "no-source-url": check_source_urls,
    "no-source-date": check_source_dates,
    "short-links": check_short_links,
    "weekdays": check_weekdays,
    "actor-spellings": check_actor_spellings,
    "unrelated": check_unrelated,
    "single-topics": check_single_topics,
    "relation-order": check_relation_order,
    "relation-inverse": check_relation_inverse,
}
# Names that stand for several checks: "sources" was one check before it was split.
ALIASES: dict[str, tuple[str, ...]] = {"sources": ("no-archived-copy", "no-source-url", "no-source-date")}
NAMES = (*CHECKS, *ALIASES)


def _expanded(names: Iterable[str], where: str) -> list[str]:
    """The checks ``names`` stand for; an unknown name is refused with every name known."""
    found: list[str] = []
    for name in names:
        if name not in CHECKS and name not in ALIASES:
            raise InvalidField(where, f"no check named {name!r}; the checks are {', '.join(NAMES)}")
        found += ALIASES.get(name, (name,))
    return list(dict.fromkeys(found))


def ignored_checks(archive: Archive) -> list[str]:
    """The checks timeline.toml's ``[check] ignore`` silences; an unknown name there is refused."""
    try:
        return _expanded(archive.check_ignore, "[check] ignore")
    except InvalidField as error:
        raise ConfigError(f"{archive.root / CONFIG_NAME}: {error}") from None


def run_checks(entries: Iterable[PolicyEvent], names: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Finding]:
    """The findings of the named checks (all of them but those ignored if none is named) over the
    live entries, most severe first, then by entry. A check named is run even if ignored."""
    chosen = _expanded(names, "check") or [name for name in CHECKS if name not in _expanded(ignore, "ignore")]
    live = [entry for entry in entries if entry.is_live]
    findings = [finding for name in chosen for finding in CHECKS[name](live)]
    return sorted(findings, key=lambda f: (f.severity.rank, f.entries, f.check, f.message))
