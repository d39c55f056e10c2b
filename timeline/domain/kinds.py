"""The default kinds of event and what each means: defined once, for `timeline kinds`, the
archive's settings and the kind pages of the site. An archive adds its own in timeline.toml."""

from __future__ import annotations

MEANINGS = {
    "executive-order": "An order a head of state or government signs, with the force of law in their administration.",
    "label": "A platform attaches a notice to content: a fact-check, a warning, context.",
    "statement": "Someone says something on the record: a post, a press release, an interview, a speech.",
    "lawsuit": "A case is filed in court, or a party to one takes a step in it.",
    "court-ruling": "A court decides: a judgment, an injunction, an order.",
    "legislation": "A legislature acts on a law: a bill introduced, passed, signed or repealed.",
    "regulation": "A regulator makes or changes a rule, or applies one.",
    "takedown": "Content, pages, groups or accounts are removed.",
    "suspension": "An account is suspended, locked or banned, for a time or for good.",
    "policy-change": "A platform changes its rules, terms of service or how it enforces them.",
    "hearing": "A legislature, regulator or court hears witnesses or arguments.",
    "investigation": "An authority opens, pursues or closes an inquiry.",
    "legal-demand": "An authority demands something of a platform: data, a removal, an account's identity.",
}
DEFAULT_KINDS = tuple(MEANINGS)
ADDING_A_KIND = 'add a kind in timeline.toml: kinds = ["press-release"]'
