"""The packages of timeline/ form layers: a module may import its own layer and the layers below it, never
one above; no two modules import each other, however indirectly; and only the command line imports it.

The import graph is read from the source with ``ast`` rather than by importing anything, so every import
counts: those inside functions, under ``if TYPE_CHECKING:`` or in ``try`` blocks too. An edge goes to the
module an import names (``from timeline.x import y`` goes to ``timeline.x.y`` when that is a module, else
to ``timeline.x``); the parent packages an import runs on the way are not edges (they are all empty).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

# The layers, lowest first. A module belongs to the first row whose package or module name it is or is
# inside of; a module may import modules of its own row and of the rows above it in this table.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("timeline.errors", "timeline.progress", "timeline.wording")),
    ("domain", ("timeline.domain",)),
    ("store", ("timeline.store",)),
    ("formats", ("timeline.formats",)),
    ("files", ("timeline.files",)),
    ("app", ("timeline.app",)),
    ("site", ("timeline.site",)),
    ("lint", ("timeline.lint",)),
    ("cli", ("timeline.cli",)),
    ("main", ("timeline.__main__",)),
)
# The empty top package (imported on the way to any module) and the templates, which are data, not code.
IMPORTABLE_FROM_ANYWHERE = ("timeline", "timeline.site_templates")
CLI = "timeline.cli"
# The only module outside timeline/cli/ that may import the command line.
CLI_IMPORTERS = ("timeline.__main__",)

# The source tree next to these tests, whichever copy of the package is installed.
PACKAGE_DIR = Path(__file__).resolve().parents[1] / "timeline"
Graph = dict[str, set[str]]


def module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imported_names(tree: ast.Module, name: str, package: bool) -> Iterator[str]:
    """The absolute name of everything an import in ``tree`` (the source of module ``name``) takes:
    ``import a.b`` gives a.b, ``from a import b`` gives a.b (a module, or a name inside a), and
    ``from a import *`` gives a."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from . import x` in a.b.c means a.b; in the package a.b (its __init__) it means a.b too.
                anchor = name.split(".") if package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            yield from (base if alias.name == "*" else f"{base}.{alias.name}" for alias in node.names)


def resolve(name: str, modules: set[str]) -> str | None:
    """The module ``name`` is or is inside of (``timeline.x.y`` is the module timeline.x.y if there is
    one, else a name in timeline.x), or None for names outside the package."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def build_graph(package_dir: Path = PACKAGE_DIR) -> Graph:
    """Each module of the package, with the modules of the package it imports."""
    sources = {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}
    modules = set(sources) | set(IMPORTABLE_FROM_ANYWHERE)
    graph: Graph = {}
    for name, path in sources.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = (resolve(imported, modules) for imported in imported_names(tree, name, is_package(path)))
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def layer_of(module: str) -> int | None:
    for rank, (_, members) in enumerate(LAYERS):
        if any(module == m or module.startswith(m + ".") for m in members):
            return rank
    return None


def upward_imports(graph: Graph) -> list[str]:
    found = []
    for importer, targets in sorted(graph.items()):
        low = layer_of(importer)
        for target in sorted(targets):
            high = layer_of(target)
            if low is not None and high is not None and high > low:
                found.append(f"{importer} -> {target} (layer {LAYERS[low][0]} imports layer {LAYERS[high][0]})")
    return found


def modules_without_layer(graph: Graph) -> list[str]:
    return sorted(m for m in graph if layer_of(m) is None and m not in IMPORTABLE_FROM_ANYWHERE)


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's algorithm, iteratively (no recursion limit): the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group))
    return groups


def shortest_cycle(graph: Graph, start: str, within: set[str]) -> list[str]:
    """The shortest chain of imports from ``start`` back to itself, inside one strongly connected group."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph.get(node, ())):
            if child == start:
                return [*paths[node], start]
            if child in within and child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    raise AssertionError(f"{start} is in no cycle")


def import_cycles(graph: Graph) -> list[str]:
    """Chains of imports that lead back to where they start, enough of them to show every module on a cycle
    (each the shortest through a module that no chain shown before passes through)."""
    found = []
    for group in strongly_connected(graph):
        if len(group) == 1 and group[0] not in graph.get(group[0], ()):
            continue
        shown: set[str] = set()
        for module in group:
            if module not in shown:
                chain = shortest_cycle(graph, module, set(group))
                shown.update(chain)
                found.append(" -> ".join(chain))
    return found


def cli_importers(graph: Graph) -> list[str]:
    return [
        f"{importer} -> {target}"
        for importer, targets in sorted(graph.items())
        for target in sorted(targets)
        if (target == CLI or target.startswith(CLI + "."))
        and not (importer == CLI or importer.startswith(CLI + "."))
        and importer not in CLI_IMPORTERS
    ]


@cache
def package_graph() -> Graph:
    return build_graph()


# The tests ---------------------------------------------------------------------------------------------------


def fail_listing(heading: str, lines: list[str]) -> None:
    if lines:
        pytest.fail(f"{heading} ({len(lines)}):\n" + "\n".join(lines), pytrace=False)


def test_every_module_has_a_layer() -> None:
    missing = modules_without_layer(package_graph())
    fail_listing("modules in no layer (add them to LAYERS in tests/test_layers.py)", missing)


def test_no_module_imports_a_higher_layer() -> None:
    fail_listing("imports of a higher layer", upward_imports(package_graph()))


def test_no_import_cycles() -> None:
    fail_listing("import cycles", import_cycles(package_graph()))


def test_only_the_command_line_imports_the_command_line() -> None:
    fail_listing("imports of timeline.cli from outside timeline/cli/", cli_importers(package_graph()))


# The checker checked, on small packages written for the purpose ---------------------------------------------


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "timeline" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [root / "timeline", *(p for p in (root / "timeline").rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return root / "timeline"


def test_the_graph_counts_every_kind_of_import(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        {
            "errors.py": "",
            "domain/model.py": "from ..errors import *\nfrom . import dates\n",
            "domain/dates.py": "import os\nimport timeline.errors\n",
            "domain/__init__.py": "from .model import X\n",
            "site/build.py": "from timeline.domain import model, dates as d\nfrom timeline import errors\n",
            "app/service.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from timeline.site.build import build\n"
                "def later():\n    from timeline.cli import main\n"
            ),
            "cli/__init__.py": "import timeline.app.service as service\n",
        },
    )
    graph = build_graph(package)
    assert graph["timeline.domain.model"] == {"timeline.errors", "timeline.domain.dates"}
    assert graph["timeline.domain.dates"] == {"timeline.errors"}
    assert graph["timeline.domain"] == {"timeline.domain.model"}
    assert graph["timeline.site.build"] == {"timeline.domain.model", "timeline.domain.dates", "timeline.errors"}
    assert graph["timeline.app.service"] == {"timeline.site.build", "timeline.cli"}
    assert graph["timeline.cli"] == {"timeline.app.service"}
    assert upward_imports(graph) == [
        "timeline.app.service -> timeline.cli (layer app imports layer cli)",
        "timeline.app.service -> timeline.site.build (layer app imports layer site)",
    ]
    assert import_cycles(graph) == ["timeline.app.service -> timeline.cli -> timeline.app.service"]
    assert cli_importers(graph) == ["timeline.app.service -> timeline.cli"]


def test_a_longer_cycle_is_shown_as_its_chain() -> None:
    graph = {
        "timeline.a": {"timeline.b"},
        "timeline.b": {"timeline.c", "timeline.d"},
        "timeline.c": {"timeline.a"},
        "timeline.d": {"timeline.b"},
        "timeline.e": {"timeline.e"},
        "timeline.f": {"timeline.a"},
    }
    assert import_cycles(graph) == [
        "timeline.a -> timeline.b -> timeline.c -> timeline.a",
        "timeline.d -> timeline.b -> timeline.d",
        "timeline.e -> timeline.e",
    ]
