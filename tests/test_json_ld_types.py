"""The JSON-LD on every page that has some (entry pages and revision pages, retracted ones too) uses
each schema.org property only on a type that has it, with a value of a type the property expects.

The table below follows schema.org's definitions (https://schema.org/<Type> and /<property>:
"Properties from", "Values expected to be one of these types") for the properties the archive
emits: a property is allowed on a node when one of the node's types, or a type it is a kind of,
has it; a nested node's @type must be one of the expected types or a kind of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import extruct
import pytest
from click.testing import CliRunner
from conftest import ArchiveUnderTest, copy_flagship_files

# Each type and what it is a kind of (its parents, up to Thing).
PARENTS = {
    "Thing": [],
    "CreativeWork": ["Thing"],
    "WebPage": ["CreativeWork"],
    "WebSite": ["CreativeWork"],
    "Legislation": ["CreativeWork"],
    "Event": ["Thing"],
    "Place": ["Thing"],
    "Organization": ["Thing"],
    "GovernmentOrganization": ["Organization"],
    "Person": ["Thing"],
    "Intangible": ["Thing"],
    "StructuredValue": ["Intangible"],
    "PropertyValue": ["StructuredValue"],
}
TEXT, URL, DATE = "Text", "URL", "Date"
# property: (the types that have it, the types of value it expects)
PROPERTIES: dict[str, tuple[set[str], set[str]]] = {
    "name": ({"Thing"}, {TEXT}),
    "url": ({"Thing"}, {URL}),
    "description": ({"Thing"}, {TEXT}),
    "disambiguatingDescription": ({"Thing"}, {TEXT}),
    "inLanguage": ({"CreativeWork", "Event"}, {TEXT}),
    "datePublished": ({"CreativeWork"}, {DATE}),
    "version": ({"CreativeWork"}, {TEXT}),
    "isPartOf": ({"CreativeWork"}, {"CreativeWork", URL}),
    "about": ({"CreativeWork", "Event"}, {"Thing"}),
    "citation": ({"CreativeWork"}, {"CreativeWork", TEXT}),
    "publisher": ({"CreativeWork"}, {"Organization", "Person"}),
    "startDate": ({"Event"}, {DATE}),
    "endDate": ({"Event"}, {DATE}),
    "location": ({"Event"}, {"Place", TEXT}),
    "organizer": ({"Event"}, {"Organization", "Person"}),
    "legislationIdentifier": ({"Legislation"}, {TEXT}),
    "legislationDate": ({"Legislation"}, {DATE}),
    "identifier": ({"Thing"}, {"PropertyValue", TEXT, URL}),
    "alternateName": ({"Thing"}, {TEXT}),
    "propertyID": ({"PropertyValue"}, {TEXT, URL}),
    "value": ({"PropertyValue"}, {"StructuredValue", TEXT}),  # also Boolean and Number, never emitted
}


def kinds(types: list[str]) -> set[str]:
    """The types and every type they are a kind of."""
    found: set[str] = set()
    pending = list(types)
    while pending:
        name = pending.pop()
        if name not in PARENTS:
            raise AssertionError(f"@type {name} is not in the test's table of schema.org types")
        if name not in found:
            found.add(name)
            pending.extend(PARENTS[name])
    return found


def check(node: dict[str, Any], where: str) -> list[str]:
    """Every property of NODE (and of the nodes in it) used as schema.org defines it."""
    types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
    mine = kinds(types)
    problems = []
    for name, value in node.items():
        if name.startswith("@"):
            continue
        if name not in PROPERTIES:
            problems.append(f"{where}: {name} is not in the test's table of schema.org properties")
            continue
        on, expected = PROPERTIES[name]
        if not on & mine:
            problems.append(f"{where}: {'/'.join(types)} has no property {name}")
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, dict):
                value_types = one["@type"] if isinstance(one["@type"], list) else [one["@type"]]
                if not kinds(value_types) & expected:
                    problems.append(f"{where}: {name} expects {sorted(expected)}, not {value_types}")
                problems += check(one, f"{where} > {name}")
            elif not isinstance(one, str) or not {TEXT, URL, DATE} & expected:
                problems.append(f"{where}: {name} expects {sorted(expected)}, not {one!r}")
    return problems


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flagship")
    copy_flagship_files(root)
    archive = ArchiveUnderTest(root=root, store_url=None, runner=CliRunner())
    extra = archive.add("Platform bans all political speech", "2020-05-27~", "policy-change")
    archive.ok("retract", extra["slug"], "--reason", "the reported ban never happened")
    archive.add("Court hears the challenge", "2020-06-01/2020-06-03", "hearing", "--actor", "A Court:issuer",
                "--identifier", "docket:N.D. Cal. No. 3:20-cv-03608")  # fmt: skip
    archive.add("An order with its official numbers", "2020-05-28", "executive-order",
                "--identifier", "executive-order:13925", "--identifier", "federal-register:85 FR 34079")  # fmt: skip
    archive.ok("build", "--out", str(root / "out"))
    return root / "out"


def test_every_json_ld_property_is_used_as_schema_org_defines_it(site: Path) -> None:
    checked, problems = 0, []
    for page in sorted(site.rglob("*.html")):
        if page.relative_to(site).parts[0] == "pagefind":
            continue
        found = extruct.extract(page.read_text(encoding="utf-8"), syntaxes=["json-ld"])["json-ld"]
        for node in found:
            checked += 1
            problems += check(node, page.relative_to(site).as_posix())
    assert checked >= 45, "every entry page and revision page carries JSON-LD"
    assert problems == []
