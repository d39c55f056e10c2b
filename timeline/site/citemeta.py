"""Citation files and the "Cite this entry" box for an entry page or a revision page."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from timeline.formats.csl import STYLE_NAMES, bibtex, csl_item, ris, styled
from timeline.site import urls

LEGISLATION_KINDS = {"executive-order", "legislation", "regulation"}


def _day(timestamp: str) -> dt.date:
    return dt.date.fromisoformat(timestamp[:10])


class Citations:
    """Citations of the site's entries: their addresses are the site's absolute ones."""

    def __init__(self, site: dict[str, str], links: urls.SiteUrls):
        """``site``: the title and language a citation names as its publisher and language."""
        self.site = site
        self.links = links

    def item_for(self, entry: dict[str, Any], revision: dict[str, Any] | None) -> dict[str, Any]:
        """The CSL item of the entry's permanent address (``revision`` None) or of one revision's."""
        if revision is None:
            day = _day(entry["updated"])
            return csl_item(entry, self.site, self.links.entry(entry["slug"]), day, revision=entry["revision"])
        url = self.links.revision(entry["slug"], revision["number"])
        day = _day(revision["timestamp"])
        return csl_item(entry, self.site, url, day, revision=revision["number"], pinned=True)

    def files_for(self, entry: dict[str, Any], revision: dict[str, Any] | None) -> dict[str, bytes]:
        item = self.item_for(entry, revision)
        number = None if revision is None else revision["number"]
        return {
            urls.citation(entry["slug"], "csl", number): (
                json.dumps([item], ensure_ascii=False, indent=1) + "\n"
            ).encode(),
            urls.citation(entry["slug"], "bibtex", number): bibtex([item]).encode("utf-8"),
            urls.citation(entry["slug"], "ris", number): ris([item]).encode("utf-8"),
        }

    def box(self, entry: dict[str, Any], revision: dict[str, Any], *, with_permanent: bool) -> dict[str, Any]:
        """Ready citations in each style for this revision's address and, on the entry page (which
        shows the latest revision), for the permanent address too.

        The two CSL items differ only in their URL, which every style copies verbatim, so the
        permanent citation is the processor's output for the revision with the URL swapped: one
        run of the CSL processor per style instead of two (it costs ~5 ms a reference).
        """
        pinned = self.item_for(entry, revision)
        styles = []
        for style in STYLE_NAMES:
            text = styled(pinned, style)
            row = {"name": STYLE_NAMES[style], "pinned": text, "permanent": ""}
            if with_permanent:
                permanent_url = self.links.entry(entry["slug"])
                row["permanent"] = text.replace(html.escape(pinned["URL"], quote=False), html.escape(permanent_url))
            styles.append(row)
        return {"styles": styles, "revision": revision["number"], "with_permanent": with_permanent}

    def head(self, entry: dict[str, Any], revision: dict[str, Any], page_url: str) -> dict[str, Any]:
        """Highwire citation_* tags, Open Graph and schema.org JSON-LD for a page about an entry."""
        url = self.links.absolute(page_url)
        return {
            "title": entry["title"],
            "publication_date": _day(revision["timestamp"]).strftime("%Y/%m/%d"),
            "url": url,
            "json_ld": self.json_ld(entry, revision, url),
            "description": " ".join(entry["summary"].split())[:300],
        }

    def json_ld(self, entry: dict[str, Any], revision: dict[str, Any], url: str) -> dict[str, Any]:
        """The schema.org WebPage about the entry at URL, as of REVISION."""
        return {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": entry["title"],
            "url": url,
            "inLanguage": self.site["language"],
            "datePublished": _day(revision["timestamp"]).isoformat(),
            "version": str(revision["number"]),
            "isPartOf": {"@type": "WebSite", "name": self.site["title"], "url": self.links.base_url},
            "about": _about(entry),
            "citation": [
                {
                    "@type": "CreativeWork",
                    "name": s["title"],
                    **({"url": s["url"]} if s["url"] else {}),
                    **({"publisher": {"@type": "Organization", "name": s["publisher"]}} if s["publisher"] else {}),
                }
                for s in entry["sources"]
            ],
        }


def _about(entry: dict[str, Any]) -> dict[str, Any]:
    """What the page is about: the event itself."""
    about_types = ["Event", "Legislation"] if entry["kind"] in LEGISLATION_KINDS else ["Event"]
    about: dict[str, Any] = {
        "@type": about_types,
        "name": entry["title"],
        "startDate": entry["date_start"],
        "endDate": entry["date_end"],
        "description": entry["summary"],
    }
    if entry["jurisdictions"]:
        about["location"] = [{"@type": "Place", "name": j["name"]} for j in entry["jurisdictions"]]
    if entry["actors"]:
        about["organizer"] = [{"@type": "Thing", "name": a["name"]} for a in entry["actors"] if a["role"] == "issuer"]
        if not about["organizer"]:
            del about["organizer"]
    return about
