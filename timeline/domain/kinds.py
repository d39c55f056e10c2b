"""The default kinds of event and what each means: defined once, for `timeline kinds`, the
archive's settings and the kind pages of the site. An archive adds its own in timeline.toml."""

from __future__ import annotations

import re
from collections.abc import Sequence

from timeline.errors import InvalidField

# Each default kind: (its label, as pages name it; what it means).
KINDS = {
    "executive-order": (
        "Executive order",
        "An order a head of state or government signs, with the force of law in their administration.",
    ),
    "label": ("Label", "A platform attaches a notice to content: a fact-check, a warning, context."),
    "statement": (
        "Statement",
        "Someone says something on the record: a post, a press release, an interview, a speech.",
    ),
    "lawsuit": ("Lawsuit", "A case is filed in court, or a party to one takes a step in it."),
    "court-ruling": ("Court ruling", "A court decides: a judgment, an injunction, an order."),
    "legislation": ("Legislation", "A legislature acts on a law: a bill introduced, passed, signed or repealed."),
    "regulation": ("Regulation", "A regulator makes or changes a rule, or applies one."),
    "takedown": ("Takedown", "Content, pages, groups or accounts are removed."),
    "suspension": ("Suspension", "An account is suspended, locked or banned, for a time or for good."),
    "policy-change": ("Policy change", "A platform changes its rules, terms of service or how it enforces them."),
    "hearing": ("Hearing", "A legislature, regulator or court hears witnesses or arguments."),
    "investigation": ("Investigation", "An authority opens, pursues or closes an inquiry."),
    "legal-demand": (
        "Legal demand",
        "An authority demands something of a platform: data, a removal, an account's identity.",
    ),
}
MEANINGS = {kind: meaning for kind, (_, meaning) in KINDS.items()}
LABELS = {kind: label for kind, (label, _) in KINDS.items()}
DEFAULT_KINDS = tuple(MEANINGS)
ADDING_A_KIND = 'add a kind in timeline.toml: kinds = ["press-release"]'
# How alike (rapidfuzz's ratio, 0-100) a kind typed must be to a known one for it to be suggested:
# "excutive-order" and "lawsiut" are, "pamphlet" is like none.
NEAR_ENOUGH = 80


def kind_label(kind: str) -> str:
    """What pages call a kind: its label ("Executive order"); an archive's own kind, from its name
    ("press-release" is "Press release")."""
    if kind in LABELS:
        return LABELS[kind]
    words = " ".join(part for part in re.split(r"[\s_\-]+", kind) if part)
    return words[:1].upper() + words[1:]


def kind_key(text: str) -> str:
    """What a kind is matched by: case, and runs of spaces, hyphens and underscores, do not count
    ("Executive Order", "EXECUTIVE-ORDER" and "executive_order" are all executive-order)."""
    return "-".join(part for part in re.split(r"[\s_\-]+", text.casefold()) if part)


def kind_named(text: str, kinds: Sequence[str]) -> str | None:
    """The kind among ``kinds`` that ``text`` names: itself, else the one with its key; else None."""
    if text in kinds:
        return text
    key = kind_key(text)
    return next((kind for kind in kinds if kind_key(kind) == key), None)


def nearest_kind(text: str, kinds: Sequence[str]) -> str | None:
    """The kind among ``kinds`` that ``text`` is probably a misspelling of ("excutive order"), if one
    is close enough to suggest."""
    from rapidfuzz import fuzz, process

    keys = {kind: kind_key(kind) for kind in kinds}
    found = process.extractOne(kind_key(text), keys, scorer=fuzz.ratio, score_cutoff=NEAR_ENOUGH)
    return found[2] if found else None


def known_kind(text: str, kinds: Sequence[str]) -> str:
    """The kind among ``kinds`` that ``text`` names, whatever its case, spaces or underscores
    ("Executive Order" names executive-order); else InvalidField, with a close kind if any."""
    known = kind_named(text, kinds)
    if known is None:
        near = nearest_kind(text, kinds)
        raise InvalidField(
            "kind",
            f"{text!r} is not a known kind; "
            + (f"did you mean {near}? " if near else "")
            + f"known kinds: {', '.join(kinds)} ('timeline kinds' says what each means; {ADDING_A_KIND})",
        )
    return known
