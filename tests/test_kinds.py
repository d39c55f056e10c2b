"""`timeline kinds`: the kinds an entry can have, each with what it means (defined once, and shown
on the site's kind pages too), and how an archive adds its own."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import ArchiveUnderTest

from timeline.domain.kinds import MEANINGS


def test_kinds_lists_every_kind_with_its_meaning_and_says_how_to_add_one(sqlite_archive: ArchiveUnderTest) -> None:
    archive = sqlite_archive
    settings = archive.root / "timeline.toml"
    settings.write_text(settings.read_text().replace("kinds = []", 'kinds = ["press-release"]'))
    assert 'kinds = ["press-release"]' in settings.read_text()

    listed = archive.ok("kinds").stdout.splitlines()
    rows = [line.split(None, 1) for line in listed if line and not line.startswith("To ")]
    assert [kind for kind, _ in rows] == [*MEANINGS, "press-release"]
    assert [meaning for _, meaning in rows] == [*MEANINGS.values(), "(added in timeline.toml)"]
    assert listed[-1] == 'To add a kind in timeline.toml: kinds = ["press-release"]'
    assert archive.json("kinds")[-1] == {"kind": "press-release", "meaning": "(added in timeline.toml)"}

    refused = archive.run(
        "add", "--title", "A pamphlet", "--kind", "pamphlet", "--date", "2020-05-28", "--source-title", "A report"
    )
    assert refused.exit_code == 2
    assert "'timeline kinds' says what each means; add a kind in timeline.toml" in refused.stderr


def test_a_kind_page_says_what_the_kind_means(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    archive = sqlite_archive
    archive.add("Government demands a user's identity", "2017-03-14", "legal-demand")
    archive.ok("build", "--out", str(tmp_path / "site"))
    page = BeautifulSoup((tmp_path / "site/kinds/legal-demand/index.html").read_text(encoding="utf-8"), "html.parser")
    meaning = page.select_one("p.kind-meaning")
    assert meaning is not None and meaning.get_text(strip=True) == MEANINGS["legal-demand"]
    assert json.loads(archive.ok("kinds", "--json").stdout)[0]["kind"] == "executive-order"
