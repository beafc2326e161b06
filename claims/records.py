"""Proposals waiting for a second editor, and article revisions.

Models of the ``claims`` app, kept out of ``claims.models`` for size and imported at its
end (so Django registers them with the rest of the app). Changes go through
``claims.proposals`` and ``claims.editing``; models never import those.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import roles
from .enums import ProposalKind, ProposalState
from .models import AppendOnlyModel


class ArticleRevision(AppendOnlyModel):
    """An article as it stood after one change: append-only (a database trigger refuses
    updates and deletes). Revision 1 is the article as created, so the full previous text
    of every change is kept."""

    article = models.ForeignKey("Article", on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The second editor, when the edit was a proposal (a public article).",
    )
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_fields = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    title = models.CharField(max_length=300)
    standfirst = models.TextField(blank=True)
    author = models.CharField(max_length=200, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=35, default="en")
    body = models.TextField()

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of article {self.article_id}"


class ProposalQuerySet(models.QuerySet):
    def pending(self) -> ProposalQuerySet:
        return self.filter(state=ProposalState.PENDING)

    def awaiting_decision_by(self, user) -> ProposalQuerySet:
        """Pending proposals ``user`` may approve: an editor who did not propose them.

        (Contribution to a proposal is proposing it: ``claims.workflow.contributions``.)
        """
        if not roles.is_editor(user):
            return self.none()
        return self.pending().exclude(proposed_by=user)

    def for_display(self) -> ProposalQuerySet:
        return self.select_related(
            "claim", "claim__article", "article", "source", "proposed_by", "decided_by"
        ).order_by("proposed_at", "pk")


class Proposal(models.Model):
    """A change that reaches readers only once a second editor approves it.

    Corrections and withdrawals of published fact-checks, edits of articles readers can
    see, and archived-copy links on public fact-checks. ``values`` holds what is proposed
    (the new verdict; the article's new fields; the archived URL), ``note`` the public
    note or reason (or, for an article edit, the proposer's comment), ``based_on_version``
    the version of the claim, article or source it was written against: if that moves on,
    the proposal is superseded rather than applied over someone else's change. Readers
    keep seeing the current state until approval. Every step is recorded: on the claim's
    history (``ClaimEvent.proposal``), and on this row (who decided, when).
    """

    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    state = models.CharField(
        max_length=20, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    claim = models.ForeignKey(
        "Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    article = models.ForeignKey(
        "Article", on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    source = models.ForeignKey(
        "Source", on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    values = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    based_on_version = models.PositiveIntegerField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProposalKind.values), name="proposal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values), name="proposal_state_valid"
            ),
            # One pending proposal of each kind per thing: a second one would be written
            # against the same version and one of the two could only be superseded.
            models.UniqueConstraint(
                fields=["claim", "kind"],
                condition=Q(state="pending", source__isnull=True),
                name="proposal_one_pending_per_claim",
            ),
            models.UniqueConstraint(
                fields=["source", "kind"],
                condition=Q(state="pending"),
                name="proposal_one_pending_per_source",
            ),
            models.UniqueConstraint(
                fields=["article", "kind"],
                condition=Q(state="pending"),
                name="proposal_one_pending_per_article",
            ),
        ]
        indexes = [models.Index(fields=["state", "proposed_at"], name="proposal_state_time")]

    def __str__(self) -> str:
        target = self.claim or self.article
        return f"{self.get_kind_display()} of “{target}” proposed by {self.proposed_by}"

    @property
    def is_pending(self) -> bool:
        return self.state == ProposalState.PENDING
