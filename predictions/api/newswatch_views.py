"""The news watch's endpoints: feeds, candidates (with accept / reject), and each prediction's watch terms.

Who may do what:

* feeds (``/feeds/``): everyone reads the list of feeds the watcher polls (what the site watches is public);
  ``last_error`` is shown to editors only (it may name internal details of a failing host); validators (ETag,
  Last-Modified) are internals and never shown. Editors add and change feeds.
* candidates (``/predictions/{id}/candidates/``, ``/candidates/``): everyone who may read the prediction reads its
  candidates, with score and matched terms, as the contract says anonymous clients read everything public (they
  concern public predictions and public news; they are labelled as unreviewed by their ``status``). Only editors
  accept or reject.
* watch terms (``/predictions/{id}/watch/``): everyone reads; editors change them. A read never writes: terms
  not stored yet are shown as they would be derived (``stored: false``).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator
from rest_framework.views import APIView

from predictions.api.permissions import EditorOnly
from predictions.api.serializers import EvidenceSerializer, ResolutionSerializer
from predictions.api.views import service_call, visible_predictions
from predictions.models import (
    URL_MAX,
    AutoRule,
    Candidate,
    CandidateStatus,
    Feed,
    NewsItem,
    Outcome,
    Stance,
    Status,
    WatchTerms,
)
from predictions.roles import is_editor, role_of
from predictions.services import newswatch as svc

# --- feeds ------------------------------------------------------------------------------------------------------


class FeedSerializer(serializers.ModelSerializer):
    url = serializers.URLField(
        max_length=URL_MAX, validators=[UniqueValidator(queryset=Feed.objects.all(), message="This feed exists.")]
    )
    poll_interval = serializers.IntegerField(
        min_value=60, max_value=7 * 86400, required=False, help_text="Seconds between polls (60 s to 7 days)."
    )
    last_error = serializers.CharField(read_only=True, help_text="Why the last poll failed (editors only).")

    class Meta:
        model = Feed
        fields = [
            "id",
            "name",
            "url",
            "outlet",
            "active",
            "poll_interval",
            "last_polled_at",
            "next_poll_at",
            "failure_count",
            "last_status",
            "last_error",
            "created_at",
        ]
        read_only_fields = ["id", "last_polled_at", "next_poll_at", "failure_count", "last_status", "created_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https feeds are polled.")
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_editor(request.user):
            data.pop("last_error", None)
        return data


class FeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """News feeds the watcher polls (RSS 0.9x/1.0/2.0, Atom, JSON Feed): everyone reads; editors add and change."""

    queryset = Feed.objects.all().order_by("name", "id")
    serializer_class = FeedSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = service_call(svc.feed_create, editor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = service_call(
            svc.feed_update, feed=serializer.instance, changes=dict(serializer.validated_data), editor=self.request.user
        )


# --- candidates -------------------------------------------------------------------------------------------------


class NewsItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NewsItem
        fields = ["id", "title", "summary", "url", "outlet", "published_at", "fetched_at"]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    news_item = NewsItemSerializer(read_only=True)
    matched_terms = serializers.ListField(child=serializers.CharField(), read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "prediction",
            "news_item",
            "score",
            "matched_terms",
            "status",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Also resolve the prediction with this outcome (optional).",
    )
    stance = serializers.ChoiceField(
        choices=Stance.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="The evidence's stance; by default supports for true, refutes for false, else context.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AcceptedSerializer(CandidateSerializer):
    evidence = EvidenceSerializer(read_only=True)
    resolution = ResolutionSerializer(read_only=True, allow_null=True)

    class Meta(CandidateSerializer.Meta):
        fields = CandidateSerializer.Meta.fields + ["evidence", "resolution"]
        read_only_fields = fields


def visible_candidates(user):
    qs = Candidate.objects.select_related("news_item", "decided_by")
    if role_of(user) != "admin":
        qs = qs.exclude(prediction__status=Status.DRAFT)
    return qs


STATUS_PARAM = OpenApiParameter(
    "status", str, enum=CandidateStatus.values, required=False, description="Only candidates in this state."
)


class PredictionCandidatesView(generics.ListAPIView):
    """News items the watcher matched to this prediction, best score first, each with its matched terms."""

    serializer_class = CandidateSerializer

    @extend_schema(parameters=[STATUS_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Candidate.objects.none()
        prediction = get_object_or_404(visible_predictions(self.request.user), pk=self.kwargs["pk"])
        qs = Candidate.objects.filter(prediction=prediction).select_related("news_item", "decided_by")
        wanted = self.request.query_params.get("status")
        if wanted in CandidateStatus.values:
            qs = qs.filter(status=wanted)
        return qs.order_by("-score", "id")


class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every candidate (``?status=pending`` is the editors' queue); editors accept or reject them."""

    serializer_class = CandidateSerializer

    def get_queryset(self):
        qs = visible_candidates(self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted in CandidateStatus.values:
            qs = qs.filter(status=wanted)
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[STATUS_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AcceptSerializer, responses={200: AcceptedSerializer})
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def accept(self, request, pk=None):
        """Accept: the news item becomes evidence of the prediction; with `outcome`, the prediction is resolved."""
        candidate = self.get_object()
        serializer = AcceptSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        accepted = service_call(
            svc.candidate_accept, candidate=candidate, editor=request.user, **serializer.validated_data
        )
        return Response(AcceptedSerializer(accepted).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def reject(self, request, pk=None):
        """Reject: remembered, so the same item is never proposed for this prediction again."""
        rejected = service_call(svc.candidate_reject, candidate=self.get_object(), editor=request.user)
        return Response(CandidateSerializer(rejected).data)


# --- watch terms ------------------------------------------------------------------------------------------------

TERMS_MAX = 50
TERM_MAX_CHARS = 200


class TermListField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(max_length=TERM_MAX_CHARS, allow_blank=False, trim_whitespace=True),
            max_length=TERMS_MAX,
            required=False,
            **kwargs,
        )


class WatchTermsSerializer(serializers.ModelSerializer):
    all_of = TermListField(help_text='Every entry must appear; "a|b" entries accept any one of their alternatives.')
    any_of = TermListField(help_text="Raise the score; with no all_of, two of them are needed.")
    none_of = TermListField(help_text="Any of these vetoes an item.")
    outlets = TermListField(help_text="Allowlist of outlets; empty means any.")
    grace_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    auto_rule = serializers.ChoiceField(choices=AutoRule.choices, required=False)
    auto_min_outlets = serializers.IntegerField(min_value=1, max_value=100, required=False)
    auto_min_score = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    rederive = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Derive the terms again from the prediction first."
    )
    suggested_none_of = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Negative terms rejected candidates suggest."
    )
    suggested_any_of = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Terms accepted candidates suggest adding."
    )
    stored = serializers.SerializerMethodField()
    # Null while the terms are derived but not stored yet (schemathesis: the schema must say so).
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = WatchTerms
        fields = [
            "prediction",
            "all_of",
            "any_of",
            "none_of",
            "outlets",
            "grace_days",
            "auto_rule",
            "auto_min_outlets",
            "auto_min_score",
            "edited",
            "suggested_none_of",
            "suggested_any_of",
            "updated_at",
            "stored",
            "rederive",
        ]
        read_only_fields = ["prediction", "edited", "suggested_none_of", "suggested_any_of", "updated_at", "stored"]

    def get_stored(self, obj) -> bool:
        return obj.pk is not None


class WatchTermsView(APIView):
    """What the watcher looks for on behalf of this prediction; editors change it (it is then never re-derived)."""

    serializer_class = WatchTermsSerializer

    def _prediction(self, request, pk):
        return get_object_or_404(visible_predictions(request.user), pk=pk)

    @extend_schema(responses={200: WatchTermsSerializer})
    def get(self, request, pk):
        terms = svc.watch_terms_preview(prediction=self._prediction(request, pk))
        return Response(WatchTermsSerializer(terms).data)

    @extend_schema(request=WatchTermsSerializer, responses={200: WatchTermsSerializer})
    def patch(self, request, pk):
        prediction = self._prediction(request, pk)
        serializer = WatchTermsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        rederive = changes.pop("rederive", False)
        terms = service_call(
            svc.watch_terms_update, prediction=prediction, changes=changes, editor=request.user, rederive=rederive
        )
        return Response(WatchTermsSerializer(terms).data)


class WatchSuggestionsSerializer(serializers.Serializer):
    none_of = TermListField(help_text="Suggested negative terms to add to none_of.")
    any_of = TermListField(help_text="Suggested terms to add to any_of.")


class WatchSuggestionsView(APIView):
    """Editors accept terms that decisions on candidates suggested (see the watch terms' suggested_* lists)."""

    serializer_class = WatchSuggestionsSerializer

    @extend_schema(request=WatchSuggestionsSerializer, responses={200: WatchTermsSerializer})
    def post(self, request, pk):
        prediction = get_object_or_404(visible_predictions(request.user), pk=pk)
        serializer = WatchSuggestionsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms = service_call(
            svc.watch_suggestions_accept,
            prediction=prediction,
            none_of=serializer.validated_data.get("none_of", []),
            any_of=serializer.validated_data.get("any_of", []),
            editor=request.user,
        )
        return Response(WatchTermsSerializer(terms).data)
