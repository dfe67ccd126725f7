"""Who is who: anonymous readers, API consumers (any other authenticated user), editors, admins."""

from __future__ import annotations

EDITORS_GROUP = "editors"


def is_editor(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_editor", None)
    if cached is None:
        cached = user.groups.filter(name=EDITORS_GROUP).exists()
        user._is_editor = cached
    return cached


def role_of(user) -> str:
    if not user or not user.is_authenticated:
        return "anon"
    if user.is_superuser:
        return "admin"
    return "editor" if is_editor(user) else "consumer"
