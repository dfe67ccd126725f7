"""The editors' desk: the Django admin, with evidence inline, filters, publish and resolve actions, and a
"due" list of published predictions past resolve_by and unresolved, oldest first.

Writes go through the same services as the API, so the ledger, the audit trail and the scores stay right."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from predictions import models
from predictions.admin_audit import AuditedModelAdmin
from predictions.admin_import import import_editorial_urls
from predictions.admin_newswatch import WatchTermsInline
from predictions.hindsight import is_late_logged
from predictions.services import predictions as svc


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("yes", "Due (past resolve_by, unresolved)"), ("no", "Not due")]

    def queryset(self, request, queryset):
        today = timezone.now().date()
        due = models.Prediction.objects.due(today=today).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=due)
        if self.value() == "no":
            return queryset.exclude(pk__in=due)
        return queryset


class EvidenceInline(admin.TabularInline):
    model = models.Evidence
    extra = 1
    fields = ["url", "title", "outlet", "authors", "published_at", "stance"]


class ResolutionInline(admin.TabularInline):
    model = models.Resolution
    extra = 0
    can_delete = False
    fields = ["outcome", "note", "evidence_url", "resolved_at", "created_at", "resolved_by", "automatic"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    model = models.Revision
    extra = 0
    can_delete = False
    fields = ["created_at", "editor", "reason", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _resolve_action(outcome: str):
    def action(modeladmin, request, queryset):
        done = failed = 0
        for prediction in queryset.order_by("pk"):
            try:
                svc.prediction_resolve(
                    prediction=prediction,
                    outcome=outcome,
                    note="Resolved from the editors' desk.",
                    resolved_by=request.user,
                )
                done += 1
            except svc.ServiceError as exc:
                failed += 1
                modeladmin.message_user(request, f"#{prediction.pk}: {exc.errors}", messages.WARNING)
        modeladmin.message_user(request, f"Resolved {done} as {outcome}; {failed} refused.")

    action.__name__ = f"resolve_{outcome}"
    action.short_description = f"Resolve selected as {outcome}"
    action.allowed_permissions = ("change",)
    return action


@admin.register(models.Prediction)
class PredictionAdmin(AuditedModelAdmin):
    list_display = [
        "statement_short",
        "pundit",
        "probability",
        "made_at",
        "resolve_by",
        "status",
        "outcome",
        "late_logged",
    ]
    list_filter = ["status", "outcome", DueFilter, "pundit", "tags", "probability_source", "late_logged"]
    search_fields = ["statement", "quote", "external_id", "pundit__name", "tags__name"]
    list_select_related = ["pundit"]
    date_hierarchy = "made_at"
    autocomplete_fields = ["pundit", "article"]
    filter_horizontal = ["tags"]
    inlines = [EvidenceInline, ResolutionInline, RevisionInline, WatchTermsInline]
    readonly_fields = ["logged_at", "late_logged", "status", "outcome", "resolved_at", "due_since", "created_by"]
    actions = ["publish"] + [_resolve_action(o) for o in models.Outcome.values]

    @admin.display(description="statement")
    def statement_short(self, obj):
        return obj.statement[:100]

    def get_urls(self):  # + /admin/predictions/prediction/import/ ("Import an editorial")
        return import_editorial_urls(self) + super().get_urls()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != models.Status.DRAFT:
            # What was said is corrected through revisions (PATCH with revision_reason), never in place.
            fields += list(svc.IMMUTABLE_WHEN_PUBLISHED) + ["pundit"]
        return fields

    def has_delete_permission(self, request, obj=None):
        """Drafts only, and only for those Django's permissions allow; published predictions are withdrawn."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == models.Status.DRAFT)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.status == models.Status.DRAFT:  # the hindsight flag, as the services compute it
            obj.late_logged = is_late_logged(made_at=obj.made_at, logged_at=obj.logged_at, resolve_by=obj.resolve_by)
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected drafts", permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for prediction in queryset.filter(status=models.Status.DRAFT).order_by("pk"):
            svc.prediction_publish(prediction=prediction, actor=request.user)
            count += 1
        self.message_user(request, f"Published {count} prediction(s).")


@admin.register(models.DuePrediction)
class DuePredictionAdmin(admin.ModelAdmin):
    list_display = ["statement_short", "pundit", "resolve_by", "probability", "made_at"]
    list_select_related = ["pundit"]
    search_fields = ["statement", "pundit__name"]
    actions = [_resolve_action(o) for o in models.Outcome.values]
    # Oldest deadline first; without this the changelist re-sorts by the model's Meta ordering (newest made_at).
    ordering = ["resolve_by", "id"]

    @admin.display(description="statement")
    def statement_short(self, obj):
        return obj.statement[:100]

    def get_queryset(self, request):
        return models.Prediction.objects.due().select_related("pundit")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)


class PunditForm(forms.ModelForm):
    """The desk's pundit form: the same name rules as the API (services/pundits.py): NFKC, no invisible
    characters, and a name that reads like another pundit's only with the box ticked."""

    confirm_similar = forms.BooleanField(
        required=False,
        label="This is a different person",
        help_text="Tick to save a name that reads the same as an existing pundit's.",
    )

    class Meta:
        model = models.Pundit
        fields = ["name", "slug", "bio", "links"]

    def clean_name(self):
        from predictions.services.errors import ServiceError
        from predictions.services.pundits import pundit_name_clean, similar_pundits

        try:
            name = pundit_name_clean(self.cleaned_data["name"])
        except ServiceError as exc:
            raise forms.ValidationError(exc.errors["name"]) from None
        others = models.Pundit.objects.exclude(pk=self.instance.pk) if self.instance.pk else None
        similar = similar_pundits(name, candidates=others)
        if similar and not self.data.get("confirm_similar"):
            shown = "; ".join(f"{p.name!r} ({p.slug})" for p in similar[:5])
            raise forms.ValidationError(
                f"Reads the same as an existing pundit: {shown}. Tick “This is a different person” to save anyway."
            )
        return name


@admin.register(models.Pundit)
class PunditAdmin(AuditedModelAdmin):
    form = PunditForm
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Article)
class ArticleAdmin(AuditedModelAdmin):
    list_display = ["title", "outlet", "published_at", "pundit"]
    search_fields = ["title", "outlet", "url"]


@admin.register(models.Tag)
class TagAdmin(AuditedModelAdmin):
    search_fields = ["name"]
