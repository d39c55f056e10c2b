"""Citation files and the "Cite this entry" box for an entry page or a revision page."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import textwrap
from typing import Any

from timeline.domain.dates import PartialDate
from timeline.domain.identifiers import Identifier, IdentifierScheme
from timeline.formats.csl import STYLE_NAMES, bibtex, csl_item, ris, styled
from timeline.site import urls

LEGISLATION_KINDS = {"executive-order", "legislation", "regulation"}
# Identifiers that name a piece of legislation (a Federal Register citation is where it was published;
# a docket number or a DOI names no legislation).
LEGISLATION_SCHEMES = {
    IdentifierScheme.EXECUTIVE_ORDER,
    IdentifierScheme.PUBLIC_LAW,
    IdentifierScheme.BILL,
    IdentifierScheme.FEDERAL_REGISTER,
}
# Those of them a piece of legislation is called by: "Executive Order 13925", "Pub. L. 115-164".
NAMING_SCHEMES = {IdentifierScheme.EXECUTIVE_ORDER, IdentifierScheme.PUBLIC_LAW, IdentifierScheme.BILL}


# Markdown a description would show as typed: links keep their text, emphasis and code marks go.
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"(?<!\w)[*_`]+|[*_`]+(?!\w)")
DESCRIPTION_LENGTH = 300


def description(summary: str) -> str:
    """The summary as plain text for a page's description (what Zotero keeps as the abstract):
    whole, or shortened at a word boundary with an ellipsis, never cut mid-word."""
    text = _MARKDOWN_MARKS.sub("", _MARKDOWN_LINK.sub(r"\1", " ".join(summary.split())))
    short = textwrap.shorten(text, DESCRIPTION_LENGTH, placeholder="…", break_on_hyphens=False)
    if short != text:
        short = short.removesuffix("…").rstrip(",;:–—- ") + "…"
    return short


RETRACTED = "[Retracted] "


def retracted(item: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """A citation of a retracted entry says so where every reference manager shows it: before the
    title (as journals mark retracted papers), with the reason as the item's note."""
    marked = item | {"title": RETRACTED + item["title"].removeprefix(RETRACTED)}
    return marked | {"note": f"Retracted: {reason}"} if reason else marked


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
            item = csl_item(entry, self.site, self.links.entry(entry["slug"]), day, revision=entry["revision"])
        else:
            url = self.links.revision(entry["slug"], revision["number"])
            day = _day(revision["timestamp"])
            item = csl_item(entry, self.site, url, day, revision=revision["number"], pinned=True)
        return retracted(item, entry.get("retraction_reason")) if entry.get("retracted") else item

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
            "description": description(entry["summary"]),
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


# schema.org's types for an event's organizer (a Person or an Organization), by the actor's recorded type
# (see domain/actors.py). An actor with no recorded type is not named as an organizer: "Thing" is refused.
ORGANIZER_TYPES = {
    "person": "Person",
    "organization": "Organization",
    "government": "GovernmentOrganization",
    "court": "GovernmentOrganization",
}


def _about(entry: dict[str, Any]) -> dict[str, Any]:
    """What the page is about: the event itself."""
    about_types = ["Event", "Legislation"] if entry["kind"] in LEGISLATION_KINDS else ["Event"]
    # Dates as precise as recorded (ISO 8601 allows "2017-04" and "2017"): never a day invented for a
    # month or a year; a range has its end, an approximate date says so.
    date = PartialDate(entry["date"])
    about: dict[str, Any] = {
        "@type": about_types,
        "name": entry["title"],
        "startDate": date.slug_part,
        "description": entry["summary"],
    }
    if date.is_range:
        about["endDate"] = date.parts[-1].rstrip("~")
    if date.is_approximate:
        about["disambiguatingDescription"] = f"The date is approximate: {date.display()} (EDTF {date.edtf})."
    about |= _identified(entry, date) if "Legislation" in about_types else _identified(entry, None)
    if entry["jurisdictions"]:
        about["location"] = [{"@type": "Place", "name": j["name"]} for j in entry["jurisdictions"]]
    organizers = [
        {"@type": ORGANIZER_TYPES[a["type"]], "name": a["name"]}
        for a in entry["actors"]
        if a["role"] == "issuer" and a.get("type") in ORGANIZER_TYPES
    ]
    if organizers:
        about["organizer"] = organizers
    return about


def _identified(entry: dict[str, Any], legislation_date: PartialDate | None) -> dict[str, Any]:
    """The event's official identifiers, each a PropertyValue naming its scheme; for a Legislation
    node (``legislation_date`` given: the event's date as recorded) also its legislationIdentifier,
    its legislationDate and the names it is called by besides its title ("Executive Order 13925")."""
    identifiers = [Identifier(IdentifierScheme(i["scheme"]), i["value"]) for i in entry["identifiers"]]
    found: dict[str, Any] = {}
    if identifiers:
        found["identifier"] = [
            {"@type": "PropertyValue", "propertyID": i.scheme.value, "name": i.label, "value": i.value}
            for i in identifiers
        ]
    if legislation_date is None:
        return found
    found["legislationDate"] = legislation_date.slug_part
    legislation = [i.text for i in identifiers if i.scheme in LEGISLATION_SCHEMES]
    if legislation:
        found["legislationIdentifier"] = legislation
    names = [i.text for i in identifiers if i.scheme in NAMING_SCHEMES]
    if names:
        found["alternateName"] = names
    return found
