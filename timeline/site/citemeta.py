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


def item_for(entry: dict[str, Any], site: dict[str, str], revision: dict[str, Any] | None) -> dict[str, Any]:
    """The CSL item of the entry's permanent address (``revision`` None) or of one revision's."""
    if revision is None:
        url = urls.absolute(site["base_url"], urls.entry(entry["slug"]))
        day = _day(entry["updated"])
        return csl_item(entry, site, url, day, day, revision=entry["revision"])
    url = urls.absolute(site["base_url"], urls.revision(entry["slug"], revision["number"]))
    day = _day(revision["timestamp"])
    return csl_item(entry, site, url, day, day, revision=revision["number"], pinned=True)


def files_for(entry: dict[str, Any], site: dict[str, str], revision: dict[str, Any] | None) -> dict[str, bytes]:
    item = item_for(entry, site, revision)
    number = None if revision is None else revision["number"]
    return {
        urls.citation(entry["slug"], "csl", number): (json.dumps([item], ensure_ascii=False, indent=1) + "\n").encode(),
        urls.citation(entry["slug"], "bibtex", number): bibtex([item]).encode("utf-8"),
        urls.citation(entry["slug"], "ris", number): ris([item]).encode("utf-8"),
    }


def box(
    entry: dict[str, Any], site: dict[str, str], revision: dict[str, Any], *, with_permanent: bool
) -> dict[str, Any]:
    """Ready citations in each style for this revision's address and, on the entry page (which
    shows the latest revision), for the permanent address too.

    The two CSL items differ only in their URL, which every style copies verbatim, so the
    permanent citation is the processor's output for the revision with the URL swapped: one
    run of the CSL processor per style instead of two (it costs ~5 ms a reference).
    """
    pinned = item_for(entry, site, revision)
    styles = []
    for style in STYLE_NAMES:
        text = styled(pinned, style)
        row = {"name": STYLE_NAMES[style], "pinned": text, "permanent": ""}
        if with_permanent:
            permanent_url = urls.absolute(site["base_url"], urls.entry(entry["slug"]))
            row["permanent"] = text.replace(html.escape(pinned["URL"], quote=False), html.escape(permanent_url))
        styles.append(row)
    return {"styles": styles, "revision": revision["number"], "with_permanent": with_permanent}


def head(entry: dict[str, Any], site: dict[str, str], revision: dict[str, Any], page_url: str) -> dict[str, Any]:
    """Highwire citation_* tags, Open Graph and schema.org JSON-LD for a page about an entry."""
    published = _day(revision["timestamp"])
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
    url = urls.absolute(site["base_url"], page_url)
    json_ld = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": entry["title"],
        "url": url,
        "inLanguage": site["language"],
        "datePublished": published.isoformat(),
        "version": str(revision["number"]),
        "isPartOf": {"@type": "WebSite", "name": site["title"], "url": site["base_url"]},
        "about": about,
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
    return {
        "title": entry["title"],
        "publication_date": published.strftime("%Y/%m/%d"),
        "url": url,
        "json_ld": json_ld,
        "description": " ".join(entry["summary"].split())[:300],
    }
