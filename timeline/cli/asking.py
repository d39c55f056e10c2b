"""The questions `timeline add` asks at a terminal: every field a good entry needs.

Required fields are asked until answered; optional ones are skipped with Enter; lists (actors,
platforms) take one item a line and end at an empty line. Each answer is checked as it is given,
so a mistake is asked again at once instead of refusing the whole entry at the end. Questions
and the kinds' list go to stderr, so that `add --json > entry.json` at a terminal stays JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from timeline.cli.kinds import ADDED
from timeline.domain.dates import PartialDate
from timeline.domain.kinds import MEANINGS
from timeline.domain.validation import clean_line, clean_text, clean_title, clean_url
from timeline.errors import InvalidField
from timeline.formats.entrydata import parse_actor

# The fields without which `add` cannot record an entry: when one is missing at a terminal, every
# field not given as an option is asked for.
REQUIRED = ("title", "kind", "date", "source_title")
DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, ~ for approximate, A/B for a range"
OPTIONAL = "Enter to skip"
ONE_A_LINE = "one a line, an empty line ends"


def needs_asking(options: dict[str, Any]) -> bool:
    """Whether a required field is missing (then, at a terminal, the questions are asked)."""
    return any(not options.get(name) for name in REQUIRED)


def _checked(check: Callable[[str], object], *, required: bool) -> Callable[[str], str]:
    """An answer as typed, once CHECK accepts it (an optional one may be empty); otherwise click
    shows the problem and asks again."""

    def accept(text: str) -> str:
        if not required and not text.strip():
            return ""
        try:
            check(text)
        except InvalidField as error:
            raise click.BadParameter(str(error)) from None
        return text.strip()

    return accept


def _ask(label: str, check: Callable[[str], object], *, required: bool = True, hint: str = OPTIONAL) -> str:
    """One answer; an optional one may be empty (Enter), a required one is asked until given."""
    if required:
        answer: str = click.prompt(label, value_proc=_checked(check, required=True), err=True)
    else:
        answer = click.prompt(
            f"{label} ({hint})", default="", show_default=False, value_proc=_checked(check, required=False), err=True
        )
    return answer


def _ask_list(label: str, check: Callable[[str], object]) -> list[str]:
    """Items one a line, until an empty line."""
    items: list[str] = []
    while answer := _ask(label, check, required=False, hint=ONE_A_LINE):
        items.append(answer)
    return items


def kind_chooser(kinds: Sequence[str]) -> Callable[[str], str]:
    """The kind an answer names: by its number in the list shown, or by its name."""

    def choose(text: str) -> str:
        answer = text.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(kinds):
            return kinds[int(answer) - 1]
        if answer in kinds:
            return answer
        raise click.BadParameter(f"there is no kind {answer!r}; give a number from 1 to {len(kinds)} or a kind's name")

    return choose


def _ask_kind(kinds: Sequence[str]) -> str:
    width = max(len(kind) for kind in kinds)
    click.echo("The kinds of event, by number", err=True)
    for number, kind in enumerate(kinds, 1):
        click.echo(f"  {number:>2}. {kind:<{width}}  {MEANINGS.get(kind, ADDED)}", err=True)
    answer: str = click.prompt("Kind (its number or name)", value_proc=kind_chooser(kinds), err=True)
    return answer


def ask_for_entry(options: dict[str, Any], kinds: Sequence[str]) -> None:
    """Ask for every field of OPTIONS not given, in the order an entry reads (see the module's docstring)."""

    def missing(name: str) -> bool:
        return not options.get(name)

    if missing("title"):
        options["title"] = _ask("Title (what happened, as a headline)", clean_title)
    if missing("kind"):
        options["kind"] = _ask_kind(kinds)
    if missing("date"):
        options["date"] = _ask(f"Date ({DATE_FORMS})", lambda text: PartialDate.parse(text, "date"))
    if missing("summary"):
        options["summary"] = _ask(
            "Summary, in your own words", lambda text: clean_text(text, "summary"), required=False
        )
    if missing("actors"):
        options["actors"] = _ask_list("Actor, as NAME or NAME:ROLE", parse_actor)
    if missing("platforms"):
        options["platforms"] = _ask_list("Platform", lambda text: clean_line(text, "platform"))
    if missing("source_title"):
        options["source_title"] = _ask(
            "Source title (the headline as published)",
            lambda text: clean_line(text, "source title", required=True, max_length=1000),
        )
    if missing("source_publisher"):
        options["source_publisher"] = _ask(
            "Source publisher", lambda text: clean_line(text, "source publisher"), required=False
        )
    if missing("source_date"):
        options["source_date"] = _ask(
            "Source date",
            lambda text: PartialDate.parse(text, "source date"),
            required=False,
            hint=f"{DATE_FORMS}; {OPTIONAL}",
        )
    if missing("source_url"):
        options["source_url"] = _ask(
            "Source URL", lambda text: clean_url(text, "source url"), required=False, hint=f"http or https; {OPTIONAL}"
        )
