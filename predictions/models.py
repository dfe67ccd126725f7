"""The domain: pundits, their predictions, evidence and resolutions; the news watch; the ledger; stored scores.

What must never happen is enforced by the database (CheckConstraint / UniqueConstraint), not only by forms.
Writes go through predictions.services, reads through predictions.selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

URL_MAX = 2000


class UTCDate(models.Func):
    """The UTC calendar date of a datetime column, usable in a CheckConstraint on SQLite and PostgreSQL."""

    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL and others
        return super().as_sql(compiler, connection, template="((%(expressions)s) AT TIME ZONE 'UTC')::date", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="date(%(expressions)s)", **extra)


class Pundit(models.Model):
    """A person or an outlet's editor whose predictions are tracked. Names need not be unique; slugs are."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    bio = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True, help_text="URLs: homepage, column, social profiles.")
    # Set (if unset) in the same transaction as every write that changes the pundit's track record, cleared by the
    # recomputation that holds the pundit's row lock: a pundit whose mark is older than a minute or two lost its
    # scoring message, and the reconciliation beat recomputes it (predictions.services.scores).
    scores_stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """Where predictions were made: a column, a blog post, an interview."""

    url = models.URLField(max_length=URL_MAX, blank=True)
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    pundit = models.ForeignKey(Pundit, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    fully_logged = models.BooleanField(
        default=False,
        help_text="Every prediction in this article was logged, so none was picked after the fact: its late-logged "
        "predictions count in the rankings.",
    )
    # SHA-256 of the imported text (whitespace collapsed, case folded): a re-import of the same editorial is found
    # by it even without a URL (services/article_import.py). Blank for articles not made by the article import.
    text_sha256 = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Outcome(models.TextChoices):
    TRUE = "true", "True"
    FALSE = "false", "False"
    AMBIGUOUS = "ambiguous", "Ambiguous"
    ANNULLED = "annulled", "Annulled"


SCORED_OUTCOMES = (Outcome.TRUE, Outcome.FALSE)


class ProbabilitySource(models.TextChoices):
    STATED = "stated", "Stated by the pundit"
    INFERRED = "inferred", "Inferred from a confidence phrase"
    EDITOR = "editor", "Set by an editor"


class QuestionPolarity(models.TextChoices):
    SAME = "same", "States the question"
    OPPOSITE = "opposite", "States its negation"


class PredictionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=[Status.PUBLISHED, Status.RESOLVED, Status.WITHDRAWN])

    def open(self):
        return self.filter(status=Status.PUBLISHED, outcome__isnull=True)

    def due(self, *, today=None):
        today = today or timezone.now().date()
        return self.open().filter(resolve_by__lt=today).order_by("resolve_by", "id")


class Prediction(models.Model):
    """A resolvable proposition with the pundit's probability that it comes true.

    `outcome` and `resolved_at` mirror the newest Resolution entry (the history is append-only)."""

    pundit = models.ForeignKey(Pundit, on_delete=models.PROTECT, related_name="predictions")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="predictions")
    external_id = models.CharField(max_length=255, null=True, blank=True)
    statement = models.TextField(help_text="The prediction as a resolvable proposition.")
    quote = models.TextField(blank=True, help_text="The pundit's own words, verbatim.")
    made_at = models.DateTimeField(help_text="When the pundit made the prediction.")
    logged_at = models.DateTimeField(default=timezone.now, editable=False, help_text="When Reckoner logged it.")
    recorded_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the source itself recorded it (e.g. the original platform's timestamp), if known.",
    )
    resolve_by = models.DateField(help_text="The date by which the statement is judged.")
    probability = models.FloatField(help_text="The pundit's probability, in [0, 1], that the statement comes true.")
    probability_source = models.CharField(
        max_length=10, choices=ProbabilitySource.choices, default=ProbabilitySource.STATED
    )
    confidence_phrase = models.CharField(max_length=100, blank=True)
    resolution_criteria = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="predictions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    due_since = models.DateField(null=True, blank=True, help_text="Set by the deadline job when resolve_by passed.")
    late_logged = models.BooleanField(
        default=False, help_text="Logged long after it was made (hindsight risk): flagged and optionally unscored."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Questions and skill (issue 13): the question this prediction answers, and whether it states it or its negation.
    question = models.ForeignKey(
        "Question", null=True, blank=True, on_delete=models.PROTECT, related_name="predictions"
    )
    question_polarity = models.CharField(max_length=8, choices=QuestionPolarity.choices, default="same")

    objects = PredictionQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0.0) & Q(probability__lte=1.0), name="prediction_probability_0_1"
            ),
            models.CheckConstraint(
                condition=Q(resolve_by__gte=UTCDate(F("made_at"))), name="prediction_resolve_by_after_made_at"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="prediction_status_valid"),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome__in=Outcome.values), name="prediction_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RESOLVED) | Q(outcome__isnull=False), name="prediction_resolved_has_outcome"
            ),
            models.UniqueConstraint(fields=["external_id"], name="prediction_external_id_unique"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("made_at")),
                name="prediction_resolved_not_before_made",
                violation_error_message="The outcome cannot be known before the prediction was made.",
            ),
            models.CheckConstraint(
                condition=Q(question_polarity__in=QuestionPolarity.values), name="prediction_question_polarity_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["pundit", "status"]),
            models.Index(
                fields=["resolve_by"],
                condition=Q(status="published", outcome__isnull=True),
                name="prediction_open_due_idx",
            ),
            models.Index(fields=["status", "-made_at"]),
            # Lists show the newest first: a scan of this index stops after one page (bench/list_latency.py).
            models.Index(fields=["-made_at", "-id"], name="prediction_newest_idx"),
            models.Index(fields=["outcome"], name="prediction_outcome_idx"),
            # The API's ?ordering= (both ways: an index serves either direction) and its date filters.
            models.Index(fields=["resolve_by", "id"], name="prediction_resolve_by_idx"),
            models.Index(fields=["resolved_at", "id"], name="prediction_resolved_at_idx"),
            models.Index(fields=["probability", "id"], name="prediction_probability_idx"),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    @property
    def hindsight_prone(self) -> bool:
        """Logged after its deadline or its outcome, with no older record (see predictions.hindsight)."""
        from predictions.hindsight import is_hindsight_prone

        return is_hindsight_prone(
            recorded_at=self.recorded_at,
            logged_at=self.logged_at,
            resolve_by=self.resolve_by,
            resolved_at=self.resolved_at,
            fully_logged=bool(self.article_id and self.article.fully_logged),
        )


class DuePrediction(Prediction):
    """The editors' "due" list in the admin: published, past resolve_by, unresolved; oldest first."""

    class Meta:
        proxy = True
        verbose_name = "due prediction"
        verbose_name_plural = "due predictions"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


class Evidence(models.Model):
    prediction = models.ForeignKey(Prediction, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=URL_MAX, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    authors = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.CONTEXT)
    news_item = models.ForeignKey("NewsItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["published_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [models.CheckConstraint(condition=Q(stance__in=Stance.values), name="evidence_stance_valid")]

    def __str__(self) -> str:
        return self.title or self.url


class Resolution(models.Model):
    """One entry of a prediction's append-only resolution history; the newest counts.

    outcome NULL records an unresolution ("back to open"); nothing is ever deleted or edited."""

    prediction = models.ForeignKey(Prediction, on_delete=models.PROTECT, related_name="resolutions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, null=True, blank=True)
    note = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=URL_MAX, blank=True)
    resolved_at = models.DateTimeField(default=timezone.now, help_text="When the outcome became known.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(default=False, help_text="Made by an auto-resolution rule, not by hand.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome__in=Outcome.values), name="resolution_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prediction_id}: {self.outcome or 'unresolved'}"


class DefaultFiguresManager(models.Manager):
    """PunditScore rows of the default figures: those without the hindsight-prone predictions (with_late False)."""

    def get_queryset(self):
        return super().get_queryset().filter(with_late=False)


class PunditScore(models.Model):
    """Stored sufficient statistics of a pundit's track record (tag NULL = all tags), kept by the scoring task.

    Reads of track records and leaderboards use these rows and never scan predictions. Each record is stored twice:
    ``with_late=False`` leaves out the hindsight-prone predictions (the default everywhere: ``PunditScore.objects``
    reads only these rows), ``with_late=True`` counts every prediction (``PunditScore.every_row`` reads both)."""

    pundit = models.ForeignKey(Pundit, on_delete=models.CASCADE, related_name="scores")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    with_late = models.BooleanField(
        default=False,
        help_text="False: the default figures, without hindsight-prone predictions; True: every prediction counts.",
    )
    left_out_late = models.PositiveIntegerField(default=0, help_text="Hindsight-prone predictions left out.")
    total = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    n_true = models.PositiveIntegerField(default=0)
    n_false = models.PositiveIntegerField(default=0)
    ambiguous = models.PositiveIntegerField(default=0)
    annulled = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    brier = models.FloatField(null=True, blank=True)
    adjusted_brier = models.FloatField(null=True, blank=True)
    log_score = models.FloatField(null=True, blank=True)
    stats = models.JSONField(default=dict, help_text="scoring.ScoreStats as a dict (sums and calibration bins).")
    updated_at = models.DateTimeField(auto_now=True)

    objects = DefaultFiguresManager()
    every_row = models.Manager()  # noqa: DJ012  (a second manager, not a field)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pundit", "with_late"], condition=Q(tag__isnull=True), name="punditscore_one_overall"
            ),
            models.UniqueConstraint(
                fields=["pundit", "tag", "with_late"], condition=Q(tag__isnull=False), name="punditscore_one_per_tag"
            ),
        ]
        indexes = [
            models.Index(fields=["tag", "with_late", "brier"], name="punditscore_tag_brier"),
            models.Index(fields=["tag", "with_late", "adjusted_brier"], name="punditscore_tag_adjusted"),
            # The home page's cache version: the newest row (predictions.web.views.home_version).
            models.Index(fields=["updated_at"], name="punditscore_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pundit_id}/{self.tag_id or 'all'}: n={self.resolved} brier={self.brier}"


# --- Questions and skill (issue 13; services in predictions.services.questions and .skill) ---

QUESTION_KEY_RE = r"^[A-Za-z0-9:._-]{1,200}$"


class Question(models.Model):
    """A proposition that several predictions answer (two columnists on one election, a pundit and a market).

    Every linked prediction shares its outcome (flipped for the opposite polarity): services.questions keeps it so."""

    key = models.CharField(max_length=200, unique=True, help_text="Letters, digits and :._- (up to 200).")
    statement = models.TextField()
    resolution_criteria = models.TextField(blank=True)
    resolve_by = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="question_key_not_empty"),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome__in=Outcome.values), name="question_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ReferencePoint(models.Model):
    """A reference forecast on a question: a market's price, a crowd's forecast, a base rate, at a time."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="references")
    source = models.CharField(max_length=100, help_text="market:polymarket, crowd:metaculus, base-rate, ...")
    probability = models.FloatField()
    at = models.DateTimeField(help_text="When the reference held this probability.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0.0) & Q(probability__lte=1.0), name="reference_probability_0_1"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="reference_source_not_empty"),
            models.UniqueConstraint(fields=["question", "source", "at"], name="reference_once_per_source_time"),
        ]
        indexes = [models.Index(fields=["question", "at"])]

    def __str__(self) -> str:
        return f"{self.question_id} {self.source} {self.probability} @ {self.at:%Y-%m-%d}"


class CallScore(models.Model):
    """A pundit's final call on a question resolved true or false, scored (kept by services.skill).

    ``probability`` is in the question's framing; ``relative`` is null without a reference, ``peer`` with fewer than
    two pundits on the question. Only final calls have a row."""

    prediction = models.OneToOneField(Prediction, primary_key=True, on_delete=models.CASCADE, related_name="+")
    pundit = models.ForeignKey(Pundit, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    made_at = models.DateTimeField()
    probability = models.FloatField()
    outcome = models.PositiveSmallIntegerField(help_text="1 if the question came true, 0 if false.")
    reference = models.FloatField(null=True, blank=True)
    relative = models.FloatField(null=True, blank=True)
    peer = models.FloatField(null=True, blank=True)
    late = models.BooleanField(default=False, help_text="The prediction is hindsight-prone.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pundit", "question"], name="callscore_one_per_pundit_question"),
            models.CheckConstraint(condition=Q(outcome__in=[0, 1]), name="callscore_outcome_0_1"),
        ]
        indexes = [models.Index(fields=["question"])]

    def __str__(self) -> str:
        return f"{self.prediction_id} on {self.question_id}: relative={self.relative} peer={self.peer}"


class SkillScope(models.TextChoices):
    ALL = "all", "Every final call"
    TIMELY = "timely", "Hindsight-prone calls left out"


class PunditSkill(models.Model):
    """A pundit's stored skill figures (sums of their CallScore rows), per scope, overall (tag NULL) and per tag of
    the final call's prediction; reads never scan calls."""

    pundit = models.ForeignKey(Pundit, on_delete=models.CASCADE, related_name="skill")
    scope = models.CharField(max_length=10, choices=SkillScope.choices)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    relative_n = models.PositiveIntegerField(default=0)
    relative_sum = models.FloatField(default=0.0)
    relative_sum_sq = models.FloatField(default=0.0)
    relative_brier = models.FloatField(null=True, blank=True)
    peer_n = models.PositiveIntegerField(default=0)
    peer_sum = models.FloatField(default=0.0)
    peer_sum_sq = models.FloatField(default=0.0)
    peer_score = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pundit", "scope"], condition=Q(tag__isnull=True), name="punditskill_one_overall"
            ),
            models.UniqueConstraint(
                fields=["pundit", "scope", "tag"], condition=Q(tag__isnull=False), name="punditskill_one_per_tag"
            ),
            models.CheckConstraint(condition=Q(scope__in=SkillScope.values), name="punditskill_scope_valid"),
        ]
        indexes = [
            models.Index(fields=["scope", "tag", "relative_brier"], name="punditskill_relative_idx"),
            models.Index(fields=["scope", "tag", "-peer_score"], name="punditskill_peer_idx"),
        ]

    def __str__(self) -> str:
        where = f"{self.pundit_id}/{self.scope}/{self.tag_id or 'all'}"
        return f"{where}: relative={self.relative_brier} peer={self.peer_score}"


# --- The news watch ---


class Feed(models.Model):
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=URL_MAX, unique=True)
    outlet = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    poll_interval = models.PositiveIntegerField(default=900, help_text="Seconds between polls.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    failure_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    polling_started_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while a poll holds the feed (a lease: one poll per feed at a time)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["next_poll_at"], condition=Q(active=True), name="feed_active_next_poll_idx")]

    def __str__(self) -> str:
        return self.name


class NewsItem(models.Model):
    """A feed entry, stored once per (feed, guid) and once per canonical URL across feeds."""

    # No index of its own: the unique (feed, guid) index starts with the feed and serves every lookup by feed (and
    # the cascade); one index fewer to write for each item stored and each item marked matched (bench/poll_cycle.py).
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items", db_index=False)
    guid = models.CharField(max_length=1000)
    url = models.URLField(max_length=URL_MAX, blank=True)
    canonical_url = models.CharField(max_length=URL_MAX, blank=True)
    canonical_url_hash = models.CharField(max_length=64, null=True, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    summary = models.TextField(blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="newsitem_feed_guid_unique"),
            models.UniqueConstraint(fields=["canonical_url_hash"], name="newsitem_canonical_url_unique"),
        ]
        indexes = [models.Index(fields=["id"], condition=Q(matched_at__isnull=True), name="newsitem_unmatched_idx")]

    def __str__(self) -> str:
        return self.title or self.url


class NewsTermStat(models.Model):
    """How many stored news items contain a stem: the document frequencies that weigh watch terms (rarer is
    heavier). Kept current as items are matched; the row with ``term = ""`` counts the documents.

    The stem is the primary key (no ``id``): a poll cycle adds to tens of thousands of rows in one statement, and
    each index a row carries is written for each of them (two indexes fewer: a cycle's 40,000 stems went in about
    a third faster on PostgreSQL, bench/poll_cycle.py; migration 0014 also drops PostgreSQL's ``varchar_pattern_ops``
    index, which only ``LIKE`` queries use, and none runs on stems)."""

    term = models.CharField(max_length=100, primary_key=True, serialize=False)
    df = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term or '(documents)'}: {self.df}"


class AutoRule(models.TextChoices):
    NONE = "none", "No automatic resolution"
    OUTLETS_TRUE = "outlets_true", "True when at least N independent outlets report it"


class WatchTerms(models.Model):
    """What the news watch looks for on behalf of one open prediction. Derived, then editable by editors."""

    prediction = models.OneToOneField(Prediction, on_delete=models.CASCADE, related_name="watch")
    all_of = models.JSONField(default=list, blank=True)
    any_of = models.JSONField(default=list, blank=True)
    none_of = models.JSONField(default=list, blank=True)
    outlets = models.JSONField(default=list, blank=True, help_text="Allowlist of outlets; empty means any.")
    grace_days = models.PositiveIntegerField(default=30)
    edited = models.BooleanField(default=False, help_text="An editor changed the terms: do not re-derive them.")
    auto_rule = models.CharField(max_length=20, choices=AutoRule.choices, default=AutoRule.NONE)
    auto_min_outlets = models.PositiveIntegerField(default=3)
    auto_min_score = models.FloatField(
        default=0.3, help_text="Only candidates scoring at least this count towards the automatic rule."
    )
    # What editors' decisions taught the watch (services/newswatch/candidates.py): stems of rejected items with a
    # strength each (matching items score lower for this prediction), and terms suggested for none_of (from
    # rejections) and any_of (from acceptances) that an editor can accept.
    penalties = models.JSONField(default=dict, blank=True)
    suggested_none_of = models.JSONField(default=list, blank=True)
    suggested_any_of = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "watch terms"

    def __str__(self) -> str:
        return f"watch for {self.prediction_id}"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Candidate(models.Model):
    """A news item the watcher matched to a prediction, waiting for an editor's decision."""

    prediction = models.ForeignKey(Prediction, on_delete=models.CASCADE, related_name="candidates")
    news_item = models.ForeignKey(NewsItem, on_delete=models.CASCADE, related_name="candidates")
    score = models.FloatField()
    matched_terms = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prediction", "news_item"], name="candidate_once_per_item"),
            models.CheckConstraint(condition=Q(status__in=CandidateStatus.values), name="candidate_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.prediction_id} ← {self.news_item_id} ({self.status})"


# --- Integrity ---


class LedgerEntry(models.Model):
    """One link of the public hash chain: hash = SHA-256(canonical JSON of {seq, kind, prediction, payload, prev})."""

    seq = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=20)
    prediction = models.ForeignKey(Prediction, null=True, on_delete=models.PROTECT, related_name="ledger_entries")
    payload = models.JSONField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.hash[:12]}"


class Revision(models.Model):
    """A correction to a published prediction: the fields before and after, why, by whom, when."""

    prediction = models.ForeignKey(Prediction, on_delete=models.PROTECT, related_name="revisions")
    changes = models.JSONField(help_text='{"field": {"before": ..., "after": ...}}')
    reason = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"revision of {self.prediction_id} at {self.created_at:%Y-%m-%d}"


class AuditLog(models.Model):
    """Every editor action: who, what, when, before and after."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, help_text="The username, kept if the user is deleted.")
    action = models.CharField(max_length=50)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
