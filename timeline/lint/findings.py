"""What `timeline check` finds, and how findings alike are told together.

A finding names its check, its severity, its entries and what to do. Findings of one check that
say the same thing of different entries (3,001 sources without an archived copy) share a
:class:`Group`, so a person reads one line for them: how many, the first few entries, what to do.
Findings that say something particular (this weekday, these two spellings) have no group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from timeline.wording import plural

# How many entries a line for several findings names before "and N more".
SHOWN = 3


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Group:
    """What findings alike have in common: what is wrong with them all, in the plural ("sources
    have no archived copy"), and what to do about each."""

    says: str
    advice: str


@dataclass(frozen=True)
class Finding:
    """One thing to look at: which check found it, in which entries, and what to do."""

    severity: Severity
    check: str
    entries: tuple[str, ...]
    message: str
    group: Group | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "check": self.check,
            "entries": list(self.entries),
            "message": self.message,
        }


@dataclass(frozen=True)
class Alike:
    """Two or more findings of one group, told in one line."""

    group: Group
    check: str
    findings: tuple[Finding, ...]

    def line(self, shown: int = SHOWN) -> str:
        """ "3,001 sources have no archived copy: a, b, c and 2,998 more; save each ..." (with the
        number of entries too when some have several such findings)."""
        entries = list(dict.fromkeys(entry for finding in self.findings for entry in finding.entries))
        listed = ", ".join(entries[:shown])
        if len(entries) > shown:
            listed += f" and {len(entries) - shown:,} more"
        where = "" if len(entries) == len(self.findings) else f", in {plural(len(entries), 'entry')}"
        return f"{len(self.findings):,} {self.group.says}{where}: {listed}; {self.group.advice}"


def alike(findings: Iterable[Finding]) -> list[Finding | Alike]:
    """The findings in their order, those of one check and group gathered where the first of them
    stands; a group with a single finding stays that finding."""
    gathered: dict[tuple[str, Group], list[Finding]] = {}
    order: list[Finding | tuple[str, Group]] = []
    for finding in findings:
        if finding.group is None:
            order.append(finding)
            continue
        key = (finding.check, finding.group)
        if key not in gathered:
            gathered[key] = []
            order.append(key)
        gathered[key].append(finding)
    told: list[Finding | Alike] = []
    for item in order:
        if isinstance(item, Finding):
            told.append(item)
        elif len(gathered[item]) == 1:
            told.append(gathered[item][0])
        else:
            told.append(Alike(item[1], item[0], tuple(gathered[item])))
    return told


def fails_strict(findings: Iterable[Finding]) -> bool:
    """Whether ``timeline check --strict`` fails: any finding of severity warning or above."""
    return any(f.severity.rank <= Severity.WARNING.rank for f in findings)
