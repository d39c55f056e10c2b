"""Finding an entry by a name a person typed that is no slug or short id of the store: a unique
prefix of one is accepted, an ambiguous one is refused naming the candidates, and anything else
is answered with the closest slugs, if any are close.

Only a miss comes here: :meth:`TimelineArchive.resolve` tries the exact name first. The names are
the store's reservations (every slug and short id ever given), read from its notification log
when first needed and then only those saved since, so one application reads each name once.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper
from eventsourcing.utils import get_topic
from rapidfuzz import fuzz, process

from timeline.domain.model import Reservation
from timeline.errors import AmbiguousName, EntryNotFound
from timeline.store import notifications as log

# The event that reserves a name (made by the @event decorator on Reservation.__init__).
RESERVED_TOPIC = get_topic(Reservation.Reserved)  # type: ignore[attr-defined]
# Reservations are small: pages larger than the log's default halve the round trips to PostgreSQL
# (20,000 names at 10,000 entries: 0.27 s read in pages of 5,000, 0.43 s in pages of 500).
PAGE = 5000
# Shorter than this, a prefix names too much to be meant (git abbreviates ids to no fewer, too).
PREFIX_MIN = 4
CANDIDATES_SHOWN = 5
# rapidfuzz's ratio (0-100) a name must reach to be suggested: a typo or two in a slug scores
# above 90, while two slugs of the same day with different titles stay well below.
SUGGEST_SCORE = 80
SUGGESTIONS = 2
# A second suggestion is given only when it is nearly as close as the first.
SUGGEST_SPREAD = 8
LIST_HINT = "name an entry by its slug or short id (see 'timeline list')"


class EntryNames:
    """Every slug and short id the store has reserved, and the entry each names."""

    def __init__(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> None:
        self.recorder = recorder
        self.mapper = mapper
        self.position = 0  # the store position read up to
        self.entry_of: dict[str, UUID] = {}  # every name (slug or short id) -> its entry
        self.slug_of: dict[UUID, str] = {}
        self.sorted: list[str] = []  # the names, in order, for prefix search

    def catch_up(self) -> None:
        """Read the reservations saved since the last call (all of them, the first time)."""
        added = False
        names = log.notifications(self.recorder, after=self.position, topics=[RESERVED_TOPIC], size=PAGE)
        for notification in names:
            reserved = self.mapper.to_domain_event(notification)
            namespace, name, entry_id = reserved.namespace, reserved.name, reserved.entry_id  # type: ignore[attr-defined]
            self.entry_of[name] = entry_id
            if namespace == "slug":
                self.slug_of[entry_id] = name
            self.position, added = notification.id, True
        if added:
            self.sorted = sorted(self.entry_of)

    def find(self, text: str, shown: str) -> UUID:
        """The entry ``text`` names by a unique prefix of its slug or short id; ``shown`` is the name
        as typed, for messages. Raises AmbiguousName or EntryNotFound (with suggestions)."""
        self.catch_up()
        wanted = text.lower()
        found = self._starting_with(wanted) if wanted else []
        if found and len(wanted) < PREFIX_MIN:
            raise AmbiguousName(
                f"{shown!r} is too short to name an entry by the start of its name; give at least "
                f"{PREFIX_MIN} characters of its slug or short id (see 'timeline list')"
            )
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousName(self._ambiguous(shown, found))
        raise EntryNotFound(self._unknown(shown, wanted))

    def _starting_with(self, prefix: str) -> list[UUID]:
        """The entries one of whose names starts with ``prefix``, each once."""
        first = bisect.bisect_left(self.sorted, prefix)
        found: dict[UUID, None] = {}
        for name in itertools.islice(self.sorted, first, None):
            if not name.startswith(prefix):
                break
            found[self.entry_of[name]] = None
        return list(found)

    def _ambiguous(self, shown: str, entries: list[UUID]) -> str:
        slugs = sorted(self.slug_of.get(entry, str(entry)) for entry in entries)
        listed = ", ".join(slugs[:CANDIDATES_SHOWN])
        more = len(slugs) - CANDIDATES_SHOWN
        if more > 0:
            listed += f" and {more} more"
        return (
            f"{shown!r} could be any of {len(slugs)} entries: {listed}; "
            "give more of the slug or short id (see 'timeline list')"
        )

    def _unknown(self, shown: str, wanted: str) -> str:
        suggested = self.closest(wanted)
        if not suggested:
            return f"no entry {shown!r}; {LIST_HINT}"
        return f"no entry {shown!r}; did you mean {' or '.join(suggested)}? Or {LIST_HINT}"

    def closest(self, wanted: str) -> list[str]:
        """The slugs of the entries (at most two) whose names are closest to ``wanted``, if close.

        Each name is compared whole and also cut to the length typed, so a typo in the first
        words of a long slug is caught as well as one in a whole slug."""
        whole = {name: name for name in self.sorted}
        cut = {name: name[: len(wanted)] for name in self.sorted}
        scores: dict[UUID, float] = {}
        for name, score in [*_close(wanted, whole), *_close(wanted, cut)]:
            entry = self.entry_of[name]
            scores[entry] = max(score, scores.get(entry, 0.0))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.slug_of.get(item[0], "")))
        best = ranked[0][1] if ranked else 0.0
        return [
            self.slug_of.get(entry, str(entry))
            for entry, score in ranked[:SUGGESTIONS]
            if score >= best - SUGGEST_SPREAD
        ]


def _close(wanted: str, choices: Mapping[str, str]) -> list[tuple[str, float]]:
    """(name, score) for the choices (each a name and the text of it compared) close to ``wanted``."""
    found = process.extract(wanted, choices, scorer=fuzz.ratio, score_cutoff=SUGGEST_SCORE, limit=10)
    return [(name, score) for _, score, name in found]
