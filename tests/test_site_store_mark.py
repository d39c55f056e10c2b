"""A site's read model belongs to the store it was projected from. When the store is made anew
(its file deleted and rebuilt from a history/ that has changed since, as after checking out an
older commit), the next build notices and builds the site again from the store, instead of going
on from a position that means nothing there."""

from __future__ import annotations

from conftest import ArchiveUnderTest


def entry_pages(archive: ArchiveUnderTest) -> set[str]:
    return {p.name for p in (archive.root / "_site" / "events").iterdir() if p.is_dir()}


def test_a_store_made_anew_from_another_history_is_noticed_by_the_next_build(
    sqlite_archive: ArchiveUnderTest,
) -> None:
    archive = sqlite_archive
    kept = archive.add("Alpha order on platform liability", "2020-05-28", "executive-order")
    dropped = [archive.add(f"{name} statement on the order", "2020-05-29") for name in ("Beta", "Gamma")]
    archive.ok("build")
    assert {kept["slug"], *(d["slug"] for d in dropped)} <= entry_pages(archive)

    # The archive as an older commit had it: its store deleted (a working index of history/) and
    # two of its entries' files gone; then more is recorded than the first store ever held.
    for path in (archive.root / "timeline.sqlite").parent.glob("timeline.sqlite*"):
        path.unlink()
    for entry in dropped:
        (archive.root / "events" / f"{entry['slug']}.md").unlink()
        (archive.root / "history" / f"{entry['slug']}.jsonl").unlink()
    added = [archive.add(f"{name} hearing on the order", "2020-06-02", "hearing") for name in ("Delta", "Epsilon")]

    result = archive.ok("build")
    assert "did not match the store" in result.stdout
    pages = entry_pages(archive)
    assert {kept["slug"], *(a["slug"] for a in added)} <= pages
    assert not {d["slug"] for d in dropped} & pages, "pages of entries the store no longer holds"
    assert archive.ok("verify").stdout.startswith("verified: ")
    # Once rebuilt, the next build goes on from it as usual.
    assert "did not match" not in archive.ok("build").stdout
