"""The package as people install it works: a wheel built from this repository, installed into a
fresh virtual environment (dependencies from PyPI), carries its site templates, and its
``timeline`` command creates a new archive outside the repository, records an entry and builds
the site, with the stylesheet, the home page and the entry's page.

The wheel is built from a copy of the project's files (no ``build/``, ``*.egg-info``, ``.venv`` or
store), so nothing left over from an earlier build can stand in for a missing file; and the test
checks that the ``timeline`` module the new environment imports is the installed one, not this
checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Never part of a build: local state, caches, earlier build output, the site.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".cache", ".timeline", "_site", "build", "dist", "*.egg-info", "timeline.sqlite*",
    "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "test-artifacts",
)  # fmt: skip
TEMPLATES_IN_WHEEL = (
    "timeline/site_templates/base.html",
    "timeline/site_templates/style.css",
    "timeline/site_templates/feed.xml",
)
TITLE = "Test Platform labels a minister post as misleading"


def run(argv: list[str | Path], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    """Run a command; fail the test with its output if it fails. Returns its stdout."""
    completed = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert completed.returncode == 0, (
        f"{' '.join(map(str, argv))} exited {completed.returncode}\n"
        f"stdout:\n{completed.stdout[-4000:]}\nstderr:\n{completed.stderr[-4000:]}"
    )
    return completed.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything that points at this checkout or its archive."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "TIMELINE_ARCHIVE", "TIMELINE_STORE")
    }
    return {**env, **extra}


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_builds_a_site_in_a_new_archive(tmp_path: Path) -> None:
    assert not tmp_path.is_relative_to(ROOT), "the test folder must be outside the repository"

    # Build the wheel from a clean copy of the project.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    wheelhouse = tmp_path / "wheelhouse"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheelhouse, source], tmp_path, clean_env())
    (wheel,) = wheelhouse.glob("timeline_archive-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in TEMPLATES_IN_WHEEL if name not in names]
    assert not missing, f"{wheel.name} lacks {missing}"

    # Install it, with its dependencies from PyPI, into a brand-new virtual environment.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=clean_env())
    python, timeline = venv / "bin" / "python", venv / "bin" / "timeline"
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel], tmp_path, clean_env(), 900)
    work = tmp_path / "work"
    work.mkdir()
    env = clean_env(TIMELINE_EDITOR="Wheel Tester")
    imported = run([python, "-c", "import timeline; print(timeline.__file__)"], cwd=work, env=env).strip()
    assert Path(imported).is_relative_to(venv), f"the new environment imports timeline from {imported}"

    # A new archive, one entry with a source, a site.
    run([timeline, "init", "arch", "--title", "Wheel archive"], cwd=work, env=env)
    arch = work / "arch"
    assert (arch / "timeline.toml").is_file()
    added = run(
        [timeline, "add", "--title", TITLE, "--kind", "label", "--date", "2021-02-03",
         "--summary", "The platform added a label. It linked to official information.",
         "--actor", "Test Platform:author", "--platform", "Test Platform",
         "--source-title", "Platform labels minister's post", "--source-publisher", "Test Wire",
         "--source-url", "https://example.org/news/label", "--source-date", "2021-02-03", "--json"],
        cwd=arch, env=env,
    )  # fmt: skip
    slug = json.loads(added)["slug"]
    assert slug == "2021-02-03-test-platform-labels-a-minister-post-as-misleading"
    assert (arch / "events" / f"{slug}.md").is_file()
    run([timeline, "build"], cwd=arch, env=env)

    site = arch / "_site"
    home = site / "index.html"
    assert home.is_file()
    assert (site / "events" / slug / "index.html").is_file()
    assert (site / "assets" / "style.css").is_file()
    packaged_css = (ROOT / "site_templates" / "style.css").read_bytes()
    assert (site / "assets" / "style.css").read_bytes() == packaged_css
    assert f'">{TITLE}</a>' in home.read_text(encoding="utf-8")
