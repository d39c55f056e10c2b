"""The README is the newcomer's contract: its commands exist, CI runs its test command, every
command is documented, and every command's help has an example."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from timeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):  # the top-level group loads its commands lazily
        command = group.get_command(context, name)
        assert command is not None, f"'timeline {prefix}{name}' is listed but cannot be loaded"
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


def test_readme_says_what_the_tool_is_then_how_to_try_it_before_any_prerequisite() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    install_and_run, serve = blocks[0], blocks[1]
    install_and_test = next(block for block in blocks if "'.[test]'" in block)
    opening = README[: README.index("```")]
    assert "command-line tool" in opening and all(
        reader in opening for reader in ("researchers", "reporters", "lawyers")
    ), "the README first says what the tool is and for whom"
    assert len(opening) < 800, "two or three sentences, then the commands"
    assert "pip install" in install_and_run and ".venv/bin/timeline build" in install_and_run
    assert serve == ".venv/bin/timeline serve --open"
    # What the tests need comes after the commands that try the tool.
    assert README.index(serve) < README.index(install_and_test) < README.index("PostgreSQL on 127.0.0.1")
    assert ".venv/bin/pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines(), ".ci/run must run the README's test command verbatim"


@pytest.mark.parametrize("name,command", _commands(main), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_is_documented_with_an_example(name: str, command: click.Command) -> None:
    assert f"`timeline {name}" in README, f"README does not document 'timeline {name}'"
    assert command.help and "Example:" in command.help, f"'timeline {name} --help' has no example"


def test_every_command_a_module_defines_is_listed_for_lazy_loading() -> None:
    """The CLI loads a command's module only when it runs, from a table of names: a command added to
    a module's COMMANDS but not to that table would be unreachable."""
    import importlib

    from timeline.cli import COMMAND_MODULES

    defined = {}
    for module_name in set(COMMAND_MODULES.values()):
        module = importlib.import_module(f"timeline.cli.{module_name}")
        defined |= {command.name: module_name for command in module.COMMANDS}
    modules = {p.stem for p in (ROOT / "timeline" / "cli").glob("*.py")}
    for stem in sorted(modules - set(COMMAND_MODULES.values())):
        assert not hasattr(importlib.import_module(f"timeline.cli.{stem}"), "COMMANDS"), f"cli/{stem}.py is not listed"
    assert defined == COMMAND_MODULES
    assert len(_commands(main)) >= len(COMMAND_MODULES)


def test_the_benchmark_internals_live_beside_the_benchmark() -> None:
    performance = README[README.index("## Performance\n") : README.index("## Development\n")]
    assert len(performance.splitlines()) < 40, "the README keeps a summary of the performance"
    assert "(benchmarks/README.md)" in performance
    benchmarks = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    for heading in ("## Performance at scale", "### How each step of a change scales", "## At 100,000 entries"):
        assert heading in benchmarks, heading
