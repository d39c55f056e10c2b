"""What git knows about the archive's files: when, and by whom, each was first committed.

Used once per archive that predates its committed history, so that its entries are
recorded as of the commit that added them, by its author (``timeline sync --from-git``),
rather than as of whoever first syncs a clone.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import TimelineError


@dataclass(frozen=True)
class FirstCommit:
    time: dt.datetime
    author: str
    commit: str


def first_commits(root: Path, folder: str) -> dict[str, FirstCommit]:
    """For each file of ``folder`` (relative to the archive's ``root``) that git knows, the commit
    that first added it: file name -> its first commit."""
    try:
        result = subprocess.run(
            [
                "git",
                "log",
                "--diff-filter=A",
                "--reverse",
                "--format=%x00%H%x00%aI%x00%an",
                "--name-only",
                "--",
                folder,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise TimelineError("--from-git needs git, which is not installed") from None
    if result.returncode != 0:
        raise TimelineError(f"--from-git: {root} is not in a git repository ({result.stderr.strip()})")
    found: dict[str, FirstCommit] = {}
    current: FirstCommit | None = None
    for line in result.stdout.splitlines():
        if line.startswith("\0"):
            _, commit, when, author = line.split("\0")
            current = FirstCommit(dt.datetime.fromisoformat(when).astimezone(dt.UTC), author, commit)
        elif line.strip() and current is not None:
            found.setdefault(Path(line).name, current)
    return found
