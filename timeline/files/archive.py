"""The archive folder: finding it, reading and writing its ``timeline.toml``.

An archive is a folder holding ``timeline.toml`` (settings), ``events/`` (the
entries as files), the store (an SQLite file by default) and the built site.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from timeline.domain.kinds import DEFAULT_KINDS
from timeline.domain.validation import clean_language, clean_line, clean_url
from timeline.errors import ArchiveNotFound, ConfigError, InvalidField

CONFIG_NAME = "timeline.toml"
EVENTS_DIR = "events"
SITE_DIR = "_site"  # the built site, unless --out names another folder
STATE_DIR = ".timeline"  # what is derived and kept between runs: read models, caches, sync state
DEFAULT_STORE = "sqlite:///timeline.sqlite"
# Lines added to .gitignore by `timeline init`: the store and its WAL files, the built site.
# What the home page says the archive is, until its editors say it in timeline.toml.
DEFAULT_DESCRIPTION = "A timeline of events, each resting on its sources, with every correction kept and shown."
DESCRIPTION_MAX = 300
GITIGNORE_LINES = ("/timeline.sqlite", "/timeline.sqlite-*", f"/{SITE_DIR}/", f"/{STATE_DIR}/")


@dataclass(frozen=True)
class Archive:
    """An archive folder and its settings; the one owner of the paths inside it."""

    root: Path
    title: str = "Platform policy timeline"
    base_url: str = "https://example.org/"
    language: str = "en"
    extra_kinds: tuple[str, ...] = ()
    store: str = DEFAULT_STORE
    check_ignore: tuple[str, ...] = ()  # the checks `timeline check` skips ([check] ignore)
    licence: str = ""  # the terms the site's content is published under, one line in every footer
    report_error: str = ""  # where readers report an error (https: or mailto:), linked in every footer
    description: str = DEFAULT_DESCRIPTION  # one sentence on the home page: what the archive is about
    settings: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def events_dir(self) -> Path:
        return self.root / EVENTS_DIR

    @property
    def site_dir(self) -> Path:
        return self.root / SITE_DIR

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    def read_model_path(self, out: Path, version: int) -> Path:
        """The site's read model for the output folder ``out`` (each folder has its own: which pages
        are dirty and which files exist is a fact about that folder)."""
        digest = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:12]
        return self.state_dir / f"site-{digest}-v{version}.sqlite"

    @property
    def read_models(self) -> list[Path]:
        """Every output folder's read model, with its WAL files."""
        return sorted(self.state_dir.glob("site-*.sqlite*"))

    @property
    def templates_cache(self) -> Path:
        return self.state_dir / "templates"

    @property
    def citations_cache(self) -> Path:
        return self.state_dir / "citations.sqlite"

    @property
    def kinds(self) -> tuple[str, ...]:
        return DEFAULT_KINDS + tuple(k for k in self.extra_kinds if k not in DEFAULT_KINDS)

    def to_toml(self) -> str:
        data = {
            "title": self.title,
            "base_url": self.base_url,
            "language": self.language,
            "description": self.description,
            "kinds": list(self.extra_kinds),
            "store": self.store,
        }
        return (
            "# Settings of this timeline archive. `description` is the home page's line on what it is about;\n"
            "# `kinds` extends the default taxonomy;\n"
            "# `store` is sqlite:///PATH (relative to this folder) or postgresql://USER@HOST:PORT/DB.\n"
            + tomli_w.dumps(data)
        )


def load_archive(root: Path) -> Archive:
    """Read ``root/timeline.toml``; every problem is one line naming the setting."""
    path = root / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArchiveNotFound(f"{root} is not an archive (no {CONFIG_NAME}); create one with 'timeline init'") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    try:
        kinds = data.get("kinds", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise ConfigError(f'{path}: kinds must be a list of names, e.g. kinds = ["press-release"]')
        return Archive(
            root=root,
            title=clean_line(data.get("title", Archive.title), "title", required=True),
            base_url=clean_url(data.get("base_url", Archive.base_url), "base_url") or Archive.base_url,
            language=clean_language(data.get("language", Archive.language), "language") or "en",
            extra_kinds=tuple(clean_line(k, "kinds", required=True) for k in kinds),
            store=str(data.get("store", DEFAULT_STORE)),
            check_ignore=_check_ignore(data.get("check", {}), path),
            licence=clean_line(data.get("licence", ""), "licence"),
            report_error=_report_error(data.get("report_error", "")),
            description=clean_line(
                data.get("description", DEFAULT_DESCRIPTION), "description", required=True, max_length=DESCRIPTION_MAX
            ),
            settings=data,
        )
    except ConfigError:
        raise
    except Exception as error:  # an InvalidField from the cleaners, named with the file
        raise ConfigError(f"{path}: {error}") from None


def _report_error(value: object) -> str:
    """Where readers report an error: a web address, or an e-mail address (as a mailto: link)."""
    text = clean_line(value, "report_error")
    address = text.removeprefix("mailto:")
    if "@" in address and "/" not in address and not any(ch.isspace() for ch in address):
        return f"mailto:{address}"
    try:
        return clean_url(text, "report_error")
    except InvalidField:
        raise InvalidField(
            "report_error",
            f"{text[:80]!r} is neither a web address nor an e-mail address; "
            'give one such as "https://example.org/corrections" or "corrections@example.org"',
        ) from None


def _check_ignore(table: object, path: Path) -> tuple[str, ...]:
    """The names in ``[check] ignore``; whether each names a check, `timeline check` says."""
    ignore = table.get("ignore", []) if isinstance(table, dict) and set(table) <= {"ignore"} else None
    if not isinstance(ignore, list) or not all(isinstance(name, str) for name in ignore):
        raise ConfigError(
            f"{path}: [check] takes one setting, ignore: a list of the checks to skip, "
            'e.g. ignore = ["no-archived-copy"]'
        )
    return tuple(ignore)


def find_archive(start: Path, named: str | None = None) -> Archive:
    """The archive named by ``--archive``/``TIMELINE_ARCHIVE``, else the nearest one above ``start``."""
    if named:
        root = Path(named).expanduser().resolve()
        if root.name == CONFIG_NAME:
            root = root.parent
        return load_archive(root)
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_NAME).is_file():
            return load_archive(folder)
    raise ArchiveNotFound(
        f"no {CONFIG_NAME} in {start} or any folder above it; run 'timeline init' or name the archive with --archive"
    )


def refuse_existing_archive(root: Path) -> None:
    """Refuse to make an archive where there is one (an unreadable one, with what is wrong in it)."""
    if (root / CONFIG_NAME).exists():
        load_archive(root)
        raise ConfigError(f"{root} is already an archive ({CONFIG_NAME} exists)")


def create_archive(root: Path, archive: Archive) -> Archive:
    """Write ``timeline.toml``, ``events/`` and the .gitignore lines; refuse an existing archive."""
    refuse_existing_archive(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / EVENTS_DIR).mkdir(exist_ok=True)
    (root / CONFIG_NAME).write_text(archive.to_toml(), encoding="utf-8")
    gitignore = root / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    missing = [line for line in GITIGNORE_LINES if line not in existing]
    if missing:
        with gitignore.open("a", encoding="utf-8") as handle:
            if existing and existing[-1].strip():
                handle.write("\n")
            handle.write("\n".join(missing) + "\n")
    return load_archive(root)


def resolve_editor(given: str | None) -> str:
    """Who makes a change: --editor, else TIMELINE_EDITOR, else git's user.name, else the OS user."""
    for candidate in (given, os.environ.get("TIMELINE_EDITOR")):
        if candidate and candidate.strip():
            return clean_line(candidate, "editor", required=True)
    try:
        result = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return clean_line(result.stdout, "editor", required=True)
    except (OSError, subprocess.SubprocessError):
        pass
    return getpass.getuser()
