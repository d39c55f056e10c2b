"""Summaries from Markdown to safe HTML: raw HTML off, images off, links only http(s), mailto or relative."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEMES = ("http", "https", "mailto", "")


def _safe_link(url: str) -> bool:
    # Control characters and spaces can hide a scheme from browsers' parsers; refuse them.
    if any(ord(ch) < 33 for ch in url):
        return False
    try:
        return urlsplit(url).scheme.lower() in SAFE_SCHEMES
    except ValueError:
        return False


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # pictures from elsewhere would break the site's content security policy
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


_MD = _renderer()


def render_markdown(text: str) -> str:
    return _MD.render(text or "")


def render_page_markdown(text: str, address: Callable[[str], str]) -> str:
    """A page's Markdown (the archive's own pages) with its links to the site made to work from any
    host and from disk: ADDRESS gives, for a link's path, the link the page should have instead
    (the links of summaries are left as written)."""
    tokens = _MD.parse(text or "")
    for token in _links(tokens):
        href = str(token.attrGet("href") or "")
        parts = urlsplit(href)
        if not (parts.scheme or parts.netloc) and parts.path:
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            token.attrSet("href", address(parts.path) + fragment)
    return str(_MD.renderer.render(tokens, _MD.options, {}))


def _links(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        if token.type == "link_open":
            found.append(token)
        found += _links(token.children or [])
    return found
