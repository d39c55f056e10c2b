"""HTML from other tools (TimelineJS slides) turned into safe Markdown or plain text.

Nothing active survives: ``script``, ``style``, embedded frames and objects are
dropped with their content, pictures leave their alt text, attributes (so event
handlers) are never carried over, and a link keeps its target only when it is
an http or https address; any other link keeps just its words. The Markdown is
rendered again by the site's own renderer, which has raw HTML turned off, so
even text that looks like a tag stays text.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any
from urllib.parse import urlsplit

# Elements whose content is code or an embedded document, never words for the reader.
DROPPED = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "head",
    "title",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "canvas",
    "audio",
    "video",
    "source",
    "track",
    "link",
    "meta",
    "base",
)
_BLANK_LINES = re.compile(r"\n{3,}")
# Text that a Markdown renderer with raw HTML on would read as a tag, or brackets that could make a link.
_MARKUP_IN_TEXT = re.compile(r"<(?=[A-Za-z/!?])|[\[\]]")


def web_address(url: str | None) -> str:
    """``url`` when it is an http(s) address with a host and no spaces or control characters, else ""."""
    text = (url or "").strip()
    if not text or any(ord(ch) < 33 or ch.isspace() for ch in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


@cache
def _converter() -> Any:
    """markdownify and BeautifulSoup load in ~0.2 s and only TimelineJS imports need them: every
    other command starts without them."""
    from markdownify import MarkdownConverter

    class _SafeMarkdown(MarkdownConverter):
        """markdownify with links limited to http(s) and pictures reduced to their alt text."""

        def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
            href = web_address(el.get("href"))
            if not href:
                return text
            # A target with parentheses or angle brackets would end a Markdown link early.
            el["href"] = href.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
            if el.get("title"):
                del el["title"]
            return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]  # not in markdownify's stub

        def escape(self, text: str, parent_tags: set[str]) -> str:
            # Words that merely look like markup (an escaped "<script>" in the source) stay words.
            escaped = str(super().escape(text, parent_tags))  # type: ignore[misc]  # not in markdownify's stub
            return _MARKUP_IN_TEXT.sub(lambda match: "\\" + match.group(0), escaped)

        def convert_cite(self, el: Any, text: str, parent_tags: set[str]) -> str:
            # TimelineJS quotations name their speaker in <cite>: set it apart from the words quoted.
            if "blockquote" not in parent_tags or not text.strip():
                return text
            before = el.previous_sibling
            spaced = isinstance(before, str) and before[-1:].isspace()
            return f"{'' if spaced else ' '}— {text.strip()}"

        def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
            return str(el.get("alt") or "")

    return _SafeMarkdown(heading_style="ATX", bullets="-", strong_em_symbol="*", newline_style="backslash")


def _soup(html: str) -> Any:
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        # A caption that is only a URL is still text to convert, not an address to fetch.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html or "", "html.parser")
    for element in soup.find_all(DROPPED):
        element.decompose()
    return soup


def html_to_markdown(html: str) -> str:
    """Safe Markdown from an HTML fragment (a TimelineJS slide's text)."""
    markdown = _converter().convert_soup(_soup(html))
    lines = [line.rstrip() for line in markdown.replace("\r\n", "\n").replace("\xa0", " ").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """The words of an HTML fragment on one line (a headline, a credit, a caption)."""
    return " ".join(_soup(html).get_text(" ").split())
