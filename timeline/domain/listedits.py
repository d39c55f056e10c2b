"""Adding to and removing from an entry's lists (actors, platforms, topics, jurisdictions) in a
correction, so that naming one more actor never silently drops the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from timeline.domain.sources import Actor
from timeline.errors import InvalidChange, InvalidField

EDITABLE_LISTS = ("actors", "platforms", "topics", "jurisdictions")


def _name(item: Any) -> str:
    return item.name if isinstance(item, Actor) else str(item)


def _shown(item: Any) -> str:
    return f"{item.name} ({item.role})" if isinstance(item, Actor) and item.role else _name(item)


def _option(name: str) -> str:
    return name.rstrip("s") if name != "actors" else "actor"


@dataclass(frozen=True)
class ListEdits:
    """What a correction adds to and removes from each list; ``replace`` lets a list given whole
    drop items the entry lists (without it, that is refused as a likely mistake)."""

    add: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    remove: dict[str, tuple[str, ...]] = field(default_factory=dict)
    replace: bool = False

    def changes(self, entry: Any, given: dict[str, Any]) -> dict[str, Any]:
        """The fields to correct: ``given`` (whole values) with the lists edited, each checked
        against the entry as it stands."""
        changes = dict(given)
        for name in EDITABLE_LISTS:
            if name in given and not self.replace:
                _refuse_drops(name, getattr(entry, name), given[name])
            if name not in self.add and name not in self.remove:
                continue
            if name in given:
                raise InvalidField(
                    name, f"give either --{_option(name)} (the whole list) or --add-/--remove-, not both"
                )
            changes[name] = _edited(name, getattr(entry, name), self.add.get(name, ()), self.remove.get(name, ()))
        return changes


def _refuse_drops(name: str, current: tuple[Any, ...], wanted: tuple[Any, ...]) -> None:
    """A whole list that leaves out something the entry lists is refused unless asked for: giving
    one actor to add a role must not drop the others. An empty list clears on purpose."""
    if not wanted:
        return
    kept = {_name(item) for item in wanted}
    dropped = [_shown(item) for item in current if _name(item) not in kept]
    if dropped:
        option = _option(name)
        raise InvalidChange(
            f"--{option} replaces the whole list of {name} and would drop {', '.join(dropped)}; "
            f"use --add-{option} or --remove-{option} to change one, or pass --replace to replace the list"
        )


def _edited(name: str, current: tuple[Any, ...], add: tuple[Any, ...], remove: tuple[str, ...]) -> tuple[Any, ...]:
    """``current`` with ``remove`` (names) taken out and ``add`` put in: an actor already named is
    given the new role in its place; anything else already listed is refused."""
    items = list(current)
    for removed in remove:
        found = [item for item in items if _name(item).casefold() == removed.casefold()]
        if not found:
            listed = ", ".join(_name(item) for item in items) or "none"
            raise InvalidField(name, f"the entry does not list {removed!r} (it lists: {listed})")
        items = [item for item in items if item not in found]
    for added in add:
        same = [i for i, item in enumerate(items) if _name(item).casefold() == _name(added).casefold()]
        if same and items[same[0]] == added:
            raise InvalidChange(f"the entry already lists {_shown(added)} among its {name}")
        if same:
            items[same[0]] = added  # a new role for an actor already named
        else:
            items.append(added)
    return tuple(items)
