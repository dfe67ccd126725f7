"""The public ledger (GET /api/v1/ledger/) and the withdrawal request's shape.

Each entry carries what its hash covers, so anyone can recompute the chain from this endpoint alone:
hash = SHA-256 of the canonical JSON (sorted keys, separators "," and ":", UTF-8, non-ASCII kept) of
{"seq", "kind", "prediction", "payload", "prev_hash", "created_at"}, with created_at exactly as given here;
the first entry's prev_hash is 64 zeros. scripts/verify_ledger_api.py does it with the standard library only.
"""

from __future__ import annotations

from datetime import UTC

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from predictions.api.choices import ChoiceFilter
from predictions.models import LedgerEntry

KINDS = ["publication", "revision", "resolution", "withdrawal"]


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Why it is withdrawn; shown publicly.")


class LedgerEntrySerializer(serializers.ModelSerializer):
    created_at = serializers.SerializerMethodField(
        help_text="The UTC time as hashed: Python's datetime.isoformat() (e.g. 2026-01-01T12:00:00.123456+00:00)."
    )
    payload = serializers.JSONField(help_text="What the entry records (the prediction, resolution or revision).")

    class Meta:
        model = LedgerEntry
        fields = ["seq", "kind", "prediction", "payload", "prev_hash", "hash", "created_at"]
        read_only_fields = fields

    def get_created_at(self, obj) -> str:
        return obj.created_at.astimezone(UTC).isoformat()


BIGINT_MAX = 2**63 - 1


class LedgerFilter(django_filters.FilterSet):
    # Whole numbers within the database's range: anything else is a 400, never an overflow in the database.
    after = django_filters.NumberFilter(
        field_name="seq",
        lookup_expr="gt",
        min_value=0,
        max_value=BIGINT_MAX,
        decimal_places=0,
        help_text="Only entries after this seq (to fetch what is new).",
    )
    prediction = django_filters.NumberFilter(
        field_name="prediction_id",
        min_value=1,
        max_value=BIGINT_MAX,
        decimal_places=0,
        help_text="Only entries about this prediction id.",
    )
    kind = ChoiceFilter(choices=[(k, k) for k in KINDS])

    class Meta:
        model = LedgerEntry
        fields = ["after", "prediction", "kind"]


@extend_schema_view(
    list=extend_schema(summary="The public hash-chained ledger, oldest entry first."),
    retrieve=extend_schema(summary="One ledger entry by its seq."),
)
class LedgerViewSet(viewsets.ReadOnlyModelViewSet):
    """Every publication, revision, resolution and withdrawal, in order, each hash-chained to the one before."""

    queryset = LedgerEntry.objects.order_by("seq")
    serializer_class = LedgerEntrySerializer
    permission_classes = [AllowAny]
    filterset_class = LedgerFilter
    lookup_field = "seq"
    lookup_value_regex = "[0-9]+"
