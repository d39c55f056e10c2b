"""An archive can override any template with its own site_templates/ folder."""

from __future__ import annotations

from pathlib import Path

from conftest import ArchiveUnderTest


def test_an_archive_template_overrides_the_packaged_one(sqlite_archive: ArchiveUnderTest, tmp_path: Path) -> None:
    entry = sqlite_archive.add("Twitter labels two tweets", "2020-05-26", "label")
    own = sqlite_archive.root / "site_templates"
    own.mkdir()
    (own / "_permalink.html").write_text('<p class="house-style">Cite as {{ entry.slug }}</p>\n', encoding="utf-8")
    out = tmp_path / "site"
    sqlite_archive.ok("build", "--out", str(out))
    page = (out / "events" / entry["slug"] / "index.html").read_text(encoding="utf-8")
    assert f'<p class="house-style">Cite as {entry["slug"]}</p>' in page
    assert ">Twitter labels two tweets</h1>" in page, "templates it does not override still come from the package"
