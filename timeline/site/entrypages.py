"""An entry's pages: the entry page with its data, citation files and short link (or, for a merged
entry, redirects), each revision's page, and the citation bundles that pin revisions."""

from __future__ import annotations

import json
from typing import Any

from timeline.formats.csl import bibtex, ris
from timeline.site import data, pagekeys, urls
from timeline.site.citemeta import Citations, retracted
from timeline.site.readmodel import SiteView
from timeline.site.templating import Files, Templates

# The changes that correct what an entry says (as the read model names them): its page says so at the top.
CORRECTIONS = ("corrected", "source corrected")


def last_correction(revisions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The entry's latest correction, if it has been corrected since it was recorded."""
    return next((r for r in reversed(revisions) if r["number"] > 1 and r["change"] in CORRECTIONS), None)


class EntryPages:
    def __init__(self, templates: Templates, view: SiteView):
        self.templates = templates
        self.view = view
        self.citations = Citations(templates.site, templates.links)

    def entry(self, key: pagekeys.Entry) -> Files:
        doc = self.view.entry(key.entry_id)
        if doc is None:
            return {}
        url = urls.entry(doc["slug"])
        short = urls.short(doc["short_id"])
        if doc["merged_into"]:
            return self.merged(doc, url, short)
        incoming = self.view.incoming(doc["id"])
        sources_of = self.view.entries_by_id(source_id for _, source_id in incoming)
        backlinks: dict[str, list[dict[str, Any]]] = {}
        for relation_type, source_id in incoming:
            source = sources_of.get(source_id)
            if source is not None:
                backlinks.setdefault(relation_type, []).append(source)
        targets = self.view.entries_by_id(r["target_id"] for r in doc["relations"])
        revisions = self.view.revisions(doc["id"])
        files = self.templates.page(
            "entry.html",
            url,
            entry=doc,
            current_titles={k: v["title"] for k, v in targets.items()},
            backlinks=backlinks,
            revisions=revisions,
            correction=last_correction(revisions),
            thread=self.view.thread_of(doc["id"]),
            source_pages=self.view.source_pages(s["key"] for s in doc["sources"]),
            cite=self.citations.box(doc, revisions[-1], with_permanent=True),
            meta=self.citations.head(self.typed(doc), revisions[-1], url),
        )
        files[urls.entry_data(doc["slug"])] = data.entry_json(doc)
        files.update(self.citations.files_for(doc, None))
        files.update(self.templates.redirect(short, url, doc["title"]))
        return files

    def typed(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The entry with each actor's recorded type, if it has one (``timeline actor type``): the
        type is the actor's, so the entry page shows it as of now. A revision's page never changes,
        so it is rendered from its snapshot alone."""
        types = self.view.actor_types(a["key"] for a in doc["actors"])
        return doc | {"actors": [a | {"type": types[a["key"]]} if a["key"] in types else a for a in doc["actors"]]}

    def merged(self, doc: dict[str, Any], url: str, short: str) -> Files:
        """A merged entry's address and short link lead to the entry it was merged into (named by
        its title now); its data stays."""
        merged_into = self.view.entry(doc["merged_into"]) or {}
        target, title = urls.entry(doc["merged_into_slug"]), merged_into.get("title", doc["merged_into_title"])
        return {
            **self.templates.redirect(url, target, title),
            **self.templates.redirect(short, target, title),
            urls.entry_data(doc["slug"]): data.entry_json(doc),
        }

    def revision(self, key: pagekeys.Revision) -> Files:
        revision = self.view.revision(key.entry_id, key.number)
        if revision is None:
            return {}
        url = urls.revision(revision["slug"], revision["number"])
        entry = revision["snapshot"]
        files = self.templates.page(
            "revision.html",
            url,
            revision=revision,
            entry=entry,
            source_pages=revision["source_pages"],  # as they were then: the page never changes
            cite=self.citations.box(entry, revision, with_permanent=False),
            meta=self.citations.head(entry, revision, url),
        )
        files.update(self.citations.files_for(entry, revision))
        return files

    def bundle(self, key: pagekeys.Bundle) -> Files:
        """A bundle's page and reference files show only pinned revisions: corrections made later
        to its entries never change them."""
        found = self.view.bundle(key.name)
        if found is None:
            return {}
        pinned = []
        for pin in found["pins"]:
            revision = self.view.revision(pin["entry_id"], pin["revision"])
            now = self.view.entry(pin["entry_id"])
            if revision is not None:
                # Retracted since (or when) it was pinned: said on the page and in every download.
                retraction = (now or {}).get("retraction_reason") if (now or {}).get("retracted") else None
                item = self.citations.item_for(revision["snapshot"], revision)
                if retraction is not None:
                    item = retracted(item, retraction)
                pinned.append((revision | {"retraction": retraction}, item))
        items = [item for _, item in pinned]
        name = found["name"]
        files = self.templates.page("bundle.html", urls.bundle(name), bundle=found, pinned=[r for r, _ in pinned])
        files[urls.bundle_file(name, "csl")] = (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode()
        files[urls.bundle_file(name, "bibtex")] = bibtex(items).encode("utf-8")
        files[urls.bundle_file(name, "ris")] = ris(items).encode("utf-8")
        return files

    def bundle_index(self) -> Files:
        """The list of bundles: a withdrawn bundle keeps its page but leaves the list."""
        listed = [bundle for bundle in self.view.bundles() if not bundle["withdrawn_on"]]
        return self.templates.page("bundles.html", urls.bundle_index(), bundles=listed)
