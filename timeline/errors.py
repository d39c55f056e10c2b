"""The archive's own exceptions: each one carries the single line a user reads."""

from __future__ import annotations


class TimelineError(Exception):
    """Base of every error the archive reports to a person (exit status 2 at the CLI)."""


class InvalidField(TimelineError):
    """A field's value is not acceptable; the message names the field and what is accepted."""

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class EntryNotFound(TimelineError):
    """No entry has the given slug, short id or id."""


class AmbiguousName(EntryNotFound):
    """The name given is the start of several entries' slugs or short ids."""


class InvalidChange(TimelineError):
    """The change is well-formed but not allowed for this entry (retracted, self-link, cycle...)."""


class DuplicateEntry(TimelineError):
    """An entry with the same date and a near-identical title already exists."""


class StoreError(TimelineError):
    """The store is missing, unreachable, locked for too long or not a timeline store."""


class StoreNotEmpty(StoreError):
    """A restore was asked to write into a store that already holds changes."""


class ArchiveNotFound(TimelineError):
    """No timeline.toml in the current folder or above it, and none named."""


class ConfigError(TimelineError):
    """timeline.toml is malformed or has an unacceptable value."""


class ConcurrentWriteConflict(TimelineError):
    """Another writer kept winning the race for the same records; the user should try again."""


class SyncConflict(TimelineError):
    """An events/ file was edited from an older revision than the store holds, and differs from it."""

    def __init__(self, slug: str, file_revision: int, store_revision: int, fields: list[str]):
        self.fields = fields
        super().__init__(
            f"entry {slug}: the file was written from revision {file_revision} but the store is at revision "
            f"{store_revision}, and they differ in {', '.join(fields)}; nothing was applied. Keep the store's "
            f"version with 'timeline export', or redo your edit on the current file (set revision: {store_revision})"
        )
