"""Writer processes released at one instant: shared by the two-writer and the stress tests.

Each writer is a Python script run with one JSON argument (its job). It opens the store,
touches ``ready-<name>`` in the work folder, waits for ``go``, writes, and leaves its own
report there; the test reads the reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import ArchiveUnderTest


def process_env(store: ArchiveUnderTest) -> dict[str, str]:
    """The environment of a child process: this one's, with the archive (and store) under test."""
    env = {k: v for k, v in os.environ.items() if k not in ("TIMELINE_STORE", "TIMELINE_ARCHIVE")}
    env.update(store.env())
    return env


def run_at_barrier(
    store: ArchiveUnderTest,
    script: str,
    workdir: Path,
    jobs: list[dict[str, Any]],
    *,
    timeout: float,
    one_by_one: bool = False,
) -> None:
    """Start one writer per job (each job names itself in "name"), release them together, wait
    for all; fail if one dies before the barrier or exits non-zero. ``one_by_one``: each writer
    is started only once the one before is ready (so they do not open the store at one instant)."""
    workdir.mkdir()
    path = workdir / "writer.py"
    path.write_text(script, encoding="utf-8")
    processes: list[subprocess.Popen[str]] = []

    def wait_ready(names: list[str]) -> None:
        deadline = time.monotonic() + 60
        while not all((workdir / f"ready-{name}").exists() for name in names):
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes if p.poll()]
            assert time.monotonic() < deadline, f"writers {names} never got ready"
            time.sleep(0.01)

    try:
        for job in jobs:
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(path), json.dumps(job)],
                    env=process_env(store),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            if one_by_one:
                wait_ready([job["name"]])
        wait_ready([job["name"] for job in jobs])
        (workdir / "go").touch()  # the barrier opens: all write from the same instant
        outputs = [p.communicate(timeout=timeout) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for job, process, (stdout, stderr) in zip(jobs, processes, outputs, strict=True):
        assert process.returncode == 0, f"writer {job['name']} exited {process.returncode}:\n{stdout}{stderr}"
