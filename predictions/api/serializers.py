"""API shapes. A prediction carries every field of the import format plus id, status, logged_at and
pundit as {slug, name}; requests name the pundit by slug."""

from __future__ import annotations

import math
from datetime import UTC

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from predictions import limits
from predictions.api.choices import ChoiceField
from predictions.confidence import probability_for_phrase
from predictions.models import (
    URL_MAX,
    Evidence,
    Outcome,
    Prediction,
    ProbabilitySource,
    Pundit,
    Question,
    QuestionPolarity,
    Resolution,
    Revision,
    Stance,
    Status,
)


class PunditRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pundit
        fields = ["slug", "name"]


class PunditSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(max_length=220, required=False)
    confirm_similar = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="Create the pundit even though its name reads the same as an existing pundit's "
        "(a different person with the same name).",
    )

    class Meta:
        model = Pundit
        fields = ["slug", "name", "bio", "links", "created_at", "confirm_similar"]
        read_only_fields = ["created_at"]

    def validate_links(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise serializers.ValidationError("A list of URLs is required.")
        url = serializers.URLField(max_length=URL_MAX)
        return [url.run_validation(v) for v in value]

    def validate_slug(self, value):
        if Pundit.objects.filter(slug=value).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError("A pundit with this slug exists.")
        return value


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=URL_MAX, required=False, allow_blank=True)
    authors = serializers.CharField(max_length=500, required=False, allow_blank=True)
    stance = ChoiceField(choices=Stance.choices, default=Stance.CONTEXT)

    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "outlet", "authors", "published_at", "stance", "added_at"]
        read_only_fields = ["id", "added_at"]

    def validate(self, attrs):
        if not attrs.get("url") and not attrs.get("title"):
            raise serializers.ValidationError({"url": ["Evidence needs a url or a title."]})
        return attrs


class ResolutionSerializer(serializers.ModelSerializer):
    resolved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Resolution
        fields = ["id", "outcome", "note", "evidence_url", "resolved_at", "created_at", "resolved_by", "automatic"]


class ResolveSerializer(serializers.Serializer):
    outcome = ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=URL_MAX, default="")
    resolved_at = serializers.DateTimeField(required=False)


class UnresolveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class PredictionSerializer(serializers.ModelSerializer):
    """Read shape (list and detail)."""

    pundit = PunditRefSerializer(read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    due = serializers.SerializerMethodField()
    hindsight_prone = serializers.BooleanField(
        read_only=True,
        help_text="First recorded after its deadline or its outcome, its article not marked fully logged: left out "
        "of rankings unless include_late=true.",
    )
    question = serializers.SlugRelatedField(
        slug_field="key", read_only=True, allow_null=True, help_text="The question's key, if any."
    )

    class Meta:
        model = Prediction
        fields = [
            "id",
            "external_id",
            "pundit",
            "statement",
            "quote",
            "made_at",
            "logged_at",
            "recorded_at",
            "resolve_by",
            "probability",
            "probability_source",
            "confidence_phrase",
            "resolution_criteria",
            "rationale",
            "tags",
            "evidence",
            "status",
            "outcome",
            "resolved_at",
            "due",
            "late_logged",
            "hindsight_prone",
            "question",
            "question_polarity",
        ]
        read_only_fields = fields

    def get_due(self, obj) -> bool:
        return obj.due_since is not None and obj.outcome is None


class RevisionSerializer(serializers.ModelSerializer):
    """A public correction: each changed field with its value before (the original) and after, why, by whom."""

    editor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Revision
        fields = ["id", "changes", "reason", "editor", "created_at"]
        read_only_fields = fields


class WithdrawalSerializer(serializers.Serializer):
    reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField()
    ledger_seq = serializers.IntegerField()


class PredictionDetailSerializer(PredictionSerializer):
    resolutions = ResolutionSerializer(many=True, read_only=True)
    revisions = RevisionSerializer(many=True, read_only=True)
    withdrawal = serializers.SerializerMethodField()

    class Meta(PredictionSerializer.Meta):
        fields = PredictionSerializer.Meta.fields + ["resolutions", "revisions", "withdrawal"]
        read_only_fields = fields

    @extend_schema_field(WithdrawalSerializer(allow_null=True))
    def get_withdrawal(self, obj) -> dict | None:
        """Why and when a withdrawn prediction was withdrawn (from its ledger entry); null otherwise."""
        if obj.status != Status.WITHDRAWN:
            return None
        entry = obj.ledger_entries.filter(kind="withdrawal").order_by("-seq").first()
        if entry is None:
            return None
        return {"reason": entry.payload.get("reason", ""), "withdrawn_at": entry.created_at, "ledger_seq": entry.seq}


class QuestionSuggestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    statement = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    score = serializers.FloatField(help_text="Word overlap with the prediction's statement, 0 to 1.")


class PredictionCreatedSerializer(PredictionDetailSerializer):
    """The answer to a create: the prediction, and existing questions it may answer (when it names none)."""

    suggested_questions = QuestionSuggestionSerializer(many=True, read_only=True)

    class Meta(PredictionDetailSerializer.Meta):
        fields = PredictionDetailSerializer.Meta.fields + ["suggested_questions"]
        read_only_fields = fields


class ProbabilityField(serializers.FloatField):
    """A number in [0, 1]; JSON true/false are not numbers (float(True) would pass as 1.0)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class PunditSlugField(serializers.SlugRelatedField):
    """A pundit named by slug; a value no slug can be (not a string, NUL, over 220 characters) is refused before
    it reaches the database (PostgreSQL raises on a NUL in a query parameter)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 220:
            self.fail("invalid")
        return super().to_internal_value(data)


class PredictionWriteSerializer(serializers.Serializer):
    """Create (editors): the import format's fields less outcome; pundit by slug."""

    pundit = PunditSlugField(slug_field="slug", queryset=Pundit.objects.all())
    statement = serializers.CharField(max_length=5000, trim_whitespace=True)
    quote = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    made_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the source itself recorded it, if earlier than now."
    )
    resolve_by = serializers.DateField()
    probability = ProbabilityField(required=False, allow_null=True, min_value=0.0, max_value=1.0)
    probability_source = ChoiceField(choices=ProbabilitySource.choices, required=False)
    confidence_phrase = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=100, default=""
    )
    resolution_criteria = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=50
    )
    external_id = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)
    evidence = EvidenceSerializer(many=True, required=False, default=list, max_length=limits.EVIDENCE_MAX)
    status = ChoiceField(
        choices=[(Status.DRAFT, "Draft"), (Status.PUBLISHED, "Published")], required=False, default=Status.DRAFT
    )
    question = serializers.SlugRelatedField(
        slug_field="key", queryset=Question.objects.all(), required=False, allow_null=True, help_text="A question key."
    )
    question_polarity = serializers.ChoiceField(
        choices=QuestionPolarity.choices, required=False, default=QuestionPolarity.SAME
    )

    def validate_probability(self, value):
        if value is not None and not math.isfinite(value):
            raise serializers.ValidationError("A finite number in [0, 1] is required.")
        return value

    def validate_confidence_phrase(self, value):
        return value or ""  # null means "no phrase": the column holds "" for that

    def validate_external_id(self, value):
        if (
            value
            and Prediction.objects.filter(external_id=value).exclude(pk=getattr(self.instance, "pk", None)).exists()
        ):
            raise serializers.ValidationError("A prediction with this external_id exists.")
        return value or None

    def validate(self, attrs):
        made_at, resolve_by = attrs.get("made_at"), attrs.get("resolve_by")
        if self.instance is not None:
            made_at = made_at or self.instance.made_at
            resolve_by = resolve_by or self.instance.resolve_by
        if made_at and resolve_by and resolve_by < made_at.astimezone(UTC).date():
            raise serializers.ValidationError({"resolve_by": ["Must not be before the date of made_at."]})
        if self.instance is None or "probability" in attrs or "confidence_phrase" in attrs:
            if attrs.get("probability") is None:
                phrase = attrs.get("confidence_phrase") or ""
                inferred = probability_for_phrase(phrase)
                if inferred is None and (self.instance is None or "probability" in attrs):
                    raise serializers.ValidationError(
                        {"probability": ["A probability in [0, 1] is required, or a confidence_phrase from the table."]}
                    )
                if inferred is not None:
                    attrs["probability"] = inferred
                    attrs["probability_source"] = ProbabilitySource.INFERRED
            else:
                attrs.setdefault("probability_source", ProbabilitySource.STATED)
        return attrs


class PredictionPatchSerializer(PredictionWriteSerializer):
    pundit = PunditSlugField(slug_field="slug", queryset=Pundit.objects.all(), required=False)
    statement = serializers.CharField(max_length=5000, required=False)
    made_at = serializers.DateTimeField(required=False)
    recorded_at = None
    resolve_by = serializers.DateField(required=False)
    evidence = None
    status = None
    question = None  # links change through /api/v1/questions/{key}/link/ and /unlink/
    question_polarity = None
    revision_reason = serializers.CharField(
        required=False,
        max_length=5000,
        help_text="Required to correct a published prediction's statement, "
        "quote, probability, made_at, resolve_by or resolution criteria: the change becomes a public revision.",
    )
