"""Summaries from Markdown to safe HTML: raw HTML off, images off, links only http(s), mailto or relative."""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

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
