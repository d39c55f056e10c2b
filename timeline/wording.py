"""How messages say a number of things: "1 entry", "2 entries", "3,001 sources"."""

from __future__ import annotations


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` with thousands separated and the noun agreeing with it.

    The plural is ``plural`` if given, else made by the usual English rule: "entry"
    gives "entries", "bundle" "bundles", "match" "matches". Zero takes the plural,
    as English does ("0 bundles").

    >>> plural(1, "entry"), plural(2, "entry"), plural(3001, "source"), plural(0, "bundle")
    ('1 entry', '2 entries', '3,001 sources', '0 bundles')
    >>> plural(2, "bad row"), plural(1, "person", "people"), plural(2, "person", "people")
    ('2 bad rows', '1 person', '2 people')
    """
    noun = singular if count == 1 else (plural or _plural_of(singular))
    return f"{count:,} {noun}"


def _plural_of(noun: str) -> str:
    # Only the last word takes the plural: "bad row" -> "bad rows".
    head, _, last = noun.rpartition(" ")
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def numbered(count: int, noun: str) -> str:
    """The numbers 1 to ``count`` that name things, as an error about another number says them:
    "revisions 1 to 3", "only revision 1".

    >>> numbered(3, "revision"), numbered(1, "revision")
    ('revisions 1 to 3', 'only revision 1')
    """
    return f"only {noun} 1" if count == 1 else f"{_plural_of(noun)} 1 to {count:,}"
