"""Pages of a long listing left alone when what they would be rendered from is what they were.

A new source renders the sources' index again: 250 pages at 10,000 entries, of which a new
name changes those from its place on. A page's bytes are a function of its template, its
address and what it is given (the site's settings and the templates are the same, or the build
renders everything: see build.rendered_settings), so a digest of those, kept per file, tells
which pages would come out the same without rendering them (~15 ms a page, mostly Jinja).

The digest is taken of the context as JSON; a value JSON cannot hold is written as its
``repr``, which for a function or an object holds its address and so differs between runs: such
a page is always rendered, never wrongly kept.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from timeline.site.readmodel import SiteView


def _tool_version() -> str:
    try:
        return version("timeline")
    except PackageNotFoundError:  # (run from a checkout without installing)
        return ""


class PageInputs:
    """What each page of one build is rendered from, and whether it is what it was last time."""

    def __init__(self, out: Path, known: dict[str, tuple[str, int]], fresh: bool, view: SiteView):
        """``known``: the files the site holds of the keys being rendered (path -> sha, size); ``fresh``:
        the build renders everything anew (nothing is left alone); ``view``: the read model, which
        knows what each file was last rendered from."""
        self.out = out
        self.known = known
        self.fresh = fresh
        self.view = view
        self.made: dict[str, str] = {}  # path -> digest of what it was rendered from, in this build
        self.rendered: dict[str, bytes] = {}  # files rendered in this build that others are joined from

    def published(self, path: str) -> bytes | None:
        """The file at ``path`` as this build makes it: rendered by it (see :attr:`rendered`), or as
        published before, if the site's record of it says so and no page of this build makes it
        anew; None when neither can be told (a file this build renders in another process, or one
        changed on disk since)."""
        if path in self.rendered:
            return self.rendered[path]
        if self.fresh or path in self.known:  # (one of this build's pages, rendered elsewhere or not yet)
            return None
        recorded = self.view.files_at([path]).get(path)
        if recorded is None:
            return None
        try:
            content = (self.out / path).read_bytes()
        except OSError:
            return None
        return content if hashlib.sha256(content).hexdigest() == recorded[0] else None

    def same(self, path: str, template: str, url: str, context: dict[str, Any]) -> bool:
        """Whether the page at ``path`` would come out as the file on disk (so it need not be rendered)."""
        text = json.dumps([_TOOL, template, url, context], sort_keys=True, default=repr, ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.made[path] = digest
        if self.fresh or path not in self.known or not (self.out / path).is_file():
            return False
        return self.view.page_input(path) == digest

    def take(self) -> dict[str, str]:
        """The digests recorded since last taken."""
        made, self.made = self.made, {}
        return made


_TOOL = _tool_version()  # a new version of the tool may render the same inputs otherwise
