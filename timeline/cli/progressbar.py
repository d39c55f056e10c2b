"""Showing progress: a bar on stderr at a terminal, plain lines with --verbose, else nothing.

Logs (CI, cron, a pipe) get no bar and no carriage returns: a command run there prints
only its closing summary, and with --verbose one plain line per stage and batch.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

import click

LABELS = {
    "changes": "reading store changes",
    "pages": "rendering pages",
    "files": "checking events/ files",
    "entries": "saving entries",
}
# Stages reported a batch at a time are shown batch by batch with --verbose; the others (one
# report per file or page) at most once a second, so a log stays readable.
BATCHED = {"changes", "entries"}
QUIET, NORMAL, VERBOSE = -1, 0, 1


class ProgressDisplay:
    """A ``timeline.progress.Progress`` callback that shows what the core reports."""

    def __init__(self, verbosity: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        at_terminal = self.stream.isatty()
        self.mode = "lines" if verbosity >= VERBOSE else "bar" if verbosity == NORMAL and at_terminal else "off"
        self.stage: str | None = None
        self.bar: Any = None
        self.done = self.total = 0
        self.started = self.last_line = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.finish()
            self.stage, self.started, self.last_line = stage, time.monotonic(), 0.0
            if self.mode == "bar":
                self.bar = click.progressbar(
                    length=max(total, 1),
                    label=LABELS.get(stage, stage),
                    file=self.stream,
                    show_eta=True,
                    show_pos=True,
                    show_percent=True,
                )
                self.bar.__enter__()
        self.done, self.total = done, total
        if self.mode == "bar" and self.bar is not None:
            self.bar.length = max(total, 1)
            self.bar.update(done - self.bar.pos)
        elif self.mode == "lines" and done < total:
            now = time.monotonic()
            if stage in BATCHED or now - self.last_line >= 1.0:
                self.last_line = now
                self._line(f"{LABELS.get(stage, stage)}: {done:,} of {total:,}")

    def finish(self) -> None:
        """End the current stage: close its bar, or print its one line."""
        if self.stage is None:
            return
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        elif self.mode == "lines":
            seconds = time.monotonic() - self.started
            self._line(f"{LABELS.get(self.stage, self.stage)}: {self.done:,} of {self.total:,} in {seconds:.1f} s")
        self.stage = None

    def _line(self, text: str) -> None:
        click.echo(text, file=self.stream)

    def __enter__(self) -> ProgressDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()
