"""The history travels with the repository: a clone builds the site its editor built, byte for byte.

What these tests prove, with real `git` in pytest's tmp folders and the real command line:

1. Alice records, corrects, cites, links, retracts, merges and bundles entries in archive A, builds
   its site and commits. Bob clones A forty days later and builds: his site is Alice's, file for
   file and byte for byte (the search index aside), every revision page, change log, feed,
   citation download and the manifest included; his `timeline log` shows Alice's names and times,
   never his own; and his build leaves the clone's committed files untouched.
2. The build steps of examples/github-pages.yml, run with bash in a fresh clone of A as a runner
   would run them, publish the same site as Alice's.
3. Two clones of this repository, built by two people a second apart, give the same flagship site.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml
from click.testing import CliRunner
from conftest import IN_CI, REPOSITORY, ArchiveUnderTest, record_every_kind_of_change
from sitebuild import SEARCH_INDEX, tree

from timeline.cli import main

WORKFLOW = REPOSITORY / "examples" / "github-pages.yml"
VENV_BIN = Path(sys.executable).parent  # this test run's venv, where `timeline` is installed
FORTY_DAYS = dt.timedelta(days=40)


@dataclass
class EditorsArchive(ArchiveUnderTest):
    """An archive driven through the command line by a named editor."""

    editor: str = "Alice"

    def env(self) -> dict[str, str]:
        return {**super().env(), "TIMELINE_EDITOR": self.editor}


@dataclass
class Committed:
    """Alice's archive, committed to its git repository, and the site she built from it."""

    archive: EditorsArchive
    site: Path
    slugs: dict[str, str]
    log: list[dict[str, Any]]


def git(cwd: Path, *args: str, user: str = "Alice") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": user,
        "GIT_AUTHOR_EMAIL": f"{user.lower()}@example.org",
        "GIT_COMMITTER_NAME": user,
        "GIT_COMMITTER_EMAIL": f"{user.lower()}@example.org",
    }
    completed = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert completed.returncode == 0, f"git {' '.join(args)} failed: {completed.stderr}"
    return completed.stdout


def clone(source: Path, target: Path, user: str) -> Path:
    git(source.parent, "clone", "--quiet", str(source), str(target), user=user)
    git(target, "config", "user.name", user)
    git(target, "config", "user.email", f"{user.lower()}@example.org")
    return target


def without_timeline_settings() -> dict[str, str]:
    """This process's environment without TIMELINE_* settings, as a fresh shell or runner has it."""
    return {name: value for name, value in os.environ.items() if not name.startswith("TIMELINE_")}


def history_lines(root: Path) -> int:
    return sum(len(path.read_text().splitlines()) for path in (root / "history").rglob("*.jsonl"))


def assert_same_site(expected: Path, actual: Path) -> None:
    """The same files under both folders, with the same bytes, but the search index (Pagefind does
    not write the same bytes twice for the same pages)."""
    mine, theirs = tree(expected), tree(actual)
    assert mine, f"no site in {expected}"
    assert sorted(mine.keys() - theirs.keys()) == [], f"missing from {actual}"
    assert sorted(theirs.keys() - mine.keys()) == [], f"only in {actual}"
    differ = [path for path in mine if mine[path] != theirs[path]]
    assert differ == [], f"these files differ between {expected} and {actual}"


def assert_clean(checkout: Path) -> None:
    assert git(checkout, "status", "--porcelain", "--untracked-files=all") == "", "the build changed the checkout"


@pytest.fixture(scope="module")
def alices(tmp_path_factory: pytest.TempPathFactory) -> Committed:
    """Archive A in a git repository: every kind of change, made by Alice, its site built and all
    of it committed (the store, .timeline/ and _site/ stay out by the .gitignore `init` wrote)."""
    folder = tmp_path_factory.mktemp("alice")
    archive = EditorsArchive(root=folder / "a", store_url=None, runner=CliRunner())
    archive.ok("init", str(archive.root), "--title", "Platform policy, as Alice keeps it")
    git(archive.root, "init", "--quiet", "-b", "main")
    slugs = record_every_kind_of_change(archive)
    site = folder / "site"
    archive.ok("build", "--out", str(site))
    git(archive.root, "add", "-A")
    git(archive.root, "commit", "--quiet", "-m", "Alice's first entries")
    committed = git(archive.root, "ls-files").split()
    assert "timeline.sqlite" not in committed and not any(p.startswith(".timeline/") for p in committed)
    assert f"history/{slugs['order']}.jsonl" in committed and "history/bundles/smith-2026.jsonl" in committed
    assert_clean(archive.root)
    return Committed(archive, site, slugs, archive.json("log", "--limit", "100"))


# 1. Same repository, same site ------------------------------------------------------------------


def test_a_clone_built_by_someone_else_forty_days_later_is_the_same_site(alices: Committed, tmp_path: Path) -> None:
    """Bob clones Alice's repository and runs `timeline build` on a day of his own. The build
    replays the committed history into his new store and writes the site Alice built: the same
    files, the same bytes. His change log names Alice and her times."""
    bob = clone(alices.archive.root, tmp_path / "b", user="Bob")
    assert not (bob / "timeline.sqlite").exists(), "a clone starts without a store"
    site = tmp_path / "site"
    env = {"TIMELINE_ARCHIVE": str(bob), "TIMELINE_EDITOR": "Bob", "TIMELINE_STORE": None}
    bobs_day = dt.datetime.now(dt.UTC).replace(microsecond=0) + FORTY_DAYS
    runner = CliRunner()
    with time_machine.travel(bobs_day, tick=True):
        built = runner.invoke(main, ["build", "--out", str(site)], env=env, catch_exceptions=False)
        logged = runner.invoke(main, ["log", "--json", "--limit", "100"], env=env, catch_exceptions=False)
    assert built.exit_code == 0, built.output

    assert_same_site(alices.site, site)
    # The comparison covers every kind of file a site has, not an empty folder.
    order, duplicate, wrong = (alices.slugs[k] for k in ("order", "duplicate", "wrong"))
    files = set(tree(site))
    expected = {
        f"events/{order}/index.html", f"events/{order}/v1/index.html", f"events/{order}/v2/index.html",
        f"events/{duplicate}/index.html", f"events/{wrong}/index.html",
        *(f"events/{order}/{name}" for name in ("cite.bib", "cite.ris", "cite.json")),
        *(f"events/{order}/v2/{name}" for name in ("cite.bib", "cite.ris", "cite.json")),
        *(f"bundles/smith-2026/{name}" for name in ("index.html", "bundle.bib", "bundle.ris", "bundle.json")),
        "bundles/jones-2026/index.html",
        "changes/index.html", "feeds/entries.xml", "feeds/changes.xml", "manifest.json",
    }  # fmt: skip
    assert expected <= files, f"the site lacks {sorted(expected - files)}"
    assert any(path.startswith("manifest/") for path in files)
    # The deleted bundle's page stays, withdrawn as of Alice's deletion (replayed from history/bundles/).
    withdrawn = (site / "bundles" / "jones-2026" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Withdrawn</strong>" in withdrawn and "the paper was withdrawn" in withdrawn
    assert "jones-2026" not in (site / "bundles" / "index.html").read_text(encoding="utf-8")
    assert (site / SEARCH_INDEX).is_dir()
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["history"]["events"] == history_lines(bob)
    assert manifest["history"]["files"] == len(list((bob / "history").rglob("*.jsonl")))

    # Bob's change log is Alice's: her names, her times, her reasons; nothing of Bob or his day.
    assert logged.exit_code == 0, logged.output
    log = json.loads(logged.stdout)
    assert log == alices.log
    assert {change["editor"] for change in log} == {"Alice"}
    assert "Bob" not in logged.stdout and bobs_day.date().isoformat() not in logged.stdout
    kinds = {"recorded", "corrected", "source added", "source withdrawn", "linked", "unlinked", "retracted", "merged"}
    assert {change["change"] for change in log} == kinds
    # Replaying and building wrote nothing git would commit, and left the store and history/ agreed.
    assert_clean(bob)
    synced = runner.invoke(main, ["sync"], env=env, catch_exceptions=False)
    assert synced.exit_code == 0 and synced.stdout.startswith("synced events/: 0 recorded, 0 revised"), synced.output


# 2. Deploy --------------------------------------------------------------------------------------


def test_the_github_pages_workflow_publishes_the_editors_site(alices: Committed, tmp_path: Path) -> None:
    """The build job of examples/github-pages.yml, run step by step in a fresh checkout, publishes
    what Alice built."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["build"]["steps"]
    commands = [step for step in steps if "run" in step]
    if not any("timeline build" in step["run"] for step in commands):
        pytest.fail(f"{WORKFLOW.name}: no step of the build job runs `timeline build`")
    upload = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1, f"{WORKFLOW.name}: the build job should upload the site once"
    published = upload[0]["with"]["path"]

    checkout = clone(alices.archive.root, tmp_path / "runner", user="runner")
    env = without_timeline_settings()
    # The install step (`pip install .`) is replaced by this venv's bin folder first on PATH: it holds
    # the same `timeline`, and installing again would download nothing new and take long.
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
    assert (VENV_BIN / "timeline").is_file()
    ran = []
    for step in commands:
        if step["run"].strip().startswith("pip install"):
            continue
        # bash -e, as GitHub runs a `run:` step on Linux.
        completed = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=checkout, env=env, capture_output=True)
        assert completed.returncode == 0, f"step {step.get('name')!r} failed: {completed.stderr.decode()}"
        ran.append(step.get("name"))
    assert ran, "the workflow ran nothing but the install"

    assert_same_site(alices.site, checkout / published)
    assert_clean(checkout)


# 3. Two people, two clones of this repository ---------------------------------------------------


def test_two_clones_of_this_repository_built_by_two_people_give_the_same_flagship_site(tmp_path: Path) -> None:
    """Ada and Bo each clone this repository and build its archive, a second apart, as the check
    before a change is handed over does: the two sites are the same."""
    if not (REPOSITORY / ".git").exists():
        message = f"{REPOSITORY} is not a git checkout"
        if IN_CI:
            pytest.fail(f"{message}; CI must test one")
        pytest.skip(message)
    sites = []
    for editor in ("Ada", "Bo"):
        checkout = clone(REPOSITORY, tmp_path / editor.lower(), user=editor)
        site = tmp_path / f"site-{editor.lower()}"
        env = {**without_timeline_settings(), "TIMELINE_EDITOR": editor}
        completed = subprocess.run(
            [str(VENV_BIN / "timeline"), "build", "--quiet", "--out", str(site)],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout == "", "--quiet prints nothing"
        assert_clean(checkout)
        sites.append(site)
        time.sleep(1)

    assert_same_site(*sites)
    entries = len(list((REPOSITORY / "events").glob("*.md")))
    assert len([p for p in tree(sites[0]) if p.startswith("events/") and p.endswith("/v1/index.html")]) == entries
