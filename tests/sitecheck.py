"""Reading a built site as a reader's browser would: which files a page links to, and which links
lead nowhere. Shared by the crash, stress and property tests.

Paths are relative to the site folder, with "/" separators, as manifest.json names them.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

SEARCH_INDEX = "pagefind/"  # Pagefind never writes the same bytes twice; compared by what it holds instead
OUTSIDE = "<outside the site>"
REFRESH_URL = re.compile(r"url=(.+)$", re.I)


def whole_html(content: bytes) -> bool:
    """Whether an HTML file is complete: the document ends with its closing tag and parses."""
    if not content.rstrip().endswith(b"</html>"):
        return False
    document = lxml.html.document_fromstring(content)
    return document.find("body") is not None


def links_in(content: bytes) -> list[str]:
    """Every address an HTML page refers to: a/link href, script/img src, meta refresh url."""
    document = lxml.html.document_fromstring(content)
    found = [str(v) for v in document.xpath("//a/@href | //link/@href | //script/@src | //img/@src")]
    for content_attribute in document.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh']/@content"):
        match = REFRESH_URL.search(str(content_attribute))
        if match:
            found.append(match.group(1).strip())
    return found


def target_of(page: str, link: str, base_url: str) -> str | None:
    """The file of the site a link from PAGE leads to; None for other sites and same-page links,
    OUTSIDE for a relative link that climbs out of the site."""
    root_relative = link.startswith("/") and not link.startswith("//")
    if base_url and (link.startswith(base_url) or root_relative):
        # Our own absolute links (canonical links), and root-relative ones (the 404 page's).
        path, base_path = unquote(urlsplit(link).path), urlsplit(base_url).path
        if not path.startswith(base_path):
            return OUTSIDE
        path = path[len(base_path) :]
        return path + "index.html" if path == "" or path.endswith("/") else path
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if joined == ".." or joined.startswith("../"):
        return OUTSIDE
    return joined + "/index.html" if parts.path.endswith("/") else joined


def targets_of(page: str, content: bytes, base_url: str) -> set[str]:
    """The files of the site an HTML page links to."""
    return {t for link in links_in(content) if (t := target_of(page, link, base_url)) is not None}


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of a built site by its path, the search index's files but its list of parts left out."""
    files = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and (not relative.startswith(SEARCH_INDEX) or relative == f"{SEARCH_INDEX}parts.json"):
            files[relative] = path.read_bytes()
    return files


def broken_links(out: Path, base_url: str) -> list[str]:
    """Every link of every HTML page of OUT that does not lead to a file of the site."""
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    broken = []
    for page in sorted(p for p in present if p.endswith(".html")):
        for target in sorted(targets_of(page, (out / page).read_bytes(), base_url)):
            if target not in present:
                broken.append(f"{page} -> {target}")
    return broken


def temporary_files(out: Path) -> list[str]:
    """Files a build writes before renaming them into place (see timeline.files.atomic)."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob(".*.tmp"))
