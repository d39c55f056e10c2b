"""Threads: the connected stories of the archive, kept by the projection as entries change.

A thread is the set of live entries joined to each other by relations, in either direction,
when it holds two entries or more: a label, the accusation answering it, the executive order
answering that, the platforms' statements on the order. Every relation type joins a thread but
``related``: it says "see also", not "this happened because of that", so one such link would glue
two stories into one, and give the older story's address to both. (In the flagship archive, the
three ``related`` links all stay inside a story; counting them would add two entries that are
asides, a fundraising e-mail and an organisers' complaint, and the complaint, the earliest entry,
would name the Hong Kong takedown's thread by its address.)

Only the threads a change touches are grouped anew (those of the entry and of what it links to
now), entry by entry, so an incremental build and a full one make the same threads; see
threadkeys.py for the key, and so the address, each one gets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from eventsourcing.sqlite import SQLiteCursor

from timeline.domain.dates import PartialDate
from timeline.domain.relations import RelationType
from timeline.site import pagekeys
from timeline.site.threadkeys import Member, OldThread, Outcome, assign

# The relation types that join entries into one thread (the module's docstring says why not ``related``).
JOINING = tuple(sorted(kind.value for kind in RelationType if kind is not RelationType.RELATED))
_MARKS = ", ".join("?" * len(JOINING))
# What an entry's page says of its thread: a change of it renders the page again.
Shown = tuple[str, str, int] | None


def joins(doc: dict[str, Any] | None) -> tuple[tuple[str, str], ...] | None:
    """What of an entry's document the threads rest on (None for an entry in none): two states with
    the same value leave every thread's entries as they were."""
    if doc is None or not doc["live"]:
        return None
    return tuple(sorted((r["type"], r["target_id"]) for r in doc["relations"] if r["type"] in JOINING))


class Threads:
    """The threads in the read model, changed in the projection's transaction (CURSOR)."""

    def __init__(self, cursor: SQLiteCursor):
        self.c = cursor

    def entry_changed(
        self, entry_id: str, old: dict[str, Any] | None, doc: dict[str, Any], position: int
    ) -> set[pagekeys.PageKey]:
        """Settle the threads after a change of an entry from OLD to DOC at store POSITION; returns the
        pages that change: the threads' own, the list of threads, their entries' pages, the sitemap."""
        before, after = joins(old), joins(doc)
        if before == after:
            key = self.key_of(entry_id)
            return self.resummarise(key) if key else set()
        # Links only added (a new entry, one back in the listings, a new link): threads can only merge.
        growing = after is not None and (before is None or set(before) <= set(after))
        return self.regroup(entry_id, position, growing)

    def moved(self, entry_ids: set[str]) -> set[pagekeys.PageKey]:
        """The threads of entries that moved among their day's (see dayorder.settle) list them in
        another order, and may be named after another of them (the earliest of the most linked)."""
        dirty: set[pagekeys.PageKey] = set()
        for key in sorted({key for entry_id in entry_ids if (key := self.key_of(entry_id))}):
            dirty |= self.resummarise(key)
        return dirty

    # Reading ------------------------------------------------------------------------------------

    def key_of(self, entry_id: str) -> str | None:
        self.c.execute("SELECT key FROM thread_members WHERE entry_id = ?", (entry_id,))
        row = self.c.fetchone()
        return row[0] if row else None

    def neighbours(self, entry_id: str) -> set[str]:
        """The live entries joined to ENTRY_ID by a relation either way."""
        self.c.execute(
            "SELECT r.target_id FROM relations r JOIN entries e ON e.id = r.target_id "
            f"WHERE r.source_id = ? AND e.live = 1 AND r.type IN ({_MARKS}) "
            "UNION SELECT r.source_id FROM relations r JOIN entries e ON e.id = r.source_id "
            f"WHERE r.target_id = ? AND e.live = 1 AND r.type IN ({_MARKS})",
            (entry_id, *JOINING, entry_id, *JOINING),
        )
        return {r[0] for r in self.c.fetchall()}

    def member(self, entry_id: str) -> Member | None:
        """The entry as threads order it, if it is live."""
        self.c.execute("SELECT date_start, day_rank, slug FROM entries WHERE id = ? AND live = 1", (entry_id,))
        row = self.c.fetchone()
        return Member(row[0], int(row[1]), row[2], entry_id) if row else None

    def members_of(self, key: str) -> set[str]:
        self.c.execute("SELECT entry_id FROM thread_members WHERE key = ?", (key,))
        return {r[0] for r in self.c.fetchall()}

    def stored(self, key: str) -> tuple[str, str, int, dict[str, Any]] | None:
        """(state, anchor, since, document) of a key's row."""
        self.c.execute("SELECT state, anchor, since, data FROM threads WHERE key = ?", (key,))
        row = self.c.fetchone()
        return (row[0], row[1], int(row[2]), json.loads(row[3])) if row else None

    def live_elsewhere(self, changing: set[str]) -> Callable[[str], bool]:
        """Whether a live thread other than those CHANGING holds a key (see threadkeys.assign)."""

        def held(key: str) -> bool:
            found = self.stored(key)
            return key not in changing and found is not None and found[0] == "live"

        return held

    def shown(self, keys: set[str]) -> dict[str, Shown]:
        """What the page of each entry of the threads KEYS says of its thread: (key, name, count)."""
        said: dict[str, Shown] = {}
        for key in sorted(keys):
            found = self.stored(key)
            if found is not None:
                document = found[3]
                said |= dict.fromkeys(self.members_of(key), (key, document["name"], document["count"]))
        return said

    def stories(self, seeds: set[str]) -> list[list[Member]]:
        """The stories (two entries or more) the live entries among SEEDS are in, each in order."""
        seen: set[str] = set()
        found: list[list[Member]] = []
        for seed in sorted(seeds):
            if seed in seen or self.member(seed) is None:
                continue
            story, waiting = {seed}, [seed]
            while waiting:
                for other in self.neighbours(waiting.pop()) - story:
                    story.add(other)
                    waiting.append(other)
            seen |= story
            if len(story) > 1:
                found.append(sorted(m for i in story if (m := self.member(i)) is not None))
        return found

    # Writing ------------------------------------------------------------------------------------

    def regroup(self, entry_id: str, position: int, growing: bool) -> set[pagekeys.PageKey]:
        """Group anew the entries of the threads of ENTRY_ID and of what it is joined to now. When the
        change only added links (GROWING), they make one story, without walking it link by link."""
        neighbours = self.neighbours(entry_id)
        keys = {k for k in (self.key_of(i) for i in sorted({entry_id, *neighbours})) if k}
        if not keys and not neighbours:
            return set()
        old = []
        for key in sorted(keys):
            found = self.stored(key)
            assert found is not None
            old.append(OldThread(key, found[1], found[2], frozenset(self.members_of(key))))
        seeds = {entry_id, *neighbours}.union(*(t.members for t in old))
        if growing:
            story = sorted(m for i in seeds if (m := self.member(i)) is not None)
            stories = [story] if len(story) > 1 else []
        else:
            stories = self.stories(seeds)
        outcome = assign(stories, old, self.live_elsewhere(keys))
        before = self.shown(keys)
        dirty: set[pagekeys.PageKey] = {pagekeys.THREADS, *(pagekeys.Thread(k) for k in keys)}
        self.c.executemany("DELETE FROM thread_members WHERE key = ?", [(k,) for k in sorted(keys)])
        for story, key in zip(stories, outcome.keys, strict=True):
            self.c.executemany(
                "INSERT OR REPLACE INTO thread_members (entry_id, key) VALUES (?, ?)",
                [(m.entry_id, key) for m in story],
            )
            dirty |= self.write_live(key, story, outcome, position)
        for gone, kept in sorted(outcome.merged.items()):
            dirty |= self.merge(gone, kept)
        for ended in outcome.ended:
            dirty |= self.end(ended, old)
        after = self.shown(set(outcome.keys))
        dirty |= {pagekeys.Entry(i) for i in sorted(before.keys() | after.keys()) if before.get(i) != after.get(i)}
        if set(outcome.keys) != keys:
            dirty.add(pagekeys.SITEMAP)  # a thread's address came or went
        return dirty

    def write_live(self, key: str, story: list[Member], outcome: Outcome, position: int) -> set[pagekeys.PageKey]:
        """The live thread KEY's row, for its entries STORY; the pages leading to it, if its name changed."""
        document = self.summary(key, story)
        found = self.stored(key)
        self.c.execute(
            "INSERT INTO threads (key, anchor, since, state, merged_into, latest, data) "
            "VALUES (?, ?, ?, 'live', '', ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET state = 'live', merged_into = '', latest = excluded.latest, "
            "data = excluded.data",
            (key, outcome.anchors.get(key, ""), position, document["latest"], json.dumps(document, ensure_ascii=False)),
        )
        dirty: set[pagekeys.PageKey] = {pagekeys.Thread(key)}
        if found is None or found[3].get("name") != document["name"]:
            dirty |= self.leading_to(key)
        return dirty

    def merge(self, gone: str, kept: str) -> set[pagekeys.PageKey]:
        """GONE's page, and those that led to it, now lead to KEPT."""
        leading = self.leading_to(gone)
        self.c.execute("UPDATE threads SET state = 'merged', merged_into = ? WHERE key = ?", (kept, gone))
        self.c.execute("UPDATE threads SET merged_into = ? WHERE merged_into = ?", (kept, gone))
        return leading | {pagekeys.Thread(gone)}

    def end(self, key: str, old: list[OldThread]) -> set[pagekeys.PageKey]:
        """KEY's entries are no longer one story: its page stays and names those of them still shown."""
        found = self.stored(key)
        assert found is not None
        members = next(t.members for t in old if t.key == key)
        marks = ", ".join("?" * len(members))
        self.c.execute(
            f"SELECT slug, title FROM entries WHERE id IN ({marks}) AND merged_into = '' ORDER BY date_start, slug",
            sorted(members),
        )
        document = found[3] | {"entries": [{"slug": r[0], "title": r[1]} for r in self.c.fetchall()]}
        text = json.dumps(document, ensure_ascii=False)
        self.c.execute("UPDATE threads SET state = 'ended', data = ? WHERE key = ?", (text, key))
        return {pagekeys.Thread(key)}

    def leading_to(self, key: str) -> set[pagekeys.PageKey]:
        """The pages of the keys merged into KEY: they name it."""
        self.c.execute("SELECT key FROM threads WHERE merged_into = ?", (key,))
        return {pagekeys.Thread(r[0]) for r in self.c.fetchall()}

    def resummarise(self, key: str) -> set[pagekeys.PageKey]:
        """A change of an entry of thread KEY that leaves its entries as they were: its page shows the
        entry; its name, dates or count may change, which its entries' pages and the list show."""
        found = self.stored(key)
        assert found is not None
        story = sorted(m for i in self.members_of(key) if (m := self.member(i)) is not None)
        dirty: set[pagekeys.PageKey] = {pagekeys.Thread(key)}
        if not story:  # (its entries are being grouped anew: see regroup)
            return dirty
        document = self.summary(key, story)
        if document == found[3]:
            return dirty
        self.c.execute(
            "UPDATE threads SET latest = ?, data = ? WHERE key = ?",
            (document["latest"], json.dumps(document, ensure_ascii=False), key),
        )
        dirty.add(pagekeys.THREADS)
        # (Its count changes here too when an entry of it has just left the listings, before regroup
        # sees that: the others' pages say so, whichever of the two finds it first.)
        if (document["name"], document["count"]) != (found[3]["name"], found[3]["count"]):
            dirty |= {pagekeys.Entry(m.entry_id) for m in story}
        if document["name"] != found[3]["name"]:
            dirty |= self.leading_to(key)
        return dirty

    def summary(self, key: str, story: list[Member]) -> dict[str, Any]:
        """What the list of threads and the entries' pages show of a thread: its name (the title of its
        entry most linked within it, the earliest of those equally linked: the executive order, not the
        tweet before it), its count and the dates it spans."""
        ids = [m.entry_id for m in story]
        marks = ", ".join("?" * len(ids))
        self.c.execute(
            f"SELECT id, title, json_extract(data, '$.date'), date_end FROM entries WHERE id IN ({marks})",
            ids,
        )
        rows = {r[0]: r[1:] for r in self.c.fetchall()}
        self.c.execute(
            f"SELECT source_id, target_id FROM relations WHERE source_id IN ({marks}) AND type IN ({_MARKS})",
            (*ids, *JOINING),
        )
        links = [(s, t) for s, t in self.c.fetchall() if t in rows]
        degree = {i: sum((s == i) + (t == i) for s, t in links) for i in ids}
        named = min(story, key=lambda m: (-degree[m.entry_id], m))
        last = max(story, key=lambda m: (rows[m.entry_id][2], m))
        # From the day the first entry's date starts to the day the latest one's ends ("19 August 2019",
        # not the first entry's whole range).
        first_date, last_date = rows[story[0].entry_id][1].split("/")[0], rows[last.entry_id][1].split("/")[-1]
        return {
            "key": key,
            "name": rows[named.entry_id][0],
            "count": len(story),
            "first_date": first_date,
            "first_display": PartialDate(first_date).display(),
            "last_date": last_date,
            "last_display": PartialDate(last_date).display(),
            "latest": rows[last.entry_id][2],
        }
