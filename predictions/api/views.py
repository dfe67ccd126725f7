"""The ledger's endpoints: pundits, predictions, evidence, resolutions, and the health check."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from predictions import readcache
from predictions.api.filters import PredictionFilter
from predictions.api.integrity_views import WithdrawSerializer
from predictions.api.permissions import EditorOnly
from predictions.api.serializers import (
    EvidenceSerializer,
    PredictionCreatedSerializer,
    PredictionDetailSerializer,
    PredictionPatchSerializer,
    PredictionSerializer,
    PredictionWriteSerializer,
    PunditSerializer,
    ResolutionSerializer,
    ResolveSerializer,
    UnresolveSerializer,
)
from predictions.models import Prediction, Pundit, Status
from predictions.roles import role_of
from predictions.services import predictions as svc
from predictions.services.pundits import pundit_create
from predictions.services.questions import question_suggestions


def service_call(fn, **kwargs):
    """Run a service; its refusals become 400 with a message per field."""
    try:
        return fn(**kwargs)
    except svc.ServiceError as exc:
        raise ValidationError(exc.errors) from exc


class PunditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Pundits: everyone reads; editors add."""

    queryset = Pundit.objects.all()
    serializer_class = PunditSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def perform_create(self, serializer):
        serializer.instance = service_call(pundit_create, **serializer.validated_data)


def visible_predictions(user):
    """Published, resolved and withdrawn predictions for everyone; drafts only to the editor who wrote them
    (and to admins)."""
    qs = Prediction.objects.all()
    role = role_of(user)
    if role == "admin":
        return qs
    # "Not a draft" rather than "status IN (...)": databases then walk the newest-first index and stop early.
    public = ~Q(status=Status.DRAFT)
    if role == "editor":
        return qs.filter(public | Q(created_by=user))
    return qs.filter(public)


class PredictionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Predictions: everyone reads what is public; editors create, correct, publish, resolve. Nothing is deleted."""

    filterset_class = PredictionFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = (
            visible_predictions(self.request.user)
            .select_related("pundit", "article", "question")
            .prefetch_related("tags", "evidence")
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related("resolutions__resolved_by", "revisions__editor")
        return qs.order_by("-made_at", "-id")

    def list(self, request, *args, **kwargs):
        """The list; for anonymous users and API consumers, a 200 answer is kept under the version of the public
        record and the whole request (predictions.readcache), so a repeated list or search costs about /healthz."""
        if not readcache.seconds() or role_of(request.user) not in ("anon", "consumer"):
            return super().list(request, *args, **kwargs)
        key = readcache.key_for("api-predictions", request, request.accepted_renderer.format)
        data = readcache.get(key)
        if data is not None:
            return Response(data)
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            readcache.put(key, response.data)
        return response

    def get_serializer_class(self):
        if self.action == "create":
            return PredictionWriteSerializer
        if self.action == "partial_update":
            return PredictionPatchSerializer
        return PredictionDetailSerializer if self.action == "retrieve" else PredictionSerializer

    @extend_schema(request=PredictionWriteSerializer, responses={201: PredictionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PredictionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        prediction = service_call(svc.prediction_create, **data, created_by=request.user)
        body = PredictionDetailSerializer(self._reload(prediction)).data
        # Likely existing questions, for the editor to link (issue 13).
        body["suggested_questions"] = (
            [] if prediction.question_id else question_suggestions(statement=prediction.statement)
        )
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):  # PUT is not offered
        raise ValidationError({"detail": ["Use PATCH."]})

    @extend_schema(request=PredictionPatchSerializer, responses={200: PredictionDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        prediction = self.get_object()
        serializer = PredictionPatchSerializer(instance=prediction, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("revision_reason", "")
        prediction = service_call(
            svc.prediction_update, prediction=prediction, changes=data, editor=request.user, reason=reason
        )
        return Response(PredictionDetailSerializer(self._reload(prediction)).data)

    def _reload(self, prediction):
        return (
            Prediction.objects.select_related("pundit", "article", "question")
            .prefetch_related("tags", "evidence", "resolutions", "revisions")
            .get(pk=prediction.pk)
        )

    @extend_schema(
        summary="Publish a draft (editors).",
        description="Makes a draft public and appends a publication entry to the hash-chained ledger. Publishing "
        "needs `resolution_criteria`; from then on the statement, quote, probability, made_at and criteria change "
        "only as public revisions (PATCH with `revision_reason`).",
        request=None,
        responses={200: PredictionDetailSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def publish(self, request, pk=None):
        prediction = service_call(svc.prediction_publish, prediction=self.get_object(), actor=request.user)
        return Response(PredictionDetailSerializer(self._reload(prediction)).data)

    @extend_schema(request=WithdrawSerializer, responses={200: PredictionDetailSerializer})
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def withdraw(self, request, pk=None):
        """Withdraw a published prediction: it stays public, marked withdrawn with the reason (never deleted)."""
        prediction = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        prediction = service_call(
            svc.prediction_withdraw, prediction=prediction, editor=request.user, **serializer.validated_data
        )
        return Response(PredictionDetailSerializer(self._reload(prediction)).data)

    @extend_schema(
        summary="Add an evidence link (editors).",
        description="Attaches a source to the prediction: `url` and/or `title` (one of them is required), `outlet`, "
        "`authors`, `published_at` and `stance` (context by default). Answers the stored link.",
        request=EvidenceSerializer,
        responses={201: EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[EditorOnly])
    def evidence(self, request, pk=None):
        prediction = self.get_object()
        serializer = EvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = service_call(
            svc.evidence_add, prediction=prediction, added_by=request.user, **serializer.validated_data
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"],
        summary="Resolve (editors).",
        description="Records the outcome (`true`, `false`, `ambiguous` or `annulled`) with an optional `note`, "
        "`evidence_url` and `resolved_at` (not before made_at, not in the future). Changing a resolved prediction's "
        "outcome needs its reason in `note`. Every resolution is appended to the prediction's history and the "
        "ledger; track records are updated.",
        request=ResolveSerializer,
        responses={201: ResolutionSerializer},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Unresolve (editors).",
        description="Returns a resolved prediction to open, with an optional `note`; the earlier resolution stays in "
        "the history and the ledger, and an entry without an outcome is added.",
        request=UnresolveSerializer,
        responses={200: ResolutionSerializer},
    )
    @action(detail=True, methods=["post", "delete"], permission_classes=[EditorOnly])
    def resolution(self, request, pk=None):
        prediction = self.get_object()
        if request.method == "DELETE":
            serializer = UnresolveSerializer(data=request.data or {})
            serializer.is_valid(raise_exception=True)
            entry = service_call(
                svc.prediction_unresolve, prediction=prediction, resolved_by=request.user, **serializer.validated_data
            )
            return Response(ResolutionSerializer(entry).data)
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = service_call(
            svc.prediction_resolve, prediction=prediction, resolved_by=request.user, **serializer.validated_data
        )
        return Response(ResolutionSerializer(entry).data, status=status.HTTP_201_CREATED)
