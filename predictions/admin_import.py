"""The editors' desk page "Import an editorial": paste a post or give its URL, get draft predictions to review.

/admin/predictions/prediction/import/ (linked from the predictions list by an "Import an editorial" button, in
templates/admin/predictions/prediction/change_list.html). Staff only (the admin's own login check), and then
editors only (predictions.roles.is_editor): anyone else gets 403. The form runs
predictions.services.article_import.article_import, the same service as POST /api/v1/imports/article/:

* "Preview" shows the draft (pundit, predictions with quotes and probabilities, evidence links) and saves nothing;
* "Import as drafts" saves the drafts and redirects to the predictions list filtered to them (``?id__in=...``),
  with a message saying what was created and that nothing is published; a post without predictions saves
  nothing and is shown as a preview, with the reason.

Refusals (blank text, binary data, a URL the safe fetcher refuses, a page that is not HTML...) are shown in the
form, next to the field concerned.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from predictions.roles import is_editor
from predictions.services.article_import import TEXT_MAX_CHARS, ImportRefused, article_import, binary_reason
from predictions.services.predictions import ServiceError

TEMPLATE = "admin/predictions/prediction/import_editorial.html"


class ImportEditorialForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="The post as plain text, markdown or HTML. Give the text or the URL, not both.",
    )
    url = forms.URLField(required=False, max_length=2000, assume_scheme="https", help_text="The post's page.")
    default_pundit = forms.CharField(
        required=False,
        max_length=200,
        help_text="Whose predictions these are, when the post names nobody (no byline, no 'Name:' marker).",
    )
    made_at = forms.DateTimeField(
        required=False,
        help_text="When the post was published (YYYY-MM-DD HH:MM), if the post does not say; default: now.",
    )
    resolve_by = forms.DateField(
        required=False,
        help_text="Deadline for every draft; default: the deadline the post gives, else a year after.",
    )
    allow_duplicate = forms.BooleanField(
        required=False,
        label="Import again anyway",
        help_text="When this editorial (same URL or same text) was imported before: make new drafts all the same.",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text") or ""
        if text and (reason := binary_reason(text)):
            raise forms.ValidationError(f"This text cannot be imported: {reason}.")
        return text

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("text")) == bool(data.get("url")):
            raise forms.ValidationError(
                "Give either the text or the URL, not both." if data.get("text") else "Paste the text or give a URL."
            )
        return data


def _add_errors(form: ImportEditorialForm, errors: dict[str, list[str]]) -> None:
    for name, problems in errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def import_editorial_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    if not is_editor(request.user):
        raise PermissionDenied("Only editors may import editorials.")
    form = ImportEditorialForm(request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        save = "_preview" not in request.POST
        try:
            result = article_import(
                text=data["text"] or None,
                url=data["url"] or None,
                editor=request.user,
                save=save,
                default_pundit=data["default_pundit"] or None,
                made_at=data["made_at"],
                resolve_by=data["resolve_by"],
                allow_duplicate=data["allow_duplicate"],
            )
        except (ImportRefused, ServiceError) as exc:
            _add_errors(form, exc.errors)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            if result.saved:
                ids = [p.pk for p in result.predictions]
                links = len(result.saved_links)
                pundit = result.pundit.name if result.pundit else ""
                messages.success(
                    request,
                    f"Imported “{result.article.title if result.article else ''}”: pundit {pundit}"
                    f"{' (new)' if result.pundit_created else ''}; {len(ids)} draft prediction(s) "
                    f"#{', #'.join(map(str, ids))}, with {links} evidence link(s). Nothing is published: "
                    "set each deadline and resolution criteria, then publish.",
                )
                changelist = reverse("admin:predictions_prediction_changelist")
                return HttpResponseRedirect(f"{changelist}?id__in={','.join(map(str, ids))}")
            preview = result.to_dict()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import an editorial",
        "form": form,
        "preview": preview,
    }
    return TemplateResponse(request, TEMPLATE, context)


def import_editorial_urls(model_admin) -> list[URLPattern]:
    """The page's URL, for PredictionAdmin.get_urls (admin_view: staff only, CSRF-protected, never cached)."""

    def view(request: HttpRequest) -> HttpResponse:
        return import_editorial_view(request, model_admin=model_admin)

    return [path("import/", model_admin.admin_site.admin_view(view), name="predictions_prediction_import")]
