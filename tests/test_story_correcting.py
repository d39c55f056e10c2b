"""A story in the README's words ("Correcting entries"): an editor records an entry, adds an
archived copy to its source, links it, mistypes its slug and follows the suggestion, retracts
it by mistake and puts that right; the history a reader sees says what happened, and never
that a source was withdrawn."""

from __future__ import annotations

import re

from conftest import ArchiveUnderTest


def test_an_editor_corrects_an_entry_as_the_readme_says(store: ArchiveUnderTest) -> None:
    archive = store
    # Recorded: the labels first, then the order that responds to them.
    labels = archive.add(
        "Twitter adds fact-check labels to two Trump tweets",
        "2020-05-26",
        "label",
        "--source-url",
        "https://example.org/labels",
    )["slug"]
    order = archive.add(
        "Trump signs executive order on social media",
        "2020-05-28",
        "executive-order",
        "--source-url",
        "https://example.org/order",
    )["slug"]

    # `timeline check` asked for an archived copy: the source is corrected in place.
    copy = "https://web.archive.org/web/2020/https://example.org/order"
    said = archive.ok("source", "correct", order, "1", "--archived-url", copy, "--reason", "archived copy")
    assert said.stdout == f"corrected source 1 of {order}: now revision 2\n"

    # Linked, the right way round: the order responds to the labels.
    said = archive.ok("link", order, "responds-to", labels, "--reason", "the order cites the labels")
    assert said.stdout == f"linked {order} responds-to {labels}: now revision 3\n"

    # A typo in the slug is answered with the entry meant, before anything else is asked for.
    typo = order.replace("executive", "exectuive")
    before = archive.notifications()
    refused = archive.run("retract", typo)
    assert refused.exit_code == 2
    suggestion = re.search(r"did you mean (\S+)\?", refused.stderr)
    assert suggestion is not None, refused.stderr
    assert suggestion[1] == order
    assert archive.notifications() == before

    # Following it, the editor retracts... the wrong entry, by mistake, and puts it right.
    archive.ok("retract", suggestion[1], "--reason", "test entry", "--yes")
    assert order not in archive.ok("list").stdout
    archive.ok("unretract", order, "--reason", "retracted the wrong entry by mistake")
    assert order in archive.ok("list").stdout

    # The history says what happened, in order, each change with its reason.
    history = archive.json("history", order)
    assert [r["change"] for r in history] == ["recorded", "source corrected", "linked", "retracted", "unretracted"]
    assert history[1]["details"] == [f"source 1: archived copy added ('{copy}')"]
    assert [r["reason"] for r in history[1:]] == [
        "archived copy",
        "the order cites the labels",
        "test entry",
        "retracted the wrong entry by mistake",
    ]
    shown = archive.ok("history", order).stdout + archive.ok("log").stdout
    assert "withdrawn" not in shown
    assert archive.json("show", order)["sources"][0]["archived_url"] == copy
