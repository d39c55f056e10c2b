"""Modules and functions stay short enough to read whole, unless a reason to the contrary is written down.

A module of timeline/ over MODULE_MAX lines needs ``# long: <reason>`` on its first line; a function or
method over FUNCTION_MAX lines (from its ``def`` line to the end of its body) needs it on the line of the
``def`` or the line above it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

MODULE_MAX = 400
FUNCTION_MAX = 60
REASON = re.compile(r"#\s*long:\s*\S")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

# The source tree next to these tests, whichever copy of the package is installed.
PACKAGE_DIR = Path(__file__).resolve().parents[1] / "timeline"


def modules(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    return sorted(package_dir.rglob("*.py"))


def shown(path: Path, package_dir: Path) -> str:
    return path.relative_to(package_dir.parent).as_posix()


def long_modules(package_dir: Path = PACKAGE_DIR, limit: int = MODULE_MAX) -> list[str]:
    found = []
    for path in modules(package_dir):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > limit and not REASON.search(lines[0]):
            found.append(f"{shown(path, package_dir)}: {len(lines)} lines")
    return found


def long_functions(package_dir: Path = PACKAGE_DIR, limit: int = FUNCTION_MAX) -> list[str]:
    found = []
    for path in modules(package_dir):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        functions = [n for n in ast.walk(ast.parse(text, filename=str(path))) if isinstance(n, FUNCTIONS)]
        for node in sorted(functions, key=lambda n: n.lineno):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1  # lineno is the `def` line, below any decorators
            beside = lines[max(node.lineno - 2, 0) : node.lineno]  # the line above the `def`, and the `def`
            if length > limit and not any(REASON.search(line) for line in beside):
                found.append(f"{shown(path, package_dir)}:{node.lineno} {node.name}: {length} lines")
    return found


def fail_listing(heading: str, lines: list[str]) -> None:
    if lines:
        pytest.fail(f"{heading} ({len(lines)}):\n" + "\n".join(lines), pytrace=False)


def test_no_long_module_without_a_reason() -> None:
    fail_listing(f"modules over {MODULE_MAX} lines without '# long: <reason>' on line 1", long_modules())


def test_no_long_function_without_a_reason() -> None:
    fail_listing(f"functions over {FUNCTION_MAX} lines without '# long: <reason>' beside the def", long_functions())


# The checker checked, on a small package written for the purpose --------------------------------------------


def test_the_limits_and_the_reasons(tmp_path: Path) -> None:
    """With a limit of 3 lines a function, 8 a module."""
    package = tmp_path / "timeline"
    (package / "sub").mkdir(parents=True)
    (package / "sub" / "functions.py").write_text(
        """# long: this module is long on purpose
class C:
    def at_the_limit(self):
        x = 1
        return x

    def one_over(self):
        x = 1
        y = 2
        return x + y

    @property
    def decorated_one_over(self):
        x = 1
        y = 2
        return x + y

    def with_reason(self):  # long: one table, read top to bottom
        x = 1
        y = 2
        return x + y

    # long: a state machine
    def reason_above(self):
        x = 1
        y = 2
        return x + y

    # long:
    def empty_reason(self):
        x = 1
        y = 2
        return x + y


async def outer():
    async def inner():
        x = 1
        y = 2
        return x + y
""",
        encoding="utf-8",
    )
    (package / "long.py").write_text("# a comment, not a reason\n" + "x = 1\n" * 8, encoding="utf-8")
    (package / "at_the_limit.py").write_text("x = 1\n" * 8, encoding="utf-8")
    assert long_modules(package, limit=8) == ["timeline/long.py: 9 lines"]
    assert long_functions(package, limit=3) == [
        "timeline/sub/functions.py:7 one_over: 4 lines",
        "timeline/sub/functions.py:13 decorated_one_over: 4 lines",
        "timeline/sub/functions.py:30 empty_reason: 4 lines",
        "timeline/sub/functions.py:36 outer: 5 lines",
        "timeline/sub/functions.py:37 inner: 4 lines",
    ]
