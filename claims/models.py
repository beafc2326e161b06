"""The domain's tables: articles, the claims anchored in them, their sources and notes.

Models hold data, database constraints and the invariants that no write may break (a
claim's quote is its span of the article). State changes — status and verdict — belong to
``claims.workflow``; models never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from . import anchoring, linkhealth, public_cache, weburl
from .enums import (
    REREVIEW_HEALTH,
    Action,
    CheckOutcome,
    ClaimantKind,
    ClaimStatus,
    Rating,
    SourceHealth,
    SourceKind,
    Stance,
)

# Refuses what is not a valid http(s) address in normal form (claims.weburl); the fields
# below normalise their input first.
http_url_validator = weburl.validate_normal


class WebURLField(models.URLField):
    """A URL field that stores the normal form of what was typed (``claims.weburl``):
    strictly checked, IDNA host, percent-encoding normalised — a URI by RFC 3986."""

    def clean(self, value, model_instance):
        # Here, not in to_python(): Django also calls that to prepare query parameters.
        value = self.to_python(value)
        return super().clean(weburl.normalise(value) if value else value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": weburl.WebURLFormField, **kwargs})


SLUG_MAX = 80


# A slug is tried this many times against rows written concurrently before giving up.
SLUG_ATTEMPTS = 20


def slug_base(text: str, fallback: str) -> str:
    """``text`` as a slug, short enough for a ``-n`` suffix; ``fallback`` if nothing is left."""
    return slugify(text)[: SLUG_MAX - 6].strip("-") or fallback


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None) -> str:
    """A slug from ``text``: the first of ``base``, ``base-2``, ``base-3``... no other row
    has (one query). Another transaction may take it before this one commits: writers
    retry on the unique constraint."""
    return free_slug(model, slug_base(text, model._meta.model_name), exclude_pk=exclude_pk)


def save_with_unique_slug(instance: models.Model, text: str, save: Callable[[], None]) -> None:
    """Run ``save()`` (the INSERT or UPDATE of ``instance``) with a slug from ``text`` that
    no other row of its model has, if it has none yet.

    Race-free: two transactions may pick the same free slug at once; the unique constraint
    refuses the second write, which is then retried — in a savepoint, so the caller's
    transaction lives on — with the next free slug. An ``IntegrityError`` that is not about
    the slug (another row took it meanwhile) is raised as it is.
    """
    if instance.slug:
        save()
        return
    model = type(instance)
    base = slug_base(text, model._meta.model_name)
    pk = instance.pk
    for _attempt in range(SLUG_ATTEMPTS):
        instance.slug = free_slug(model, base, exclude_pk=pk)
        try:
            with transaction.atomic():
                save()
            return
        except IntegrityError:
            others = model._default_manager.filter(slug=instance.slug)
            taken = (others.exclude(pk=pk) if pk is not None else others).exists()
            instance.slug, instance.pk = "", pk
            if not taken:
                raise
    raise IntegrityError(f"No free slug for “{text[:60]}” after {SLUG_ATTEMPTS} attempts.")


def free_slug(model: type[models.Model], base: str, *, exclude_pk: int | None = None) -> str:
    rows = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    taken = set(rows.values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")


class AppendOnlyModel(models.Model):
    """Rows are written once. The audit trail and the corrections log are built on this.

    The ORM refuses here; for the history, the corrections and article revisions the
    database refuses too (triggers, ``claims.dbguard``), so not even raw SQL rewrites them.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


# What an article shows readers (and ClaimReview's ``appearance``): every one of these is
# kept in each revision, and an edit to them on a public article waits for a second editor.
ARTICLE_FIELDS = (
    "title",
    "standfirst",
    "author",
    "outlet",
    "url",
    "published_at",
    "language",
    "body",
)

PUBLIC_STATES = (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN)


def lost_quotes_message(lost: list[Claim]) -> str:
    quotes = "; ".join(f"“{claim.quote[:60]}”" for claim in lost)
    return (
        f"This edit removes words that claims quote: {quotes}. Keep those words: a claim "
        "always quotes the article's text exactly."
    )


@dataclass(frozen=True)
class ClaimMove:
    """A claim whose span moves with an edit of its article's body."""

    claim: Claim
    selector: anchoring.Selector


class Article(models.Model):
    title = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True, help_text="The summary line under the headline.")
    author = models.CharField("byline", max_length=200, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    url = WebURLField(max_length=2000, blank=True, validators=[http_url_validator])
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=35, default="en", help_text="BCP 47 tag, e.g. en")
    body = models.TextField(
        help_text="Plain text; paragraphs separated by a blank line. Claims point into it."
    )
    slug = models.SlugField(max_length=SLUG_MAX, unique=True, blank=True)
    # Optimistic locking, as for claims: every revision raises it by one.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """Save, moving every claim's offsets along if the body changed.

        Keeping claims anchored is an invariant of the data, not a workflow step, so it
        lives here where no edit path can skip it. A body edit that loses a claim's quoted
        words is refused (``ValidationError``) and nothing is written. The claims moved are
        left in ``moved_claims`` for the caller's record (``claims.editing`` writes an event
        on each).
        """
        with transaction.atomic():
            moved: list[ClaimMove] = []
            if self.pk:
                old_body = Article.objects.filter(pk=self.pk).values_list("body", flat=True).first()
                if old_body is not None and old_body != self.body:
                    moved = self.claims_to_move()
            # The slug is chosen inside the transaction and retried on a clash.
            save_with_unique_slug(
                self, self.title, lambda: super(Article, self).save(*args, **kwargs)
            )
            # Published claims show the article's text and title: refresh public pages.
            transaction.on_commit(public_cache.invalidate)
            for move in moved:
                Claim.objects.filter(pk=move.claim.pk).update(
                    start_offset=move.selector.start,
                    end_offset=move.selector.end,
                    prefix=move.selector.prefix,
                    suffix=move.selector.suffix,
                )
            self.moved_claims = moved

    def clean(self) -> None:
        super().clean()
        self.body = anchoring.normalise_body(self.body)
        if self.pk:
            self.claims_to_move()

    def is_public(self) -> bool:
        """Readers see this article: it has a published (or withdrawn) fact-check."""
        return self.pk is not None and self.claims.filter(status__in=PUBLIC_STATES).exists()

    def claims_to_move(self) -> list[ClaimMove]:
        """Find every claim again in the current body; return those whose selector moved.

        Raises ``ValidationError`` naming the claims whose quoted words are gone.
        """
        moves, lost = self.reanchor_claims()
        if lost:
            raise ValidationError({"body": lost_quotes_message(lost)})
        return moves

    def reanchor_claims(self) -> tuple[list[ClaimMove], list[Claim]]:
        """Every claim found again in the current body: those whose selector moves, and
        those whose quoted words are gone."""
        moves: list[ClaimMove] = []
        lost: list[Claim] = []
        for claim in self.claims.order_by("start_offset", "pk"):
            span = anchoring.reanchor(
                self.body,
                quote=claim.quote,
                prefix=claim.prefix,
                suffix=claim.suffix,
                hint=claim.start_offset,
            )
            if span is None:
                lost.append(claim)
                continue
            selector = anchoring.select(self.body, span.start, span.end)
            stored = (claim.start_offset, claim.end_offset, claim.prefix, claim.suffix)
            if stored != (selector.start, selector.end, selector.prefix, selector.suffix):
                moves.append(ClaimMove(claim, selector))
        return moves, lost


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=SLUG_MAX, unique=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            save_with_unique_slug(self, self.name, lambda: super(Tag, self).save(*args, **kwargs))


class ClaimQuerySet(models.QuerySet):
    def published(self) -> ClaimQuerySet:
        return self.filter(status=ClaimStatus.PUBLISHED)

    def public(self) -> ClaimQuerySet:
        """Claims with a public page: published, and withdrawn ones (which show why)."""
        return self.filter(status__in=(ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN))

    def for_reader_list(self) -> ClaimQuerySet:
        return (
            self.published()
            .select_related("article")
            .prefetch_related("tags")
            .order_by("-published_at", "-id")
        )

    def needing_attention(self) -> ClaimQuerySet:
        """Published fact-checks whose evidence needs an editor: the re-review queue.

        A source the link checker found dead, changed since publication, or no longer
        carrying the quoted passage keeps its claim here until one of these, after the
        source's health turned bad: an approved correction, a reaffirmation (an editor
        re-checked the evidence and the verdict stands), a verified archived copy, or the
        source recovering. (An approved withdrawal takes the claim out of "published".)
        A claim with no source at all (possible only for claims whose sources were
        removed outside the rules) is here too.
        """
        resolved = ClaimEvent.objects.filter(
            claim=OuterRef("claim"),
            action__in=(Action.CORRECT, Action.REAFFIRM),
            created_at__gte=OuterRef("health_changed_at"),
        )
        rotten = (
            Source.objects.filter(claim=OuterRef("pk"), health__in=REREVIEW_HEALTH)
            .exclude(archive_verified=True)
            .exclude(Exists(resolved))
        )
        return self.published().filter(
            Exists(rotten) | ~Exists(Source.objects.filter(claim=OuterRef("pk")))
        )


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
    quote = models.TextField(help_text="The exact words of the article that make the claim.")
    start_offset = models.PositiveIntegerField()
    end_offset = models.PositiveIntegerField()
    prefix = models.CharField(max_length=64, blank=True, editable=False)
    suffix = models.CharField(max_length=64, blank=True, editable=False)
    statement = models.TextField(help_text="The claim restated as a checkable proposition.")
    claimant = models.CharField(
        max_length=300, help_text="Who made the claim: a person, an outlet, an organisation."
    )
    claimant_kind = models.CharField(
        max_length=20, choices=ClaimantKind.choices, default=ClaimantKind.PERSON
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    # The public address, given at first publication from the approved statement (see
    # give_public_slug) and never changed after; none before, so a draft's wording never
    # reaches a URL. Reviewers address claims by id.
    slug = models.SlugField(max_length=SLUG_MAX, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, editable=False
    )
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    summary = models.CharField(max_length=300, blank=True, help_text="The verdict in one line.")
    explanation = models.TextField(blank=True, help_text="Markdown.")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who did the research (submitted) and who approved: shown to readers (IFCN).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, editable=False)
    # The desk's coordination (changed only through claims.assignment, with an event):
    # who researches the claim, by when, and which editor is asked to approve it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="assigned_claims",
    )
    due_date = models.DateField(null=True, blank=True, editable=False)
    requested_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="approval_requests",
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start_offset"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="claim_status_published"),
            models.Index(fields=["article", "status"], name="claim_article_status"),
            models.Index(fields=["status", "due_date"], name="claim_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_offset__lt=F("end_offset")), name="claim_span_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=Rating.values), name="claim_rating_valid"
            ),
            models.CheckConstraint(
                condition=Q(slug__isnull=False)
                | Q(status__in=(ClaimStatus.DRAFT, ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW)),
                name="claim_public_has_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80] or self.quote[:80]

    def save(self, *args, **kwargs) -> None:
        # The anchor invariant is checked on every save, not only in forms: a claim that
        # quotes words the article does not contain at that place is refused outright.
        self.check_anchor()
        selector = anchoring.select(self.article.body, self.start_offset, self.end_offset)
        self.prefix, self.suffix = selector.prefix, selector.suffix
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.article_id is not None:
            self.check_anchor()

    def give_public_slug(self) -> str:
        """The claim's public slug, made from its statement the first time it is published.

        Once given it never changes (public URLs, feeds and search engines keep it). A
        numeric slug is prefixed, as ids address claims in the API. Concurrent approvals of
        claims with one statement may pick the same candidate: the unique constraint refuses
        all but one, and the others (in a savepoint, so their transaction lives on) try the
        next free one.
        """
        if self.slug:
            return self.slug
        base = slug_base(self.statement or self.quote, "claim")
        if base.isdigit():
            base = f"claim-{base}"
        for _attempt in range(SLUG_ATTEMPTS):
            candidate = free_slug(Claim, base)
            try:
                with transaction.atomic():
                    Claim.objects.filter(pk=self.pk, slug__isnull=True).update(slug=candidate)
            except IntegrityError:
                continue  # taken by a claim committed meanwhile: look again
            self.slug = Claim.objects.values_list("slug", flat=True).get(pk=self.pk)
            return self.slug
        raise IntegrityError(f"No free slug for claim {self.pk} after {SLUG_ATTEMPTS} attempts.")

    def check_anchor(self) -> None:
        """Raise ``ValidationError`` unless the quote is exactly the article's span."""
        try:
            anchoring.check_span(self.article.body, self.start_offset, self.end_offset, self.quote)
        except anchoring.AnchorError as exc:
            raise ValidationError({exc.field: str(exc)}) from None

    @property
    def rating_choice(self) -> Rating | None:
        return Rating(self.rating) if self.rating else None


class SourceQuerySet(models.QuerySet):
    TIMELINE_SIZE = 12

    def with_health(self) -> SourceQuerySet:
        """Sources with their last check and recent checks (``recent_checks``, newest
        first): two queries for any number of sources."""
        recent = LinkCheck.objects.order_by("-checked_at", "-pk")[: self.TIMELINE_SIZE]
        return self.select_related("last_check").prefetch_related(
            models.Prefetch("checks", queryset=recent, to_attr="recent_checks")
        )


class Source(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sources")
    url = WebURLField("URL", max_length=2000, validators=[http_url_validator])
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)
    passage = models.TextField(
        blank=True,
        help_text="The words on the cited page that support or refute the claim.",
    )
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.SUPPORTS)
    accessed_at = models.DateTimeField(default=timezone.now)
    archived_url = WebURLField(
        "archived copy",
        max_length=2000,
        blank=True,
        validators=[http_url_validator],
        help_text="A copy in a web archive, shown to readers beside the original link.",
    )
    # Whether the archived copy was fetched through the guarded fetcher and holds the
    # passage (claims.archives); reset whenever the archived URL changes.
    archive_verified = models.BooleanField(null=True, blank=True, editable=False)
    archive_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    archive_check_detail = models.CharField(max_length=300, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Link health, maintained by the link checker (claims.linkhealth decides, claims.checking
    # writes). The row is the queue of record: `next_check_at` says when a check is due,
    # `check_token` marks a check handed to a worker until `check_leased_until`.
    health = models.CharField(
        max_length=20, choices=SourceHealth.choices, default=SourceHealth.UNKNOWN, editable=False
    )
    health_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_check = models.ForeignKey(
        "LinkCheck",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_check_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    last_failure_counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_text = models.TextField(blank=True, editable=False)
    baseline_text = models.TextField(blank=True, editable=False)
    baseline_text_hash = models.CharField(max_length=64, blank=True, editable=False)
    baseline_at = models.DateTimeField(null=True, blank=True, editable=False)
    check_token = models.UUIDField(null=True, blank=True, editable=False)
    check_leased_until = models.DateTimeField(null=True, blank=True, editable=False)
    check_attempts = models.PositiveIntegerField(default=0, editable=False)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="source_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def link_status(self) -> linkhealth.LinkStatus:
        """What readers and the desk are told about this link (one function for both)."""
        last = self.last_check
        return linkhealth.link_status(
            health=self.health,
            checked=self.last_checked_at is not None,
            last_outcome=last.outcome if last else "",
            last_detail=last.detail if last else "",
            consecutive_failures=self.consecutive_failures,
            dead_after=settings.LINKCHECK_DEAD_AFTER,
            passage=self.passage,
            passage_found=last.passage_found if last else None,
            archived_url=self.archived_url,
            archive_verified=self.archive_verified,
        )


class Note(models.Model):
    """A reviewer's note on a claim: internal, never shown to readers."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_notes"
    )
    body = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "created_at", "id"]

    def __str__(self) -> str:
        return f"Note by {self.author} on claim {self.claim_id}"


class ClaimEventQuerySet(AppendOnlyQuerySet):
    def corrections_log(self) -> ClaimEventQuerySet:
        """The public corrections log: every correction and withdrawal, newest first."""
        return (
            self.filter(public=True, action__in=(Action.CORRECT, Action.WITHDRAW))
            .select_related("claim", "claim__article", "correction")
            .order_by("-created_at", "-id")
        )


class ClaimEvent(AppendOnlyModel):
    """One entry of a claim's history, written in the same transaction as the change.

    ``version`` is the claim's version after the event, so "what changed since version
    n" is a query. ``changes`` keeps the values before and after (``claims.events``), so
    every past version can be rebuilt from the events alone (``claims.history``).
    ``public`` marks comments readers may see (withdrawal reasons, correction notes,
    reaffirmations); every other comment stays internal.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ClaimStatus.choices, blank=True)
    rating_before = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    rating_after = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    comment = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text='What changed, with its values: [{"field", "before", "after"}, ...] '
        "(claims.events).",
    )
    # The proposal this event is a step of (proposed, approved, cancelled, superseded).
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ClaimEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "version"], name="event_claim_version")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (claim {self.claim_id}, v{self.version})"


class Correction(AppendOnlyModel):
    """A public correction of a published verdict, shown on the claim page."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="corrections")
    event = models.OneToOneField(ClaimEvent, on_delete=models.PROTECT, related_name="correction")
    changed_fields = models.JSONField(default=list)
    rating_before = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    rating_after = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Correction to claim {self.claim_id} on {self.created_at:%Y-%m-%d}"


class LinkCheck(AppendOnlyModel):
    """One check of one source's URL: what the fetcher saw, kept for the timeline."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="checks")
    # The token of the check request this row answers: a redelivered task finds it used.
    token = models.UUIDField(unique=True)
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    url = models.URLField(max_length=2000)
    outcome = models.CharField(max_length=20, choices=CheckOutcome.choices)
    detail = models.CharField(max_length=300, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    redirect_chain = models.JSONField(default=list, blank=True)
    elapsed_ms = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=200, blank=True)
    bytes_read = models.PositiveBigIntegerField(default=0)
    body_sha256 = models.CharField(max_length=64, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=500, blank=True)
    passage_found = models.BooleanField(null=True, blank=True)
    passage_score = models.FloatField(null=True, blank=True)
    health_after = models.CharField(max_length=20, choices=SourceHealth.choices)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["source", "-checked_at"], name="linkcheck_source_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=CheckOutcome.values), name="linkcheck_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for source {self.source_id} at {self.checked_at}"


class HostThrottle(models.Model):
    """Which worker process currently owns a host, and when a request to it last started.

    Politeness shared by all workers on the database (``claims.hostlimits``); with Redis
    the same rules live in Redis instead.
    """

    host = models.CharField(max_length=255, unique=True)
    owner = models.CharField(max_length=40, blank=True)
    owned_until = models.DateTimeField(null=True, blank=True)
    last_start_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.host


class WorkerHeartbeat(models.Model):
    """When each Celery worker last ran the periodic heartbeat task."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


# The desk's coordination tables live in their own module (readers' reports, right of
# reply, transparency pages); importing them here registers them with the app.
from .coordination_models import ReaderReport, ReplyRequest, TransparencyPage  # noqa: E402, F401

# Proposals and article revisions, likewise in their own module.
from .records import ArticleRevision, Proposal  # noqa: E402, F401
