"""A quick word test before a long pattern: most texts hold none of the words every match of the pattern holds.

A pattern of many alternatives is tried at every position of the text (Python's ``re`` has no quick scan for a
pattern that opens with ``\\b`` or a case-insensitive word); testing the text for a few words first costs a tenth
of that. tests/test_extraction_speed.py checks, from each pattern's parsed form, that its words cover every branch
of it: a pattern given a new branch needs a word of that branch added, or the test fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# str.lower() and re.IGNORECASE differ on three letters: a pattern takes "İ" and "ı" for "i", and "ſ" for "s"
_AS_IGNORECASE = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def lowered(text: str) -> str:
    """The text in lower case, as a case-insensitive pattern reads its letters."""
    if text.isascii() or not ("İ" in text or "ı" in text or "ſ" in text):  # (a test per letter: cheaper than
        return text.lower()  # translate(), which looks up every character of a long quotation)
    return text.translate(_AS_IGNORECASE).lower()


class WordsFirst:
    """`pattern`, tried only on a text holding one of `words` (lowercase), which every match of it holds; and
    `also`, a short pattern with no word to test for, tried on every text (``search`` then finds either: a test of
    whether one of them matches)."""

    def __init__(
        self, pattern: re.Pattern[str], words: tuple[str, ...], *, also: re.Pattern[str] | None = None
    ) -> None:
        self.pattern, self.words, self.also = pattern, words, also

    def _may_match(self, text: str) -> bool:
        low = lowered(text)
        return any(word in low for word in self.words)

    def search(self, text: str) -> re.Match[str] | None:
        found = self.pattern.search(text) if self._may_match(text) else None
        return found if found is not None or self.also is None else self.also.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        assert self.also is None, "finditer() of one pattern only"
        return self.pattern.finditer(text) if self._may_match(text) else iter(())
