"""How long-running work reports how far it has got, leaving the showing of it to the command line."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` as work advances: ``stage`` names what is counted
("entries" saved by an import, "files" checked by a sync, store "changes" read and "pages"
rendered by a build), ``done`` how many of ``total`` are finished. Each stage ends with a call
where ``done == total``."""


def counted(number: int, thing: str) -> str:
    """'1 change', '2 changes': the same as :func:`timeline.wording.plural`, which new code uses."""
    from timeline.wording import plural

    return plural(number, thing)
