"""Reading Knight Lab's TimelineJS files for the bulk import: its JSON and its spreadsheet template as CSV.

Each slide becomes one row of the import, as the mapping ``draft_from`` reads:

- the date from ``start_date``/``end_date`` (or Year, Month, Day, End Year...) at the precision
  given: a year, a month or a day, and a range when the end differs. Times are not kept (an
  entry's date is a day at most), nor ``display_date`` (it is shown the archive's way), but a
  display date that says "c.", "circa" or "about" makes the date approximate;
- the headline (HTML) as the title, in plain words; the text (HTML) as the summary, in safe Markdown;
- the media URL as a source: the credit is its publisher, the caption its title (a long caption is
  its note, and the URL its title). Media that is HTML rather than a URL (a quotation) joins the
  summary. Thumbnails, backgrounds and alt texts are how TimelineJS draws a slide: not kept;
- ``group`` as a topic, or as the kind (``group_as="kind"``); the kind otherwise is ``kind``;
- an entry with no source of its own rests on the file itself: a source titled with the file's
  title slide (or its name), accessed on the day of the import.

The title slide (or a row whose Type is ``title``) and eras are not entries. A slide is known,
as TimelineJS knows it, by its ``unique_id`` or else its headline, within its file (its name and
title): an entry's id derives from that, so importing a later version of the same file records only
the slides it has not seen.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from slugify import slugify

from timeline.errors import TimelineError
from timeline.formats.htmltext import html_to_markdown, html_to_text, web_address

Row = tuple[int, dict[str, Any] | Exception]
GROUP_AS = ("topic", "kind")
TIMELINEJS_NAMESPACE = uuid.UUID("0d6f2f5e-7a43-4c1e-9a4f-6a8f1f7f1e3b")
CAPTION_AS_TITLE = 300  # longer captions become the source's note
# The template's columns (and two the library also reads: "Alt Text", and "Tag", the old name of Group).
COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
    "Alt Text",
    "Tag",
)
_BY_KEY = {"".join(name.lower().split()): name for name in COLUMNS}


@dataclass(frozen=True)
class TimelineJSOptions:
    """How slides become entries: the kind of entries with none, and what a group is."""

    kind: str = "policy-change"
    group_as: str = "topic"


def column_key(header: str) -> str:
    """A header as TimelineJS matches it: case and spaces ignored ("End Year" = "endyear")."""
    return "".join((header or "").lower().split())


def is_template_header(headers: list[str]) -> bool:
    """Whether a CSV's first row is the TimelineJS template's (it has Year and Headline columns)."""
    keys = {column_key(h) for h in headers}
    return {"year", "headline"} <= keys


def is_timelinejs_json(data: Any) -> bool:
    """Whether parsed JSON is a TimelineJS file: an object with an ``events`` list."""
    return isinstance(data, dict) and isinstance(data.get("events"), list)


# Dates ---------------------------------------------------------------------------------------------


def _number(value: Any, label: str, low: int, high: int, meaning: str) -> int | None:
    """A whole number from a cell or a JSON value ("2,020" and 2020.0 are 2020); None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{label}: {value!r} is not a number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).replace(",", "").split())
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"{label}: {value!r} is not a whole number; give {meaning}") from None
    if not low <= number <= high:
        raise ValueError(f"{label}: {number} is out of range; give {meaning}")
    return number


def edtf_part(year: Any, month: Any, day: Any, labels: tuple[str, str, str]) -> str | None:
    """``2020``, ``2020-05`` or ``2020-05-26`` from a slide's date fields, at the precision given."""
    y = _number(year, labels[0], 1, 9999, "a year from 1 to 9999 (the archive has no dates BCE)")
    m = _number(month, labels[1], 1, 12, "a month from 1 to 12")
    d = _number(day, labels[2], 1, 31, "a day of the month")
    if y is None:
        if m is not None or d is not None:
            raise ValueError(f"{labels[0]}: is empty but {labels[1] if m is not None else labels[2]} is given")
        return None
    if d is not None and m is None:
        raise ValueError(f"{labels[2]}: is given without {labels[1]}")
    return f"{y:04d}" + (f"-{m:02d}" if m is not None else "") + (f"-{d:02d}" if d is not None else "")


# A display date that says "about" makes the date approximate, the one thing of it the archive keeps.
_ABOUT = re.compile(r"^\s*(c\.|ca\.|c |circa\b|about\b|around\b|approx)", re.IGNORECASE)


def edtf_date(start: str | None, end: str | None, start_label: str, display: str = "") -> str:
    """The entry's date: the start, or a range when an end is given and differs; approximate
    (``2017~``) when the display date reads "c. 2017", "circa 2017", "about 2017"..."""
    if start is None:
        raise ValueError(f"{start_label}: is empty; every entry needs at least a year")
    mark = "~" if _ABOUT.match(html_to_text(display)) else ""
    return f"{start}{mark}" if end is None or end == start else f"{start}{mark}/{end}{mark}"


# Slides --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slide:
    """One event slide, its fields as the file gives them (HTML where TimelineJS allows HTML)."""

    date: str
    headline: str
    text: str
    media_url: str
    credit: str
    caption: str
    group: str
    unique_id: str


def _media(slide: Slide) -> tuple[dict[str, Any] | None, str]:
    """(the source the media names, Markdown for the summary) from the slide's media."""
    value = slide.media_url.strip()
    if not value:
        return None, ""
    if value.startswith("<"):
        return None, html_to_markdown(value)  # an embedded quotation or the like: words for the summary
    url = "https:" + value if value.startswith("//") else value
    if not web_address(url):
        raise ValueError(f"media: {value[:80]!r} is not an http:// or https:// address")
    source: dict[str, Any] = {"url": url}
    credit = html_to_text(slide.credit)
    if credit:
        source["publisher"] = credit
    caption = html_to_text(slide.caption)
    if caption and len(caption) <= CAPTION_AS_TITLE:
        source["title"] = caption
    else:
        source["title"] = url
        if caption:
            source["note"] = caption
    return source, ""


class SlideIds:
    """Entry ids for a file's slides: from the slide's unique_id, or its headline when it has none
    (as TimelineJS names slides), made unique within the file, and scoped to the file's name and title."""

    def __init__(self, file_name: str, title: str):
        self.scope = f"{file_name}\n{title}"
        self.used: set[str] = set()

    def __call__(self, slide: Slide) -> str:
        key = slugify(slide.unique_id) or slugify(html_to_text(slide.headline)) or "slide"
        candidate, number = key, 1
        while candidate in self.used:
            number += 1
            candidate = f"{key}-{number}"
        self.used.add(candidate)
        return str(uuid.uuid5(TIMELINEJS_NAMESPACE, f"{self.scope}\n{candidate}"))


def slide_mapping(
    slide: Slide, options: TimelineJSOptions, file_source: dict[str, Any], entry_id: str
) -> dict[str, Any]:
    """The import mapping (events/ field names) of one slide."""
    title = html_to_text(slide.headline)
    if not title:
        raise ValueError("headline: is empty; every entry needs a headline (its title)")
    source, extra = _media(slide)
    summary = "\n\n".join(part for part in (html_to_markdown(slide.text), extra) if part)
    group = html_to_text(slide.group)
    kind = options.kind
    topics: list[str] = []
    if group and options.group_as == "kind":
        kind = slugify(group) or group
    elif group:
        topics.append(group)
    return {
        "title": title,
        "kind": kind,
        "date": slide.date,
        "summary": summary,
        "topics": topics,
        "sources": [source or file_source],
        "id": entry_id,
    }


def _file_source(title: str, file_name: str, what: str) -> dict[str, Any]:
    return {"title": title or file_name, "note": f"Imported from the TimelineJS {what} {file_name}."}


# JSON ----------------------------------------------------------------------------------------------


def _object(value: Any, label: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{label}: must be an object")
    return value


def _text(value: Any, label: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError(f"{label}: must be text")
    return str(value)


def _json_date(value: Any, label: str) -> str | None:
    date = _object(value, label)
    return edtf_part(
        date.get("year"), date.get("month"), date.get("day"), (f"{label}.year", f"{label}.month", f"{label}.day")
    )


def _display_date(data: Mapping[str, Any]) -> str:
    """The slide's display date, or else its start date's."""
    start = data.get("start_date")
    inner = start.get("display_date") if isinstance(start, Mapping) else None
    return _text(data.get("display_date") or inner, "display_date")


def _json_slide(data: Any) -> Slide:
    if not isinstance(data, Mapping):
        raise ValueError("each event must be a JSON object (a slide)")
    text = _object(data.get("text"), "text")
    media = _object(data.get("media"), "media")
    start = _json_date(data.get("start_date"), "start_date")
    end = _json_date(data.get("end_date"), "end_date")
    return Slide(
        date=edtf_date(start, end, "start_date.year", _display_date(data)),
        headline=_text(text.get("headline"), "text.headline"),
        text=_text(text.get("text"), "text.text"),
        media_url=_text(media.get("url"), "media.url"),
        credit=_text(media.get("credit"), "media.credit"),
        caption=_text(media.get("caption"), "media.caption"),
        group=_text(data.get("group"), "group"),
        unique_id=_text(data.get("unique_id"), "unique_id"),
    )


def read_json(text: str, file_name: str, options: TimelineJSOptions) -> Iterator[Row]:
    """Rows from a TimelineJS JSON file, numbered by their place in ``events`` (1 is the first)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise TimelineError(f"{file_name}: is not JSON ({error})") from None
    if not is_timelinejs_json(data):
        raise TimelineError(f"{file_name}: a TimelineJS file is a JSON object with an 'events' list")
    title = data.get("title")
    headline = ""
    if isinstance(title, Mapping) and isinstance(title.get("text"), Mapping):
        headline = html_to_text(str(title["text"].get("headline") or ""))
    file_source = _file_source(headline, file_name, "file")
    ids = SlideIds(file_name, headline)
    for number, event in enumerate(data["events"], 1):
        try:
            slide = _json_slide(event)
            yield number, slide_mapping(slide, options, file_source, ids(slide))
        except ValueError as error:
            yield number, error


# CSV -----------------------------------------------------------------------------------------------


def _csv_slide(row: Mapping[str, str]) -> Slide:
    start = edtf_part(row.get("Year"), row.get("Month"), row.get("Day"), ("Year", "Month", "Day"))
    end = edtf_part(row.get("End Year"), row.get("End Month"), row.get("End Day"), ("End Year", "End Month", "End Day"))
    return Slide(
        date=edtf_date(start, end, "Year", row.get("Display Date", "")),
        headline=row.get("Headline", ""),
        text=row.get("Text", ""),
        media_url=row.get("Media", ""),
        credit=row.get("Media Credit", ""),
        caption=row.get("Media Caption", ""),
        group=row.get("Group", "") or row.get("Tag", ""),
        unique_id="",
    )


def read_csv(text: str, file_name: str, options: TimelineJSOptions) -> Iterator[Row]:
    """Rows from the TimelineJS spreadsheet template saved as CSV, numbered as the spreadsheet numbers
    them (the header is row 1), whatever line breaks the cells hold."""
    records = list(csv.reader(io.StringIO(text, newline="")))
    headers = records[0] if records else []
    names: list[str | None] = []
    for header in headers:
        name = _BY_KEY.get(column_key(header))
        if name is None and header.strip():
            raise TimelineError(
                f"{file_name}: unknown column {header.strip()!r} in a TimelineJS spreadsheet; "
                f"its columns are {', '.join(COLUMNS[:18])}"
            )
        names.append(name)
    rows: list[tuple[int, dict[str, str]]] = []
    title = ""
    for number, record in enumerate(records[1:], 2):
        row = {name: value.strip() for name, value in zip(names, record, strict=False) if name}
        kind = row.get("Type", "").lower()
        if kind == "title":
            title = title or html_to_text(row.get("Headline", ""))
        elif kind != "era" and any(row.values()):
            rows.append((number, row))
    file_source = _file_source(title, file_name, "spreadsheet")
    ids = SlideIds(file_name, title)
    for number, row in rows:
        try:
            slide = _csv_slide(row)
            yield number, slide_mapping(slide, options, file_source, ids(slide))
        except ValueError as error:
            yield number, error
