"""The time scale's data: what timescale.js draws the timeline from, a period at a time.

Every listing page is complete without JavaScript; the script draws it on a scale of time. On the
home, timeline and year pages it draws the whole archive, and fetches only what the period on
screen needs: the counts of every month (one small file: the overview strip, and any period too
dense to list entry by entry) and the entries of the years in view, one file per year.
"""

from __future__ import annotations

import json
from typing import Any

from timeline.domain.kinds import kind_label
from timeline.site import pagekeys, urls
from timeline.site.readmodel import SiteView
from timeline.site.templating import Files, Templates

# Entries in view past which the scale counts them by month or year instead of drawing each (unless
# it shows three months or less): timescale.js reads it from the page (data-dense).
DENSE = 250


def point(card: dict[str, Any]) -> list[str]:
    """An entry as the time scale draws it: its first and last day, its date as recorded (the
    script tells ranges and approximate dates by it), as shown, its title, slug and kind."""
    return [
        card["date_start"],
        card["date_end"],
        card["date"],
        card["date_display"],
        card["title"],
        card["slug"],
        kind_label(card["kind"]),
    ]


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


class TimescaleFiles:
    def __init__(self, templates: Templates, view: SiteView):
        self.view = view
        templates.env.globals["dense"] = DENSE  # _timescale.html gives it to the script (data-dense)

    def year(self, key: pagekeys.Timescale) -> Files:
        """The entries the year's page lists, in its order (an entry spanning years is in each)."""
        cards = self.view.year_entries(key.year)
        if not cards:
            return {}
        return {urls.timescale_year(key.year): _json({"year": key.year, "entries": [point(c) for c in cards]})}

    def overview(self) -> Files:
        """The archive's span, the years with entries (the files there are) and each month's count."""
        span = self.view.live_span()
        data = {
            "first": span[0] if span else None,
            "last": span[1] if span else None,
            "years": [year for year, _ in self.view.year_counts()],
            "months": [[month, count] for month, count in self.view.month_counts()],
        }
        return {urls.timescale_overview(): _json(data)}
