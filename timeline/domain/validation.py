"""Checks on the text people type into an entry: pure functions, no I/O.

Each check returns the cleaned value or raises :class:`InvalidField` with the
one line a user reads: the field, the problem and what is accepted.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from timeline.errors import InvalidField

TITLE_MAX = 300
NAME_MAX = 300
# Free text may be long (summaries, quotations) but not unbounded.
TEXT_MAX = 20_000


# Control characters, and lone surrogates (Cs), which cannot be written as UTF-8. Non-characters
# (U+FFFE, U+FFFF, ...) are refused too: XML cannot hold them, so they would break the feeds.
_NOT_TEXT = ("Cc", "Cs")
# Besides the control characters, these end a line wherever Unicode text is read.
_LINE_SEPARATORS = "\u2028\u2029"


def _is_noncharacter(ch: str) -> bool:
    return 0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE


def _control_characters(text: str, allowed: str) -> list[str]:
    probe = text
    for ch in allowed:
        probe = probe.replace(ch, "")
    if probe.isprintable():  # (in C: no control, format, surrogate, unassigned or separator character but " ")
        return []
    return [
        f"U+{ord(ch):04X}"
        for ch in text
        if ch not in allowed
        and (unicodedata.category(ch) in _NOT_TEXT or _is_noncharacter(ch) or ch in _LINE_SEPARATORS)
    ]


def _named(bad: list[str]) -> str:
    return f"control characters or other non-text characters ({', '.join(sorted(set(bad)))})"


def _text(value: object, field: str) -> str:
    # A list or a mapping (from a file or an import) would otherwise be stored as its Python repr.
    if isinstance(value, (list, tuple, dict, set, bytes)):
        raise InvalidField(field, f"is a {type(value).__name__}; give text")
    return "" if value is None else str(value)


def clean_line(value: object, field: str, *, required: bool = False, max_length: int = NAME_MAX) -> str:
    """A single line of text: no control characters, no line breaks, surrounding spaces removed."""
    text = _text(value, field).strip()
    if required and not text:
        raise InvalidField(field, "is empty; give a non-empty text")
    bad = _control_characters(text, allowed="")
    if bad:
        raise InvalidField(field, f"contains {_named(bad)}; give plain text on one line")
    if len(text) > max_length:
        raise InvalidField(field, f"is {len(text)} characters long; at most {max_length} are accepted")
    return text


def clean_title(value: object) -> str:
    return clean_line(value, "title", required=True, max_length=TITLE_MAX)


def clean_text(value: object, field: str) -> str:
    """Multi-line text (Markdown summaries, quotations): line breaks and tabs allowed."""
    text = _text(value, field).replace("\r\n", "\n").strip()
    bad = _control_characters(text, allowed="\n\t" + _LINE_SEPARATORS)
    if bad:
        raise InvalidField(field, f"contains {_named(bad)}; only line breaks and tabs are accepted")
    if len(text) > TEXT_MAX:
        raise InvalidField(field, f"is {len(text)} characters long; at most {TEXT_MAX} are accepted")
    return text


def clean_url(value: object, field: str) -> str:
    """An http or https URL with a host, or the empty string (a source may have no URL)."""
    text = clean_line(value, field, max_length=2000)
    if not text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        raise InvalidField(field, f"{text!r} is not a URL; give an http:// or https:// address") from None
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"a {parts.scheme}: URL" if parts.scheme else "not an absolute URL"
        raise InvalidField(field, f"{text[:80]!r} is {scheme}; only http:// and https:// are accepted")
    if not parts.hostname or any(ch.isspace() for ch in text):
        raise InvalidField(field, f"{text[:80]!r} has no valid host; give an http:// or https:// address")
    return text


def clean_language(value: object, field: str) -> str:
    """A BCP 47 language tag such as en, zh, zh-Hant, pt-BR (or empty)."""
    text = clean_line(value, field, max_length=35)
    if text and not all(part.isalnum() and part.isascii() for part in text.split("-")):
        raise InvalidField(field, f"{text!r} is not a language tag; give one such as en, zh or pt-BR")
    return text


def clean_names(values: object, field: str) -> tuple[str, ...]:
    """A list of names (platforms, topics, jurisdictions): cleaned, blanks dropped, duplicates removed."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise InvalidField(field, "must be a list of names")
    seen: dict[str, None] = {}
    for value in values:
        name = clean_line(value, field)
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen[name] = None
    return tuple(seen)
