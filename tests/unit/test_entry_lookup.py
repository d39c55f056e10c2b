"""Finding entries by what a person types (app/lookup.py through TimelineArchive.resolve), the
click argument that resolves a name before the command checks anything else (cli/session.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from timeline.app.service import ArchiveService
from timeline.cli.session import Session, entry_argument, pass_session
from timeline.errors import AmbiguousName, EntryNotFound
from timeline.files.archive import Archive
from unit.drafting import draft, options

ORDER_SLUG = "2020-05-28-trump-signs-executive-order-targeting-section-230-protections"
TYPO = "2020-05-28-trump-signs-exective-order"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ArchiveService]:
    with ArchiveService.create(Archive(root=tmp_path / "archive", title="Test archive")) as opened:
        opened.add(draft("Trump signs executive order targeting Section 230 protections"), options(""))
        yield opened


# Lookup -----------------------------------------------------------------------------------------


def test_names_recorded_after_the_first_miss_are_found_by_prefix(service: ArchiveService) -> None:
    app = service.app
    with pytest.raises(EntryNotFound, match="no entry '2020-06-01-twitter'"):
        app.resolve("2020-06-01-twitter")  # the names are read now, before the entry below exists
    later = service.add(draft("Twitter labels a post", date="2020-06-01"), options(""))
    assert app.resolve("2020-06-01-twitter") == later.id
    assert app.resolve(later.short_id[:5].upper()) == later.id


def test_an_address_ending_in_a_prefix_names_the_entry(service: ArchiveService) -> None:
    order = service.get(ORDER_SLUG)
    assert service.app.resolve("https://example.org/timeline/events/2020-05-28-trump-signs/") == order.id
    assert service.app.resolve(f"https://example.org/timeline/e/{order.short_id[:6]}/") == order.id


def test_a_short_or_ambiguous_prefix_and_a_typo_are_told_apart(service: ArchiveService) -> None:
    service.add(draft("Trump tweets about the order"), options(""))
    with pytest.raises(AmbiguousName, match="'2020-05-28-trump' could be any of 2 entries: "):
        service.app.resolve("2020-05-28-trump")
    with pytest.raises(AmbiguousName, match="too short"):
        service.app.resolve("20")
    with pytest.raises(EntryNotFound, match=f"did you mean {ORDER_SLUG}\\?") as typo:
        service.app.resolve(TYPO)
    assert not isinstance(typo.value, AmbiguousName)


def test_a_write_catches_up_with_the_committed_history_before_giving_up(service: ArchiveService) -> None:
    """slug_for(writing=True) finds an entry only history/ holds, as the change would, and reads
    never replay anything."""
    root = service.archive.root
    with ArchiveService.open(root, store=f"sqlite:///{root / 'clone.sqlite'}", create=True) as clone:
        with pytest.raises(EntryNotFound):
            clone.slug_for("2020-05-28-trump-signs")
        assert clone.app.position() == 0
        assert clone.slug_for("2020-05-28-trump-signs", writing=True) == ORDER_SLUG
        assert clone.app.position() > 0


# The click argument -------------------------------------------------------------------------------

calls: list[tuple[object, str]] = []


@click.command()
@entry_argument("entry")
@click.option("--reason", required=True)
@pass_session
def tiny(session: Session, entry: str, reason: str) -> None:
    calls.append((entry, reason))


@click.command()
@entry_argument("entries", nargs=-1, writes=True)
@pass_session
def tiny_many(session: Session, entries: tuple[str, ...]) -> None:
    calls.append((entries, ""))


@pytest.fixture
def session(service: ArchiveService) -> Iterator[Session]:
    calls.clear()
    opened = Session(archive_option=str(service.archive.root))
    yield opened
    opened.close()


def test_a_mistyped_name_is_refused_before_a_missing_option(session: Session) -> None:
    result = CliRunner().invoke(tiny, [TYPO], obj=session)
    assert isinstance(result.exception, EntryNotFound)
    assert str(result.exception).startswith(f"no entry {TYPO!r}; did you mean {ORDER_SLUG}?")
    assert calls == []
    # A name that resolves lets click go on to the option it lacks.
    missing = CliRunner().invoke(tiny, ["2020-05-28-trump"], obj=session)
    assert missing.exit_code == 2
    assert "Missing option '--reason'" in missing.stderr
    assert calls == []


def test_the_command_receives_the_slug(session: Session) -> None:
    result = CliRunner().invoke(tiny, ["2020-05-28-trump", "--reason", "why"], obj=session)
    assert result.exit_code == 0, result.output
    assert calls == [(ORDER_SLUG, "why")]
    short_id = session.service.get(ORDER_SLUG).short_id
    assert CliRunner().invoke(tiny_many, [short_id[:4], ORDER_SLUG], obj=session).exit_code == 0
    assert calls[-1] == ((ORDER_SLUG, ORDER_SLUG), "")


def test_help_resolves_nothing_and_opens_no_store(tmp_path: Path) -> None:
    nowhere = Session(archive_option=str(tmp_path / "no-archive"))
    result = CliRunner().invoke(tiny, ["no-such-entry", "--help"], obj=nowhere)
    assert result.exit_code == 0
    assert "Usage: tiny [OPTIONS] ENTRY" in result.stdout
    assert nowhere._service is None
    assert not (tmp_path / "no-archive").exists()
