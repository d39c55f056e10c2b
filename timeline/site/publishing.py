"""Publishing a build's files so that a reader never meets a broken page, even if the build dies.

A build changes the site in three steps, each file atomically (written under a temporary name,
then renamed into place, by :mod:`timeline.files.atomic`):

1. files the site did not have yet are written;
2. files that change are replaced (their new bytes were staged beside them during step 1);
3. files the site no longer has are removed.

So at any moment each page is whole, either its old or its new version, and its links lead to
files that exist: an old page links only to old files, which stay until step 3; a new page links
to new files, all written in step 1, or to files that stay. Links between new files may lead
nowhere during step 1, but nothing a reader can reach links to a new file before step 2.

A build that dies leaves its dirty pages dirty, so the next build renders them again. What the
read model does not record is noted in a file beside it, written when a build starts and removed
when it ends: whether the build renders every page, and which parts of the search index it was
about to rebuild. The next build finds the note, removes the temporary files left behind, redoes
that work, and rewrites the manifest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from timeline.files.atomic import TEMPORARY_NAME


def replace_staged(staged: Iterable[tuple[str, str]]) -> None:
    for temporary, target in staged:
        os.replace(temporary, target)


def remove_temporaries(out: Path) -> list[str]:
    """Remove the temporary files an interrupted build left in OUT; returns their paths."""
    removed = []
    for folder, _, names in os.walk(out):
        for name in names:
            if TEMPORARY_NAME.fullmatch(name):
                path = Path(folder) / name
                path.unlink(missing_ok=True)
                removed.append(path.relative_to(out).as_posix())
    return sorted(removed)


@dataclass
class Unfinished:
    """The note a build keeps beside its read model while it runs (see the module's docstring)."""

    path: Path | None
    found: bool = False
    fresh: bool = False
    search: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, path: Path | None) -> Unfinished:
        """What an interrupted build of this folder left to do (nothing if the last one finished)."""
        if path is None or not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, found=True, fresh=bool(data["fresh"]), search=set(data["search"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path, found=True, fresh=True)  # a note cut short: redo everything

    def note(self, *, fresh: bool, search: Iterable[str] = ()) -> None:
        """Record what this build does, on top of what an interrupted one left to do."""
        if self.path is None:
            return
        self.fresh, self.search = self.fresh or fresh, self.search | set(search)
        text = json.dumps({"fresh": self.fresh, "search": sorted(self.search)})
        temporary = self.path.with_name(f"{self.path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.path)

    def clear(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def remove_published(out: Path, relative: str) -> None:
    """Remove a file this site no longer produces, and the folders it leaves empty."""
    path = out / relative
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == out or not folder.is_relative_to(out):
            break
        if folder.is_dir():  # an interrupted build may have removed it already
            if any(folder.iterdir()):
                break
            folder.rmdir()


def sweep(out: Path, stale: set[str]) -> list[str]:
    """After a build that rendered everything: remove what the previous build published and this
    one did not. Files the site never published (say, in a shared web root) are left alone."""
    for relative in sorted(stale):
        remove_published(out, relative)
    return sorted(stale)
