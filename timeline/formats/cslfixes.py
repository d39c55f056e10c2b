"""citeproc-py brought to what citeproc-js prints from the same item, style and locale.

citeproc-js is the CSL processor inside Zotero and Mendeley: a researcher who imports an entry's
cite.json and picks the same style gets its text, so the archive's own text must be the same
(tests/test_citeproc_js.py compares the two for every flagship entry). citeproc-py differs in:

1. Substituted variables: CSL says a variable rendered in place of a missing author (a
   ``cs:substitute``) is not printed again. citeproc-py suppresses it only when the substitute
   names the variable itself, not when it calls a macro that prints it: APA and MLA, which put
   the title first when there is no author, printed the title twice.
2. Title case: citeproc-js has a longer list of stop words (after, about, ...), cases each
   part of a hyphenated word as a word (State-Backed, Fact-Checking, X-Ray, and Mail-in with its
   stop word) and a word inside quotation marks; citeproc-py only the first part, and not “no”.
3. Typography, from the en-US locale citeproc-js applies and citeproc-py does not:
   punctuation-in-quote="true" puts a period or comma that follows a closing quotation mark
   inside it (“Title.” and not “Title”.); quotation marks and apostrophes in a field are
   typographic (user’s, users’, "no" as “no”), and a quotation inside a quotation takes single
   marks (“He Said ‘No.’”). A period after a question or exclamation mark is dropped ("Why?"
   and not "Why?.").

Known differences left (none in the flagship archive; see TRICKY_TITLES in the test): in a title
with a straight single-quoted phrase followed by more words ('quoted' here), citeproc-js leaves
the phrase's first word in its case under title case; citeproc-js reads <i>, <b>, <sc>, <sup>,
<sub> in a field as formatting, where the archive prints a title as the text it is.
"""

from __future__ import annotations

import re
from typing import Any

# The variables each open cs:substitute has printed so far, innermost last.
_PRINTED_IN_SUBSTITUTE: list[list[tuple[str, str]]] = []


def suppress_substituted_variables() -> None:
    """Every variable a ``cs:substitute`` printed, directly or through a macro, is suppressed in
    the rest of the reference, as CSL 1.0.2 ("Substitution") and citeproc-js do."""
    from citeproc import model

    if getattr(model.Substitute.render, "suppresses_macros", False):
        return
    original_variable = model.Text._variable
    original_render = model.Substitute.render

    def _variable(self: Any, item: Any, context: Any) -> Any:
        text = original_variable(self, item, context)
        if text and _PRINTED_IN_SUBSTITUTE:
            _PRINTED_IN_SUBSTITUTE[-1].append((self.tag, self.get("variable")))
        return text

    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        _PRINTED_IN_SUBSTITUTE.append([])
        try:
            text = original_render(self, item, context=context, **kwargs)
        finally:
            printed = _PRINTED_IN_SUBSTITUTE.pop()
        if text and context is not None:
            repressed = context.get_layout().repressed
            for tag, variable in printed:
                repressed.setdefault(tag, []).append(variable)
        return text

    render.suppresses_macros = True  # type: ignore[attr-defined]
    model.Text._variable = _variable
    model.Substitute.render = render


# citeproc-js's stop words (CSL.SKIP_WORDS; its phrases never match one word, and its " thru", with a
# space, matches none).
# fmt: off
_STOP_WORDS = frozenset((
    "about", "above", "across", "afore", "after", "against", "al", "along", "alongside", "amid",
    "amidst", "among", "amongst", "anenst", "apropos", "apud", "around", "as", "aside", "astride",
    "at", "athwart", "atop", "barring", "before", "behind", "below", "beneath", "beside",
    "besides", "between", "beyond", "but", "by", "circa", "despite", "down", "during", "et",
    "except", "for", "forenenst", "from", "given", "in", "inside", "into", "lest", "like",
    "modulo", "near", "next", "notwithstanding", "of", "off", "on", "onto", "out", "over", "per",
    "plus", "pro", "qua", "sans", "since", "than", "through", "throughout", "thruout",
    "till", "to", "toward", "towards", "under", "underneath", "until", "unto", "up", "upon",
    "versus", "vs.", "v.", "vs", "v", "via", "vis-à-vis", "with", "within", "without", "or", "yet",
    "so", "and", "nor", "a", "an", "the", "de", "d'", "von", "van", "c", "ca",
))
# fmt: on


# Quotation marks and punctuation a word may have around it in a title.
_AROUND_A_WORD = "“”‘’\"'([{.,;:!?)]}"


# What citeproc-js's title case reads as punctuation between words.
_PUNCTUATION = frozenset("‘’“”\"'-–—/.,;?!:[]()")


def title_case_like_citeproc_js() -> None:
    """CSL's title case as citeproc-js does it: a word in lower case is capitalised unless it is
    one letter or a stop word; the first word, a word after a colon, question or exclamation
    mark, and a last word that is a stop word are capitalised all the same; each part of a
    hyphenated word, or of words joined by a slash, is a word (State-Backed, Mail-in, And/or).
    A part before the title's first hyphen, when no other punctuation comes before it, is
    capitalised too (E-Mail, but later e-Mail: citeproc-js passes the following punctuation to
    its case function for that text only)."""
    from citeproc import model
    from citeproc.string import NoCase

    if getattr(model.TextCased.case, "like_citeproc_js", False):
        return
    original_case = model.TextCased.case

    def case(self: Any, text: Any, language: Any = None) -> Any:
        if self.get("text-case") != "title" or language != "en":
            return original_case(self, text, language)
        words: list[list[Any]] = []  # each word's parts, between hyphens or slashes
        between: list[list[str]] = []  # the hyphens and slashes
        first, after_punctuation, last, punctuated = True, False, None, False
        for word in text.words():
            pieces = [word] if isinstance(word, NoCase) else re.split(r"([-/])", str(word))
            parts = [piece if isinstance(piece, NoCase) else word.__class__(piece) for piece in pieces[0::2]]
            between.append(pieces[1::2])
            for j, part in enumerate(parts):
                plain = str(part)
                if not plain or isinstance(part, NoCase):
                    first, after_punctuation = first and not plain, plain[-1:] in ("!", "?", ":")
                    continue
                lead = len(plain) - len(plain.lstrip(_AROUND_A_WORD))  # “no”: the word is no
                core = plain.strip(_AROUND_A_WORD)
                lower = plain.lower()
                punctuated = punctuated or any(mark in _PUNCTUATION for mark in plain)
                before_hyphen = j < len(parts) - 1 and between[-1][j] == "-" and not punctuated
                wanted = (len(core) > 1 and core.lower() not in _STOP_WORDS) or before_hyphen
                if (wanted or first or after_punctuation) and plain == lower and core:
                    parts[j] = part.__class__(plain[:lead] + plain[lead].upper() + plain[lead + 1 :])
                first, after_punctuation, last = False, plain[-1] in ("!", "?", ":"), (len(words), j)
                punctuated = punctuated or j < len(parts) - 1
            words.append(parts)
        if last is not None:
            part = words[last[0]][last[1]]
            core = str(part).strip(_AROUND_A_WORD)
            if len(core) > 1 and core.lower() in _STOP_WORDS:
                lead = str(part).index(core[0])
                words[last[0]][last[1]] = part.__class__(str(part)[:lead] + core[0].upper() + str(part)[lead + 1 :])
        return " ".join(
            "".join(str(part) + mark for part, mark in zip(parts, [*marks, ""], strict=True))
            for parts, marks in zip(words, between, strict=True)
        )

    case.like_citeproc_js = True  # type: ignore[attr-defined]
    model.TextCased.case = case


_MARKUP = r"(?:</?[a-z]+>)*"
# A period or comma after closing quotation marks (and the markup among them): moved before them.
_AFTER_QUOTE = re.compile(r"(”(?:”|</[a-z]+>)*)([.,])")
# Quoted text that ends a sentence of its own: citeproc-js then drops a period that would follow.
_ENDS_A_SENTENCE = re.compile(rf"([.?!]{_MARKUP}”(?:”|</[a-z]+>)*)\.")
# A period after a question or exclamation mark (with the markup between them).
_AFTER_A_QUESTION = re.compile(rf"([?!]{_MARKUP})\.")
_BEFORE_AN_OPENING = frozenset(" \t\n([{/-\u2014\u2013")


def _quotations(text: str) -> str:
    """A field's quotation marks as citeproc-js reads them: a pair of double marks (straight or
    curly) or of straight single marks is a quotation, written “…” here (:func:`typography` makes
    the nested ones single); a straight single mark in or after a word (user's, users') or with
    no partner ('90s), an apostrophe; curly single marks stay as they are."""
    out: list[str] = []
    open_marks: list[tuple[str, int]] = []  # (the mark, its place in out) of each open quotation
    for i, mark in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens = before in _BEFORE_AN_OPENING and not after.isspace()
        kind = {"“": '"', "”": '"', '"': '"', "'": "'"}.get(mark)
        if kind is None:
            out.append(mark)
        elif kind == "'" and before.isalnum() and after.isalnum():
            out.append("’")
        elif mark != "“" and open_marks and open_marks[-1][0] == kind and not before.isspace():
            open_marks.pop()
            out.append("”")
        elif mark != "”" and opens:
            open_marks.append((kind, len(out)))
            out.append("“")
        else:
            out.append("’" if kind == "'" else mark)
    for kind, place in open_marks:  # never closed: a mark of its own (out has one mark per character)
        out[place] = "’" if kind == "'" else text[place]
    return "".join(out)


def typographic_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The item with the quotation marks and apostrophes of the text a style prints (not its URL)
    as citeproc-js reads them (see :func:`_quotations`)."""
    fixed = dict(item)
    for name in ("title", "container-title"):
        if isinstance(fixed.get(name), str):
            fixed[name] = _quotations(fixed[name])
    return fixed


def typography(text: str) -> str:
    """Punctuation in quotation marks as the en-US locale wants it and citeproc-js prints it: a
    period or comma after closing quotation marks moved inside them; a period after quoted text
    that ends in its own period, question or exclamation mark dropped, and a period right after
    a question or exclamation mark; a quotation inside a quotation in single marks."""
    text = _ENDS_A_SENTENCE.sub(lambda m: m.group(1), text)
    text = _AFTER_A_QUESTION.sub(lambda m: m.group(1), text)
    text = _AFTER_QUOTE.sub(lambda m: m.group(2) + m.group(1), text)
    out, depth = [], 0
    for mark in text:
        if mark == "“":
            depth += 1
            out.append("‘" if depth % 2 == 0 else "“")
        elif mark == "”" and depth:
            out.append("’" if depth % 2 == 0 else "”")
            depth -= 1
        else:
            out.append(mark)
    return "".join(out)
