"""The editors' daily work at the desk, done through the services like every other write path:

* **Resolve** (``/admin/predictions/prediction/<id>/resolve/``, linked from each row of the "due" list and from a
  prediction's page): outcome, a note (the reason, when it corrects an earlier resolution), the source link (it
  becomes evidence and the resolution's evidence_url) and the date the outcome became known. The bulk action
  "Resolve selected…" shows the same form on a confirmation page that lists what will change, and changes nothing
  until it is confirmed.
* **Review news** (``/admin/predictions/candidate/review/``): the pending candidates of the news watch, grouped by
  prediction (its statement and resolution criteria beside each candidate's headline, outlet, date, summary and
  matched terms), best first, each with three one-click decisions: accept as evidence, accept and resolve, reject.

Refusals (predictions.services.errors.ServiceError) are shown next to the field concerned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from predictions.models import Candidate, CandidateStatus, Outcome, Prediction, Status
from predictions.roles import is_editor
from predictions.services import newswatch
from predictions.services.errors import ServiceError
from predictions.services.predictions import evidence_add, prediction_resolve
from predictions.services.rules import OUTCOME_WORDS, stance_for_outcome

#: Service argument → the desk form's field that shows its refusal.
FIELD_OF = {"resolved_at": "known_on", "evidence_url": "source", "url": "source"}


def show_errors(form: forms.Form, errors: dict[str, list[str]], *, field_of: dict[str, str] | None = None) -> None:
    """A ServiceError's messages as form errors, each next to its field (or above the form when no field fits)."""
    field_of = field_of or {}
    for name, problems in errors.items():
        name = field_of.get(name, name)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


# --- resolving ---------------------------------------------------------------------------------------------------


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown publicly. Required when it changes an earlier outcome: say why (a correction).",
    )
    source = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        label="Source link",
        help_text="The report that settles it; it is added to the prediction's evidence.",
    )
    known_on = forms.DateField(
        label="Outcome known on",
        help_text="The date the outcome became known (YYYY-MM-DD); not before the prediction was made, not in the "
        "future.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("known_on", timezone.now().date())
        super().__init__(*args, **kwargs)


def resolved_at_for(day: date, *, prediction: Prediction) -> datetime:
    """The moment recorded for "known on this day": now for today; otherwise noon UTC of that day, or the moment the
    prediction was made when that is later on the same day."""
    now = timezone.now()
    if day == now.date():
        return now
    moment = datetime.combine(day, time(12), tzinfo=UTC)
    if day == prediction.made_at.astimezone(UTC).date():
        moment = max(moment, prediction.made_at)
    return moment


@transaction.atomic
def resolve_from_desk(*, prediction: Prediction, data: dict, editor) -> None:
    """Resolve with the form's data: the source link becomes evidence too. All or nothing."""
    source = data.get("source") or ""
    prediction_resolve(
        prediction=prediction,
        outcome=data["outcome"],
        note=data.get("note") or "",
        evidence_url=source,
        resolved_at=resolved_at_for(data["known_on"], prediction=prediction),
        resolved_by=editor,
    )
    if source:
        evidence_add(prediction=prediction, url=source, stance=stance_for_outcome(data["outcome"]), added_by=editor)


def change(prediction: Prediction, outcome: str | None) -> str:
    """ "open → came true", "came true → did not come true" (what a resolution will change)."""
    before = OUTCOME_WORDS.get(prediction.outcome) if prediction.status == Status.RESOLVED else prediction.status
    return f"{before} → {OUTCOME_WORDS.get(outcome, outcome) if outcome else '?'}"


def resolve_view(request: HttpRequest, pk: int, *, model_admin) -> HttpResponse:
    if not is_editor(request.user):
        raise PermissionDenied("Only editors resolve predictions.")
    prediction = get_object_or_404(Prediction.objects.select_related("pundit"), pk=pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resolve_from_desk(prediction=prediction, data=form.cleaned_data, editor=request.user)
        except ServiceError as exc:
            show_errors(form, exc.errors, field_of=FIELD_OF)
        else:
            messages.success(request, f"Resolved #{prediction.pk}: {change(prediction, form.cleaned_data['outcome'])}.")
            back = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("admin:predictions_dueprediction_changelist")
            return HttpResponseRedirect(back)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Correct the resolution of #{prediction.pk}" if prediction.outcome else f"Resolve #{prediction.pk}",
        "form": form,
        "predictions": [prediction],
        "single": True,
    }
    return TemplateResponse(request, "admin/predictions/prediction/resolve.html", context)


def resolve_selected(model_admin, request: HttpRequest, queryset) -> HttpResponse | None:
    """The bulk action: a confirmation page listing what will change, with the resolve form; nothing changes until
    it is confirmed ("apply"). Each prediction is resolved on its own; refusals are listed by prediction."""
    predictions = list(queryset.select_related("pundit").order_by("resolve_by", "pk"))
    form = ResolveForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        done, refused = 0, []
        for prediction in predictions:
            try:
                resolve_from_desk(prediction=prediction, data=form.cleaned_data, editor=request.user)
                done += 1
            except ServiceError as exc:
                reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
                refused.append(f"#{prediction.pk} “{prediction.statement[:80]}”: {reasons}")
        outcome = OUTCOME_WORDS[form.cleaned_data["outcome"]]
        summary = f"Resolved {done} prediction(s) as “{outcome}”; {len(refused)} refused."
        if done:
            model_admin.message_user(request, summary)
            for line in refused:
                model_admin.message_user(request, f"Refused {line}", messages.WARNING)
            return None  # back to the list
        # nothing was written: the confirmation page again, with the reasons
        form.add_error(None, summary)
        for line in refused:
            form.add_error(None, f"Refused {line}")
    outcome = form.data.get("outcome") if form.is_bound else None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Resolve {len(predictions)} prediction(s)",
        "form": form,
        "predictions": predictions,
        "changes": {p.pk: change(p, outcome) for p in predictions},
        "action": request.POST.get("action", "resolve_selected"),
        "single": False,
    }
    return TemplateResponse(request, "admin/predictions/prediction/resolve.html", context)


# --- reviewing the news watch's candidates -----------------------------------------------------------------------

QUEUE_SIZE = 30  # predictions per page of the queue


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("resolve", "resolve"), ("reject", "reject")])
    outcome = forms.ChoiceField(choices=Outcome.choices, required=False)
    note = forms.CharField(required=False, max_length=5000)


def review_queue_view(request: HttpRequest, *, model_admin, refusal: str = "") -> HttpResponse:
    """Pending candidates grouped by prediction; the predictions with the best candidate first. A refused decision
    is shown at the top (the page is answered directly: nothing was written, nothing to redirect after)."""
    pending = Candidate.objects.filter(status=CandidateStatus.PENDING)
    predictions = (
        Prediction.objects.filter(candidates__status=CandidateStatus.PENDING)
        .annotate(best=Max("candidates__score"))
        .select_related("pundit")
        .prefetch_related(
            Prefetch(
                "candidates",
                queryset=pending.select_related("news_item").order_by("-score", "id"),
                to_attr="pending",
            )
        )
        .order_by("-best", "id")[:QUEUE_SIZE]
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Review news",
        "predictions": predictions,
        "pending_count": pending.count(),
        "outcomes": Outcome.choices,
        "can_decide": is_editor(request.user),
        "refusal": refusal,
    }
    return TemplateResponse(request, "admin/predictions/candidate/review.html", context)


def decide_view(request: HttpRequest, pk: int, *, model_admin) -> HttpResponse:
    """One click of the review queue: accept as evidence, accept and resolve, or reject a candidate."""
    if not is_editor(request.user):
        raise PermissionDenied("Only editors decide on candidates.")
    if request.method != "POST":
        return HttpResponseRedirect(reverse("admin:predictions_candidate_review"))
    candidate = get_object_or_404(Candidate.objects.select_related("news_item", "prediction"), pk=pk)
    form = DecideForm(request.POST)
    headline = candidate.news_item.title[:120] or candidate.news_item.url
    if not form.is_valid():
        refusal = f"“{headline}”: nothing decided ({form.errors.as_text()})."
        return review_queue_view(request, model_admin=model_admin, refusal=refusal)
    data = form.cleaned_data
    try:
        if data["decision"] == "reject":
            newswatch.candidate_reject(candidate=candidate, editor=request.user)
            done = f"Rejected “{headline}”."
        elif data["decision"] == "accept":
            newswatch.candidate_accept(candidate=candidate, editor=request.user)
            done = f"Accepted “{headline}” as evidence of #{candidate.prediction_id}."
        else:
            if not data["outcome"]:
                raise ServiceError({"outcome": ["Choose the outcome to resolve with."]})
            newswatch.candidate_accept(
                candidate=candidate, editor=request.user, outcome=data["outcome"], note=data["note"]
            )
            done = f"Accepted “{headline}” and resolved #{candidate.prediction_id}: {OUTCOME_WORDS[data['outcome']]}."
    except ServiceError as exc:
        # Nothing was written: the queue is answered directly, with the reason at the top.
        reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
        return review_queue_view(request, model_admin=model_admin, refusal=f"“{headline}”: refused: {reasons}")
    messages.success(request, done)
    queue = reverse("admin:predictions_candidate_review")
    return HttpResponseRedirect(f"{queue}#prediction-{candidate.prediction_id}")
