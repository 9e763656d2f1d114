""""Did you mean …?" for misspelt keys, ids and choices."""
from __future__ import annotations

import difflib

# Beyond this many candidates only those with the same first letter and a
# similar length are compared, so a plan with thousands of ids and many
# typos stays fast (typos rarely change the first letter).
_NARROW_ABOVE = 200


def closest(word: str, choices, cutoff: float = 0.6) -> str | None:
    choices = list(choices)
    if len(choices) > _NARROW_ABOVE:
        choices = [c for c in choices if c[:1].lower() == word[:1].lower() and abs(len(c) - len(word)) <= 3]
    by_lower = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[close[0]] if close else None
