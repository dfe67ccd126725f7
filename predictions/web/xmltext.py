"""Text made safe for XML 1.0 documents (the Atom feeds, the SVG badge).

XML 1.0 allows no C0 control character but tab, newline and carriage return, and neither U+FFFE/U+FFFF nor lone
surrogates; Django's feed writer raises on them (a 500 for the whole feed) and a badge holding one is not XML. The
database may legitimately hold such text (a resolution note, a pundit's name), so it is cleaned where XML is written:
each forbidden character becomes a space.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(" ", text)
