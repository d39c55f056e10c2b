"""The keys that name facet pages in their addresses: one per name, and one per cited document."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from slugify import slugify

from timeline.domain.model import Source
from timeline.domain.naming import name_key


@lru_cache(maxsize=1 << 16)  # names repeat across entries: slugify costs ~12 µs each
def facet_key(name: str) -> str:
    """A name's key (see :func:`timeline.domain.naming.name_key`)."""
    return name_key(name)


def source_key(source: Source) -> str:
    """One key per document: entries citing the same document share its page."""
    identity = source.url or f"{source.publisher}|{source.title}|{source.date or ''}"
    words = slugify(f"{source.publisher} {source.title}", max_length=60, word_boundary=True) or "source"
    return f"{words}-{hashlib.sha1(identity.encode()).hexdigest()[:8]}"
