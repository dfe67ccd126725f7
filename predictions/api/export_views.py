"""GET /api/v1/export/?format=jsonl|csv: every published prediction in the import format, streamed.

The same code as `manage.py export_predictions` (predictions.services.importing.predictions_export_chunks), so the
dump and the command agree line for line, and import of either gives the same track records. The ETag is a
fingerprint of what the dump depends on (cheap aggregates, computed before streaming): a client that sends it back
in If-None-Match gets 304 while nothing changed."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from predictions.api.choices import ChoiceField
from predictions.api.throttling import ExportRateThrottle, RoleRateThrottle
from predictions.models import Evidence, LedgerEntry, Prediction, Status
from predictions.services.importing import predictions_export_chunks

FORMATS = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}


class ExportQuerySerializer(serializers.Serializer):
    format = ChoiceField(choices=list(FORMATS), required=False, default="jsonl")


class FormatIsAParameter(DefaultContentNegotiation):
    """`format` here chooses the dump's format, not a DRF renderer: errors always answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def export_etag(fmt: str) -> str:
    published = Prediction.objects.filter(status__in=[Status.PUBLISHED, Status.RESOLVED])
    figures = [
        fmt,
        published.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at")),
        LedgerEntry.objects.aggregate(seq=Max("seq")),
        Evidence.objects.aggregate(n=Count("id"), last=Max("id")),
        Prediction.tags.through.objects.aggregate(n=Count("id"), last=Max("id")),
    ]
    return '"' + hashlib.sha256(repr(figures).encode()).hexdigest()[:32] + '"'


class ExportView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatIsAParameter
    throttle_classes = [RoleRateThrottle, ExportRateThrottle]

    @extend_schema(
        summary="The whole record: every published prediction, streamed.",
        description="Every published (and resolved) prediction in the import format, oldest id first, streamed "
        "without paging: JSON Lines (`format=jsonl`, the default) or CSV with the same column names "
        "(`tags` and `evidence` as JSON). Withdrawn predictions and drafts are left out. The response carries an "
        "ETag; send it back in If-None-Match to get 304 while nothing changed. Throttled per client "
        "(THROTTLE_EXPORT, 20 an hour by default).",
        parameters=[
            ExportQuerySerializer,
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="JSON Lines."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header line."),
            304: OpenApiResponse(description="Not modified: the ETag sent in If-None-Match still holds."),
        },
    )
    def get(self, request):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        etag = export_etag(fmt)
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponse(status=304)
        else:
            chunks = (text.encode() for text, _ in predictions_export_chunks(fmt=fmt))
            response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt])
            response["Content-Disposition"] = f'attachment; filename="reckoner-predictions.{fmt}"'
        response["ETag"] = etag
        response["Cache-Control"] = "public, no-cache"
        return response
