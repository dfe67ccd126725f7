"""POST /api/v1/imports/article/: an editorial's text or URL → draft predictions for an editor to review.

The work is done by :func:`predictions.services.article_import.article_import` (its docstring gives every rule);
this view checks who asks and what was sent, and turns refusals into answers:

* 401 without credentials, 403 for anyone but an editor;
* the body is JSON (``{"text": ...}`` or ``{"url": ...}``) or ``text/plain`` (the editorial itself, UTF-8); any
  other media type (``application/octet-stream``, forms, files) is 415, and nothing is read or created;
* 400 with a message per field for invalid input: blank text, both or neither of ``text`` and ``url``, a text with
  NUL or other control characters (binary data), a body that is not valid UTF-8 or not valid JSON, a URL the safe
  fetcher refuses (its reason: "refused to connect to 127.0.0.1: a loopback address ..."), a page answering 4xx,
  a page that is not HTML or text (``image/png``), a text over 1,048,576 characters; a body over
  REQUEST_BODY_MAX_BYTES (1 MB) is refused by ``BodySizeLimitMiddleware`` before this view runs, with 400 (the
  project's rule since issue 2: oversized input is invalid input);
* 413 is documented too: a proxy in front (nginx's ``client_max_body_size``) refuses large bodies with it;
* 502 when the page's server fails (5xx, timeout, connection refused): the request was fine, the far side was not;
* 201 with the draft and the rows created (predictions as drafts, never published); 200 when nothing was saved: a
  dry run (``?dry_run=1`` or ``"save": false``), a post with no prediction in it, or an editorial imported before
  (same URL or same text: ``duplicate_of`` names the existing drafts; ``"allow_duplicate": true`` imports it
  again); ``saved: false`` and a warning say so.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from predictions.api.permissions import EditorOnly
from predictions.services import predictions as svc
from predictions.services.article_import import TEXT_MAX_CHARS, ImportRefused, article_import, binary_reason

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
DESCRIPTION = __doc__


class PlainTextParser(BaseParser):
    """A ``text/plain`` body is the editorial itself: strict UTF-8 (or the declared charset), else 400."""

    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        charset = (parser_context or {}).get("encoding") or "utf-8"
        raw = stream.read() if stream is not None else b""
        try:
            return {"text": raw.decode(charset)}
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"The body is not valid {charset} text: {exc}.") from exc


def _json_parsers() -> list[type[BaseParser]]:
    """The project's JSON parser(s) from REST_FRAMEWORK settings: forms and multipart bodies are not accepted here."""
    return [p for p in api_settings.DEFAULT_PARSER_CLASSES if p.media_type == "application/json"]


class EditorialTextField(serializers.CharField):
    """Text that is not binary data: NUL and other control characters are refused first, with the reason."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if reason := binary_reason(value):
            raise serializers.ValidationError(f"This text cannot be imported: {reason}.")
        return value


class ArticleImportSerializer(serializers.Serializer):
    text = EditorialTextField(
        required=False,
        max_length=TEXT_MAX_CHARS,
        help_text="The editorial: plain text, markdown or HTML (at most 1,048,576 characters). Give text or url.",
    )
    url = serializers.URLField(
        required=False, max_length=2000, help_text="The editorial's page, fetched through the safe fetcher."
    )
    save = serializers.BooleanField(
        required=False, default=True, help_text="false (or ?dry_run=1): return the draft, create nothing."
    )
    default_pundit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The pundit's name when the post names nobody (no byline, no 'Name:' marker, no page author).",
    )
    made_at = serializers.DateTimeField(
        required=False, help_text="When the predictions were made; default: the post's date, else now."
    )
    resolve_by = serializers.DateField(
        required=False,
        help_text="The deadline given to every draft; default: the deadline the post gives for each prediction "
        "(read relative to the post's date: 'by 2027', 'this year'), else one year after made_at.",
    )
    allow_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="An editorial imported before (same URL or same text) saves nothing and names the existing "
        "drafts (duplicate_of); true: import it again all the same.",
    )

    def validate(self, attrs):
        if ("text" in attrs) == ("url" in attrs):
            raise serializers.ValidationError(
                "Give either the editorial's text or its url, not both."
                if "text" in attrs
                else "Give the editorial's text or its url."
            )
        return attrs


class ImportedPunditSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_null=True, help_text="null when the pundit does not exist (yet).")
    name = serializers.CharField(allow_null=True)
    created = serializers.BooleanField(help_text="Created by this import (in a dry run: would be).")


class ImportedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    outlet = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)


class ImportedLinkSerializer(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    outlet = serializers.CharField(allow_null=True)
    authors = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField(allow_null=True)


class ImportedEvidenceSerializer(ImportedLinkSerializer):
    id = serializers.IntegerField(allow_null=True)


class ImportedPredictionSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True, help_text='"draft" when saved; null in a dry run.')
    statement = serializers.CharField()
    quote = serializers.CharField()
    probability = serializers.FloatField(allow_null=True)
    probability_source = serializers.CharField(allow_null=True)
    confidence_phrase = serializers.CharField(allow_null=True)
    negated = serializers.BooleanField(help_text="The statement is the negation of a claim the pundit rejected.")
    made_at = serializers.DateTimeField()
    resolve_by = serializers.DateField(
        help_text="The editor's resolve_by, else the deadline the text gives, else a year after made_at."
    )
    deadline_phrase = serializers.CharField(
        allow_null=True,
        help_text="The words that gave resolve_by ('by the end of 2025'); null when the text is silent.",
    )
    evidence = ImportedEvidenceSerializer(many=True, help_text="The links of the prediction's own part of the post.")


class ImportSourceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["text", "url"])
    extractor = serializers.ChoiceField(choices=["text", "trafilatura", "raw html"])
    url = serializers.CharField(allow_null=True)
    final_url = serializers.CharField(allow_null=True)
    content_type = serializers.CharField(allow_null=True)


class DraftPredictionSerializer(serializers.Serializer):
    statement = serializers.CharField()
    quote = serializers.CharField()
    probability = serializers.FloatField(allow_null=True)
    probability_source = serializers.CharField(allow_null=True)
    confidence_phrase = serializers.CharField(allow_null=True)
    negated = serializers.BooleanField()
    resolve_by = serializers.DateField(allow_null=True, help_text="The deadline the text gives, if any.")
    deadline_phrase = serializers.CharField(allow_null=True)
    section = serializers.IntegerField(help_text="The part of the post (a heading starts a new one).")


class DraftLinkSerializer(ImportedLinkSerializer):
    line = serializers.IntegerField()
    section = serializers.IntegerField()


class DuplicatePredictionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    statement = serializers.CharField()
    desk_url = serializers.CharField(help_text="The draft's page at the desk.")


class DuplicateOfSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    predictions = DuplicatePredictionSerializer(many=True)


class DraftSerializer(serializers.Serializer):
    pundit = serializers.CharField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    predictions = DraftPredictionSerializer(many=True)
    evidence = DraftLinkSerializer(many=True)
    outlet = serializers.CharField(allow_null=True, help_text="The outlet a byline names, if any.")
    truncated = serializers.BooleanField(
        help_text="Not all of the post was read: more predictions than one draft takes (only the first 200), or more "
        "sentences that could be predictions than one import reads (4,000; the warnings say where it stopped)."
    )


class ArticleImportResponseSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    source = ImportSourceSerializer()
    pundit = ImportedPunditSerializer()
    article = ImportedArticleSerializer()
    predictions = ImportedPredictionSerializer(many=True)
    evidence = ImportedLinkSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    duplicate_of = DuplicateOfSerializer(
        allow_null=True,
        help_text="The article and drafts of an earlier import of the same editorial (same URL or same text).",
    )
    draft = DraftSerializer(help_text="What predictions.extraction.extract_editorial found, as it found it.")


_ERRORS = OpenApiTypes.OBJECT


class ArticleImportView(APIView):
    """Turn an editorial into draft predictions (editors only); nothing is published."""

    permission_classes = [EditorOnly]
    parser_classes = [*_json_parsers(), PlainTextParser]

    @extend_schema(
        operation_id="imports_article_create",
        summary="Import an editorial as draft predictions",
        description=DESCRIPTION,
        request={
            "application/json": ArticleImportSerializer,
            "text/plain": {"type": "string", "description": "The editorial's text (UTF-8)."},
        },
        parameters=[
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, OpenApiParameter.QUERY, description="Return the draft, save nothing."
            )
        ],
        responses={
            201: OpenApiResponse(ArticleImportResponseSerializer, description="Drafts created (status draft)."),
            200: OpenApiResponse(
                ArticleImportResponseSerializer, description="Nothing saved: a dry run, or no prediction found."
            ),
            400: OpenApiResponse(
                _ERRORS, description="Invalid input (body over 1 MB included), or a URL refused: a message per field."
            ),
            401: OpenApiResponse(_ERRORS, description="No credentials."),
            403: OpenApiResponse(_ERRORS, description="Not an editor."),
            413: OpenApiResponse(
                _ERRORS, description="Body too large, from a proxy in front (this server answers 400 over 1 MB)."
            ),
            415: OpenApiResponse(_ERRORS, description="Not JSON nor text/plain."),
            502: OpenApiResponse(_ERRORS, description="The page's server failed (5xx, timeout, no connection)."),
        },
        examples=[
            OpenApiExample(
                "Text",
                value={"text": "WNU Editor: The same thing is probably going to happen in Belarus."},
                request_only=True,
            ),
            OpenApiExample("URL", value={"url": "https://example.org/2020/09/editorial.html"}, request_only=True),
        ],
    )
    def post(self, request):
        serializer = ArticleImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dry_run = request.query_params.get("dry_run", "").strip().lower() in TRUE_VALUES
        try:
            result = article_import(
                text=data.get("text"),
                url=data.get("url"),
                editor=request.user,
                save=data["save"] and not dry_run,
                default_pundit=data.get("default_pundit") or None,
                made_at=data.get("made_at"),
                resolve_by=data.get("resolve_by"),
                allow_duplicate=data["allow_duplicate"],
            )
        except ImportRefused as exc:
            return Response(exc.errors, status=exc.status)
        except svc.ServiceError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.to_dict(), status=status.HTTP_201_CREATED if result.saved else status.HTTP_200_OK)
