"""`timeline check`: lint the archive, writing nothing."""

from __future__ import annotations

from collections import Counter
from functools import partial

import click

from timeline.cli.session import Session, json_option, pass_session, print_json
from timeline.lint.check import CHECKS, Finding, Severity, fails_strict, run_checks
from timeline.wording import plural


@click.command()
@click.option(
    "--check",
    "checks",
    multiple=True,
    type=click.Choice(list(CHECKS)),
    help="Run only this check (repeatable; default: all).",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 if there is any error or warning.")
@partial(json_option, what="the findings as a JSON list (severity, check, entries, message)")
@pass_session
def check(session: Session, checks: tuple[str, ...], strict: bool, as_json: bool) -> None:
    """Report what in the live entries needs attention, by severity; changes nothing.

    Errors are statements the calendar contradicts, warnings put citations or facets
    at risk (sources without an archived copy, short links, one actor spelled two ways),
    notices are worth a look (sources without a URL, entries no relation reaches, topics
    used once). Checks: sources, short-links, weekdays, actor-spellings, unrelated,
    single-topics.

    \b
    Example:
      timeline check
      timeline check --check weekdays --check actor-spellings
      timeline check --strict --json > findings.json
    """
    findings = run_checks(session.app.entries(), checks)
    if as_json:
        print_json([finding.to_dict() for finding in findings])
    else:
        _print(findings)
    if strict and fails_strict(findings):
        click.get_current_context().exit(1)


def _print(findings: list[Finding]) -> None:
    for severity in Severity:
        found = [f for f in findings if f.severity is severity]
        if found:
            click.echo(f"{severity.value}s ({len(found)}):")
            for finding in found:
                click.echo(f"  {', '.join(finding.entries)}: [{finding.check}] {finding.message}")
    counts = Counter(f.severity for f in findings)
    tally = ", ".join(plural(counts[s], s.value) for s in Severity)
    click.echo(tally if findings else "no findings: the archive checks clean", err=True)


COMMANDS = [check]
