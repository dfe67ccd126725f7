"""The editors' desk keeps the audit trail too: every add, change and delete made in the admin is recorded with
the object before and after (including many-to-many fields and inline rows such as evidence). The audit log and
the ledger are shown read-only."""

from __future__ import annotations

from django.contrib import admin

from predictions.models import AuditLog, LedgerEntry
from predictions.services.audit import audit_record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes append AuditLog rows ("admin.<model>.add|change|delete")."""

    def _action(self, verb: str) -> str:
        return f"admin.{self.model._meta.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            request._audit_before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        inlines = {}
        for formset in formsets:
            name = formset.model._meta.model_name
            added = [snapshot(o) for o in getattr(formset, "new_objects", [])]
            changed = [
                {"id": o.pk, "fields": fields, "after": snapshot(o, fields=fields)}
                for o, fields in getattr(formset, "changed_objects", [])
            ]
            deleted = [snapshot(o) | {"id": o.pk} for o in getattr(formset, "deleted_objects", [])]
            if added or changed or deleted:
                inlines[name] = {"added": added, "changed": changed, "deleted": deleted}
        after = snapshot(obj)
        if inlines:
            after["inlines"] = inlines
        audit_record(
            actor=request.user,
            action=self._action("change" if change else "add"),
            obj=obj,
            before=getattr(request, "_audit_before", None),
            after=after,
        )

    def delete_model(self, request, obj):
        before, pk = snapshot(obj), obj.pk
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action=self._action("delete"),
            object_type=self.model._meta.model_name,
            object_id=pk,
            before=before,
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The history, for reading at the desk: nothing here is added, changed or deleted (the database refuses too)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "action", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "actor_name", "action", "object_type", "object_id", "before", "after"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "kind", "prediction", "created_at", "hash"]
    list_filter = ["kind"]
    search_fields = ["hash", "prediction__id"]
    readonly_fields = ["seq", "kind", "prediction", "payload", "prev_hash", "hash", "created_at"]
