"""The keys that name facet pages in their addresses: one per name, and one per cited document.

A name's key is its slug (naming.name_key), but two different names may slug alike ("C&A" and
"C-A" are both ``c-a``): the first the projection meets keeps the slug, the next gets ``c-a-2``,
as entry slugs are numbered. The projection meets names in the store's order, the same in every
clone and in a full rebuild, so every build gives the same keys; and a key once given is kept in
the read model for good, so a published address never comes to mean another name.
"""

from __future__ import annotations

import hashlib
import itertools

from eventsourcing.sqlite import SQLiteCursor
from slugify import slugify

from timeline.domain.model import Source
from timeline.domain.naming import name_identity, name_key


class FacetKeys:
    """The keys given so far, read and given within the projection's transaction."""

    def __init__(self, cursor: SQLiteCursor):
        self.c = cursor
        self.given: dict[tuple[str, str], str] = {}

    def key(self, facet: str, name: str) -> str:
        """The key of NAME in FACET: the one given it before, or a new one no other name has."""
        identity = (facet, name_identity(name))
        if identity in self.given:
            return self.given[identity]
        self.c.execute("SELECT key FROM facet_keys WHERE facet = ? AND identity = ?", identity)
        row = self.c.fetchone()
        if row is None:
            base = name_key(name)
            for candidate in itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2))):
                self.c.execute("SELECT 1 FROM facet_keys WHERE facet = ? AND key = ?", (facet, candidate))
                if self.c.fetchone() is None:
                    break
            self.c.execute("INSERT INTO facet_keys (facet, identity, key) VALUES (?, ?, ?)", (*identity, candidate))
            row = (candidate,)
        self.given[identity] = row[0]
        return str(row[0])

    def listed(self, facet: str, names: list[str]) -> list[dict[str, str]]:
        """NAMES of FACET as an entry's document lists them: each with its key."""
        return [{"name": name, "key": self.key(facet, name)} for name in names]


def source_key(source: Source) -> str:
    """One key per document: entries citing the same document share its page."""
    identity = source.url or f"{source.publisher}|{source.title}|{source.date or ''}"
    words = slugify(f"{source.publisher} {source.title}", max_length=60, word_boundary=True) or "source"
    return f"{words}-{hashlib.sha1(identity.encode()).hexdigest()[:8]}"
