"""The numbered links of a long listing's pagination: the first and last pages, the current one
and its neighbours, with a gap marked between runs ("1 2 3 … 8"), so any page is one or two clicks away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def page_numbers(number: int, pages: int) -> list[int | None]:
    """The page numbers to link from page NUMBER of PAGES, None where a run of them is left out."""
    shown = sorted({n for n in (1, 2, number - 1, number, number + 1, pages - 1, pages) if 1 <= n <= pages})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) == 2:
            numbers.append(n - 1)  # a gap of one page is shown as that page, not as a mark
        elif numbers and n - (numbers[-1] or 0) > 2:
            numbers.append(None)
        numbers.append(n)
    return numbers


def pagination(number: int, pages: int, url_of: Callable[[int], str]) -> dict[str, Any]:
    """What _pagination.html shows of page NUMBER of a listing of PAGES pages."""
    return {
        "number": number,
        "pages": pages,
        "previous": url_of(number - 1) if number > 1 else None,
        "next": url_of(number + 1) if number < pages else None,
        "links": [(n, url_of(n) if n else None) for n in page_numbers(number, pages)],
    }
