"""`timeline add` at a terminal asks for every field a good entry needs, on SQLite and PostgreSQL.

A person typing `timeline add` with a required field missing is asked for the title, the kind (from
a numbered list with what each means), the date, a summary, actors, platforms, and the source's
title, publisher, date and URL; optional fields are skipped with Enter, a wrong answer is asked
again. The terminal is stood in for (click's runner gives the answers); tests/test_commands.py
drives a real pseudo-terminal once. Without a terminal, or with every required option given,
nothing is asked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ArchiveUnderTest

from timeline.cli import main
from timeline.domain.kinds import DEFAULT_KINDS, MEANINGS

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, ~ for approximate, A/B for a range"
# Every question, in the order asked, as the person sees it (before the answer).
TITLE = "Title (what happened, as a headline): "
KIND = "Kind (its number or name): "
DATE = f"Date ({DATE_FORMS}): "
SUMMARY = "Summary, in your own words (Enter to skip): "
ACTOR = "Actor, as NAME or NAME:ROLE (one a line, an empty line ends): "
PLATFORM = "Platform (one a line, an empty line ends): "
SOURCE_TITLE = "Source title (the headline as published): "
PUBLISHER = "Source publisher (Enter to skip): "
SOURCE_DATE = f"Source date ({DATE_FORMS}; Enter to skip): "
URL = "Source URL (http or https; Enter to skip): "


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """`add` believes a person is at a terminal (click's runner gives stdin as a pipe)."""
    monkeypatch.setattr("timeline.cli.recording.at_a_terminal", lambda: True)


def answering(archive: ArchiveUnderTest, answers: list[str], *args: str) -> Result:
    """Run `timeline add ARGS`, typing ANSWERS one a line."""
    typed = "".join(f"{answer}\n" for answer in answers)
    return archive.runner.invoke(main, ["add", *args], env=archive.env(), input=typed, catch_exceptions=False)


def questions(result: Result) -> list[str]:
    """The questions asked, in order, each as shown before its answer (one per answer line)."""
    asked = []
    for line in result.stderr.splitlines():
        for question in (TITLE, KIND, DATE, SUMMARY, ACTOR, PLATFORM, SOURCE_TITLE, PUBLISHER, SOURCE_DATE, URL):
            if line.startswith(question):
                asked.append(question)
    return asked


def recorded(result: Result) -> dict[str, Any]:
    """The entry `add --json` printed, once it succeeded."""
    assert result.exit_code == 0, result.output + result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


EVERY_ANSWER = [
    "Twitter labels two tweets on mail-in ballots",
    "2",  # label, by its number
    "2020-05-26",
    "Twitter adds a *fact-check* link to two tweets.",
    "Twitter:author",
    "Donald Trump:subject",
    "",
    "Twitter",
    "",
    "Twitter labels Trump tweets",
    "BBC News",
    "2020-05-27",
    "https://example.org/news/labels",
]


@pytest.mark.usefixtures("at_a_terminal")
def test_every_question_answered_gives_a_whole_entry(store: ArchiveUnderTest) -> None:
    result = answering(store, EVERY_ANSWER, "--json")
    entry = recorded(result)
    assert {key: entry[key] for key in ("title", "kind", "date", "summary", "actors", "platforms")} == {
        "title": "Twitter labels two tweets on mail-in ballots",
        "kind": "label",
        "date": "2020-05-26",
        "summary": "Twitter adds a *fact-check* link to two tweets.",
        "actors": [{"name": "Twitter", "role": "author"}, {"name": "Donald Trump", "role": "subject"}],
        "platforms": ["Twitter"],
    }
    [source] = entry["sources"]
    assert {key: source[key] for key in ("title", "publisher", "date", "url")} == {
        "title": "Twitter labels Trump tweets",
        "publisher": "BBC News",
        "date": "2020-05-27",
        "url": "https://example.org/news/labels",
    }
    assert questions(result) == [
        TITLE, KIND, DATE, SUMMARY, ACTOR, ACTOR, ACTOR, PLATFORM, PLATFORM,
        SOURCE_TITLE, PUBLISHER, SOURCE_DATE, URL,
    ]  # fmt: skip
    # The kinds are listed with their numbers and meanings before the kind is asked.
    listing = result.stderr.splitlines()
    start = listing.index("The kinds of event, by number")
    assert listing[start + 1 : start + 1 + len(DEFAULT_KINDS)] == [
        f"  {number:>2}. {kind:<15}  {MEANINGS[kind]}" for number, kind in enumerate(DEFAULT_KINDS, 1)
    ]
    # It is in the store as shown.
    assert store.json("show", entry["slug"]) == entry


@pytest.mark.usefixtures("at_a_terminal")
def test_optional_questions_are_skipped_with_enter_and_a_kind_is_chosen_by_name(store: ArchiveUnderTest) -> None:
    answers = ["Court hears the platform's appeal", "hearing", "2021-03", "", "", "", "Appeal heard", "", "", ""]
    result = answering(store, answers, "--json")
    entry = recorded(result)
    assert (entry["title"], entry["kind"], entry["date"]) == ("Court hears the platform's appeal", "hearing", "2021-03")
    assert (entry["summary"], entry["actors"], entry["platforms"]) == ("", [], [])
    [source] = entry["sources"]
    assert source["title"] == "Appeal heard"
    assert not {"publisher", "date", "url"} & set(source), source
    assert questions(result) == [TITLE, KIND, DATE, SUMMARY, ACTOR, PLATFORM, SOURCE_TITLE, PUBLISHER, SOURCE_DATE, URL]


@pytest.mark.usefixtures("at_a_terminal")
def test_fields_given_as_options_are_not_asked(store: ArchiveUnderTest) -> None:
    result = answering(
        store,
        ["2019-08-19", "Twitter removes accounts", "", "", ""],
        "--title", "Twitter suspends 936 accounts", "--kind", "suspension", "--actor", "Twitter:author",
        "--platform", "Twitter", "--summary", "Accounts tied to a state campaign.", "--json",
    )  # fmt: skip
    entry = recorded(result)
    assert questions(result) == [DATE, SOURCE_TITLE, PUBLISHER, SOURCE_DATE, URL]
    assert "kinds of event" not in result.stderr
    assert (entry["actors"], entry["platforms"], entry["summary"]) == (
        [{"name": "Twitter", "role": "author"}],
        ["Twitter"],
        "Accounts tied to a state campaign.",
    )
    assert entry["sources"][0]["title"] == "Twitter removes accounts"


@pytest.mark.usefixtures("at_a_terminal")
def test_a_wrong_answer_is_asked_again(store: ArchiveUnderTest) -> None:
    answers = [
        "",  # a title is required
        "Twitter labels two tweets",
        "0", "14", "labels",  # no such number, no such kind
        "13",
        "2020-02-30", "2020-02-28",
        "", "Twitter:", "", "",
        "", "Report",
        "", "May 2020", "", "ftp://example.org/a", "https://example.org/a",
    ]  # fmt: skip
    entry = recorded(answering(store, answers, "--json"))
    assert (entry["title"], entry["kind"], entry["date"]) == ("Twitter labels two tweets", "legal-demand", "2020-02-28")
    assert entry["actors"] == [{"name": "Twitter", "role": ""}]
    assert entry["sources"][0]["url"] == "https://example.org/a" and "date" not in entry["sources"][0]


@pytest.mark.usefixtures("at_a_terminal")
def test_the_problem_with_a_wrong_answer_is_shown(store: ArchiveUnderTest) -> None:
    answers = ["Twitter labels two tweets", "14", "2", "2020-02-30", "2020-02-28", *EVERY_ANSWER[3:]]
    answers[-1] = "ftp://example.org/a"
    answers.append("")
    result = answering(store, answers, "--json")
    recorded(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [
        f"Error: there is no kind '14'; give a number from 1 to {len(DEFAULT_KINDS)} or a kind's name",
        "Error: date: 2020-02-30 does not exist (February 2020 has 29 days)",
        "Error: source url: 'ftp://example.org/a' is a ftp: URL; only http:// and https:// are accepted",
    ]


@pytest.mark.usefixtures("at_a_terminal")
def test_answers_that_stop_half_way_save_nothing(store: ArchiveUnderTest) -> None:
    before = store.notifications()
    result = answering(store, EVERY_ANSWER[:5])
    # The last question stays unanswered: the refusal follows it on its line.
    assert result.exit_code == 1
    assert result.stderr.endswith(f"{ACTOR}error: aborted; nothing was saved\n")
    assert store.notifications() == before
    assert list((store.root / "events").iterdir()) == []


@pytest.mark.usefixtures("at_a_terminal")
def test_with_every_required_option_given_nothing_is_asked(store: ArchiveUnderTest) -> None:
    result = answering(
        store, [], "--title", "Regulator opens an inquiry", "--kind", "investigation", "--date", "2020-05-26",
        "--source-title", "Inquiry opened",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("recorded 2020-05-26-regulator-opens-an-inquiry ")
    entry = store.json("show", "2020-05-26-regulator-opens-an-inquiry")
    assert (entry["summary"], entry["actors"], entry["sources"][0].get("publisher")) == ("", [], None)


def test_without_a_terminal_a_missing_field_is_refused_and_nothing_asked(store: ArchiveUnderTest) -> None:
    before = store.notifications()
    result = answering(store, EVERY_ANSWER, "--kind", "label")
    assert (result.exit_code, result.stderr, result.stdout) == (2, "error: title: is required\n", "")
    assert store.notifications() == before


@pytest.mark.usefixtures("at_a_terminal")
def test_an_archive_s_own_kind_is_listed_and_chosen_by_number(tmp_path: Path) -> None:
    archive = ArchiveUnderTest(root=tmp_path / "a", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--kind", "press-release")
    own = len(DEFAULT_KINDS) + 1
    answers = ["Platform publishes its transparency report", str(own), "2020-01-15", "", "", "", "Report", "", "", ""]
    result = answering(archive, answers, "--json")
    assert recorded(result)["kind"] == "press-release"
    assert f"  {own}. {'press-release':<15}  (added in timeline.toml)" in result.stderr.splitlines()
