"""`timeline check`: lint the archive, writing nothing."""

from __future__ import annotations

from collections import Counter
from functools import partial

import click

from timeline.cli.progressbar import QUIET, VERBOSE
from timeline.cli.session import Session, json_option, output_options, pass_session, print_json
from timeline.lint.check import NAMES, ignored_checks, run_checks
from timeline.lint.findings import Alike, Finding, Severity, alike, fails_strict
from timeline.wording import plural


@click.command()
@click.option(
    "--check",
    "checks",
    multiple=True,
    type=click.Choice(NAMES),
    metavar="NAME",
    help="Run only this check, even one timeline.toml ignores (repeatable; default: all but those ignored).",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 if there is any error or warning.")
@partial(json_option, what="every finding as a JSON list (severity, check, entries, message)")
@output_options
@pass_session
def check(session: Session, checks: tuple[str, ...], strict: bool, as_json: bool) -> None:
    """Report what in the live entries needs attention, by severity; changes nothing.

    Errors are statements the calendar contradicts; warnings put citations or facets
    at risk or leave a reader with a bare title (entries without a summary, sources
    without an archived copy, short links, one actor spelled two ways); notices are
    worth a look (sources without a URL or a date, entries no relation reaches, topics
    used once). Findings alike are told in one line; --verbose lists each. Checks:
    no-summary, no-archived-copy, no-source-url, no-source-date (or all three
    as sources), short-links, weekdays, actor-spellings, unrelated, single-topics.
    timeline.toml may skip some: [check] ignore = ["no-archived-copy"].

    \b
    Example:
      timeline check
      timeline check --check weekdays --check actor-spellings -v
      timeline check --strict --json > findings.json
    """
    ignored = ignored_checks(session.archive)
    findings = run_checks(session.app.entries(), checks, ignore=ignored)
    if as_json:
        print_json([finding.to_dict() for finding in findings])
    elif session.verbosity > QUIET:
        _print(findings, every=session.verbosity >= VERBOSE)
        counts = Counter(f.severity for f in findings)
        tally = ", ".join(plural(counts[s], s.value) for s in Severity) if findings else "no findings"
        skipped = f" ({', '.join(ignored)} skipped, as timeline.toml says)" if ignored and not checks else ""
        clean = ": the archive checks clean" if not findings else ""
        click.echo(f"{tally}{clean}{skipped}", err=True)
    if strict and fails_strict(findings):
        click.get_current_context().exit(1)


def _print(findings: list[Finding], *, every: bool) -> None:
    for severity in Severity:
        found = [f for f in findings if f.severity is severity]
        if found:
            click.echo(f"{severity.value}s ({len(found):,}):")
            for item in found if every else alike(found):
                if isinstance(item, Alike):
                    click.echo(f"  [{item.check}] {item.line()}")
                else:
                    click.echo(f"  {', '.join(item.entries)}: [{item.check}] {item.message}")


COMMANDS = [check]
