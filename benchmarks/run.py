"""The archive against Hugo on the same entries: import, add, full / no-op / incremental builds.

Run from the repository root (after the README's install command, and `hugo` on PATH;
`bash ../shared/ci/machine-setup.sh hugo` installs Debian's):

    .venv/bin/python benchmarks/run.py --entries 1000,10000

Every figure is the median of --runs runs (min and max beside it), measured from
process start to exit, with the peak resident memory of the process. Our full builds
and Hugo's alternate, so both see the same machine state. Results go to
benchmarks/results-<N>.json and a table on stdout for each size, every time also as a
ratio to Hugo's full build, then one table of every size side by side (how each step
scales). This is never part of the test suite: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import entries, write_hugo_site, write_jsonl

TIMELINE = [sys.executable, "-m", "timeline"]


# Linux reports, as a child's peak memory, at least its parent's at the time of the fork (the
# figure survives exec): measured straight from this process, which holds the generated entries
# and, at 100,000 entries, lists of a million files, every small command would look as large.
# So each command runs under this small process, which times it and reports its peak.
_TIMED = """
import resource, subprocess, sys, time
started = time.perf_counter()
status = subprocess.run(sys.argv[2:]).returncode
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    report.write(f"{seconds} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(status)
"""


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """(seconds, peak RSS in MiB, stdout) of one process, from its start to its exit."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        process = subprocess.run(
            [sys.executable, "-c", _TIMED, report.name, *command], cwd=cwd, env=env, capture_output=True, text=True
        )
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {process.stderr.strip()[:500]}")
        seconds, peak_kib = report.read().split()
    return float(seconds), int(peak_kib) // 1024, process.stdout


def summary(samples: list[tuple[float, int]]) -> dict[str, float]:
    times = [s for s, _ in samples]
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "peak_rss_mib": max(m for _, m in samples),
        "runs": len(samples),
    }


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def correct_some(archive: Path, env: dict[str, str], share: float, retract_share: float) -> None:
    """Corrections and retractions through the archive service, as editors make them."""
    script = f"""
import random
from timeline.app.service import ArchiveService
from timeline.domain.drafts import WriteOptions
rng = random.Random(7)
with ArchiveService.open({str(archive)!r}) as service:
    for entry in list(service.entries()):
        roll = rng.random()
        if roll < {share}:
            options = WriteOptions(editor="benchmark", reason="benchmark correction")
            service.correct(str(entry.id), {{"title": entry.title + " (corrected)"}}, options)
        elif roll < {share + retract_share}:
            service.retract(str(entry.id), WriteOptions(editor="benchmark", reason="benchmark retraction"))
"""
    subprocess.run([sys.executable, "-c", script], cwd=archive, env=env, check=True)


def clone(archive: Path, folder: Path) -> Path:
    """What a fresh clone of ``archive`` holds: its settings, events/ and history/; no store, no caches."""
    folder.mkdir()
    shutil.copy(archive / "timeline.toml", folder / "timeline.toml")
    for name in ("events", "history"):
        shutil.copytree(archive / name, folder / name)
    return folder


def replay_in_a_clone(archive: Path, work: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """The committed history's size, and `timeline sync` in a fresh clone: it replays every change
    into a new store, then checks events/."""
    files, size = folder_size(archive / "history")
    syncs = []
    for attempt in range(runs):
        copy = clone(archive, work / f"clone{attempt}")
        seconds, rss, output = measure([*TIMELINE, "sync"], copy, env)
        if "changes replayed into the store" not in output:
            raise SystemExit(f"the clone's sync replayed nothing: {output}")
        syncs.append((seconds, rss))
        shutil.rmtree(copy)
    return {"history_files": files, "history_bytes": size, "clone_sync_replaying_history": summary(syncs)}


def hugo_server_rebuilds(site: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """`hugo server`'s own timing of its partial rebuild after one content file changes."""
    command = ["hugo", "server", "-s", str(site), "--port", "1317", "--disableLiveReload", "--renderToDisk",
               "-d", str(site / "served"), "--disableFastRender"]  # fmt: skip
    server = subprocess.Popen(command, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert server.stdout is not None
    samples = []
    try:
        for line in server.stdout:
            if "Web Server is available" in line:
                break
        page = sorted((site / "content" / "events").glob("*.md"))[1]
        for attempt in range(runs):
            page.write_text(page.read_text(encoding="utf-8") + f"\nEdited {attempt}.\n", encoding="utf-8")
            for line in server.stdout:
                match = re.search(r"Total in (\d+) ms", line)
                if match:
                    samples.append((int(match.group(1)) / 1000, 0))
                    break
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = summary(samples)
    result["note"] = "hugo server's own 'Total in N ms' after one content file changed (no process start)"
    return result


def changes(archive: Path, site: Path, slugs: list[str], env: dict[str, str]) -> dict[str, Any]:
    """What one change costs on an archive whose site is built: a build with nothing new, then for each
    of ``slugs`` a correction and the build after it, an add (checked for likely duplicates) and the
    build after it."""
    results: dict[str, Any] = {}
    noop = [measure([*TIMELINE, "build", "--out", str(site)], archive, env)[:2] for _ in slugs]
    results["noop_build"] = summary(noop)
    corrected, added, adds = [], [], []
    for attempt, slug in enumerate(slugs):
        summary_text = f"Corrected summary {attempt}, {time.time_ns()}."  # (a run again corrects anew)
        measure([*TIMELINE, "correct", slug, "--summary", summary_text, "--reason", "bench"], archive, env)
        corrected.append(measure([*TIMELINE, "build", "--out", str(site)], archive, env)[:2])
        title = f"A new benchmark entry {attempt} {time.time_ns()}"  # (a run again adds new entries)
        command = ["add", "--title", title, "--kind", "statement", "--date", "2024-03-01", "--source-title", "A report"]
        adds.append(measure([*TIMELINE, *command], archive, env)[:2])
        added.append(measure([*TIMELINE, "build", "--out", str(site)], archive, env)[:2])
    results["incremental_build_after_correction"] = summary(corrected)
    results["single_add"] = summary(adds)
    results["incremental_build_after_new_entry"] = summary(added)
    return results


class _Reported(dict[str, Any]):
    """The results of one size, each printed (to stderr) as it is measured: a run at 100,000 entries
    takes over an hour, and one stopped part way still says what it measured."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        print(f"{key}: {json.dumps(value)}", file=sys.stderr, flush=True)

    def update(self, values: Any = (), **more: Any) -> None:  # type: ignore[override]
        for key, value in dict(values, **more).items():
            self[key] = value


def run(count: int, runs: int, keep: Path | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"timeline-bench-{count}-"))
    # As installed: Python keeps each module's compiled bytecode (a shell that forbids it would
    # make every command compile the package anew, and measure that instead).
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "TIMELINE_EDITOR": "benchmark"}
    env.pop("TIMELINE_ARCHIVE", None)
    env.pop("TIMELINE_STORE", None)
    rows = entries(count)
    write_jsonl(rows, work / "entries.jsonl")
    write_hugo_site(rows, work / "hugo")
    results: dict[str, Any] = _Reported(entries=count)

    # Bulk import, each run into a fresh archive; the last one is kept for the builds.
    imports = []
    for attempt in range(runs):
        archive = work / f"archive{attempt}"
        measure([*TIMELINE, "init", str(archive)], work, env)
        seconds, rss, _ = measure([*TIMELINE, "import", str(work / "entries.jsonl")], archive, env)
        imports.append((seconds, rss))
        if attempt < runs - 1:
            shutil.rmtree(archive)
    results["bulk_import"] = summary(imports)
    correct_some(archive, env, share=0.05, retract_share=0.01)
    results.update(replay_in_a_clone(archive, work, runs, env))

    # A fresh clone's first build: it replays history/ into a new store, checks events/, and renders
    # every citation with the CSL processor (~5 ms a style); later full builds find them in
    # .timeline/citations.sqlite, as a real archive's do. Both are reported. The clone is the
    # archive every later step works on.
    hugos = []
    shutil.rmtree(work / "hugo" / "public", ignore_errors=True)
    hugos.append(measure(["hugo", "--quiet", "-s", str(work / "hugo"), "-d", "public"], work, env)[:2])
    archive = clone(archive, work / "clone")
    first = measure([*TIMELINE, "build", "--out", str(work / "site")], archive, env)[:2]
    results["clone_replay_and_build"] = summary([first])

    # Full builds (--full: a new read model, every page rendered), alternating with Hugo's.
    ours = []
    for attempt in range(runs):
        seconds, rss, _ = measure([*TIMELINE, "build", "--full", "--out", str(work / "site")], archive, env)
        ours.append((seconds, rss))
        if attempt < runs - 1:
            shutil.rmtree(work / "hugo" / "public", ignore_errors=True)
            hugos.append(measure(["hugo", "--quiet", "-s", str(work / "hugo"), "-d", "public"], work, env)[:2])
    results["full_build"] = summary(ours)
    results["hugo_full_build"] = summary(hugos)
    results["hugo_server_rebuild_one_page"] = hugo_server_rebuilds(work / "hugo", runs, env)
    results["pages_written"], results["bytes_written"] = folder_size(work / "site")
    results["hugo_pages_written"], results["hugo_bytes_written"] = folder_size(work / "hugo" / "public")

    slugs = [json.loads(line)["slug"] for line in (work / "entries.jsonl").read_text().splitlines()[:runs]]
    results.update(changes(archive, work / "site", slugs, env))

    hugo = results["hugo_full_build"]["median_s"]
    for value in results.values():
        if isinstance(value, dict) and "median_s" in value:
            value["ratio_to_hugo_full_build"] = round(value["median_s"] / hugo, 3)
    if keep:
        shutil.copytree(work, keep, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    return results


def machine() -> dict[str, Any]:
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "hugo": hugo.split(" BuildDate")[0],
        "date": time.strftime("%Y-%m-%d"),
    }


def table(results: dict[str, Any]) -> str:
    lines = ["| measure | median | min | max | peak RSS | ratio to Hugo full build |", "|---|---|---|---|---|---|"]
    for key, value in results.items():
        if isinstance(value, dict) and "median_s" in value:
            lines.append(
                f"| {key.replace('_', ' ')} | {value['median_s']:.2f} s | {value['min_s']:.2f} s | "
                f"{value['max_s']:.2f} s | {value['peak_rss_mib'] or 'n/a'} MiB | "
                f"{value['ratio_to_hugo_full_build']:.2f} |"
            )
    history = f"{results['history_files']:,} files, {results['history_bytes'] / 2**20:.1f} MiB"
    lines.append(f"| history/ | {history} | | | | |")
    lines.append(
        f"| pages written | {results['pages_written']:,} files, {results['bytes_written'] / 2**20:.0f} MiB | | | | "
        f"Hugo: {results['hugo_pages_written']:,} files, {results['hugo_bytes_written'] / 2**20:.0f} MiB |"
    )
    return "\n".join(lines)


def scaling(runs: list[dict[str, Any]]) -> str:
    """Every measure at every size side by side: median seconds (ratio to that size's Hugo full build)."""
    heading = " | ".join(f"{result['entries']:,} entries" for result in runs)
    lines = [f"| measure | {heading} |", "|---" * (len(runs) + 1) + "|"]
    for key, value in runs[0].items():
        if isinstance(value, dict) and "median_s" in value:
            cells = [
                f"{result[key]['median_s']:.2f} s ({result[key]['ratio_to_hugo_full_build']:.2f}x), "
                f"{result[key]['peak_rss_mib'] or 'n/a'} MiB"
                for result in runs
            ]
            lines.append(f"| {key.replace('_', ' ')} | {' | '.join(cells)} |")
    return "\n".join(lines)


def sizes(text: str) -> list[int]:
    try:
        counts = [int(part.replace("_", "")) for part in text.split(",")]
    except ValueError:
        expected = "expected entry counts separated by commas, e.g. 1000,10000"
        raise argparse.ArgumentTypeError(f"{text!r}: {expected}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: every entry count must be at least 1")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=sizes, default=[10_000], help="Entry counts, e.g. 1000,10000.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Copy the work folder here afterwards (one folder per size).")
    parser.add_argument(
        "--changes-on",
        nargs=3,
        metavar=("ARCHIVE", "SITE", "ENTRIES"),
        type=Path,
        help="Only what one change costs, on an archive already imported and built (SITE its output folder) "
        "from the generated ENTRIES file: a 100,000-entry one kept by --keep, measured again.",
    )
    args = parser.parse_args()
    if args.changes_on:
        archive, site, rows = args.changes_on
        slugs = [json.loads(line)["slug"] for line in rows.read_text().splitlines()[100 : 100 + args.runs]]
        results = changes(archive.resolve(), site.resolve(), slugs, {**os.environ, "TIMELINE_EDITOR": "benchmark"})
        print(json.dumps({"machine": machine(), "archive": str(archive), **results}, indent=1))
        return
    if shutil.which("hugo") is None:
        raise SystemExit("hugo is not installed: bash ../shared/ci/machine-setup.sh hugo")
    started = time.perf_counter()
    done = []
    for count in args.entries:
        began = time.perf_counter()
        keep = args.keep / str(count) if args.keep else None
        results = {"machine": machine(), **run(count, args.runs, keep)}
        results["benchmark_seconds"] = round(time.perf_counter() - began, 1)
        out = Path(__file__).resolve().parent / f"results-{count}.json"
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"{count:,} entries on {results['machine']['cpus']} cores, {results['machine']['hugo']}")
        print(table(results))
        print(f"(took {results['benchmark_seconds']} s; results in {out.name})\n", flush=True)
        done.append(results)
    if len(done) > 1:
        print("How each step scales: median (ratio to Hugo's full build of the same entries), peak RSS")
        print(scaling(done))
    print(f"(benchmark took {round(time.perf_counter() - started, 1)} s)")


if __name__ == "__main__":
    main()
