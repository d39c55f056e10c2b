"""The live entries in Knight Lab's TimelineJS JSON format (``data/timelinejs.json``).

Anyone can show the archive as a TimelineJS slideshow with ``new TL.Timeline(id, url)``.
Each live entry is one slide: its slug as the ``unique_id`` (slugs never change, so a
bookmarked slide keeps working), its title as the headline, its summary as HTML (already
rendered safely in the read model) with a link to its permanent page, its date at the
precision recorded (a year, a month or a day; a range has an end date; an approximate date
says "c." in ``display_date``), the first source with a URL as its media (linked to it), and
its kind as its group. The title slide names the archive and links to it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from timeline.site import urls


def date_object(part: str) -> dict[str, int]:
    """A TimelineJS date from one part of an entry's date: ``2020-05`` -> {year: 2020, month: 5}."""
    fields = part.rstrip("~").split("-")
    return dict(zip(("year", "month", "day"), (int(f) for f in fields), strict=False))


def _link(url: str, words: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(words)}</a>'


def slide(doc: Mapping[str, Any], links: urls.SiteUrls) -> dict[str, Any]:
    """One live entry as a TimelineJS slide."""
    parts = doc["date"].split("/")
    permalink = links.entry(doc["slug"])
    text = doc["summary_html"] + f"<p>{_link(permalink, 'The entry, its sources and its history')}</p>"
    data: dict[str, Any] = {"unique_id": doc["slug"], "start_date": date_object(parts[0])}
    if len(parts) == 2:
        data["end_date"] = date_object(parts[1])
    if "~" in doc["date"]:
        data["display_date"] = doc["date_display"]  # TimelineJS has no way to say "about"
    data["text"] = {"headline": html.escape(doc["title"]), "text": text}
    source = next((s for s in doc["sources"] if s.get("url")), None)
    if source is not None:
        # TimelineJS embeds what it recognises (videos, posts, pictures); for anything else the
        # link makes the caption shown in place of the picture lead to the document.
        media = {"url": source["url"], "link": source["url"], "caption": html.escape(source["title"])}
        if source.get("publisher"):
            media["credit"] = html.escape(source["publisher"])
        data["media"] = media
    data["group"] = doc["kind"]
    return data


def slide_json(doc: Mapping[str, Any], links: urls.SiteUrls) -> str:
    """A slide as the text the file holds: made once per change by the projection, so that the
    file is joined from ready slides instead of re-encoding every entry on every build."""
    return json.dumps(slide(doc, links), ensure_ascii=False, separators=(",", ":"))


def timelinejs_json(slides: list[str], site_title: str, links: urls.SiteUrls) -> bytes:
    """The TimelineJS file of the live entries' slides (see :func:`slide_json`), in date order."""
    home = links.home()
    title = {
        "text": {
            "headline": html.escape(site_title),
            "text": f"<p>{_link(home, 'Browse the archive')}: every entry with its sources and corrections.</p>",
        }
    }
    # Compact: the file is for TimelineJS, not for reading.
    head = json.dumps({"title": title}, ensure_ascii=False, separators=(",", ":"))[:-1]
    return f'{head},"events":[{",".join(slides)}],"scale":"human"}}\n'.encode()
