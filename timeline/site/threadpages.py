"""The pages of threads: each thread as its own dated list, its entries' links to each other in
words, and the list of every thread. A key no longer a thread's keeps its page: a redirect to the
thread it was merged into, or a notice that its entries are no longer linked."""

from __future__ import annotations

from typing import Any

from timeline.domain.relations import RelationType
from timeline.site import pagekeys, urls
from timeline.site.readmodel import SiteView
from timeline.site.templating import Files, Templates
from timeline.site.threads import JOINING


def linked_in_words(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cards, each with only its links to the thread's other entries, both ways, worded as the
    entry reads them ("responds to", "ended by"), each naming the other entry by its title now:
    what the entry list (_entry_list.html) shows of a card's relations."""
    by_id = {card["id"]: card for card in cards}
    # What the entry says first (as its own page does), then what others say of it, in date order.
    says: dict[str, list[dict[str, Any]]] = {card["id"]: [] for card in cards}
    said_of: dict[str, list[dict[str, Any]]] = {card["id"]: [] for card in cards}
    for card in cards:
        for relation in card["relations"]:
            other = by_id.get(relation["target_id"])
            if other is None or relation["type"] not in JOINING:
                continue
            says[card["id"]].append(_link(relation["wording"], other))
            said_of[other["id"]].append(_link(RelationType(relation["type"]).inverse_wording, card))
    return [card | {"relations": says[card["id"]] + said_of[card["id"]]} for card in cards]


def _link(wording: str, other: dict[str, Any]) -> dict[str, Any]:
    return {"wording": wording, "target_slug": other["slug"], "target_title": other["title"], "target_live": True}


class ThreadPages:
    def __init__(self, templates: Templates, view: SiteView):
        self.templates = templates
        self.view = view

    def thread(self, key: pagekeys.Thread) -> Files:
        """The thread's page, or, for a key merged into another's, a page leading to that one."""
        thread = self.view.thread(key.key)
        if thread is None:
            return {}
        url = urls.thread(key.key)
        if thread["state"] == "merged":
            target = self.view.thread(thread["merged_into"]) or {}
            return self.templates.redirect(url, urls.thread(thread["merged_into"]), target["name"], what="thread")
        cards = linked_in_words(self.view.thread_cards(key.key)) if thread["state"] == "live" else []
        return self.templates.page("thread.html", url, thread=thread, entries=cards)

    def index(self) -> Files:
        return self.templates.page("threads.html", urls.threads_index(), threads=self.view.live_threads())
