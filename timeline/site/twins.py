"""What tells apart entries listed together that share a day and a title.

An archive of terms-of-service changes has many "Terms of Service updated" on one day, one per
platform; a listing showing them as identical cards leaves the reader to open each. Each such
card gets the first detail, in the order below, that differs between every one of them: its
platforms, its actors, its first source's publisher, or else its short id, which always differs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from timeline.domain.naming import title_key


def _names(field: str) -> Callable[[dict[str, Any]], str]:
    return lambda card: ", ".join(item["name"] for item in card.get(field, []))


# (what the detail is called on the card, its value for a card), in the order they are tried.
DETAILS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("Platform", _names("platforms")),
    ("Actor", _names("actors")),
    ("Source", lambda card: card.get("publisher", "")),
    ("Entry", lambda card: card.get("short_id", "") or card["slug"]),
]


def twin_key(card: dict[str, Any]) -> tuple[str, str]:
    """What two entries that look alike on a listing share: the date shown, the title read."""
    return card["date"], title_key(card["title"])


def tell_apart(cards: Iterable[dict[str, Any]]) -> dict[str, str]:
    """For each of CARDS that shares its date and title with another of them, by id: a short text
    that tells it from those ("Platform: Twitter"). The others have none."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for card in cards:
        groups[twin_key(card)].append(card)
    apart: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        for label, value in DETAILS:
            values = [value(card) for card in group]
            if all(values) and len(set(values)) == len(values):
                apart.update({card["id"]: f"{label}: {shown}" for card, shown in zip(group, values, strict=True)})
                break
    return apart
