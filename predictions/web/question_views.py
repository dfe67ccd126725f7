"""Readers' pages for questions (issue 13): the list, a question with every pundit's call and the reference over
time, and a head-to-head comparison of two pundits. Figures come from predictions.selectors_skill, the same
functions the API answers with."""

from __future__ import annotations

from django import forms
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from predictions import selectors_skill
from predictions.models import Pundit, Question, Status
from predictions.services import questions as svc
from predictions.web.question_charts import question_chart
from predictions.web.views import checked, page_of, percent, query_without_page

OUTCOME_WORDS = {"true": "Came true", "false": "Did not come true", "ambiguous": "Ambiguous", "annulled": "Annulled"}


@require_safe
def question_list(request: HttpRequest) -> HttpResponse:
    messages: list[str] = []
    questions = Question.objects.annotate(
        n_predictions=Count("predictions", filter=~Q(predictions__status=Status.DRAFT)),
        n_references=Count("references", distinct=True),
    ).order_by("key")
    page = page_of(request, questions, messages, per_page=100)
    return render(
        request,
        "predictions/question_list.html",
        {"page": page, "messages_": messages, "page_query": query_without_page(request), "nav": "questions"},
    )


@require_safe
def question_detail(request: HttpRequest, key: str) -> HttpResponse:
    if svc.key_errors(key):  # not a key (PostgreSQL refuses NUL in a literal, for one)
        raise Http404("No such question.")
    question = get_object_or_404(Question, key=key)
    detail = selectors_skill.question_detail(question=question)
    for call in detail["predictions"]:
        call["percent"] = percent(call["probability"])
        call["question_percent"] = percent(call["question_probability"])
    return render(
        request,
        "predictions/question_detail.html",
        {
            "question": detail,
            "outcome_words": OUTCOME_WORDS.get(detail["outcome"] or "", "Open"),
            "chart": question_chart(detail, title=f"Forecasts on “{question.key}” over time"),
            "nav": "questions",
        },
    )


class CompareForm(forms.Form):
    a = forms.SlugField(max_length=220, label="First pundit")
    b = forms.SlugField(max_length=220, label="Second pundit")

    def clean(self):
        data = super().clean()
        a, b = data.get("a"), data.get("b")
        if a and b and a == b:
            self.add_error("b", "Choose two different pundits.")
        for name in ("a", "b"):
            if data.get(name) and not Pundit.objects.filter(slug=data[name]).exists():
                self.add_error(name, f"No pundit has the slug “{data[name]}”.")
        return data


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET or None)
    values, messages = checked(form) if request.GET else ({}, [])
    result = None
    if request.GET and not messages:
        a = get_object_or_404(Pundit, slug=values["a"])
        b = get_object_or_404(Pundit, slug=values["b"])
        result = selectors_skill.compare(a=a, b=b)
        for row in result["questions"]:
            row["a_percent"], row["b_percent"] = percent(row["a"]), percent(row["b"])
    return render(
        request,
        "predictions/compare.html",
        {
            "form": form,
            "result": result,
            "messages_": messages,
            "notice_title": "The comparison could not be made",
            "pundits": Pundit.objects.order_by("name").values("slug", "name")[:2000],
            "nav": "compare",
        },
    )
