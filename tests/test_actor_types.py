"""What an actor is (a person, an organisation, a government body, a court) is recorded once per
actor with `timeline actor type`, not in every entry naming it: the actor's page says it, the
JSON-LD of every entry page naming it as issuer names it as the event's organizer with a type
schema.org accepts, the change is a line of history/actors/<key>.jsonl that a fresh clone builds
the same site from, and an incremental build equals a full one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import ArchiveUnderTest
from sitebuild import build, tree


def json_ld(page: Path) -> dict[str, Any]:
    """The schema.org JSON-LD of a built page."""
    soup = BeautifulSoup(page.read_bytes(), "lxml")
    [script] = soup.find_all("script", type="application/ld+json")
    found: dict[str, Any] = json.loads(script.string)
    return found


def organizers(site: Path, slug: str) -> list[dict[str, str]] | None:
    """The organizers the entry page's JSON-LD names (None when it names none)."""
    return json_ld(site / "events" / slug / "index.html")["about"].get("organizer")


def actor_type_shown(site: Path, key: str) -> str | None:
    soup = BeautifulSoup((site / "actors" / key / "index.html").read_bytes(), "lxml")
    shown = soup.select_one(".actor-type")
    return shown.get_text(strip=True) if shown else None


def history_lines(archive: ArchiveUnderTest, key: str) -> list[dict[str, Any]]:
    path = archive.root / "history" / "actors" / f"{key}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_actor_is_typed_once_and_every_page_naming_it_says_so(
    sqlite_archive: ArchiveUnderTest, tmp_path: Path
) -> None:
    archive, site = sqlite_archive, tmp_path / "site"
    order = archive.add(
        "Trump signs an order on online censorship", "2020-05-28", "executive-order",
        "--actor", "Donald Trump:issuer", "--actor", "Twitter:target",
    )  # fmt: skip
    labels = archive.add("Twitter labels two tweets", "2020-05-26", "label", "--actor", "Twitter:issuer")
    withdrawn = archive.add("Twitter bans a hashtag", "2020-05-27", "policy-change", "--actor", "Twitter:issuer")
    archive.ok("retract", withdrawn["slug"], "--reason", "it never happened")
    build(archive, site)
    first_revision = (site / "events" / order["slug"] / "v1" / "index.html").read_bytes()

    # Untyped, an issuer is named as no organizer at all: schema.org accepts no "Thing" there.
    assert organizers(site, order["slug"]) is None
    assert organizers(site, labels["slug"]) is None
    assert actor_type_shown(site, "donald-trump") is None

    # Typing an actor records it once, as one line of its history file.
    typed = archive.ok("actor", "type", "Donald Trump", "person", "--reason", "the president himself")
    assert typed.stdout == "actor Donald Trump is now typed person (Person, on actors/donald-trump/)\n"
    [line] = history_lines(archive, "donald-trump")
    assert (line["event"], line["v"], line["by"], line["reason"]) == (
        "timeline:Actor.Started", 1, "Test Editor", "the president himself",
    )  # fmt: skip
    assert line["data"] | {"originator_topic": ""} == {
        "key": "donald-trump", "name": "Donald Trump", "actor_type": "person", "originator_topic": "",
    }  # fmt: skip

    # The next build shows it on the actor's page and in the JSON-LD of the entry naming it as issuer.
    build(archive, site)
    assert actor_type_shown(site, "donald-trump") == "Person"
    assert organizers(site, order["slug"]) == [{"@type": "Person", "name": "Donald Trump"}]
    # A revision's page never changes: its JSON-LD names no organizer, typed or not.
    assert (site / "events" / order["slug"] / "v1" / "index.html").read_bytes() == first_revision

    # An actor is named as the entries name it; its page's key is enough to find it.
    archive.ok("actor", "type", "twitter", "organization", "--editor", "Alice")
    build(archive, site)
    assert actor_type_shown(site, "twitter") == "Organisation"
    assert organizers(site, labels["slug"]) == [{"@type": "Organization", "name": "Twitter"}]
    # A retracted entry keeps its page, and that page names the actor as it is now too.
    assert organizers(site, withdrawn["slug"]) == [{"@type": "Organization", "name": "Twitter"}]
    assert organizers(site, order["slug"]) == [{"@type": "Person", "name": "Donald Trump"}]  # Twitter: the target

    # Another type is a new change; the page and the JSON-LD follow it.
    archive.ok("actor", "type", "Twitter", "government", "--reason", "as a regulator sees it")
    build(archive, site)
    assert actor_type_shown(site, "twitter") == "Government body"
    assert organizers(site, labels["slug"]) == [{"@type": "GovernmentOrganization", "name": "Twitter"}]
    assert [(line["event"], line["v"], line["by"], line["data"]["actor_type"]) for line in history_lines(
        archive, "twitter"
    )] == [
        ("timeline:Actor.Started", 1, "Alice", "organization"),
        ("timeline:Actor.Typed", 2, "Test Editor", "government"),
    ]  # fmt: skip

    # The incremental build is the full build.
    full = tmp_path / "full"
    build(archive, full, "--full")
    assert tree(site) == tree(full)

    # The store, the site and history/ agree.
    verified = archive.ok("verify", "--out", str(site)).stdout
    assert "3 entries, 6 reservations, 0 bundles and 2 actor profiles" in verified

    # A fresh clone (the settings, events/ and history/) builds the same pages.
    clone = ArchiveUnderTest(root=tmp_path / "clone", store_url=None, runner=CliRunner())
    clone.root.mkdir()
    shutil.copy(archive.root / "timeline.toml", clone.root / "timeline.toml")
    for folder in ("events", "history"):
        shutil.copytree(archive.root / folder, clone.root / folder)
    build(clone, clone.root / "_site")
    for page in ("actors/twitter/index.html", "actors/donald-trump/index.html", f"events/{labels['slug']}/index.html"):
        assert (clone.root / "_site" / page).read_bytes() == (site / page).read_bytes(), page
    assert organizers(clone.root / "_site", labels["slug"]) == [{"@type": "GovernmentOrganization", "name": "Twitter"}]


def test_what_cannot_be_typed_is_refused_in_one_line_and_nothing_is_written(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    archive.add("Trump signs an order", "2020-05-28", "executive-order", "--actor", "Donald Trump:issuer")
    archive.ok("actor", "type", "Donald Trump", "person")
    before = (archive.notifications(), files_of(archive.root / "history"), files_of(archive.root / "events"))

    refusals = {
        ("Nobody", "person"): (
            "error: no entry names the actor 'Nobody'; name an actor as an entry names it (its page is actors/<name>/)"
        ),
        ("Donald Trump", "company"): (
            "error: actor type: 'company' is not accepted; use one of: person, organization, government, court"
        ),
        ("Donald Trump", "person"): "error: actor Donald Trump is already typed person: nothing to change",
    }
    for (name, actor_type), message in refusals.items():
        refused = archive.run("actor", "type", name, actor_type)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", message + "\n")

    assert (archive.notifications(), files_of(archive.root / "history"), files_of(archive.root / "events")) == before
