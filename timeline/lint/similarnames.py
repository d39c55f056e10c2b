"""Names that are probably one name spelled two ways ("Jack Dorsey" and "Jack Dorsy").

Two different spellings are taken for the same name when, after folding case and accents
and dropping punctuation:

- they are equal, or equal once spaces are removed ("YouTube", "You Tube", "you-tube"); or
- they have the same number of words, at least one word is the same (unless each has only
  one word), and every other pair of words is either a likely typo (both at least 4 letters,
  rapidfuzz's ratio at least 85: "Dorsy"/"Dorsey", "Zuckerburg"/"Zuckerberg") or an
  abbreviation written with a full stop ("Dept." for "Department", "Comm." for
  "Commission": same first letter, its letters in order in the longer word).

So "Donald Trump" and "Donald Trump Jr." (a word more), "John Smith" and "Jane Smith" (not a
typo), "Ann Lee" and "Anna Lee" (no full stop) are kept apart. rapidfuzz first narrows the
pairs to those whose whole names are at least 70% alike, so the check stays fast for
thousands of names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

TYPO_RATIO = 85
CANDIDATE_RATIO = 70
_WORD = re.compile(r"[^\W_]+\.?")


@dataclass(frozen=True)
class _Word:
    text: str
    abbreviated: bool


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(name: str) -> tuple[_Word, ...]:
    return tuple(_Word(w.rstrip("."), w.endswith(".")) for w in _WORD.findall(_fold(name)))


def normalised(name: str) -> str:
    """The name folded for comparison: 'Dept. of Homeland  Security' -> 'dept of homeland security'."""
    return " ".join(w.text for w in _words(name))


def near_duplicates(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of distinct names that are probably the same name, each pair sorted, in sorted order."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for name in set(names):
        spellings[normalised(name).replace(" ", "")].add(name)
    pairs: set[tuple[str, str]] = set()
    for variants in spellings.values():
        ordered = sorted(variants)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    # Each folded spelling is compared once with every other; a match pairs all their variants.
    keys = sorted(spellings)
    words = [_words_for(spellings[key]) for key in keys]
    spaced = [" ".join(w.text for w in ws) for ws in words]
    for i, key in enumerate(keys):
        for _, _, j in process.extract(spaced[i], spaced, scorer=fuzz.ratio, score_cutoff=CANDIDATE_RATIO, limit=None):
            if j > i and _same_name(words[i], words[j]):
                pairs.update(_pair(a, b) for a in spellings[key] for b in spellings[keys[j]])
    return sorted(pairs)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _words_for(variants: set[str]) -> tuple[_Word, ...]:
    """The words of a spelling, with a word counted as abbreviated if any variant abbreviates it."""
    all_words = [_words(v) for v in sorted(variants)]
    first = all_words[0]
    return tuple(
        _Word(word.text, any(len(ws) > n and ws[n].abbreviated for ws in all_words)) for n, word in enumerate(first)
    )


def _same_name(a: tuple[_Word, ...], b: tuple[_Word, ...]) -> bool:
    if len(a) != len(b) or not a:
        return False
    equal = sum(x.text == y.text for x, y in zip(a, b, strict=True))
    if equal == len(a) or (len(a) > 1 and equal == 0):
        return False
    return all(x.text == y.text or _typo(x.text, y.text) or _abbreviation(x, y) for x, y in zip(a, b, strict=True))


def _typo(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= TYPO_RATIO


def _abbreviation(a: _Word, b: _Word) -> bool:
    short, long = sorted((a, b), key=lambda w: len(w.text))
    if not short.abbreviated or len(short.text) < 2 or len(short.text) >= len(long.text):
        return False
    if short.text[0] != long.text[0]:
        return False
    letters = iter(long.text)
    return all(letter in letters for letter in short.text)
