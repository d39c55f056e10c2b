"""The archive's citation texts are citeproc-js's: the CSL processor inside Zotero and Mendeley, given
the archive's own CSL-JSON, the same style file and the same en-US locale, prints the same text.

For every entry of the flagship archive, in APA, Chicago, MLA and Bluebook:

1. the "Cite this entry" box of the entry page (for the latest revision and for the permanent
   address) and of every revision page, read as plain text, equals citeproc-js's rendering of the
   cite.json beside it;
2. `timeline cite ENTRY --format text`, with and without `--revision N`, equals citeproc-js's
   rendering of `timeline cite ENTRY --format csl` with the same options (so also Bluebook's
   "last visited", which only `timeline cite` gives); the site's citations have no access date;
3. titles with what the two processors treat differently (apostrophes, quotations, hyphenated
   words, stop words) print the same, as text and as the box's HTML.

citeproc-js runs under Node.js from tests/js (`npm ci --prefix tests/js`, which .ci/run does). Without
node or the package the tests skip on a laptop and fail in CI.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import citeproc
import pytest
from conftest import IN_CI, ArchiveUnderTest
from lxml import html as lxml_html
from test_citations import cite_box, copy_flagship

from timeline.formats.csl import STYLES, csl_item, style_path, styled

JS = Path(__file__).resolve().parent / "js"
RENDER = JS / "render.js"
LOCALE = Path(citeproc.__file__).resolve().parent / "data" / "locales" / "locales-en-US.xml"
BOX_NAMES = {"apa": "APA", "chicago": "Chicago", "mla": "MLA", "bluebook": "Bluebook"}


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable, with citeproc-js installed in tests/js."""
    found = shutil.which("node")
    problem = None
    if found is None:
        problem = "node is not installed (bash ../shared/ci/machine-setup.sh node)"
    elif not (JS / "node_modules" / "citeproc" / "package.json").is_file():
        problem = f"citeproc-js is not installed in {JS} (npm ci --prefix tests/js)"
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem}: the citeproc-js check must run in CI")
        pytest.skip(problem)
    assert found is not None
    return found


def render(node: str, style: str, items: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    """Each item's bibliography entry (Bluebook: its citation) by citeproc-js, as plain text."""
    if not items:
        return []
    path = tmp_path / f"items-{style}.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [node, str(RENDER), style_path(style), str(LOCALE), str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert run.returncode == 0, f"citeproc-js failed: {run.stderr}"
    texts = json.loads(run.stdout)
    assert len(texts) == len(items) and all(texts), texts
    return list(texts)


@dataclass
class Rendered:
    """What the archive printed for one CSL-JSON item, and where."""

    where: str
    item: dict[str, Any]
    texts: dict[str, str]  # style -> the archive's text


@dataclass
class Flagship:
    archive: ArchiveUnderTest
    out: Path
    entries: list[dict[str, Any]]  # live entries, `list --json`


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> Flagship:
    archive = copy_flagship(tmp_path_factory.mktemp("citeproc-js") / "archive")
    out = archive.root.parent / "site"
    archive.ok("build", "--out", str(out))
    return Flagship(archive, out, archive.json("list"))


def read_items(path: Path) -> dict[str, Any]:
    (item,) = json.loads(path.read_text(encoding="utf-8"))
    return dict(item)


def site_citations(flagship: Flagship) -> list[Rendered]:
    """Every Cite box of the built site with the CSL-JSON item beside it."""
    found = []
    for entry in flagship.entries:
        folder = flagship.out / "events" / entry["slug"]
        latest = entry["revision"]
        pinned, permanent = cite_box((folder / "index.html").read_bytes())
        found.append(Rendered(f"{entry['slug']}/ (revision)", read_items(folder / f"v{latest}" / "cite.json"), pinned))
        found.append(Rendered(f"{entry['slug']}/ (permanent)", read_items(folder / "cite.json"), permanent))
        for number in range(1, latest + 1):
            page, none = cite_box((folder / f"v{number}" / "index.html").read_bytes())
            assert none == {}
            found.append(Rendered(f"{entry['slug']}/v{number}/", read_items(folder / f"v{number}" / "cite.json"), page))
    assert len(found) > 2 * len(flagship.entries)
    return [Rendered(r.where, r.item, {s: r.texts[BOX_NAMES[s]] for s in STYLES}) for r in found]


def command_citations(flagship: Flagship) -> list[Rendered]:
    """`timeline cite` of every entry's permanent address and of each of its revisions."""
    found = []
    for entry in flagship.entries:
        for number in (None, *range(1, entry["revision"] + 1)):
            options = () if number is None else ("--revision", str(number))
            (item,) = json.loads(flagship.archive.ok("cite", entry["slug"], *options, "--format", "csl").stdout)
            texts = {
                style: flagship.archive.ok("cite", entry["slug"], *options, "--style", style).stdout.removesuffix("\n")
                for style in STYLES
            }
            found.append(Rendered(f"timeline cite {entry['slug']} {' '.join(options)}", item, texts))
    return found


def differences(node: str, citations: list[Rendered], tmp_path: Path) -> list[str]:
    wrong = []
    for style in STYLES:
        expected = render(node, style, [c.item for c in citations], tmp_path)
        for citation, want in zip(citations, expected, strict=True):
            if citation.texts[style] != want:
                ours = citation.texts[style]
                wrong.append(f"{style}, {citation.where}:\n  archive:     {ours}\n  citeproc-js: {want}")
    return wrong


def test_the_cite_boxes_say_what_citeproc_js_says_of_the_cite_json_beside_them(
    node: str, flagship: Flagship, tmp_path: Path
) -> None:
    wrong = differences(node, site_citations(flagship), tmp_path)
    assert not wrong, f"{len(wrong)} citations differ:\n" + "\n".join(wrong[:12])


def test_timeline_cite_says_what_citeproc_js_says_of_its_csl_json(
    node: str, flagship: Flagship, tmp_path: Path
) -> None:
    citations = command_citations(flagship)
    assert any("last visited" in c.texts["bluebook"] for c in citations), "timeline cite gives an access date"
    wrong = differences(node, citations, tmp_path)
    assert not wrong, f"{len(wrong)} citations differ:\n" + "\n".join(wrong[:12])


def test_the_site_gives_no_access_date(flagship: Flagship) -> None:
    """A static file cannot know the day it is read: no "last visited" in the site's Bluebook."""
    for rendered in site_citations(flagship):
        assert "accessed" not in rendered.item, rendered.where
        assert "last visited" not in rendered.texts["bluebook"], rendered.where


# Titles that exercise what citeproc-py and citeproc-js do differently: apostrophes, quotations
# (straight and curly, nested, ending the title), hyphenated words, stop words, a colon, a
# question, and what is not markup (&, <).
TRICKY_TITLES = (
    "users' rights and the user's account",
    "Is it a question?",
    'He said "no" twice',
    "Twitter's “fact-checks” and the user's 'account'",
    'Ends in "a question?"',
    "Curly ‘single’ quotes",
    "rock 'n' roll in the '90s",
    'A "quote," inside',
    "State-backed mail-in fact-checking X-ray via e-mail",
    "Twitter drops lawsuit after government withdraws summons: what it stands for",
    "in-depth look at x and y",
    "ACLU and iPhone via e-mail",
    "U.S. to ban the app & AT&T < 2",
    "and/or the end/start of in/out (draft)",
)


def test_titles_that_differ_between_the_processors_print_as_citeproc_js_prints_them(node: str, tmp_path: Path) -> None:
    site = {"title": "Platform policy timeline", "language": "en"}
    items = []
    for number, title in enumerate(TRICKY_TITLES):
        entry = {"slug": f"e{number}", "title": title, "kind": "statement", "date": "2020-05-28", "summary": ""}
        items.append(csl_item(entry, site, f"https://example.org/events/e{number}/v1/", dt.date(2026, 11, 21), 1))
    wrong = []
    for style in STYLES:
        for item, want in zip(items, render(node, style, items, tmp_path), strict=True):
            as_html = lxml_html.fragment_fromstring(styled(item, style), create_parent="span").text_content()
            for output, ours in (("text", styled(item, style, output="text")), ("html", as_html)):
                if ours != want:
                    wrong.append(f"{style} ({output}):\n  archive:     {ours}\n  citeproc-js: {want}")
    assert not wrong, f"{len(wrong)} citations differ:\n" + "\n".join(wrong[:12])
