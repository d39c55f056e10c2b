"""The GitHub Pages workflow in examples/ is valid YAML that builds the site and deploys it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / "examples" / "github-pages.yml"


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def test_the_pages_workflow_checks_out_builds_uploads_and_deploys() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as true; GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert "main" in triggers["push"]["branches"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}

    build = steps_of(workflow["jobs"]["build"])
    uses = [step.get("uses", "").split("@")[0] for step in build]
    runs = [step.get("run", "") for step in build]
    assert (
        uses.index("actions/checkout")
        < uses.index("actions/setup-python")
        < uses.index("actions/upload-pages-artifact")
    )
    install = next(i for i, run in enumerate(runs) if run.startswith("pip install"))
    site = next(i for i, run in enumerate(runs) if run == "timeline build --out _site")
    assert uses.index("actions/setup-python") < install < site < uses.index("actions/upload-pages-artifact")
    assert build[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "_site"

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in steps_of(deploy)] == ["actions/deploy-pages"]
    assert all("@v" in step["uses"] for step in [*build, *deploy["steps"]] if "uses" in step), "actions are pinned"
