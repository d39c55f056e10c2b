"""citeproc-py without the work it repeats for every reference it renders.

It re-derives facts about the style's tree that depend only on the style file, and looks a
citation item's reference up again at every element of the style. Each is worked out once here,
which halves the time a citation takes; tests/test_citations.py checks the text is the stock
processor's, character for character.
"""

from __future__ import annotations

from typing import Any


def speed_up() -> None:
    """Make citeproc-py's repeated work once-only (idempotent: the CSL processor is patched once)."""
    _remember_style_facts()
    _remember_references()


def _remember_style_facts() -> None:
    """citeproc-py re-derives facts about the style's tree for every reference it renders: which
    macro a name means (an XPath search, half its time, measured), whether an element calls a
    variable (a walk of its subtree, another quarter), and other XPath look-ups. All depend only
    on the style file, which never changes, so each is worked out once per element.

    The memo holds each element, which keeps lxml's Python proxy for it alive: lxml then hands
    back that same proxy for the node, so the element is a sound key."""
    from citeproc import model

    if getattr(model.CitationStylesElement.get_macro, "memoised", False):
        return
    original_macro = model.CitationStylesElement.get_macro
    original_search = model.CitationStylesElement.xpath_search
    macros: dict[tuple[str | None, str], Any] = {}
    searches: dict[tuple[Any, str], Any] = {}

    def get_macro(self: Any, name: str) -> Any:
        key = (self.getroottree().docinfo.URL, name)
        if key[0] is None:  # a style not read from a file: no safe key
            return original_macro(self, name)
        if key not in macros:
            macros[key] = original_macro(self, name)
        return macros[key]

    def xpath_search(self: Any, expression: str) -> Any:
        if self.getroottree().docinfo.URL is None:
            return original_search(self, expression)
        key = (self, expression)
        if key not in searches:
            searches[key] = tuple(original_search(self, expression))  # a tuple: no caller can change it
        return searches[key]

    get_macro.memoised = True  # type: ignore[attr-defined]
    model.CitationStylesElement.get_macro = get_macro
    model.CitationStylesElement.xpath_search = xpath_search
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            cls.calls_variable = _memoised_on_element(vars(cls)["calls_variable"])  # type: ignore[attr-defined]


def _memoised_on_element(method: Any) -> Any:
    answers: dict[Any, Any] = {}

    def memoised(self: Any) -> Any:
        if self not in answers:
            answers[self] = method(self)
        return answers[self]

    return memoised


def _remember_references() -> None:
    """A citation item's reference is looked up at every element that prints a variable (about 240
    times a reference): through the item's citation, its bibliography and the source's mapping,
    each lookup a method call that catches a KeyError. An item is made for one bibliography, whose
    source never changes, so its reference is kept on it the first time."""
    from citeproc.source import CitationItem

    if getattr(CitationItem.reference.fget, "remembered", False):
        return
    look_up = CitationItem.reference.fget

    def reference(self: Any) -> Any:
        kept = self.__dict__.get("_reference")
        if kept is None:
            kept = look_up(self)
            object.__setattr__(self, "_reference", kept)  # (the item's own __setattr__ sets a key)
        return kept

    reference.remembered = True  # type: ignore[attr-defined]
    CitationItem.reference = property(reference)
