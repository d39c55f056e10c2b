"""The live entries in Knight Lab's TimelineJS JSON format (``data/timelinejs.json``).

Anyone can show the archive as a TimelineJS slideshow with ``new TL.Timeline(id, url)``.
Each live entry is one slide: its slug as the ``unique_id`` (slugs never change, so a
bookmarked slide keeps working), its title as the headline, its summary as HTML (already
rendered safely in the read model) with a link to its permanent page, its date at the
precision recorded (a year, a month or a day; a range has an end date; an approximate date
says "c." in ``display_date``), the first source with a URL as its media (linked to it), and
its kind as its group. The title slide names the archive and links to it.

The read model keeps each slide ready as text, with its link site-relative: the file puts the
site's base URL in when it is rendered, so the read model holds no address of the site's host.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from timeline.site import data, urls


def date_object(part: str) -> dict[str, int]:
    """A TimelineJS date from one part of an entry's date: ``2020-05`` -> {year: 2020, month: 5}."""
    fields = part.rstrip("~").split("-")
    return dict(zip(("year", "month", "day"), (int(f) for f in fields), strict=False))


def _link(url: str, words: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(words)}</a>'


def slide(doc: Mapping[str, Any], permalink: str) -> dict[str, Any]:
    """One live entry as a TimelineJS slide, linking to its page at PERMALINK."""
    parts = doc["date"].split("/")
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


def _encoded(text: str) -> str:
    """TEXT as a JSON string holds it, without the quotes."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def slide_json(doc: Mapping[str, Any]) -> tuple[str, str]:
    """A slide as the text the file holds, its link site-relative, in two parts: the site's base
    URL goes between them (see :func:`events_json`).

    Made once per change by the projection, so that the file is joined from ready slides instead
    of re-encoding every entry on every build."""
    text = json.dumps(slide(doc, urls.entry(doc["slug"])), ensure_ascii=False, separators=(",", ":"))
    # The slide's text is its summary, then the link. A quote inside a string is escaped, and no
    # other key is "text" with a string value, so '"text":"' is where that text begins.
    start = text.index('"text":"') + len('"text":"')
    at = start + len(_encoded(doc["summary_html"] + '<p><a href="'))
    return text[:at], text[at:]


def events_json(slides: list[tuple[str, str]], links: urls.SiteUrls) -> str:
    """The slides of :func:`slide_json`, comma-separated, with the base URL in their links. JSON and
    HTML escape character by character, so the base URL's escaped form put before the site-relative
    address's gives what the slide made with the absolute address encodes to. (Joined in one go:
    no slide is copied on its own.)"""
    base = _encoded(html.escape(links.root))
    parts: list[str] = []
    for head, tail in slides:
        parts += (",", head, base, tail)
    return "".join(parts[1:])


# Where a file's slides begin and what follows them. The title before them is JSON whose strings
# escape every quote, so the first '"events":[' with its quote bare is where the slides begin.
_EVENTS = b',"events":['
_TAIL = b'],"scale":"human"}\n'


def _head(site_title: str, links: urls.SiteUrls, year: int | None) -> bytes:
    """A file's title slide: the archive's name (and the year's) and a link to it, up to its slides."""
    headline = site_title if year is None else f"{site_title}: {year}"
    home = links.home() if year is None else links.absolute(urls.year(year))
    words = "Browse the archive" if year is None else f"Browse {year}"
    title = {
        "text": {
            "headline": html.escape(headline),
            "text": f"<p>{_link(home, words)}: every entry with its sources and corrections.</p>",
        }
    }
    # Compact: the file is for TimelineJS, not for reading.
    return json.dumps({"title": title}, ensure_ascii=False, separators=(",", ":"))[:-1].encode() + _EVENTS


def timelinejs_json(
    slides: list[tuple[str, str]], site_title: str, links: urls.SiteUrls, year: int | None = None
) -> bytes:
    """The TimelineJS file of these live entries' slides (see :func:`slide_json`), in date order:
    the whole archive's, or with YEAR the year's (its title slide says the year)."""
    return _head(site_title, links, year) + events_json(slides, links).encode() + _TAIL


def joined_timelinejs(files: list[bytes], site_title: str, links: urls.SiteUrls) -> bytes:
    """The whole archive's file from the years' files (:func:`timelinejs_json`), in their order: their
    slides, byte for byte, under the archive's title slide."""
    slides = [memoryview(file)[file.index(_EVENTS) + len(_EVENTS) : -len(_TAIL)] for file in files]
    return data.joined(_head(site_title, links, None), [s for s in slides if len(s)], b",", _TAIL)
