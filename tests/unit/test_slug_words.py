"""Slugs of long titles: the date, then the title's first words whole, as many as fit; words are
dropped from the end only, never from the middle (domain/naming.py)."""

from __future__ import annotations

import pytest
from slugify import slugify

from timeline.domain.dates import PartialDate
from timeline.domain.naming import APOSTROPHES, SLUG_MAX, base_slug

LONG_TITLES = [
    "Supreme Court of the United States rules in Murthy v. Missouri that the states and users lacked "
    "standing to challenge the administration's contacts with platforms",
    "Federal judge blocks enforcement of Texas law banning platforms from removing posts from the United "
    "States of America",
    "Ofcom opens investigation into whether a video-sharing platform protected under-eighteens from "
    "pornographic material under the Online Safety Act",
    "EU Commission designates seventeen very large online platforms and two very large online search engines",
]


@pytest.mark.parametrize("title", LONG_TITLES)
def test_a_long_title_keeps_its_first_words_whole(title: str) -> None:
    words = slugify(title, replacements=APOSTROPHES).split("-")
    made = base_slug(PartialDate("2024-06-26"), title)
    assert made.startswith("2024-06-26-")
    kept = made.removeprefix("2024-06-26-").split("-")
    assert kept == words[: len(kept)], "a word was skipped, or cut inside"
    assert len("-".join(kept)) <= SLUG_MAX
    assert len("-".join(words[: len(kept) + 1])) > SLUG_MAX, "a whole word more would still have fit"


def test_the_murthy_slug_drops_the_words_after_the_last_that_fits() -> None:
    made = base_slug(PartialDate("2024-06-26/2024-06-27"), LONG_TITLES[0])
    assert made == "2024-06-26-supreme-court-of-the-united-states-rules-in-murthy-v-missouri-that-the-states"
    assert base_slug(PartialDate("2024~"), LONG_TITLES[1]) == (
        "2024-federal-judge-blocks-enforcement-of-texas-law-banning-platforms-from-removing"
    )


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_an_apostrophe_joins_the_parts_of_a_word(apostrophe: str) -> None:
    title = f"Biden revokes Trump{apostrophe}s executive order on online censorship"
    assert (
        base_slug(PartialDate("2021-05-14"), title)
        == "2021-05-14-biden-revokes-trumps-executive-order-on-online-censorship"
    )
