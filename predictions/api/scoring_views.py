"""Track records and the leaderboard: GET /api/v1/pundits/{slug}/track-record/ and GET /api/v1/leaderboard/.

Thin views over predictions.selectors: they check the query parameters (400 with a message per parameter), find the
pundit (404 if unknown), and hand the rest to the selectors. The serializers below the query ones only describe the
responses for the OpenAPI schema.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.response import Response

from predictions import selectors
from predictions.api.choices import ChoiceField
from predictions.api.pagination import Pagination
from predictions.api.serializers import PunditRefSerializer
from predictions.models import Pundit

DATE_FORMATS = ["%Y-%m-%d"]
BAD_PARAMETERS = OpenApiResponse(description="A query parameter is invalid: {parameter: [reason]}.")


# --- query parameters ------------------------------------------------------------------------------------------------


class ScoreQuerySerializer(serializers.Serializer):
    tag = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Tag name; an unknown tag gives an empty record."
    )
    since = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text="Only predictions made on or after this date (UTC)."
    )
    until = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text="Only predictions made on or before this date (UTC)."
    )
    exclude_late = serializers.BooleanField(
        required=False, default=False, help_text="Leave out predictions logged long after they were made (hindsight)."
    )
    include_late = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Count hindsight-prone predictions too (first recorded after their deadline or their outcome, "
        "their article not marked fully logged); left out by default, and counted in left_out_late.",
    )
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Relative Brier against this reference source only (market:polymarket, crowd:metaculus, ...).",
    )

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError(
                {"until": [f"until ({until.isoformat()}) is before since ({since.isoformat()})."]}
            )
        return attrs


class TrackRecordQuerySerializer(ScoreQuerySerializer):
    bins = serializers.IntegerField(
        required=False,
        default=selectors.STORED_BINS,
        min_value=1,
        max_value=100,
        help_text="Number of equal-width calibration bins (default 10).",
    )


class LeaderboardQuerySerializer(ScoreQuerySerializer):
    min_resolved = serializers.IntegerField(
        required=False,
        default=selectors.MIN_RESOLVED,
        min_value=0,
        max_value=2_000_000_000,
        help_text=f"Only pundits with at least this many predictions resolved true or false "
        f"(default {selectors.MIN_RESOLVED}).",
    )
    ordering = ChoiceField(
        choices=list(selectors.ORDERINGS),
        required=False,
        default="brier",
        help_text="brier (default), adjusted_brier or relative_brier, lowest first; -resolved, most first; "
        "-peer_score, highest first (min_resolved then counts relative_n or peer_n). Ties by name.",
    )


# --- responses (schema only) -----------------------------------------------------------------------------------------


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    true = serializers.IntegerField()
    false = serializers.IntegerField()
    ambiguous = serializers.IntegerField()
    annulled = serializers.IntegerField()


class CalibrationBinSerializer(serializers.Serializer):
    lower = serializers.FloatField()
    upper = serializers.FloatField()
    count = serializers.IntegerField()
    true = serializers.IntegerField(help_text="How many of the bin's predictions came true.")
    mean_probability = serializers.FloatField(allow_null=True)
    observed = serializers.FloatField(allow_null=True, help_text="true / count.")
    interval_low = serializers.FloatField(allow_null=True, help_text="Wilson 95% interval of observed.")
    interval_high = serializers.FloatField(allow_null=True)


class MurphySerializer(serializers.Serializer):
    reliability = serializers.FloatField()
    resolution = serializers.FloatField()
    uncertainty = serializers.FloatField()
    brier = serializers.FloatField()
    within_bin = serializers.FloatField()


class FiltersSerializer(serializers.Serializer):
    tag = serializers.CharField(allow_null=True)
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    exclude_late = serializers.BooleanField()
    include_late = serializers.BooleanField()


class SkillFieldsSerializer(serializers.Serializer):
    relative_brier = serializers.FloatField(
        allow_null=True,
        help_text="Mean of (p - o)^2 - (r - o)^2 over final calls with a reference; negative is better.",
    )
    relative_n = serializers.IntegerField()
    relative_brier_ci = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True, help_text="95% interval."
    )
    peer_score = serializers.FloatField(
        allow_null=True, help_text="Mean Metaculus peer score over final calls on questions with 2+ pundits."
    )
    peer_n = serializers.IntegerField()
    peer_score_ci = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True, help_text="95% interval."
    )


class TrackRecordSerializer(SkillFieldsSerializer):
    pundit = PunditRefSerializer()
    counts = CountsSerializer()
    resolved = serializers.IntegerField(help_text="Predictions resolved true or false (the scored ones).")
    brier = serializers.FloatField(allow_null=True, help_text="Mean (p - o)^2; lower is better.")
    log_score = serializers.FloatField(allow_null=True, help_text="Mean ln(probability of what happened).")
    calibration = CalibrationBinSerializer(many=True)
    brier_interval = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True, help_text="Approximate 95%."
    )
    adjusted_brier = serializers.FloatField(allow_null=True, help_text="brier + 1/sqrt(resolved).")
    baseline_score = serializers.FloatField(allow_null=True, help_text="Mean Metaculus binary Baseline score.")
    hit_rate = serializers.FloatField(allow_null=True)
    murphy = MurphySerializer(allow_null=True)
    left_out_late = serializers.IntegerField(help_text="Hindsight-prone predictions left out (0 with include_late).")
    filters = FiltersSerializer()


class LeaderboardEntrySerializer(SkillFieldsSerializer):
    rank = serializers.IntegerField()
    pundit = PunditRefSerializer()
    resolved = serializers.IntegerField()
    brier = serializers.FloatField(allow_null=True)
    adjusted_brier = serializers.FloatField(allow_null=True)
    log_score = serializers.FloatField(allow_null=True)
    total = serializers.IntegerField()


# --- views -----------------------------------------------------------------------------------------------------------


class TrackRecordView(GenericAPIView):
    """A pundit's track record: counts, Brier and log scores, calibration, over the predictions matching the filters."""

    queryset = Pundit.objects.all()
    lookup_field = "slug"
    filter_backends: list = []
    pagination_class = None
    serializer_class = TrackRecordSerializer

    @extend_schema(
        parameters=[TrackRecordQuerySerializer],
        responses={
            200: TrackRecordSerializer,
            400: BAD_PARAMETERS,
            404: OpenApiResponse(description="No pundit has this slug."),
        },
    )
    def get(self, request, slug: str):
        query = TrackRecordQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        pundit = get_object_or_404(Pundit.objects.only("pk", "slug", "name"), slug=slug)
        return Response(selectors.track_record(pundit=pundit, **query.validated_data))


class LeaderboardView(GenericAPIView):
    """Pundits ranked by Brier score (or adjusted Brier, or number resolved), paginated; page_size up to 500."""

    filter_backends: list = []
    pagination_class = Pagination
    serializer_class = LeaderboardEntrySerializer

    def get_queryset(self):  # the schema generator asks; the rows come from the selector
        return Pundit.objects.none()

    @extend_schema(
        parameters=[LeaderboardQuerySerializer],
        responses={
            200: LeaderboardEntrySerializer(many=True),
            400: BAD_PARAMETERS,
            404: OpenApiResponse(description="The page does not exist."),
        },
    )
    def get(self, request):
        query = LeaderboardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.leaderboard_rows(**query.validated_data)
        response = self.get_paginated_response(self.paginate_queryset(rows))
        response.data["left_out_late"] = getattr(rows, "left_out_late", 0)  # skill orderings: not applied yet
        return response
