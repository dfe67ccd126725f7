"""The news watch on the editors' desk: feeds (with their last error and backoff, and "poll now"), news items,
candidates (accept / reject), and the watch terms inline on each prediction.

Writes go through predictions.services.newswatch, like the API's."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from predictions import models
from predictions.admin_audit import AuditedModelAdmin
from predictions.services import newswatch as svc
from predictions.services.predictions import ServiceError


class FeedAdminForm(forms.ModelForm):
    """The feed's address is checked by the safe fetcher's rules when saved, with the poll's message."""

    class Meta:
        model = models.Feed
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets and readonly_fields decide what shows

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        try:
            svc.feed_address_check(url)
        except ServiceError as exc:
            raise forms.ValidationError(exc.errors.get("url", ["Refused address."])) from exc
        return url


@admin.register(models.Feed)
class FeedAdmin(AuditedModelAdmin):
    form = FeedAdminForm
    list_display = [
        "name",
        "outlet",
        "active",
        "poll_interval",
        "last_status",
        "failure_count",
        "last_error_short",
        "last_polled_at",
        "next_poll_at",
    ]
    list_filter = ["active"]
    search_fields = ["name", "url", "outlet", "last_error"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "next_poll_at",
        "failure_count",
        "last_error",
        "last_status",
        "polling_started_at",
        "created_at",
    ]
    actions = ["poll_now"]

    @admin.display(description="last error")
    def last_error_short(self, obj):
        return obj.last_error[:120]

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset):
        count = svc.feeds_poll_now(feed_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"Asked for a poll of {count} feed(s); results show here once a worker ran it.")


@admin.register(models.NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_at", "feed", "fetched_at", "matched_at"]
    list_filter = ["feed"]
    search_fields = ["title", "summary", "url", "outlet"]
    list_select_related = ["feed"]
    date_hierarchy = "published_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["prediction_short", "item_title", "item_outlet", "score", "matched", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["news_item__title", "prediction__statement"]
    list_select_related = ["prediction", "news_item"]
    readonly_fields = [
        "prediction",
        "news_item",
        "score",
        "matched_terms",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    actions = ["accept", "reject"]

    @admin.display(description="prediction")
    def prediction_short(self, obj):
        return obj.prediction.statement[:80]

    @admin.display(description="news item")
    def item_title(self, obj):
        return obj.news_item.title[:120]

    @admin.display(description="outlet")
    def item_outlet(self, obj):
        return obj.news_item.outlet

    @admin.display(description="matched terms")
    def matched(self, obj):
        return ", ".join(obj.matched_terms)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_urls(self):  # + review/ (the queue) and <id>/decide/ (its one-click decisions): admin_desk.py
        from predictions.admin_desk import decide_view, review_queue_view

        site = self.admin_site
        return [
            path(
                "review/",
                site.admin_view(lambda request: review_queue_view(request, model_admin=self)),
                name="predictions_candidate_review",
            ),
            path(
                "<int:pk>/decide/",
                site.admin_view(lambda request, pk: decide_view(request, pk, model_admin=self)),
                name="predictions_candidate_decide",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A candidate is decided in the review queue, beside its prediction: there is nothing to edit here."""
        candidate = self.get_object(request, object_id)
        anchor = f"#prediction-{candidate.prediction_id}" if candidate else ""
        return HttpResponseRedirect(reverse("admin:predictions_candidate_review") + anchor)

    def _decide(self, request, queryset, service, verb: str) -> None:
        done = 0
        for candidate in queryset.order_by("pk"):
            try:
                service(candidate=candidate, editor=request.user)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"candidate {candidate.pk}: {exc.errors}", messages.WARNING)
        self.message_user(request, f"{verb} {done} candidate(s).")

    @admin.action(description="Accept selected as evidence (no resolution)", permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, svc.candidate_accept, "Accepted")

    @admin.action(description="Reject selected (never proposed again)", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, svc.candidate_reject, "Rejected")


class WatchTermsForm(forms.ModelForm):
    class Meta:
        model = models.WatchTerms
        fields = [
            "all_of",
            "any_of",
            "none_of",
            "outlets",
            "grace_days",
            "auto_rule",
            "auto_min_outlets",
            "auto_min_score",
        ]

    def save(self, commit=True):
        terms = super().save(commit=False)
        # Compare values (Django's changed_data flags every JSON field posted as text, changed or not).
        if any(self.initial.get(name) != self.cleaned_data.get(name) for name in svc.TERM_FIELDS):
            terms.edited = True  # an editor's terms are never re-derived on their own
        if commit:
            terms.save()
        return terms


class WatchTermsInline(admin.StackedInline):
    """The prediction's watch terms (derived at its first match; editable here)."""

    model = models.WatchTerms
    form = WatchTermsForm
    extra = 0
    max_num = 1
    can_delete = False
    readonly_fields = ["edited", "updated_at"]
