"""The editors' desk ("Reckoner desk"): the Django admin, with evidence inline, filters, publish and resolve
actions, a "due" list of published predictions past resolve_by and unresolved (oldest first, a "Resolve…" link on
each row), the resolve form and the news review queue (predictions/admin_desk.py).

Writes go through the same services as the API, so the ledger, the audit trail and the scores stay right."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from predictions import models
from predictions.admin_audit import AuditedModelAdmin
from predictions.admin_desk import resolve_selected, resolve_view, show_errors
from predictions.admin_import import import_editorial_urls
from predictions.admin_newswatch import WatchTermsInline
from predictions.admin_questions import suggested_questions
from predictions.services import predictions as svc
from predictions.services.articles import article_set_fully_logged

admin.site.site_header = "Reckoner desk"
admin.site.site_title = "Reckoner desk"
admin.site.index_title = "The editors' desk"
admin.site.index_template = "admin/desk_index.html"  # daily work first: due, review news, import an editorial


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


class DeskColumns:
    """What the predictions list and the due list share: readable columns, one date format, the resolve action."""

    class Media:
        css = {"all": ["predictions/desk.css"]}

    @admin.display(description="statement")
    def statement_short(self, obj):
        return obj.statement[:200]

    @admin.display(description="made", ordering="made_at")
    def made_on(self, obj):
        return obj.made_at.date()

    @admin.action(description="Resolve selected… (confirm on the next page)", permissions=["change"])
    def resolve_selected(self, request, queryset):
        return resolve_selected(self, request, queryset)


class LabelledDateTimes:
    """Each input of a split date-time widget gets an accessible name ("Published at: date", "…: time")."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, AdminSplitDateTime):
            label = str(db_field.verbose_name).capitalize()
            formfield.widget.widgets[0].attrs["aria-label"] = f"{label}: date"
            formfield.widget.widgets[1].attrs["aria-label"] = f"{label}: time"
        return formfield


class EvidenceInline(LabelledDateTimes, admin.StackedInline):
    """Evidence is added here (through the service); what is recorded is not edited or deleted."""

    model = models.Evidence
    extra = 1
    can_delete = False
    fields = ["url", "title", "outlet", "authors", "published_at", "stance"]

    def has_change_permission(self, request, obj=None):
        return False


class ResolutionInline(admin.StackedInline):
    model = models.Resolution
    extra = 0
    can_delete = False
    fields = ["outcome", "note", "evidence_url", "resolved_at", "created_at", "resolved_by", "automatic"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RevisionInline(admin.StackedInline):
    model = models.Revision
    extra = 0
    can_delete = False
    fields = ["created_at", "editor", "reason", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PredictionDeskForm(forms.ModelForm):
    """The change form, checked by the services' rules before anything is saved: each refusal is shown next to its
    field (a probability of 1.5 is "Must be between 0 and 1", not a database constraint's name)."""

    tags = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Comma-separated, e.g. “economy, belarus”. Retagging refreshes the per-tag track records.",
    )
    revision_reason = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to correct what a published prediction said: the change becomes a public revision.",
    )

    class Meta:
        model = models.Prediction
        fields = [
            "pundit",
            "article",
            "external_id",
            "statement",
            "quote",
            "made_at",
            "resolve_by",
            "probability",
            "probability_source",
            "confidence_phrase",
            "resolution_criteria",
            "rationale",
            "tags",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["tags"] = ", ".join(sorted(t.name for t in self.instance.tags.all()))

    def clean_tags(self) -> list[str]:
        names = {n.strip().lower() for n in (self.cleaned_data.get("tags") or "").split(",")}
        return sorted(n for n in names if n)

    def clean(self):
        data = super().clean()
        try:
            if self.instance.pk is None:
                svc.prediction_create_check(
                    statement=data.get("statement"),
                    probability=data.get("probability"),
                    made_at=data.get("made_at"),
                    resolve_by=data.get("resolve_by"),
                )
            else:
                current = models.Prediction.objects.get(pk=self.instance.pk)
                svc.prediction_update_check(
                    prediction=current, changes=desk_changes(self), reason=data.get("revision_reason") or ""
                )
        except svc.ServiceError as exc:
            show_errors(self, {"revision_reason" if k == "detail" else k: v for k, v in exc.errors.items()})
        return data


def desk_changes(form: forms.ModelForm) -> dict:
    """The changed fields of the desk's form that the services change (tags by name)."""
    data = form.cleaned_data
    changes = {k: data[k] for k in form.changed_data if k in svc.EDITABLE_FIELDS and k in data}
    if "tags" in data and data["tags"] != sorted(t.name for t in form.instance.tags.all()):
        changes["tags"] = data["tags"]
    return changes


@admin.register(models.Prediction)
class PredictionAdmin(DeskColumns, LabelledDateTimes, AuditedModelAdmin):
    """Every write goes through predictions.services (create, update/revise, publish, resolve, evidence): the
    ledger, the audit trail, the hindsight flags and the stored scores stay right whichever path is used."""

    form = PredictionDeskForm
    list_display = [
        "statement_short",
        "pundit",
        "probability",
        "made_on",
        "resolve_by",
        "status",
        "outcome",
        "late_logged",
    ]
    list_filter = ["status", "outcome", DueFilter, "pundit", "tags", "probability_source", "late_logged"]
    search_fields = ["statement", "quote", "external_id", "pundit__name", "tags__name"]
    list_select_related = ["pundit"]
    date_hierarchy = "made_at"
    raw_id_fields = ["pundit", "article"]  # plain labelled inputs (select2 has no accessible name)
    inlines = [EvidenceInline, ResolutionInline, RevisionInline, WatchTermsInline]
    readonly_fields = [
        "resolve_link",
        "logged_at",
        "recorded_at",
        "late_logged",
        "status",
        "outcome",
        "resolved_at",
        "due_since",
        "created_by",
        # Questions (issue 13): links change on the question's page, where outcomes are kept in agreement.
        "question",
        "question_polarity",
        "questions_suggested",
    ]
    actions = ["publish", "resolve_selected"]

    @admin.display(description="resolve")
    def resolve_link(self, obj):
        if obj is None or obj.pk is None or obj.status not in (models.Status.PUBLISHED, models.Status.RESOLVED):
            return "–"
        url = reverse("admin:predictions_prediction_resolve", args=[obj.pk])
        label = "Correct the resolution…" if obj.outcome else "Resolve…"
        return format_html('<a href="{}">{}</a>', url, label)

    def get_urls(self):  # + import/ ("Import an editorial") and <id>/resolve/
        site = self.admin_site
        resolve = [
            path(
                "<int:pk>/resolve/",
                site.admin_view(lambda request, pk: resolve_view(request, pk, model_admin=self)),
                name="predictions_prediction_resolve",
            )
        ]
        return import_editorial_urls(self) + resolve + super().get_urls()

    def get_fieldsets(self, request, obj=None):
        """What was said first, then its resolution, then the record keeping; the revision reason only where a
        revision is possible (published, not yet resolved)."""
        said = ["pundit", "statement", "quote", "probability", "made_at", "resolve_by", "resolution_criteria"]
        desk = ["tags", "article", "probability_source", "confidence_phrase", "rationale", "external_id"]
        if obj is not None and obj.status in (models.Status.PUBLISHED, models.Status.RESOLVED) and not obj.outcome:
            said.append("revision_reason")
        if obj is None:
            return [(None, {"fields": said + desk})]
        return [
            ("What was said", {"fields": said}),
            ("Resolution", {"fields": ["resolve_link", "status", "outcome", "resolved_at", "due_since"]}),
            ("At the desk", {"fields": desk}),
            ("Question", {"fields": ["question", "question_polarity", "questions_suggested"]}),
            ("Record", {"fields": ["logged_at", "recorded_at", "late_logged", "created_by"]}),
        ]

    @admin.display(description="question")
    def questions_suggested(self, obj):
        return suggested_questions(obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and (obj.outcome or obj.status == models.Status.WITHDRAWN):
            # Locked once resolved: a wrong resolution is corrected by re-resolving ("Correct the resolution…").
            fields += list(svc.SAID_FIELDS) + ["pundit"]
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
        data = form.cleaned_data
        if change:
            saved = svc.prediction_update(
                prediction=obj,
                changes=desk_changes(form),
                editor=request.user,
                reason=data.get("revision_reason") or "",
            )
        else:
            saved = svc.prediction_create(
                pundit=data["pundit"],
                article=data.get("article"),
                external_id=data.get("external_id") or None,
                statement=data["statement"],
                quote=data.get("quote") or "",
                made_at=data["made_at"],
                resolve_by=data["resolve_by"],
                probability=data["probability"],
                probability_source=data.get("probability_source") or models.ProbabilitySource.EDITOR,
                confidence_phrase=data.get("confidence_phrase") or "",
                resolution_criteria=data.get("resolution_criteria") or "",
                rationale=data.get("rationale") or "",
                tags=data.get("tags") or [],
                created_by=request.user,
            )
        for f in models.Prediction._meta.concrete_fields:  # the form's object becomes the saved row
            setattr(obj, f.attname, getattr(saved, f.attname))

    def save_related(self, request, form, formsets, change):
        # Tags were saved by the service (so retagging refreshes the per-tag scores): no form.save_m2m() here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not models.Evidence:
            formset.save()  # the watch terms (news watch)
            return
        for item in formset.save(commit=False):  # new rows only: existing evidence is read-only here
            svc.evidence_add(
                prediction=form.instance,
                url=item.url,
                title=item.title,
                outlet=item.outlet,
                authors=item.authors,
                published_at=item.published_at,
                stance=item.stance,
                added_by=request.user,
            )

    @admin.action(description="Publish selected drafts", permissions=["change"])
    def publish(self, request, queryset):
        count, refused = 0, []
        for prediction in queryset.filter(status=models.Status.DRAFT).order_by("pk"):
            try:
                svc.prediction_publish(prediction=prediction, actor=request.user)
                count += 1
            except svc.ServiceError as exc:
                reasons = "; ".join(" ".join(v) for v in exc.errors.values())
                refused.append(f"#{prediction.pk} “{prediction.statement[:80]}” not published: {reasons}")
        if refused and not count:  # nothing was written: say why on a page of its own
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Nothing published",
                "refused": refused,
            }
            return TemplateResponse(request, "admin/predictions/prediction/refused.html", context)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
        self.message_user(request, f"Published {count} prediction(s).")
        return None


@admin.register(models.DuePrediction)
class DuePredictionAdmin(DeskColumns, admin.ModelAdmin):
    list_display = ["statement_short", "pundit", "resolve_by", "probability", "made_on", "resolve_link"]
    list_select_related = ["pundit"]
    search_fields = ["statement", "pundit__name"]
    actions = ["resolve_selected"]
    # Oldest deadline first; without this the changelist re-sorts by the model's Meta ordering (newest made_at).
    ordering = ["resolve_by", "id"]

    @admin.display(description="resolve")
    def resolve_link(self, obj):
        url = reverse("admin:predictions_prediction_resolve", args=[obj.pk])
        return format_html('<a href="{}" class="button">Resolve…</a>', url)

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
    list_display = ["title", "outlet", "published_at", "pundit", "fully_logged"]
    list_filter = ["fully_logged"]
    search_fields = ["title", "outlet", "url"]
    readonly_fields = ["fully_logged"]  # changed by the actions below, which refresh the rankings
    actions = ["mark_fully_logged", "unmark_fully_logged"]

    def _set_fully_logged(self, request, queryset, value: bool) -> None:
        for article in queryset.order_by("pk"):
            article_set_fully_logged(article=article, fully_logged=value, actor=request.user)
        self.message_user(
            request, f"{queryset.count()} article(s) {'marked' if value else 'no longer marked'} fully logged."
        )

    @admin.action(
        description="Mark fully logged (every prediction in it was logged: none counts as hindsight)",
        permissions=["change"],
    )
    def mark_fully_logged(self, request, queryset):
        self._set_fully_logged(request, queryset, True)

    @admin.action(description="Unmark fully logged", permissions=["change"])
    def unmark_fully_logged(self, request, queryset):
        self._set_fully_logged(request, queryset, False)


@admin.register(models.Tag)
class TagAdmin(AuditedModelAdmin):
    search_fields = ["name"]
