"""Questions at the editors' desk: create, link and unlink predictions, merge, resolve, add reference points.

The change form carries a few action fields next to the question's own; each is checked in the form (a message
next to the field) and carried out through predictions.services.questions, like the API. The predictions desk shows
a prediction's question read-only (links change here, where outcomes are kept in agreement) and the questions its
statement likely answers."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from predictions import models
from predictions.admin_audit import AuditedModelAdmin
from predictions.services import questions as svc
from predictions.services.errors import ServiceError


class LinkedPredictionInline(admin.TabularInline):
    model = models.Prediction
    fk_name = "question"
    fields = ["pundit", "statement", "probability", "question_polarity", "made_at", "status", "outcome"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "predictions on this question (link and unlink with the fields above)"

    def has_add_permission(self, request, obj=None):
        return False


class ReferencePointInline(admin.TabularInline):
    model = models.ReferencePoint
    fields = ["source", "probability", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "reference points (add one with the fields above)"

    def has_add_permission(self, request, obj=None):
        return False


class QuestionForm(forms.ModelForm):
    link_prediction = forms.IntegerField(required=False, min_value=1, help_text="Id of a prediction to link.")
    link_polarity = forms.ChoiceField(choices=models.QuestionPolarity.choices, required=False, initial="same")
    unlink_prediction = forms.IntegerField(required=False, min_value=1, help_text="Id of a linked prediction.")
    merge_into = forms.CharField(required=False, max_length=200, help_text="Merge this question into that key.")
    resolve_outcome = forms.ChoiceField(choices=[("", "—"), *models.Outcome.choices], required=False)
    resolve_note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reference_source = forms.CharField(required=False, max_length=100, help_text="market:polymarket, base-rate…")
    reference_probability = forms.FloatField(required=False, min_value=0.0, max_value=1.0)
    reference_at = forms.DateTimeField(required=False, help_text="When the reference held that probability.")

    class Meta:
        model = models.Question
        fields = ["key", "statement", "resolution_criteria", "resolve_by"]

    def clean_key(self):
        key = self.cleaned_data["key"]
        errors = svc.key_errors(key)
        if errors:
            raise forms.ValidationError(errors)
        return key

    def clean(self):
        data = super().clean()
        for name in ("link_prediction", "unlink_prediction"):
            if data.get(name) and not models.Prediction.objects.filter(pk=data[name]).exists():
                self.add_error(name, f"No prediction has the id {data[name]}.")
        if data.get("link_prediction") and self.instance.pk:
            prediction = models.Prediction.objects.filter(pk=data["link_prediction"]).first()
            if prediction is not None:
                reason = svc.disagreement(
                    question_outcome=self.instance.outcome,
                    prediction_outcome=prediction.outcome,
                    polarity=data.get("link_polarity") or "same",
                )
                if reason:
                    self.add_error("link_prediction", reason)
        if data.get("merge_into"):
            if data["merge_into"] == self.instance.key:
                self.add_error("merge_into", "A question cannot be merged into itself.")
            elif not models.Question.objects.filter(key=data["merge_into"]).exists():
                self.add_error("merge_into", f"No question has the key {data['merge_into']!r}.")
        given = [data.get(n) not in (None, "") for n in ("reference_source", "reference_probability", "reference_at")]
        if any(given):
            try:
                data["reference"] = svc.reference_clean(
                    {
                        "source": data.get("reference_source") or "",
                        "probability": data.get("reference_probability"),
                        "at": data.get("reference_at"),
                    }
                )
            except ServiceError as exc:
                for name, errors in exc.errors.items():
                    self.add_error(f"reference_{name}" if f"reference_{name}" in self.fields else None, errors)
        return data


@admin.register(models.Question)
class QuestionAdmin(AuditedModelAdmin):
    form = QuestionForm
    list_display = ["key", "statement", "outcome", "resolve_by"]
    list_filter = ["outcome"]
    search_fields = ["key", "statement"]
    readonly_fields = ["outcome", "resolved_at"]
    inlines = [LinkedPredictionInline, ReferencePointInline]
    fieldsets = [
        (None, {"fields": ["key", "statement", "resolution_criteria", "resolve_by", "outcome", "resolved_at"]}),
        ("Link or unlink a prediction", {"fields": ["link_prediction", "link_polarity", "unlink_prediction"]}),
        ("Resolve (every linked prediction follows)", {"fields": ["resolve_outcome", "resolve_note"]}),
        ("Add a reference point", {"fields": ["reference_source", "reference_probability", "reference_at"]}),
        ("Merge", {"fields": ["merge_into"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        """Questions are merged, never deleted (their calls are scored)."""
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            created = svc.question_create(
                key=obj.key,
                statement=obj.statement,
                resolution_criteria=obj.resolution_criteria,
                resolve_by=obj.resolve_by,
                actor=request.user,
            )
            obj.pk = created.pk
        else:
            super().save_model(request, obj, form, change)
        data = form.cleaned_data
        steps = []
        if data.get("link_prediction"):
            prediction = models.Prediction.objects.get(pk=data["link_prediction"])
            steps.append(
                lambda: svc.question_link(
                    prediction=prediction,
                    question=obj,
                    polarity=data.get("link_polarity") or "same",
                    actor=request.user,
                )
            )
        if data.get("unlink_prediction"):
            prediction = models.Prediction.objects.get(pk=data["unlink_prediction"])
            steps.append(lambda: svc.question_unlink(prediction=prediction, actor=request.user))
        if data.get("reference"):
            steps.append(lambda: svc.references_add(question=obj, points=[data["reference"]], actor=request.user))
        if data.get("resolve_outcome"):
            steps.append(
                lambda: svc.question_resolve(
                    question=obj, outcome=data["resolve_outcome"], note=data.get("resolve_note", ""), actor=request.user
                )
            )
        for step in steps:
            try:
                step()
            except ServiceError as exc:
                self.message_user(request, "; ".join(" ".join(m) for m in exc.errors.values()), messages.ERROR)
        if data.get("merge_into"):
            try:
                target = svc.question_merge(
                    source=obj, target=svc.question_get(key=data["merge_into"]), actor=request.user
                )
                self.message_user(request, f"Merged into {target.key}.")
                request._merged_into = target
            except ServiceError as exc:
                self.message_user(request, "; ".join(" ".join(m) for m in exc.errors.values()), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_merged_into", None) is None:
            super().save_related(request, form, formsets, change)
            return
        for formset in formsets:  # a merged question is gone: nothing more to save (the change message reads these)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def response_change(self, request, obj):
        target = getattr(request, "_merged_into", None)
        if target is not None:
            from django.http import HttpResponseRedirect
            from django.urls import reverse

            return HttpResponseRedirect(reverse("admin:predictions_question_change", args=[target.pk]))
        return super().response_change(request, obj)


def suggested_questions(prediction: models.Prediction) -> str:
    """The prediction desk's read-only field: its question, or the questions its statement likely answers."""
    if prediction.pk is None:
        return "Save first: questions are then suggested from the statement."
    if prediction.question_id:
        return format_html("On {} ({})", prediction.question.key, prediction.question_polarity)
    found = svc.question_suggestions(statement=prediction.statement)
    if not found:
        return "No existing question looks like this one."
    return format_html_join(
        "",
        '<div><a href="../../../question/?q={}">{}</a>: {} <span>(overlap {})</span></div>',
        ((s["key"], s["key"], s["statement"], s["score"]) for s in found),
    )
