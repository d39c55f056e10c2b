"""Names the archive gives: short ids, slugs, and the title keys that spot likely duplicates."""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
import unicodedata
from uuid import UUID

from slugify import slugify

from timeline.domain.dates import PartialDate
from timeline.domain.model import RelationType
from timeline.errors import InvalidField

SLUG_MAX = 80
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DUPLICATE_SIMILARITY = 0.9


def short_id_for(entry_id: UUID) -> str:
    # 8 characters of base32 (40 bits): short enough to type; a reservation keeps it unique.
    return base64.b32encode(entry_id.bytes[:5]).decode("ascii").lower()


def base_slug(date: PartialDate, title: str) -> str:
    """Date and title, readable ASCII: ``2020-05-28-trump-signs-executive-order``.

    A long title keeps its first words whole, as many as fit in SLUG_MAX characters: words are
    dropped from the end only (``save_order``; without it python-slugify skips a word too long
    for the room left and goes on with shorter later ones, which reads as another title). Slugs
    already given never change, so this shapes only the slugs of new entries."""
    words = title_words(title, SLUG_MAX) or "entry"
    return f"{date.slug_part}-{words}"


# An apostrophe joins the parts of one word ("Trump's" is trumps, not trump-s).
APOSTROPHES = [["'", ""], ["\u2019", ""], ["\u02bc", ""]]


def title_words(text: str, max_length: int) -> str:
    """``text`` as a slug of at most ``max_length`` characters, cut after its last whole word that
    fits (only a first word longer than that is cut inside)."""
    return str(slugify(text, max_length=max_length, word_boundary=True, save_order=True, replacements=APOSTROPHES))


def check_slug(slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug) or len(slug) > SLUG_MAX + 12:
        raise InvalidField("slug", f"{slug!r} is not a slug; use lowercase ASCII letters, digits and hyphens")
    return slug


def check_short_id(short_id: str) -> str:
    """A short id given in a file: it names a folder of the site (``/e/<short_id>/``), so it is
    held to the characters of a slug; the archive's own are 8 lowercase base32 characters."""
    if short_id and (not SLUG_PATTERN.fullmatch(short_id) or len(short_id) > 32):
        raise InvalidField(
            "short_id", f"{short_id!r} is not a short id; use lowercase ASCII letters, digits and hyphens"
        )
    return short_id


def title_key(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def near_identical(one: str, other: str) -> bool:
    """Titles that differ only in punctuation, case or a character or two.

    Titles whose numbers differ ("suspends 936 accounts", "suspends 200 accounts")
    are different events however alike they look.
    """
    first, second = title_key(one), title_key(other)
    if first == second:
        return True
    if re.findall(r"\d+", first) != re.findall(r"\d+", second):
        return False
    matcher = difflib.SequenceMatcher(None, first, second)
    # The cheap upper bounds rule out most pairs before the full comparison.
    return (
        matcher.real_quick_ratio() >= DUPLICATE_SIMILARITY
        and matcher.quick_ratio() >= DUPLICATE_SIMILARITY
        and matcher.ratio() >= DUPLICATE_SIMILARITY
    )


def relation_type(text: str) -> RelationType:
    try:
        return RelationType(text.strip().lower())
    except ValueError:
        accepted = ", ".join(t.value for t in RelationType)
        raise InvalidField("relation", f"{text!r} is not a relation; accepted: {accepted}") from None


def name_key(name: str) -> str:
    """A name's slug, or a hash of it when no letter or digit of it makes one: names that differ only
    in case, accents or punctuation share it ("C&A", "C-A"). The site's facet pages start from it
    and number the names that would share one (see timeline/site/facetkeys.py)."""
    return slugify(name, max_length=80, word_boundary=True) or hashlib.sha1(name.encode()).hexdigest()[:10]


def name_identity(name: str) -> str:
    """What makes two spellings one name: the same letters, case and spacing aside ("Twitter",
    "twitter", " Twitter  " are one; "C&A" and "C-A", "Muller" and "Müller" are two)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
