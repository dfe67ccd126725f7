"""Readers' pages: server-rendered, read-only, public predictions only (published, resolved, withdrawn; never drafts).

Figures come from predictions.selectors, the same functions the API answers with, so a page and
/api/v1/pundits/{slug}/track-record/ always show the same numbers. Filters arrive as GET parameters and are checked
with Django forms: a malformed one is reported on the page and left out, never a 500. Unknown pundits, predictions
and tags are 404s.
"""

from __future__ import annotations

import hashlib
from datetime import date
from types import SimpleNamespace
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from predictions import search as fts
from predictions import selectors
from predictions.confidence import CONFIDENCE_TABLE, probability_for_phrase
from predictions.models import (
    LedgerEntry,
    Outcome,
    Prediction,
    ProbabilitySource,
    Pundit,
    PunditScore,
    Question,
    Status,
    Tag,
)
from predictions.readcache import reader_cached
from predictions.services.rules import mark_corrections
from predictions.web import charts

PAGE_SIZE = 50
#: How long a rendered pundit page (and its charts) may be reused; keys change with every write that affects them.
CACHE_SECONDS = getattr(settings, "WEB_PAGE_CACHE_SECONDS", 600)
PUBLIC = (Status.PUBLISHED, Status.RESOLVED, Status.WITHDRAWN)
SEARCH_MAX = 200

ORDERINGS = [
    ("brier", "Brier score (lowest first)"),
    ("adjusted_brier", "Adjusted Brier (favours longer records)"),
    ("-resolved", "Most resolved predictions"),
    ("relative_brier", "Relative Brier (against markets and crowds)"),
    ("-peer_score", "Peer score (against the other pundits)"),
]

STATES = [
    ("", "All"),
    ("open", "Open"),
    ("due", "Due"),
    ("resolved", "Resolved"),
    ("withdrawn", "Withdrawn"),
]

OUTCOME_LABELS = {
    Outcome.TRUE: "Came true",
    Outcome.FALSE: "Did not come true",
    Outcome.AMBIGUOUS: "Ambiguous",
    Outcome.ANNULLED: "Annulled",
}


# --------------------------------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------------------------------


def public_tags() -> QuerySet[Tag]:
    """Tags on at least one public prediction: a tag only drafts use is not shown, offered or answered.

    Asked as "the first public prediction with the tag" (a scalar subquery with LIMIT 1) rather than EXISTS: the
    database then walks each tag's links until the first public one (a fraction of a millisecond) instead of
    hashing every link of the tag (most of a second at 500,000 predictions)."""
    first = Prediction.tags.through.objects.filter(tag_id=OuterRef("pk"), prediction__status__in=PUBLIC)
    return Tag.objects.alias(first=Subquery(first.values("prediction_id")[:1])).filter(first__isnull=False)


class TagField(forms.CharField):
    """A tag name that must exist on a public prediction; the value is the tag's (lower-case) name."""

    def clean(self, value: Any) -> str:
        value = (super().clean(value) or "").strip().lower()
        if value and not public_tags().filter(name=value).exists():
            raise forms.ValidationError(f"There is no tag called “{value}”.")
        return value


class PeriodForm(forms.Form):
    tag = TagField(required=False, max_length=100, label="Tag")
    since = forms.DateField(required=False, label="Made since", error_messages={"invalid": "Enter a date."})
    until = forms.DateField(required=False, label="Made until", error_messages={"invalid": "Enter a date."})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "“Until” must not be before “since”.")
        return data


class LeaderboardForm(PeriodForm):
    ordering = forms.ChoiceField(required=False, choices=ORDERINGS, label="Order by")
    min_resolved = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="At least resolved")


class PunditFilterForm(forms.Form):
    tag = TagField(required=False, max_length=100, label="Tag")
    state = forms.ChoiceField(required=False, choices=STATES, label="Show")


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX, label="Search")


def checked(form: forms.Form) -> tuple[dict[str, Any], list[str]]:
    """The valid filters (empty ones dropped) and a message for each invalid one, naming the field."""
    form.is_valid()
    values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.append(f"{label}: {error}" if label else error)
    return values, messages


def page_of(request: HttpRequest, items: QuerySet, messages: list[str], *, per_page: int = PAGE_SIZE) -> Page:
    raw = request.GET.get("page", "1")
    if not raw.isdigit():
        messages.append(f"Page: “{raw[:20]}” is not a page number; showing the first page.")
    return Paginator(items, per_page).get_page(raw)


def query_without_page(request: HttpRequest) -> str:
    """The current query string without ``page``, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --------------------------------------------------------------------------------------------------------------------
# Presentation helpers
# --------------------------------------------------------------------------------------------------------------------


def percent(p: float | None) -> str:
    """0.8 -> "80%", 0.125 -> "12.5%"."""
    if p is None:
        return "–"
    value = round(p * 100, 1)
    return f"{value:.0f}%" if value == int(value) else f"{value}%"


def state_of(prediction: Prediction | SimpleNamespace, today: date) -> tuple[str, str]:
    """(css key, words) for a prediction's state as a reader sees it."""
    if prediction.status == Status.WITHDRAWN:
        return "withdrawn", "Withdrawn"
    if prediction.outcome:
        return prediction.outcome, OUTCOME_LABELS[prediction.outcome]
    if prediction.resolve_by < today:
        return "due", "Due: awaiting resolution"
    return "open", "Open"


def decorate(predictions) -> list[Prediction]:
    """Attach what the templates show to whole predictions: state, state label, the probability as a percentage."""
    today = timezone.now().date()
    items = list(predictions)
    for p in items:
        p.state, p.state_label = state_of(p, today)
        p.percent = percent(p.probability)
    return items


LIST_FIELDS = (
    "id",
    "statement",
    "made_at",
    "resolve_by",
    "resolved_at",
    "probability",
    "status",
    "outcome",
    "pundit__slug",
    "pundit__name",
)


def list_rows(predictions: QuerySet[Prediction]) -> list[SimpleNamespace]:
    """The rows of a prediction list: two queries (the predictions' columns, then their tags), URLs built once.

    Built from ``values()`` rather than model instances: a page of 50 renders in a fraction of the time."""
    today = timezone.now().date()
    prediction_url = _url_maker("web:prediction", 1)
    pundit_urls: dict[str, str] = {}
    tag_urls: dict[str, str] = {}
    rows = []
    for values in predictions.values(*LIST_FIELDS):
        row = SimpleNamespace(**{key.replace("pundit__", "pundit_"): value for key, value in values.items()})
        row.url = prediction_url(row.id)
        if row.pundit_slug not in pundit_urls:
            pundit_urls[row.pundit_slug] = reverse("web:pundit", args=[row.pundit_slug])
        row.pundit_url = pundit_urls[row.pundit_slug]
        row.state, row.state_label = state_of(row, today)
        row.percent = percent(row.probability)
        row.made = (row.made_at.isoformat(), day_label(row.made_at))
        if row.outcome and row.resolved_at:
            row.when = ("resolved", row.resolved_at.isoformat(), day_label(row.resolved_at))
        else:
            row.when = ("judged by", row.resolve_by.isoformat(), day_label(row.resolve_by))
        row.tags = []
        rows.append(row)
    by_id = {row.id: row for row in rows}
    pairs = Prediction.tags.through.objects.filter(prediction_id__in=list(by_id)).values_list(
        "prediction_id", "tag__name"
    )
    for prediction_id, name in sorted(pairs, key=lambda pair: pair[1]):
        if name not in tag_urls:
            tag_urls[name] = reverse("web:tag", args=[name])
        by_id[prediction_id].tags.append((name, tag_urls[name]))
    return rows


def day_label(value: date) -> str:
    """2021-03-05 -> "5 Mar 2021" (the site is in English; formatted here, not by a template filter per row)."""
    return f"{value.day} {value:%b %Y}"


def _url_maker(name: str, sample: int):
    """A function building ``reverse(name, args=[pk])`` by string formatting, for integer ``pk``."""
    head, tail = reverse(name, args=[sample]).rsplit(str(sample), 1)
    return lambda pk: f"{head}{pk}{tail}"


def provenance(prediction: Prediction) -> str:
    if prediction.probability_source == ProbabilitySource.INFERRED:
        phrase = prediction.confidence_phrase or "a confidence phrase"
        return f"Inferred from the phrase “{phrase}”"
    if prediction.probability_source == ProbabilitySource.EDITOR:
        return "Set by an editor"
    return "Stated by the pundit"


def table_note(prediction: Prediction) -> str:
    """How an inferred probability relates to the confidence table's value for the phrase, when they differ."""
    table = probability_for_phrase(prediction.confidence_phrase)
    if prediction.probability_source != ProbabilitySource.INFERRED or table is None:
        return ""
    if abs(table - prediction.probability) < 1e-9:
        return ""
    if abs((1 - table) - prediction.probability) < 1e-9:
        return (
            f"the table reads the phrase as {percent(table)}; the pundit said it of the opposite of this statement, "
            f"so the statement gets {percent(prediction.probability)}"
        )
    return f"the table reads the phrase as {percent(table)}; the editors set {percent(prediction.probability)}"


def public_predictions() -> QuerySet[Prediction]:
    return Prediction.objects.filter(status__in=PUBLIC)


def filter_state(qs: QuerySet[Prediction], state: str | None) -> QuerySet[Prediction]:
    today = timezone.now().date()
    if state == "open":
        return qs.filter(status=Status.PUBLISHED, outcome__isnull=True, resolve_by__gte=today)
    if state == "due":
        return qs.filter(status=Status.PUBLISHED, outcome__isnull=True, resolve_by__lt=today)
    if state == "resolved":
        return qs.filter(status=Status.RESOLVED)
    if state == "withdrawn":
        return qs.filter(status=Status.WITHDRAWN)
    return qs


def include_late_of(request: HttpRequest) -> bool:
    """The pages' switch: ``?include_late=true`` counts the hindsight-prone predictions too (left out by default)."""
    return request.GET.get("include_late", "").strip().lower() in ("1", "true", "on", "yes")


def late_switch(request: HttpRequest, left_out: int) -> dict[str, Any]:
    """What the pages say about hindsight-prone predictions: how many were left out, and a link that flips the
    switch (keeping the other parameters, back to the first page)."""
    include = include_late_of(request)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("include_late", None)
    if not include:
        query["include_late"] = "true"
    return {"include_late": include, "left_out": left_out, "url": f"?{query.urlencode()}"}


def board_caption(filters: dict[str, Any]) -> str:
    """The leaderboard table's caption, naming the filters in force."""
    by = {
        "brier": "Brier score",
        "adjusted_brier": "adjusted Brier score",
        "-resolved": "number resolved",
        "relative_brier": "relative Brier score",
        "-peer_score": "peer score",
    }
    parts = ["Pundits ranked by " + by[filters.get("ordering", "brier")]]
    if filters.get("tag"):
        parts.append(f"on “{filters['tag']}”")
    if filters.get("since"):
        parts.append(f"made since {filters['since']:%-d %b %Y}")
    if filters.get("until"):
        parts.append(f"made until {filters['until']:%-d %b %Y}")
    return " ".join(parts)


def record_summary(record: dict[str, Any]) -> dict[str, Any]:
    """The calibration rows with their "X of Y" words, for the table under the chart."""
    rows = []
    for b in record.get("calibration") or []:
        rows.append(
            {
                **b,
                "range": charts.bin_range(b["lower"], b["upper"]),
                "of": charts.of_label(b["true"], b["count"]) if b["count"] else "–",
                "observed_pct": charts.pct(b["observed"]),
                "mean_pct": charts.pct(b["mean_probability"]),
                "interval": (
                    f"{charts.pct(b['interval_low'])}–{charts.pct(b['interval_high'])}" if b["count"] else "–"
                ),
            }
        )
    return {"calibration_rows": rows}


# --------------------------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    form = LeaderboardForm(request.GET or None)
    filters, messages = checked(form) if request.GET else ({}, [])
    # The first page a reader opens: cached whole under what it shows changes with (public_record_version).
    key = None
    if not messages and CACHE_SECONDS:
        key = cache_key(
            "home",
            selectors.public_record_version(),
            timezone.now().date(),
            sorted(filters.items()),
            include_late_of(request),
        )
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html)
    # Lazy over the stored rows: one COUNT and the first 100 rows, however many pundits there are.
    board = selectors.leaderboard_rows(
        tag=filters.get("tag"),
        since=filters.get("since"),
        until=filters.get("until"),
        min_resolved=filters.get("min_resolved") or selectors.MIN_RESOLVED,
        ordering=filters.get("ordering", "brier"),
        include_late=include_late_of(request),
    )
    recent = list_rows(selectors.recently_resolved(limit=10))
    due = list_rows(selectors.due_predictions(limit=10))
    response = render(
        request,
        "predictions/home.html",
        {
            "form": form,
            "filters": filters,
            "messages_": messages,
            "leaderboard": board[:100],
            "leaderboard_total": len(board),
            "recent": recent,
            "due": due,
            "tags": public_tags().order_by("name").values_list("name", flat=True),
            "orderings": ORDERINGS,
            "board_caption": board_caption(filters),
            "late": late_switch(request, getattr(board, "left_out_late", 0)),
            "nav": "home",
        },
    )
    if key:
        cache.set(key, response.content, CACHE_SECONDS)
    return response


@require_safe
@reader_cached("pundits")
def pundit_list(request: HttpRequest) -> HttpResponse:
    messages: list[str] = []
    # From the stored overall scores (one row per pundit, joined): no count over the predictions table.
    pundits = (
        Pundit.objects.annotate(
            overall=FilteredRelation("scores", condition=Q(scores__tag__isnull=True, scores__with_late=False))
        )
        .annotate(
            n_public=Coalesce(F("overall__total"), 0),
            n_resolved=Coalesce(F("overall__total"), 0) - Coalesce(F("overall__open"), 0),
            n_scored=Coalesce(F("overall__resolved"), 0),
            brier=F("overall__brier"),
        )
        .order_by("name", "id")
    )
    page = page_of(request, pundits, messages, per_page=100)
    return render(request, "predictions/pundit_list.html", {"page": page, "messages_": messages, "nav": "pundits"})


def state_tallies(*, pundit: Pundit, tag: str | None, counts: dict[str, int]) -> dict[str, int]:
    """How many of the pundit's public predictions are in each state: the track record's counts (which cover
    published and resolved ones), split into open and due, plus the withdrawn; two small indexed counts."""
    today = timezone.now().date()
    base = Prediction.objects.filter(pundit=pundit)
    if tag:
        base = base.filter(tags__name=tag)
    due = base.filter(status=Status.PUBLISHED, outcome__isnull=True, resolve_by__lt=today).count()
    withdrawn = base.filter(status=Status.WITHDRAWN).count()
    return {
        "all": counts["total"] + withdrawn,
        "open": max(counts["open"] - due, 0),
        "due": due,
        "resolved": counts["total"] - counts["open"],
        "withdrawn": withdrawn,
    }


def stored_version(*, pundit: Pundit, tag: str | None) -> str | None:
    """The version of the pundit's stored scores (overall, or for one tag): their ``updated_at``; None without a row.

    Every write that changes what a pundit's page shows of their predictions (publish, resolve, unresolve, revise,
    withdraw, import) has the scoring task rebuild the pundit's PunditScore rows, which gives them a new
    ``updated_at``. Keys built on it change with every such write, so nothing cached under them is older than the
    track record beside it."""
    rows = PunditScore.objects.filter(pundit=pundit)
    rows = rows.filter(tag__name=tag) if tag else rows.filter(tag__isnull=True)
    version = rows.values_list("updated_at", flat=True).first()
    return version.isoformat() if version else None


def skill_version(*, pundit: Pundit) -> str | None:
    """The version of the pundit's stored skill figures (their newest ``updated_at``), which change without the
    track record when a question's references or other pundits' calls change."""
    from django.db.models import Max

    from predictions.models import PunditSkill

    version = PunditSkill.objects.filter(pundit=pundit).aggregate(v=Max("updated_at"))["v"]
    return version.isoformat() if version else None


def cache_key(kind: str, *parts: Any) -> str:
    return f"web:{kind}:v1:" + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def pundit_charts(*, pundit: Pundit, tag: str | None, record: dict[str, Any], version: str | None) -> tuple[str, str]:
    """The calibration and score-over-time SVGs; cached under the stored scores' version when there is one."""
    who = f"{pundit.name}’s"
    title = f"{who} calibration" + (f" on “{tag}”" if tag else "")

    def draw() -> tuple[str, str]:
        series = selectors.score_series(pundit=pundit, tag=tag)
        return (
            charts.calibration_chart(record["calibration"], prefix="calibration", title=title),
            charts.score_chart(series, prefix="score", title=f"{who} Brier score over time"),
        )

    if version is None:
        return draw()
    return cache.get_or_set(cache_key("pundit-charts", pundit.pk, pundit.name, tag, version), draw, CACHE_SECONDS)


@require_safe
def pundit_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pundit = get_object_or_404(Pundit, slug=slug)
    form = PunditFilterForm(request.GET or None)
    filters, messages = checked(form) if request.GET else ({}, [])
    tag = filters.get("tag")
    state = filters.get("state", "")

    # A page whose filters all parsed is cached under the stored scores' version (see stored_version), today's date
    # (which predictions are due) and everything else it shows; a cache hit costs two indexed queries.
    version = stored_version(pundit=pundit, tag=tag)
    key = None
    if version and not messages and CACHE_SECONDS and request.GET.get("page", "1").isdigit():
        key = cache_key(
            "pundit-page",
            pundit.pk,
            pundit.name,
            pundit.bio,
            pundit.links,
            tag,
            state,
            request.GET.get("page", "1"),
            version,
            skill_version(pundit=pundit),  # references and other pundits' calls move the skill figures (issue 13)
            timezone.now().date(),
            request.scheme,
            request.get_host(),
            include_late_of(request),
        )
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html)

    record = selectors.track_record(pundit=pundit, tag=tag, include_late=include_late_of(request))
    calibration_svg, score_svg = pundit_charts(pundit=pundit, tag=tag, record=record, version=version)
    tallies = state_tallies(pundit=pundit, tag=tag, counts=record["counts"])

    mine = Prediction.objects.filter(pundit=pundit, status__in=PUBLIC)
    if tag:
        mine = mine.filter(tags__name=tag)
    listed = filter_state(mine, state).order_by("-made_at", "-id")
    page = page_of(request, listed, messages)
    # The tags of the pundit's counted predictions, from the stored per-tag scores (one indexed query).
    pundit_tags = (
        PunditScore.objects.filter(pundit=pundit, tag__isnull=False)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)
    )
    response = render(
        request,
        "predictions/pundit_detail.html",
        {
            "pundit": pundit,
            "form": form,
            "filters": filters,
            "tag": tag,
            "state": state,
            "states": [(name, label, tallies[name or "all"]) for name, label in STATES],
            "tallies": tallies,
            "messages_": messages,
            "record": record,
            "late": late_switch(request, record["left_out_late"]),
            **record_summary(record),
            "calibration_svg": calibration_svg,
            "score_svg": score_svg,
            "page": page,
            "predictions": list_rows(page.object_list),
            "page_query": query_without_page(request),
            "pundit_tags": pundit_tags,
            "nav": "pundits",
        },
    )
    if key:
        cache.set(key, response.content, CACHE_SECONDS)
    return response


@require_safe
def prediction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    prediction = get_object_or_404(
        Prediction.objects.filter(status__in=PUBLIC).select_related("pundit", "article").prefetch_related("tags"),
        pk=pk,
    )
    decorate([prediction])
    evidence = list(prediction.evidence.all())
    resolutions = list(prediction.resolutions.order_by("-created_at", "-id"))
    for resolution in resolutions:
        resolution.label = OUTCOME_LABELS.get(resolution.outcome, "Back to open")
    mark_corrections(reversed(resolutions))
    revisions = list(prediction.revisions.order_by("created_at", "id"))
    ledger = LedgerEntry.objects.filter(prediction=prediction).order_by("-seq").first()
    ledger_count = LedgerEntry.objects.filter(prediction=prediction).count()
    brier_term = None
    if prediction.outcome in (Outcome.TRUE, Outcome.FALSE) and prediction.status == Status.RESOLVED:
        o = 1.0 if prediction.outcome == Outcome.TRUE else 0.0
        brier_term = (prediction.probability - o) ** 2
    originals = {}
    for revision in revisions:
        for field, change in (revision.changes or {}).items():
            originals.setdefault(field, change.get("before"))
        revision.rows = [
            {"field": field.replace("_", " "), "before": c.get("before"), "after": c.get("after")}
            for field, c in (revision.changes or {}).items()
        ]
    return render(
        request,
        "predictions/prediction_detail.html",
        {
            "prediction": prediction,
            "pundit": prediction.pundit,
            "evidence": evidence,
            "resolutions": resolutions,
            "revisions": revisions,
            "originals": originals,
            "ledger": ledger,
            "ledger_count": ledger_count,
            "provenance": provenance(prediction),
            "table_note": table_note(prediction),
            "brier_term": brier_term,
            "record": selectors.track_record(pundit=prediction.pundit),
        },
    )


@require_safe
@reader_cached("tags")
def tag_list(request: HttpRequest) -> HttpResponse:
    tags = (
        Tag.objects.annotate(n=Count("predictions", filter=Q(predictions__status__in=PUBLIC)))
        .filter(n__gt=0)
        .order_by("name")
    )
    return render(request, "predictions/tag_list.html", {"tags": tags, "nav": "tags"})


@require_safe
@reader_cached("tag")
def tag_detail(request: HttpRequest, name: str) -> HttpResponse:
    if "\x00" in name:  # PostgreSQL refuses NUL in a string literal; no tag can contain one
        raise Http404("No such tag.")
    tag = get_object_or_404(public_tags(), name=name)
    form = PunditFilterForm(request.GET or None)
    filters, messages = checked(form) if request.GET else ({}, [])
    filters.pop("tag", None)
    board = selectors.leaderboard_rows(tag=tag.name, include_late=include_late_of(request))
    # EXISTS on the tag's id: the newest-first index is walked and each prediction's link probed.
    tagged = Exists(Prediction.tags.through.objects.filter(prediction_id=OuterRef("pk"), tag_id=tag.pk))
    listed = filter_state(public_predictions().filter(tagged), filters.get("state")).order_by("-made_at", "-id")
    page = page_of(request, listed, messages)
    return render(
        request,
        "predictions/tag_detail.html",
        {
            "tag": tag,
            "leaderboard": board[:50],
            "leaderboard_total": len(board),
            "page": page,
            "predictions": list_rows(page.object_list),
            "page_query": query_without_page(request),
            "state": filters.get("state", ""),
            "states": STATES,
            "messages_": messages,
            "board_caption": f"Pundits ranked by Brier score on “{tag.name}”",
            "late": late_switch(request, getattr(board, "left_out_late", 0)),
            "nav": "tags",
        },
    )


@require_safe
@reader_cached("search")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters, messages = checked(form) if request.GET else ({}, [])
    q = " ".join(filters.get("q", "").split())
    context: dict[str, Any] = {
        "q": q,
        "messages_": messages,
        "searched": False,
        "notice_title": "Your search could not be run",
    }
    if q and len(q) < 2:
        messages.append("Search: type at least two characters.")
    elif q:
        try:
            words = fts.query_words(q)
        except fts.SearchError as exc:
            messages.append(f"Search: {exc}")
            words = []
        if words:
            found = fts.search_predictions(public_predictions(), q)
            page = page_of(request, found, messages)
            rows = list_rows(page.object_list)
            for row in rows:
                row.statement_html = fts.highlight(row.statement, q)
            name_match = Q()
            for word in words:
                name_match &= Q(name__icontains=word)
            any_word = Q()
            for word in words:
                any_word |= Q(name__icontains=word)
            question_match = Q()  # every word in the question's statement or key (questions are few)
            for word in words:
                question_match &= Q(statement__icontains=word) | Q(key__icontains=word)
            context.update(
                searched=True,
                page=page,
                predictions=rows,
                page_query=query_without_page(request),
                pundits=[
                    (p, fts.highlight(p.name, q)) for p in Pundit.objects.filter(name_match).order_by("name")[:20]
                ],
                tags=[(t, fts.highlight(t.name, q)) for t in public_tags().filter(any_word).order_by("name")[:20]],
                questions=[
                    (x, fts.highlight(x.statement, q))
                    for x in Question.objects.filter(question_match).order_by("key")[:20]
                ],
            )
        elif not messages:
            messages.append("Search: type a word (letters or digits).")
    return render(request, "predictions/search.html", context)


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    table = sorted(CONFIDENCE_TABLE.items(), key=lambda kv: (-kv[1], kv[0]))
    return render(
        request,
        "predictions/about.html",
        {"confidence_table": [(k, percent(v)) for k, v in table], "nav": "about"},
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on every site (the pages also link the SVG icon)."""
    path = finders.find("predictions/favicon.ico")
    with open(path, "rb") as icon:
        response = HttpResponse(icon.read(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    pundit = get_object_or_404(Pundit, slug=slug)
    record = selectors.track_record(pundit=pundit)
    svg = charts.badge_svg(name=pundit.name, brier=record["brier"], resolved=record["resolved"])
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=600"
    # Other sites may show the badge with <img>.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
