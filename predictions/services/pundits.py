"""Creating pundits so that no name can impersonate another (issue 15).

A new pundit's name is NFKC-normalised (fullwidth, mathematical and compatibility letters become plain ones) and
refused if it holds invisible or control characters (zero-width spaces, right-to-left overrides, ...). It is then
compared with every existing pundit's name, character by character, using the Unicode confusables data of the
``confusable_homoglyphs`` library (Unicode TR 39): a name that reads the same as an existing one (the same name, or
one differing only by look-alikes such as Cyrillic "Е" for Latin "E") is refused with the pundits it resembles,
unless the editor confirms explicitly (``confirm_similar``) that it is a different person.

Creation takes a lock for its transaction (an advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions already
serialise writers), so two editors creating the same name at once get one pundit and one clear refusal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from confusable_homoglyphs import confusables
from django.db import IntegrityError, connection, transaction

from predictions.models import Pundit
from predictions.services.errors import ServiceError
from predictions.services.predictions import unique_slug

_LOCK_KEY = 7_200_915  # pg_advisory_xact_lock key serialising pundit creation on PostgreSQL
NAME_MAX = 200


def pundit_name_clean(name: str) -> str:
    """The name as stored: NFKC, without surrounding space; refused if it holds characters nobody sees."""
    if not isinstance(name, str):
        raise ServiceError({"name": ["A name is required."]})
    clean = unicodedata.normalize("NFKC", name).strip()
    hidden = sorted({c for c in clean if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")})
    if hidden:
        codes = ", ".join(f"U+{ord(c):04X}" for c in hidden[:5])
        raise ServiceError(
            {"name": [f"Contains invisible, control or formatting characters ({codes}); a name must read as it is."]}
        )
    if not clean:
        raise ServiceError({"name": ["A name is required."]})
    if len(clean) > NAME_MAX:
        raise ServiceError({"name": [f"Ensure this field has no more than {NAME_MAX} characters."]})
    return clean


@lru_cache(maxsize=4096)
def _homoglyphs(char: str) -> frozenset[str]:
    """The characters Unicode's confusables data says look like ``char`` (``char`` itself included)."""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[]) or []
    return frozenset({char} | {h["c"] for item in found for h in item["homoglyphs"]})


def _looks_alike(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    return all(x == y or y in _homoglyphs(x) or x in _homoglyphs(y) for x, y in zip(a, b, strict=True))


def similar_pundits(name: str, *, candidates: Iterable[Pundit] | None = None) -> list[Pundit]:
    """Existing pundits whose names read the same as ``name`` (an already cleaned name)."""
    pool = candidates if candidates is not None else Pundit.objects.only("pk", "name", "slug").order_by("pk")
    key = unicodedata.normalize("NFKC", name)
    return [p for p in pool if _looks_alike(key, unicodedata.normalize("NFKC", p.name))]


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


@transaction.atomic
def pundit_create(
    *, name: str, slug: str | None = None, bio: str = "", links: list | None = None, confirm_similar: bool = False
) -> Pundit:
    """A new pundit; refuses (ServiceError) a name that reads like an existing pundit's unless confirm_similar."""
    name = pundit_name_clean(name)
    _lock()
    if not confirm_similar:
        similar = similar_pundits(name)
        if similar:
            shown = "; ".join(f"{p.name!r} ({p.slug})" for p in similar[:5])
            raise ServiceError(
                {
                    "name": [
                        f"Reads the same as an existing pundit: {shown}. If this is a different person, send "
                        '"confirm_similar": true to create it anyway.'
                    ]
                }
            )
    if slug and Pundit.objects.filter(slug=slug).exists():
        raise ServiceError({"slug": ["A pundit with this slug exists."]})
    try:
        with transaction.atomic():
            return Pundit.objects.create(name=name, slug=slug or unique_slug(name), bio=bio, links=links or [])
    except IntegrityError:  # a pundit created meanwhile outside this lock (an import) took the slug
        raise ServiceError({"slug": ["A pundit with this slug was created at the same moment; try again."]}) from None
