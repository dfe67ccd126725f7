"""Questions, reference points and head-to-head comparisons (issue 13).

* ``GET /api/v1/questions/`` (``?q=`` words of the statement, ``?outcome=``), ``GET /api/v1/questions/{key}/``
  (the contract's shape: predictions and references), ``POST /api/v1/questions/`` (editors).
* Editors: ``POST {key}/link/`` ``{prediction, question_polarity}``, ``POST {key}/unlink/`` ``{prediction}``,
  ``POST {key}/merge/`` ``{into}`` (this question into another), ``POST {key}/resolution/`` ``{outcome, note, ...}``
  and ``DELETE {key}/resolution/``, ``POST {key}/references/`` (one point or a list).
* ``GET /api/v1/questions/suggestions/?statement=`` likely existing questions for a statement.
* ``GET /api/v1/compare/?pundits=a,b``.

Views are thin: serializers check shapes, the services (``predictions.services.questions``) decide and raise
``ServiceError`` (400 with a message per field, nothing written).
"""

from __future__ import annotations

import re

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from predictions import selectors_skill
from predictions.api.permissions import EditorOnly, ReadOnlyOrEditor
from predictions.api.serializers import PunditRefSerializer, QuestionSuggestionSerializer
from predictions.models import URL_MAX, Outcome, Prediction, Pundit, Question, QuestionPolarity
from predictions.services import questions as svc

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,220}$")
BAD_INPUT = OpenApiResponse(description="Refused: {field: [reason]}; nothing was written.")
NOT_FOUND = OpenApiResponse(description="No question has this key.")


# --- shapes ----------------------------------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["key", "statement", "resolution_criteria", "resolve_by", "outcome", "resolved_at"]
        read_only_fields = ["outcome", "resolved_at"]
        extra_kwargs = {"key": {"validators": []}}  # the service says why a key is refused


class ReferenceSerializer(serializers.Serializer):
    source = serializers.CharField()
    probability = serializers.FloatField()
    at = serializers.DateTimeField()


class QuestionPredictionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pundit = PunditRefSerializer()
    statement = serializers.CharField()
    made_at = serializers.DateTimeField()
    probability = serializers.FloatField(help_text="The pundit's probability that their statement comes true.")
    question_polarity = serializers.ChoiceField(choices=QuestionPolarity.choices)
    question_probability = serializers.FloatField(help_text="The probability in the question's framing.")
    status = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    final = serializers.BooleanField(help_text="The pundit's final call, scored on a question resolved true/false.")
    brier = serializers.FloatField(allow_null=True)
    reference = serializers.FloatField(allow_null=True)
    relative_brier = serializers.FloatField(allow_null=True)
    peer_score = serializers.FloatField(allow_null=True)


class QuestionDetailSerializer(QuestionSerializer):
    predictions = QuestionPredictionSerializer(many=True)
    references = ReferenceSerializer(many=True)

    class Meta(QuestionSerializer.Meta):
        fields = QuestionSerializer.Meta.fields + ["predictions", "references"]


class LinkSerializer(serializers.Serializer):
    prediction = serializers.IntegerField(min_value=1, max_value=2**62)
    question_polarity = serializers.CharField(required=False, default=QuestionPolarity.SAME, max_length=40)


class UnlinkSerializer(serializers.Serializer):
    prediction = serializers.IntegerField(min_value=1, max_value=2**62)


class MergeSerializer(serializers.Serializer):
    into = serializers.CharField(max_length=300, help_text="The key of the question this one merges into.")


class QuestionResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=URL_MAX, default="")
    resolved_at = serializers.DateTimeField(required=False)


class QuestionUnresolveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ResolvedSerializer(serializers.Serializer):
    question = QuestionSerializer()
    changed = serializers.IntegerField(help_text="How many linked predictions changed outcome.")


class ReferenceReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class SuggestionQuerySerializer(serializers.Serializer):
    statement = serializers.CharField(max_length=5000)


class CompareQuerySerializer(serializers.Serializer):
    pundits = serializers.CharField(max_length=500, help_text="Two pundit slugs, comma-separated: a,b.")

    def validate_pundits(self, value: str) -> list[Pundit]:
        slugs = [s.strip() for s in value.split(",")]
        if len(slugs) != 2 or not all(slugs):
            raise serializers.ValidationError("Name exactly two pundits by slug: ?pundits=a,b.")
        if slugs[0] == slugs[1]:
            raise serializers.ValidationError("A pundit cannot be compared with themself.")
        found = {p.slug: p for p in Pundit.objects.filter(slug__in=[s for s in slugs if SLUG.match(s)])}
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise serializers.ValidationError(f"No pundit has the slug {', '.join(repr(s[:60]) for s in unknown)}.")
        return [found[s] for s in slugs]


class CompareQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    statement = serializers.CharField()
    outcome = serializers.CharField()
    a = serializers.FloatField(help_text="A's final call, as a probability in the question's framing.")
    b = serializers.FloatField()
    brier_a = serializers.FloatField()
    brier_b = serializers.FloatField()


class CompareSerializer(serializers.Serializer):
    a = PunditRefSerializer()
    b = PunditRefSerializer()
    n = serializers.IntegerField()
    brier_a = serializers.FloatField(allow_null=True)
    brier_b = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True, help_text="Mean of brier_a - brier_b per question.")
    difference_ci = serializers.ListField(
        child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True, help_text="Paired 95% interval."
    )
    questions = CompareQuestionSerializer(many=True)


# --- views -----------------------------------------------------------------------------------------------------------


class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Questions that several predictions answer; everyone reads, editors write."""

    queryset = Question.objects.all().order_by("key")
    serializer_class = QuestionSerializer
    permission_classes = [ReadOnlyOrEditor]
    lookup_field = "key"
    lookup_value_regex = "[A-Za-z0-9:._-]+"
    filter_backends: list = []

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            words = (self.request.query_params.get("q") or "").split()[:10]
            for word in words:
                qs = qs.filter(Q(statement__icontains=word) | Q(key__icontains=word))
            outcome = self.request.query_params.get("outcome")
            if outcome == "open":
                qs = qs.filter(outcome__isnull=True)
            elif outcome in Outcome.values:
                qs = qs.filter(outcome=outcome)
        return qs

    @extend_schema(responses={200: QuestionDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return Response(QuestionDetailSerializer(selectors_skill.question_detail(question=self.get_object())).data)

    @extend_schema(request=QuestionSerializer, responses={201: QuestionSerializer, 400: BAD_INPUT})
    def create(self, request):
        serializer = QuestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = svc.question_create(actor=request.user, **serializer.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    def _prediction(self, pk: int) -> Prediction:
        prediction = Prediction.objects.filter(pk=pk).first()
        if prediction is None:
            raise svc.ServiceError({"prediction": [f"No prediction has the id {pk}."]})
        return prediction

    @extend_schema(request=LinkSerializer, responses={200: QuestionDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def link(self, request, key=None):
        """Link a prediction to this question, as its statement (same) or its negation (opposite)."""
        question = self.get_object()
        serializer = LinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        svc.question_link(
            prediction=self._prediction(data["prediction"]),
            question=question,
            polarity=data["question_polarity"],
            actor=request.user,
        )
        return Response(QuestionDetailSerializer(selectors_skill.question_detail(question=question)).data)

    @extend_schema(request=UnlinkSerializer, responses={200: QuestionDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def unlink(self, request, key=None):
        question = self.get_object()
        serializer = UnlinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        prediction = self._prediction(serializer.validated_data["prediction"])
        if prediction.question_id != question.pk:
            raise svc.ServiceError({"prediction": [f"Prediction {prediction.pk} is not linked to {question.key}."]})
        svc.question_unlink(prediction=prediction, actor=request.user)
        return Response(QuestionDetailSerializer(selectors_skill.question_detail(question=question)).data)

    @extend_schema(request=MergeSerializer, responses={200: QuestionDetailSerializer, 400: BAD_INPUT, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def merge(self, request, key=None):
        """Merge this question into ``into``: predictions and references move there; this question goes."""
        source = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = svc.question_get(key=serializer.validated_data["into"])
        target = svc.question_merge(source=source, target=target, actor=request.user)
        return Response(QuestionDetailSerializer(selectors_skill.question_detail(question=target)).data)

    @extend_schema(
        methods=["POST"],
        request=QuestionResolveSerializer,
        responses={200: ResolvedSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["DELETE"],
        request=QuestionUnresolveSerializer,
        responses={200: ResolvedSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[EditorOnly])
    def resolution(self, request, key=None):
        """Resolve the question (every linked prediction follows, flipped for opposite) or, with DELETE, reopen it."""
        question = self.get_object()
        if request.method == "DELETE":
            serializer = QuestionUnresolveSerializer(data=request.data or {})
            serializer.is_valid(raise_exception=True)
            changed = svc.question_unresolve(question=question, actor=request.user, **serializer.validated_data)
        else:
            serializer = QuestionResolveSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            changed = svc.question_resolve(question=question, actor=request.user, **serializer.validated_data)
        question.refresh_from_db()
        return Response({"question": QuestionSerializer(question).data, "changed": changed})

    @extend_schema(
        request=ReferenceSerializer(many=True),
        responses={201: ReferenceReportSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def references(self, request, key=None):
        """Add reference points: one ``{source, probability, at}`` (``question`` may repeat the key) or a list."""
        question = self.get_object()
        points = request.data if isinstance(request.data, list) else [request.data]
        for point in points:
            if isinstance(point, dict) and point.get("question") not in (None, question.key):
                raise svc.ServiceError({"question": [f"This point names {str(point['question'])[:60]!r}, not {key}."]})
        points = [{k: v for k, v in p.items() if k != "question"} if isinstance(p, dict) else p for p in points]
        report = svc.references_add(question=question, points=points, actor=request.user)
        return Response({"created": report.created, "unchanged": report.unchanged}, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[SuggestionQuerySerializer],
        responses={200: QuestionSuggestionSerializer(many=True), 400: BAD_INPUT},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def suggestions(self, request):
        """Existing questions a prediction with this statement likely answers, best first (at most 5)."""
        query = SuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(svc.question_suggestions(statement=query.validated_data["statement"]))


class CompareView(GenericAPIView):
    """Head to head: two pundits' final calls on the questions both answered that resolved true or false."""

    filter_backends: list = []
    pagination_class = None
    serializer_class = CompareSerializer

    def get_queryset(self):  # the schema generator asks
        return Pundit.objects.none()

    @extend_schema(parameters=[CompareQuerySerializer], responses={200: CompareSerializer, 400: BAD_INPUT})
    def get(self, request):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        a, b = query.validated_data["pundits"]
        return Response(selectors_skill.compare(a=a, b=b))
