"""Hostile text on the site's pages and feeds: stored faithfully, shown as text, never run.

The archive (see ``hostile.py``) has a hostile title and hostile kinds, and every hostile string in
every field that takes it: title, summary, actor name and role, platform, topic, jurisdiction, both
sources' fields, the reasons and editor of each change, a retraction reason, a bundle's title. Its
site is built by ``timeline build``, and the files are found from its ``manifest.json``.

What these tests prove:

1. Every HTML page carries the Content-Security-Policy meta tag, first thing after the charset,
   allowing only the site's own scripts, stylesheet and images (WebAssembly on the search page).
2. No page has an element or an attribute the templates and Markdown do not make, an ``on*``
   attribute, a link or source with a scheme other than http(s) or mailto, a ``<base>``, or a
   script that is neither one of the site's files nor JSON-LD data; every JSON-LD block parses.
3. Each entry's page shows each field's text exactly, as text: the heading, the actors and their
   roles, the facets, the sources' titles, publishers, quotations and notes, the reasons and
   editors in the history, the title in the page's title and citation tags; its JSON-LD holds
   the original text exactly. The retracted entries show their reasons; bundles their titles.
4. Every feed is well-formed XML without a DOCTYPE, parses with feedparser, has no markup in a
   text title, and only harmless markup in an HTML summary; each live entry's title is an entry
   title in some feed, exactly, and the change feed carries the reasons.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
from hostile import SITE_TITLE, Case, HostileArchive
from lxml import etree

from timeline.domain.kinds import kind_label
from timeline.site.manifest import read as read_manifest

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN_TAGS = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "hr", "br"}
MARKDOWN_TAGS |= {f"h{n}" for n in range(1, 7)}
CITATION_TAGS = {"i", "b", "span", "sup", "sub"}  # what the CSL processor's HTML may hold
MARKDOWN_ATTRIBUTES = {"href", "title", "start", "class"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
HEAD_ONLY = {"meta", "link", "title", "script"}


def template_vocabulary() -> tuple[set[str], set[str]]:
    """The element and attribute names the templates write (Jinja's own syntax removed)."""
    tags: set[str] = set()
    attributes: set[str] = set()
    for path in (ROOT / "site_templates").glob("*.html"):
        text = re.sub(r"\{\{.*?\}\}", "X", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"\{[%#].*?[%#]\}", " ", text, flags=re.S)
        for match in re.finditer(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", text):
            tags.add(match.group(1).lower())
            attributes |= {a.lower() for a in re.findall(r"([a-zA-Z][\w:-]*)", re.sub(r'"[^"]*"', " ", match[2]))}
    return tags, attributes


TEMPLATE_TAGS, TEMPLATE_ATTRIBUTES = template_vocabulary()
ALLOWED_TAGS = TEMPLATE_TAGS | MARKDOWN_TAGS | CITATION_TAGS
ALLOWED_ATTRIBUTES = TEMPLATE_ATTRIBUTES | MARKDOWN_ATTRIBUTES


def scheme(url: str) -> str:
    """The scheme a browser reads in a link: it drops surrounding spaces and controls, and tabs and
    line breaks anywhere, before looking for one."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(33)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def element_problems(root: Any, where: str, tags: set[str], attributes: set[str]) -> Iterator[str]:
    """Elements and attributes no template or Markdown makes, event handlers, script schemes."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag not in tags:
            yield f"{where}: a <{element.tag}> element"
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                yield f"{where}: <{element.tag} {name}={value!r}>"
            elif name not in attributes:
                yield f"{where}: <{element.tag}> has an attribute {name}"
            if name in ("href", "src", "action", "formaction", "data", "poster") and scheme(value) not in SAFE_SCHEMES:
                yield f"{where}: <{element.tag} {name}={value!r}>"


def policy_directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def csp_problems(document: Any, where: str) -> Iterator[str]:
    head = document.find("head")
    policies = document.xpath("//meta[@http-equiv]")
    csp = [m for m in policies if m.get("http-equiv").lower() == "content-security-policy"]
    if len(csp) != 1 or head is None or list(head)[:2] != [head.find("meta[@charset]"), csp[0]]:
        yield f"{where}: no Content-Security-Policy meta tag right after the charset"
        return
    directives = policy_directives(csp[0].get("content"))
    wanted = {
        "default-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    }
    for name, sources in wanted.items():
        if directives.get(name) != sources:
            yield f"{where}: {name} is {directives.get(name)}, not {sources}"
    search = where == "search/index.html"
    if directives.get("script-src") != (["'self'", "'wasm-unsafe-eval'"] if search else ["'self'"]):
        yield f"{where}: script-src is {directives.get('script-src')}"
    for meta in policies:
        if meta not in csp and not (meta.get("http-equiv") == "refresh" and "://" not in meta.get("content")):
            yield f"{where}: <meta http-equiv={meta.get('http-equiv')!r} content={meta.get('content')!r}>"


def script_problems(document: Any, where: str) -> Iterator[str]:
    for script in document.iter("script"):
        if script.get("type") == "application/ld+json":
            try:
                json.loads(script.text or "")
            except ValueError as error:
                yield f"{where}: a JSON-LD block does not parse ({error})"
        elif not (script.get("src", "").endswith(".js") and scheme(script.get("src")) == "" and not script.text):
            yield f"{where}: a script that is not one of the site's files: {etree.tostring(script)[:120]!r}"


def page_problems(where: str, content: bytes) -> list[str]:
    document = lxml.html.document_fromstring(content)
    problems = [
        *element_problems(document, where, ALLOWED_TAGS, ALLOWED_ATTRIBUTES),
        *csp_problems(document, where),
        *script_problems(document, where),
    ]
    body = document.find("body")
    problems += [f"{where}: <{e.tag}> in the body" for e in body.iter() if e.tag in HEAD_ONLY - {"script"}]
    return problems


def published(hostile: HostileArchive, suffix: str) -> list[str]:
    files = read_manifest(hostile.out)["files"]
    return sorted(name for name in files if name.endswith(suffix))


def test_every_page_has_the_policy_and_no_markup_from_the_content(hostile: HostileArchive) -> None:
    pages = published(hostile, ".html")
    assert len(pages) > 1000
    problems = [p for page in pages for p in page_problems(page, (hostile.out / page).read_bytes())]
    assert problems == [], "\n".join(problems[:40])


# 3. Each field's text, exactly -------------------------------------------------------------------


def page(hostile: HostileArchive, path: str) -> Any:
    return lxml.html.document_fromstring((hostile.out / path).read_bytes())


def texts(document: Any, xpath: str) -> list[str]:
    return [element.text_content() for element in document.xpath(xpath)]


def field_problems(case: Case, document: Any) -> Iterator[str]:
    entry = case.entry
    shown = {
        "heading": (texts(document, "//main//h1[not(ancestor::div[@class='summary'])]"), [entry["title"]]),
        "page title": (texts(document, "//title"), [f"{entry['title']} · {SITE_TITLE}"]),
        "citation title": (document.xpath("//meta[@name='citation_title']/@content"), [entry["title"]]),
        "kind": (texts(document, "//header//span[@class='kind']"), [kind_label(entry["kind"])]),
        "actor": (texts(document, "//dl[@class='facts']/dd[1]//a"), [entry["actors"][0]["name"]]),
        "role": (texts(document, "//dl[@class='facts']//span[@class='role']"), [f"({entry['actors'][0]['role']})"]),
        "facets": (
            texts(document, "//dl[@class='facts']/dd[position()>1]//a"),
            [entry[f][0] for f in ("platforms", "topics", "jurisdictions")],
        ),
        "publishers": (
            texts(document, "//ol[@class='sources']/li/span[@class='publisher']"),
            [s["publisher"] for s in entry["sources"]],
        ),
        "quotation": (texts(document, "//ol[@class='sources']//blockquote/p"), [f"“{entry['sources'][0]['quote']}”"]),
        "quoted by": (
            texts(document, "//ol[@class='sources']//blockquote/footer"),
            [f"— {entry['sources'][0]['quote_by']}"],
        ),
        "note": (texts(document, "//ol[@class='sources']//p[@class='note']"), [entry["sources"][1]["note"]]),
    }
    for name, (found, wanted) in shown.items():
        if found != wanted:
            yield f"{case.text!r}: the page shows the {name} as {found!r}, not {wanted!r}"
    sources = document.xpath("//ol[@class='sources']/li")
    if len(sources) != len(entry["sources"]):
        yield f"{case.text!r}: the page lists {len(sources)} sources, not {len(entry['sources'])}"
    for source, wanted in zip(sources, entry["sources"], strict=False):
        if f"“{wanted['title']}”" not in source.text_content():
            yield f"{case.text!r}: a source's title is not shown as {wanted['title']!r}"
    history = "".join(texts(document, "//ol[@class='history']"))
    if history.count(f"Reason: {case.reason}") != 3 or history.count(f" by {case.editor}. Reason") != 2:
        yield f"{case.text!r}: the history does not show each change's reason and editor"


def json_ld_problems(case: Case, document: Any) -> Iterator[str]:
    (block,) = document.xpath("//script[@type='application/ld+json']")
    data = json.loads(block.text)
    entry = case.entry
    found = {
        "name": data["name"],
        "description": data["about"]["description"],
        "citations": [(c["name"], c["publisher"]["name"], c.get("url")) for c in data["citation"]],
        "site": data["isPartOf"]["name"],
    }
    wanted = {
        "name": entry["title"],
        "description": entry["summary"],
        "citations": [(s["title"], s["publisher"], s.get("url")) for s in entry["sources"]],
        "site": SITE_TITLE,
    }
    if found != wanted:
        yield f"{case.text!r}: JSON-LD holds {found!r}, not {wanted!r}"


def test_each_entry_page_shows_every_field_exactly_as_text(hostile: HostileArchive) -> None:
    problems: list[str] = []
    for case in hostile.cases:
        if not case.slug:
            continue
        document = page(hostile, f"events/{case.slug}/index.html")
        problems += field_problems(case, document)
        problems += json_ld_problems(case, document)
        problems += json_ld_problems(case, page(hostile, f"events/{case.slug}/v3/index.html"))
    assert problems == [], "\n".join(problems[:40])


def test_retraction_reasons_bundle_titles_and_file_recorded_roles_show_exactly(hostile: HostileArchive) -> None:
    problems: list[str] = []
    bundle_index = texts(page(hostile, "bundles/index.html"), "//main//li/a")
    for case in hostile.cases:
        if case.retracted:
            notice = texts(page(hostile, f"events/{case.retracted}/index.html"), "//div[@role='note']/p[1]")
            if not notice or not notice[0].endswith(f": {case.prose}"):
                problems.append(f"{case.text!r}: the retraction notice reads {notice!r}")
        if case.bundle:
            heading = texts(page(hostile, f"bundles/{case.bundle}/index.html"), "//main//h1")
            if heading != [case.line] or case.line not in bundle_index:
                problems.append(f"{case.text!r}: the bundle is shown as {heading!r}")
        if case.filed:
            document = page(hostile, f"events/{case.filed}/index.html")
            roles = texts(document, "//span[@class='role']")
            if roles != [f"({case.line})"]:
                problems.append(f"{case.text!r}: the role from a file is shown as {roles!r}")
    assert problems == [], "\n".join(problems[:40])


# 4. Feeds ----------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def feed_problems(name: str, content: bytes) -> Iterator[str]:
    tree = etree.fromstring(content, XML).getroottree()
    if tree.docinfo.doctype:
        yield f"{name}: a DOCTYPE"
    parsed = feedparser.parse(content)
    if parsed.bozo:
        yield f"{name}: feedparser: {parsed.get('bozo_exception')}"
    for element in tree.iter(f"{ATOM}title", f"{ATOM}name", f"{ATOM}summary"):
        if len(element):
            yield f"{name}: markup inside <{element.tag}>"
        if element.get("type") == "html" and element.text:
            fragment = lxml.html.fragment_fromstring(element.text, create_parent="div")
            yield from element_problems(fragment, f"{name} summary", MARKDOWN_TAGS | {"div"}, MARKDOWN_ATTRIBUTES)


def test_every_feed_is_well_formed_and_carries_the_text_as_text(hostile: HostileArchive) -> None:
    feeds = published(hostile, ".xml")
    assert len(feeds) > 300
    problems = [p for name in feeds for p in feed_problems(name, (hostile.out / name).read_bytes())]
    assert problems == [], "\n".join(problems[:40])

    titles: set[str] = set()
    for name in feeds:
        titles |= {entry.title for entry in feedparser.parse((hostile.out / name).read_bytes()).entries}
    missing = [case.entry["title"] for case in hostile.cases if case.slug and case.entry["title"] not in titles]
    assert missing == []
    changes = feedparser.parse((hostile.out / "feeds/changes.xml").read_bytes())
    summaries = [entry.summary for entry in changes.entries]
    unseen = [c.reason for c in hostile.cases[-8:] if c.slug and not any(s.startswith(c.reason) for s in summaries)]
    assert unseen == []
