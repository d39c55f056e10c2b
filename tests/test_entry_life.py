"""The life of an entry, told as a researcher would live it, on SQLite and on PostgreSQL.

A researcher records the fact-check labels and the executive order that
answered them, corrects the order's title, adds a second source, links the two,
finds a duplicate and merges it, retracts a mistaken entry, and reads the full
history: every revision with its time, editor and reason.
"""

from __future__ import annotations

from conftest import ArchiveUnderTest


def test_an_entry_from_record_to_retraction(store: ArchiveUnderTest) -> None:
    # The labels come first: recorded with an actor, a platform, a topic and one source.
    labels = store.json(
        "add",
        "--title",
        "Twitter adds fact-check labels to two Trump tweets",
        "--kind",
        "label",
        "--date",
        "2020-05-26",
        "--summary",
        "Twitter linked both tweets to a page of reporting on mail-in voting.",
        "--actor",
        "Twitter:author",
        "--actor",
        "Donald Trump:subject",
        "--platform",
        "Twitter",
        "--topic",
        "election misinformation",
        "--jurisdiction",
        "United States",
        "--source-title",
        "Twitter labels Trump tweets with a fact check for the first time",
        "--source-publisher",
        "Example Wire",
        "--source-date",
        "2020-05-26",
        "--source-url",
        "https://example.org/news/labels",
        "--source-quote",
        "potentially misleading information about voting processes",
        "--source-quote-by",
        "Twitter",
    )
    assert labels["slug"] == "2020-05-26-twitter-adds-fact-check-labels-to-two-trump-tweets"
    assert labels["revision"] == 1
    assert labels["actors"] == [
        {"name": "Twitter", "role": "author"},
        {"name": "Donald Trump", "role": "subject"},
    ]
    assert labels["sources"][0]["quote_by"] == "Twitter"
    assert labels["sources"][0]["accessed"]  # defaults to the day it was cited

    # The order is recorded with an approximate date, then corrected.
    order = store.add(
        "Trump signs order on social media", "2020-05-28~", "executive-order", "--actor", "Donald Trump:issuer"
    )
    assert order["date"] == "2020-05-28~"
    corrected = store.json(
        "correct",
        order["slug"],
        "--title",
        "Trump signs executive order targeting Section 230",
        "--date",
        "2020-05-28",
        "--reason",
        "the order's own title and exact date are now known",
    )
    assert corrected["title"] == "Trump signs executive order targeting Section 230"
    assert corrected["date"] == "2020-05-28"
    assert corrected["slug"] == order["slug"], "a slug is set once and never recomputed"
    assert corrected["revision"] == 2

    # A second source, named by the entry's short id.
    with_source = store.json(
        "source",
        "add",
        order["short_id"],
        "--title",
        "What does the executive order say?",
        "--publisher",
        "BBC News",
        "--date",
        "2020-05-29",
        "--reason",
        "a second account of the order's text",
    )
    assert [s["title"] for s in with_source["sources"]] == [
        f"Report: {order['title']}",
        "What does the executive order say?",
    ]

    # The order responds to the labels; the inverse is derived, so only the order holds the link.
    linked = store.json("link", order["slug"], "responds-to", labels["slug"], "--reason", "the order cites the labels")
    assert linked["relations"] == [{"type": "responds-to", "target": labels["slug"]}]

    # Someone recorded the order twice; the duplicate is merged and its source moves across.
    duplicate = store.add(
        "Order on preventing online censorship signed",
        "2020-05-28",
        "executive-order",
        "--source-url",
        "https://example.org/news/order",
    )
    merged = store.json("merge", duplicate["slug"], order["slug"], "--reason", "the same order recorded twice")
    assert merged["merged_into"] == order["slug"]
    order_now = store.json("show", order["slug"])
    assert "https://example.org/news/order" in [s.get("url") for s in order_now["sources"]]

    # A mistaken entry is retracted: it leaves the listings but can still be read.
    mistake = store.add("Platform bans all political speech", "2020-05-29", "policy-change")
    retracted = store.json("retract", mistake["slug"], "--reason", "misreported; no such ban happened")
    assert retracted["retracted"] is True
    assert retracted["retraction_reason"] == "misreported; no such ban happened"
    listed = [e["slug"] for e in store.json("list")]
    assert listed == [labels["slug"], order["slug"]]
    assert {e["slug"] for e in store.json("list", "--all")} == {
        labels["slug"],
        order["slug"],
        duplicate["slug"],
        mistake["slug"],
    }

    # The history tells every revision of the order, with its reason and editor.
    history = store.json("history", order["slug"])
    assert [(r["revision"], r["change"]) for r in history] == [
        (1, "recorded"),
        (2, "corrected"),
        (3, "source added"),
        (4, "linked"),
        (5, "source added"),
    ]
    assert [r["reason"] for r in history[1:4]] == [
        "the order's own title and exact date are now known",
        "a second account of the order's text",
        "the order cites the labels",
    ]
    assert history[4]["reason"].startswith(f"merged from {duplicate['slug']}")
    assert {r["editor"] for r in history} == {"Test Editor"}
    assert (
        "title: 'Trump signs order on social media' -> 'Trump signs executive order targeting Section 230'"
        in (history[1]["details"])
    )

    # An old revision can still be read as it stood.
    first = store.json("show", order["slug"], "--revision", "1")
    assert first["title"] == "Trump signs order on social media"

    # The archive's log lists the newest change first.
    log = store.json("log", "--limit", "4")
    assert [(e["slug"], e["change"]) for e in log] == [
        (mistake["slug"], "retracted"),
        (mistake["slug"], "recorded"),
        (order["slug"], "source added"),
        (duplicate["slug"], "merged"),
    ]

    # People get readable text too.
    text = store.ok("history", order["slug"]).stdout
    assert "v2" in text and "reason: the order's own title and exact date are now known" in text


def test_list_filters_combine(store: ArchiveUnderTest) -> None:
    store.add("Twitter labels tweets", "2020-05-26", "label", "--platform", "Twitter", "--topic", "fact-checking")
    store.add(
        "Facebook removes pages", "2019-08-19", "takedown", "--platform", "Facebook", "--actor", "Facebook:author"
    )
    store.add("Twitter suspends accounts", "2019-08-19", "suspension", "--platform", "Twitter")

    def titles(*args: str) -> list[str]:
        return [e["title"] for e in store.json("list", *args)]

    assert titles("--platform", "twitter") == ["Twitter suspends accounts", "Twitter labels tweets"]
    assert titles("--platform", "Twitter", "--year", "2019") == ["Twitter suspends accounts"]
    assert titles("--kind", "takedown") == ["Facebook removes pages"]
    assert titles("--actor", "Facebook") == ["Facebook removes pages"]
    assert titles("--topic", "fact-checking") == ["Twitter labels tweets"]
    assert titles("--text", "REMOVES") == ["Facebook removes pages"]
    assert titles("--year", "2021") == []


def test_entries_survive_a_new_process(store: ArchiveUnderTest) -> None:
    """What one command acknowledged, a later command (a new application object) reads back."""
    entry = store.add("Twitter sues DHS over summons", "2017-04~", "lawsuit")
    store.ok("unlink", "--help")
    again = store.json("show", entry["short_id"])
    assert again == entry
