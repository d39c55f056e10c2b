"""Official identifiers of what an entry is about: an executive order's number, a Federal Register
citation or document number, a bill's or a public law's number, a court's docket number, a DOI. No I/O.

Each identifier is a scheme from a small fixed set and a value as that scheme writes it. The set is
closed so that every identifier has a known label and a known way to be shown and cited
("Executive Order 13925", "85 FR 34079"); a scheme's check refuses what is plainly not one of its
values. A value never holds a semicolon: it separates the identifiers of a CSV cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from timeline.domain.validation import clean_line
from timeline.errors import InvalidField

VALUE_MAX = 200


class IdentifierScheme(StrEnum):
    EXECUTIVE_ORDER = "executive-order"
    FEDERAL_REGISTER = "federal-register"
    FEDERAL_REGISTER_DOCUMENT = "federal-register-document"
    BILL = "bill"
    PUBLIC_LAW = "public-law"
    DOCKET = "docket"
    DOI = "doi"

    @property
    def label(self) -> str:
        """The scheme's name for people: 'Executive Order', 'Federal Register citation'."""
        return _RULES[self].label


@dataclass(frozen=True)
class _Rule:
    label: str
    pattern: re.Pattern[str] | None  # what a value must match (None: any single line)
    accepted: str  # what is accepted, as a refusal says it
    shown: str  # how a value is shown and cited: {value} replaced


_RULES = {
    IdentifierScheme.EXECUTIVE_ORDER: _Rule(
        "Executive Order", re.compile(r"\d{1,6}"), "its number in digits, e.g. 13925", "Executive Order {value}"
    ),
    IdentifierScheme.FEDERAL_REGISTER: _Rule(
        "Federal Register citation",
        re.compile(r"\d{1,3} FR \d{1,6}"),
        "volume FR page, e.g. 85 FR 34079",
        "{value}",
    ),
    # The document number the Office of the Federal Register gives each document it publishes: the
    # key of its page on federalregister.gov and of its copies, where a page citation names only a page.
    IdentifierScheme.FEDERAL_REGISTER_DOCUMENT: _Rule(
        "Federal Register document",
        re.compile(r"(19|20)\d{2}-\d{4,6}"),
        "year-number, e.g. 2020-12030",
        "FR Doc. {value}",
    ),
    IdentifierScheme.BILL: _Rule(
        "Bill", None, "the bill's number as its legislature writes it, e.g. H.R. 8922", "{value}"
    ),
    IdentifierScheme.PUBLIC_LAW: _Rule(
        "Public Law", re.compile(r"\d{1,3}-\d{1,4}"), "congress-number, e.g. 115-164", "Pub. L. {value}"
    ),
    IdentifierScheme.DOCKET: _Rule(
        "Docket", None, "the court and docket number, e.g. N.D. Cal. No. 3:20-cv-03608", "{value}"
    ),
    IdentifierScheme.DOI: _Rule(
        "DOI", re.compile(r"10\.\d{4,9}/\S+"), "the DOI itself, e.g. 10.1000/xyz123", "doi:{value}"
    ),
}
SCHEMES = tuple(scheme.value for scheme in IdentifierScheme)


@dataclass(frozen=True)
class Identifier:
    """An official identifier: executive-order 13925, federal-register 85 FR 34079."""

    scheme: IdentifierScheme
    value: str

    @property
    def label(self) -> str:
        return self.scheme.label

    @property
    def text(self) -> str:
        """As it is cited: 'Executive Order 13925', '85 FR 34079', 'Pub. L. 115-164'."""
        return _RULES[self.scheme].shown.format(value=self.value)


def identifier_scheme(text: object) -> IdentifierScheme:
    name = clean_line(text, "identifier scheme", required=True).lower()
    try:
        return IdentifierScheme(name)
    except ValueError:
        raise InvalidField("identifier", f"unknown scheme {name!r}; accepted: {', '.join(SCHEMES)}") from None


def clean_identifier(scheme: object, value: object) -> Identifier:
    """An identifier with its value checked against its scheme's rule."""
    kind = identifier_scheme(scheme)
    rule = _RULES[kind]
    text = clean_line(value, f"identifier {kind}", max_length=VALUE_MAX)
    if not text:
        raise InvalidField(f"identifier {kind}", f"has no value; give {rule.accepted}")
    if ";" in text:
        raise InvalidField(
            f"identifier {kind}", f"{text!r} contains ';', which separates identifiers in a list; give each on its own"
        )
    if rule.pattern is not None and not rule.pattern.fullmatch(text):
        raise InvalidField(f"identifier {kind}", f"{text!r} is not accepted; give {rule.accepted}")
    return Identifier(kind, text)


def parse_identifier(text: object) -> Identifier:
    """``"executive-order:13925"`` -> Identifier; split at the first colon (a docket number may hold one)."""
    scheme, colon, value = str(text).partition(":")
    if not colon:
        raise InvalidField(
            "identifier", f"{str(text)[:80]!r} has no scheme; give SCHEME:VALUE, SCHEME one of {', '.join(SCHEMES)}"
        )
    return clean_identifier(scheme, value)


def identifiers_from(values: object) -> tuple[Identifier, ...]:
    """Identifiers from a list of {scheme, value} mappings or SCHEME:VALUE texts; blanks dropped,
    duplicates removed, the order kept."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise InvalidField("identifiers", "must be a list of {scheme, value} items")
    found: list[Identifier] = []
    for value in values:
        if isinstance(value, Mapping):
            extra = set(value) - {"scheme", "value"}
            if extra:
                raise InvalidField(
                    "identifiers", f"unknown key {sorted(extra)[0]!r}; an identifier has scheme and value"
                )
            identifier = clean_identifier(value.get("scheme"), value.get("value"))
        elif isinstance(value, Identifier):
            identifier = value
        elif value is None or not str(value).strip():
            continue
        else:
            identifier = parse_identifier(value)
        if identifier not in found:
            found.append(identifier)
    return tuple(found)
