"""Pages and feeds from the site's Jinja templates, with what every one of them is given: the
site's settings, its addresses (relative links, absolute ones from a SiteUrls) and its
content security policy."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from timeline.domain.dates import PartialDate
from timeline.domain.kinds import kind_label
from timeline.domain.model import RelationType
from timeline.files.archive import Archive
from timeline.files.pages import EditorialPage, editorial_pages
from timeline.site import urls
from timeline.site.twins import tell_apart

FACET_TITLES = {
    "actors": "Actors",
    "platforms": "Platforms",
    "topics": "Topics",
    "kinds": "Kinds",
    "jurisdictions": "Jurisdictions",
    "sources": "Sources",
}
FEED_SIZE = 50  # entries or changes in a feed

Files = dict[str, bytes]


class _Kept(bytes):
    """The content of a file a page left alone: it would come out as it is (see pageinputs.py)."""


KEPT = _Kept()

# Every page allows only the site's own scripts, stylesheet, images and requests: text from the
# archive can never run, even where a template forgets to escape it. JSON-LD blocks are data and
# never run. The search page also runs Pagefind's WebAssembly, which needs 'wasm-unsafe-eval'.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
)
NEVER_UPDATED = "1970-01-01T00:00:00+00:00"  # an empty feed's <updated>


def moment(timestamp: str) -> str:
    """A recorded time as readers read it: '2 December 2026, 14:03 UTC'."""
    when = dt.datetime.fromisoformat(timestamp).astimezone(dt.UTC)
    return f"{PartialDate(when.date().isoformat()).display()}, {when:%H:%M} UTC"


def template_folders(archive: Archive) -> list[Path]:
    """The archive's own site_templates/ first (to override any template), then the package's."""
    packaged = Path(str(resources.files("timeline.site_templates")))
    own = archive.root / "site_templates"
    return [own, packaged] if own.is_dir() else [packaged]


class Templates:
    def __init__(self, archive: Archive, compiled: Path | None = None):
        """``compiled``: a folder to keep compiled templates in. Compiling them costs ~0.3 s, a
        third of a small incremental build; Jinja checks each against its source before use."""
        self.folders = template_folders(archive)
        if compiled is not None:
            compiled.mkdir(parents=True, exist_ok=True)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in self.folders]),
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        # An event's date for <time datetime>: as precise as recorded ("2017-04", "2017"), never a day
        # invented for a month or a year (HTML accepts a month or a year there).
        self.env.filters["datetime"] = lambda edtf: PartialDate(edtf).slug_part
        self.env.filters["kind_label"] = kind_label
        # Every date a reader sees is written one way: "2 December 2026", "2 December 2026, 14:03 UTC".
        self.env.filters["day"] = lambda iso: PartialDate(iso[:10]).display()
        self.env.filters["moment"] = moment
        # Cards of a listing that share a day and a title, each with what tells it from the others.
        self.env.globals["tell_apart"] = tell_apart
        self.links = urls.SiteUrls(archive.base_url)
        self.editorial: dict[str, EditorialPage] = {p.name: p for p in editorial_pages(archive.root)}
        # What templates know of the site (an archive's own templates may name site.base_url).
        self.site: dict[str, Any] = {
            "title": archive.title,
            "base_url": self.links.base_url,
            "language": archive.language,
            "licence": archive.licence,
            "report_error": archive.report_error,
            "description": archive.description,
            # The pages the archive's editors wrote, as every footer links to them.
            "pages": [{"url": urls.editorial(p.name), "label": p.label} for p in self.editorial.values()],
        }

    def page(self, template: str, url: str, root_relative_links: bool = False, **context: Any) -> Files:
        """The page at URL, rendered from TEMPLATE with CONTEXT."""

        def rel(target: str) -> str:
            # The 404 page is served at any address, so its links cannot be relative; and on any
            # origin (a preview, a mirror), so they cannot name base_url's host either.
            if root_relative_links:
                return self.links.root_relative(target)
            return urls.relative(url, target)

        policy = SEARCH_CONTENT_SECURITY_POLICY if url == urls.search() else CONTENT_SECURITY_POLICY
        html = self.env.get_template(template).render(
            site=self.site,
            page_url=url,
            section=urls.section(url),
            content_security_policy=policy,
            canonical="" if root_relative_links else self.links.absolute(url),
            rel=rel,
            absolute=self.links.absolute,
            urls=urls,
            facet_titles=FACET_TITLES,
            inverse_wording={t.value: t.inverse_wording for t in RelationType},
            **context,
        )
        return {urls.output_path(url): html.encode("utf-8")}

    def redirect(self, url: str, target: str, title: str, what: str = "entry") -> Files:
        """A page at URL that sends its reader to TARGET (an entry, or WHAT it is)."""
        return self.page("redirect.html", url, target=target, title=title, what=what)

    def feed(
        self,
        url: str,
        title: str,
        alternate: str,
        entries: list[dict[str, Any]],
        changes: list[dict[str, Any]] | None = None,
    ) -> Files:
        """The Atom feed at URL of ENTRIES, or of CHANGES (revisions) when given; ALTERNATE is the
        page it is the feed of."""
        stamps = [e["updated"] for e in entries] if changes is None else [c["timestamp"] for c in changes]
        xml = self.env.get_template("feed.xml").render(
            site=self.site,
            feed_url=self.links.absolute(url),
            title=title,
            alternate=self.links.absolute(alternate),
            entries=entries,
            changes=changes,
            updated=max(stamps, default=NEVER_UPDATED),
            absolute=self.links.absolute,
            urls=urls,
        )
        return {url: xml.encode("utf-8")}

    def text(self, template: str, **context: Any) -> str:
        """TEMPLATE rendered with CONTEXT alone (for files that are no page, such as the sitemap)."""
        return self.env.get_template(template).render(**context)


def templates_digest(archive: Archive) -> str:
    """What the pages are made with: every template and asset, the archive's own and the tool's.
    A new version of the tool, or an edited template, renders every page again (only files that
    came out different are written), so no page keeps an old stylesheet or layout."""
    digest = hashlib.sha256()
    for folder in template_folders(archive):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(folder)}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
