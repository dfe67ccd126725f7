"""The audit trail: every editor action, with who, what, when, and the object before and after.

Services call `audit_record` inside their own transaction, so an action and its audit row land (or roll back)
together. `predictions.middleware.AuditFallbackMiddleware` adds a plain record for any successful API write that
no service audited, so an endpoint cannot escape the trail by forgetting to call this. The table is append-only
(database triggers, see predictions.integrity).
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from predictions.models import AuditLog

#: How many audit rows this request (or task) wrote; the fallback middleware reads it.
_recorded: ContextVar[int] = ContextVar("audit_recorded", default=0)


def jsonable(value: Any) -> Any:
    """Dates, decimals, UUIDs... as JSON-ready values (DjangoJSONEncoder's choices)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(obj: models.Model, *, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values (foreign keys as ids), JSON-ready; many-to-many fields as sorted names."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is None or field.name in fields or field.attname in fields:
            data[field.attname] = field.value_from_object(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if fields is None or field.name in fields:
                data[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
    return jsonable(data)


def _actor(actor) -> tuple[Any, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return actor, actor.get_username()


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    """Append one audit row: `action` like "prediction.publish", about `obj` (or object_type/object_id)."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = obj.pk if obj.pk is not None else object_id
    user, name = _actor(actor)
    entry = AuditLog.objects.create(
        actor=user,
        actor_name=name,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )
    _recorded.set(_recorded.get() + 1)
    return entry


def audit_count() -> int:
    return _recorded.get()


def audit_reset() -> None:
    _recorded.set(0)
