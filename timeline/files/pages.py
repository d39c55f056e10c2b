"""The archive's own pages: what its editors write about it, as Markdown files in ``pages/``.

``pages/about.md`` (what the archive is, who keeps it, how to cite it) and ``pages/methodology.md``
(where entries come from, how they are chosen and corrected) become the site's ``about/`` and
``methodology/`` pages, linked from every footer. A missing file means no page and no link. Any
other Markdown file there is refused, so that a page its editors wrote is never silently left out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import ConfigError

PAGES_DIR = "pages"
# The pages an archive may write, in the order the footer links to them, with the link's words.
EDITORIAL_PAGES = {"about": "About", "methodology": "Methodology"}


@dataclass(frozen=True)
class EditorialPage:
    name: str  # "about": its file is pages/about.md, its address about/
    label: str  # the footer link's words, and the page's title when its text has no heading
    text: str  # the Markdown as written

    @property
    def digest(self) -> str:
        """What the site remembers of the text, to render the page again when it changes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def editorial_pages(root: Path) -> list[EditorialPage]:
    """The pages the archive at ROOT has written, in footer order; refuses a file it would not publish."""
    folder = root / PAGES_DIR
    if not folder.is_dir():
        return []
    accepted = " and ".join(f"{PAGES_DIR}/{name}.md" for name in EDITORIAL_PAGES)
    for path in sorted(folder.glob("*.md")):
        if path.stem not in EDITORIAL_PAGES:
            raise ConfigError(
                f"{PAGES_DIR}/{path.name}: not a page the site publishes; it publishes {accepted} (rename or remove it)"
            )
    pages = []
    for name, label in EDITORIAL_PAGES.items():
        path = folder / f"{name}.md"
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{PAGES_DIR}/{name}.md is not UTF-8 text; save it as UTF-8") from None
        pages.append(EditorialPage(name, label, text.replace("\r\n", "\n")))
    return pages
