"""What the API shows (its input is read by :mod:`claims.api.inputs`).

Explicit field lists, never ``__all__``. Readers get the ``Public*`` serializers —
published content only, no ids, notes, versions or workflow internals (a test pins the
public claim's exact field set). Reviewers and editors get the full serializers.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import assignment, claimreview, roles, workflow
from ..enums import Action, ClaimStatus, ProposalState, Rating
from ..markdown import render_markdown
from ..models import (
    Article,
    Claim,
    Correction,
    LinkCheck,
    Note,
    Source,
    Tag,
)
from ..siteurl import absolute_url


def _api_url(request, name: str, key) -> str:
    return absolute_url(request, reverse(f"api:{name}", args=[key]))


def _user_name(user) -> str | None:
    return roles.display_name(user) if user is not None else None


# --- Shared pieces ------------------------------------------------------------------------


class OutputSerializer(serializers.ModelSerializer):
    """A representation only: every field read-only (so the schema marks each one as always
    present in responses). Input goes through the plain serializers at the end."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class RatingSerializer(serializers.Serializer):
    """One step of the rating scale (``claims.enums.Rating``)."""

    value = serializers.ChoiceField(choices=Rating.choices)
    label = serializers.CharField()
    meaning = serializers.CharField()
    rating_value = serializers.IntegerField(
        allow_null=True,
        help_text="ClaimReview ratingValue, 5 (best) to 1 (worst); null for unsupported.",
    )


class TagSerializer(OutputSerializer):
    class Meta:
        model = Tag
        fields = ["name", "slug"]


class CorrectionSerializer(OutputSerializer):
    proposed_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()

    class Meta:
        model = Correction
        fields = [
            "created_at",
            "changed_fields",
            "rating_before",
            "rating_after",
            "note",
            "proposed_by",
            "approved_by",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_proposed_by(self, correction: Correction) -> str | None:
        proposal = correction.event.proposal
        return _user_name(proposal.proposed_by) if proposal else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_approved_by(self, correction: Correction) -> str | None:
        return _user_name(correction.event.actor)


# Source fields readers see, as on the claim page. What the link checker finds is kept in
# its own list: when it tells readers more, it goes here (and into the pinned field set in
# tests/test_api.py).
class LastCheckSerializer(OutputSerializer):
    """What the link checker last saw at a source's address."""

    class Meta:
        model = LinkCheck
        fields = ["checked_at", "outcome", "http_status", "final_url", "passage_found"]


class LinkStatusSerializer(serializers.Serializer):
    """A source's link health in the words readers are given (``claims.linkhealth``):
    the public claim page shows the same. ``text`` is null when readers are told nothing
    (not checked yet, a check the safety guard refused, failures not yet making the page
    gone)."""

    state = serializers.CharField(
        help_text="unchecked, refused, ok, moved, failing, dead, dead_archived, changed, "
        "passage_missing."
    )
    text = serializers.CharField(source="reader", allow_null=True)
    checked_at = serializers.DateTimeField(allow_null=True)


class DeskLinkStatusSerializer(LinkStatusSerializer):
    """For reviewers, also what the desk is told."""

    desk = serializers.CharField()
    needs_attention = serializers.BooleanField()
    failing = serializers.BooleanField(help_text="Failing, not yet dead.")


PUBLIC_SOURCE_FIELDS = [
    "url",
    "archived_url",
    "archive_verified",
    "title",
    "publisher",
    "kind",
    "stance",
    "passage",
    "accessed_at",
    "link_status",
]
# What the link checker found, raw: reviewers only (readers get ``link_status``).
LINK_HEALTH_FIELDS = [
    "health",
    "last_checked_at",
    "last_check",
    "archive_checked_at",
    "archive_check_detail",
]


def _link_status(source: Source) -> dict:
    status = source.link_status
    return {**status.__dict__, "checked_at": source.last_checked_at}


class PublicSourceSerializer(OutputSerializer):
    link_status = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = PUBLIC_SOURCE_FIELDS

    @extend_schema_field(LinkStatusSerializer)
    def get_link_status(self, source: Source) -> dict:
        return LinkStatusSerializer(_link_status(source)).data


class SourceSerializer(OutputSerializer):
    """A source as reviewers see it: with its id, the version to send back, and what the
    link checker found."""

    api_url = serializers.SerializerMethodField()
    last_check = LastCheckSerializer(allow_null=True)
    link_status = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "api_url",
            *PUBLIC_SOURCE_FIELDS,
            *LINK_HEALTH_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(DeskLinkStatusSerializer)
    def get_link_status(self, source: Source) -> dict:
        return DeskLinkStatusSerializer(_link_status(source)).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, source: Source) -> str:
        return _api_url(self.context["request"], "source-detail", source.pk)


# --- Claims for readers -------------------------------------------------------------------


class PublicArticleRefSerializer(OutputSerializer):
    """The article a claim quotes, as a reference."""

    api_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["slug", "api_url", "page_url", "title", "outlet", "author", "url", "published_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, article: Article) -> str:
        return _api_url(self.context["request"], "article-detail", article.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, article: Article) -> str:
        path = reverse("claims:article", args=[article.slug])
        return absolute_url(self.context["request"], path)


class RecheckSerializer(serializers.Serializer):
    rechecked_at = serializers.DateTimeField(source="created_at")
    note = serializers.CharField(source="comment")


class WithdrawalSerializer(serializers.Serializer):
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(source="withdrawal_reason")


class PublicClaimSerializer(OutputSerializer):
    """A published fact-check, or a withdrawn one (which keeps its URL and says why).

    A withdrawn claim shows the withdrawal instead of the verdict, as its page does:
    ``rating``, ``summary``, ``explanation`` and ``claim_review`` are null then.
    """

    # Published and withdrawn claims always have their slug (given at publication).
    slug = serializers.SlugField()
    status = serializers.ChoiceField(
        choices=[
            (ClaimStatus.PUBLISHED.value, ClaimStatus.PUBLISHED.label),
            (ClaimStatus.WITHDRAWN.value, ClaimStatus.WITHDRAWN.label),
        ]
    )
    api_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    tags = TagSerializer(many=True)
    rating = RatingSerializer(source="rating_choice", allow_null=True)
    summary = serializers.CharField(allow_null=True)
    explanation = serializers.CharField(allow_null=True, help_text="Markdown.")
    explanation_html = serializers.SerializerMethodField()
    researched_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    article = PublicArticleRefSerializer()
    sources = PublicSourceSerializer(many=True)
    corrections = CorrectionSerializer(many=True)
    evidence_rechecked = serializers.SerializerMethodField()
    versions_url = serializers.SerializerMethodField()
    withdrawal = serializers.SerializerMethodField()
    claim_review = serializers.SerializerMethodField()

    VERDICT = ("rating", "summary", "explanation", "explanation_html", "claim_review")

    class Meta:
        model = Claim
        fields = [
            "slug",
            "api_url",
            "page_url",
            "status",
            "statement",
            "claimant",
            "claimant_kind",
            "quote",
            "start_offset",
            "end_offset",
            "tags",
            "rating",
            "summary",
            "explanation",
            "explanation_html",
            "published_at",
            "updated_at",
            "researched_by",
            "approved_by",
            "article",
            "sources",
            "corrections",
            "evidence_rechecked",
            "versions_url",
            "withdrawal",
            "claim_review",
        ]

    def to_representation(self, claim: Claim) -> dict:
        data = super().to_representation(claim)
        if claim.status != ClaimStatus.PUBLISHED:
            data.update(dict.fromkeys(self.VERDICT))
        return data

    def _page_url(self, claim: Claim) -> str:
        return absolute_url(self.context["request"], reverse("claims:claim", args=[claim.slug]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, claim: Claim) -> str:
        return _api_url(self.context["request"], "claim-detail", claim.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, claim: Claim) -> str:
        return self._page_url(claim)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_explanation_html(self, claim: Claim) -> str:
        return str(render_markdown(claim.explanation))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_researched_by(self, claim: Claim) -> list[str]:
        """Everyone who contributed to the verdict before it was published."""
        return [roles.display_name(user) for user in workflow.researchers(claim)]

    @extend_schema_field(RecheckSerializer(allow_null=True))
    def get_evidence_rechecked(self, claim: Claim) -> dict | None:
        """The latest reaffirmation: an editor re-checked the evidence; the verdict stands."""
        events = getattr(claim, "public_record_events", None)
        if events is None:
            events = claim.events.filter(action=Action.REAFFIRM).order_by("created_at", "pk")
        found = [e for e in events if e.action == Action.REAFFIRM]
        return RecheckSerializer(found[-1]).data if found else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_versions_url(self, claim: Claim) -> str:
        return _api_url(self.context["request"], "claim-versions", claim.slug)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_approved_by(self, claim: Claim) -> str | None:
        return _user_name(claim.approved_by)

    @extend_schema_field(WithdrawalSerializer(allow_null=True))
    def get_withdrawal(self, claim: Claim) -> dict | None:
        if claim.status != ClaimStatus.WITHDRAWN:
            return None
        return WithdrawalSerializer(claim).data

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "additionalProperties": True,
            "description": "schema.org ClaimReview, as in the claim page's JSON-LD.",
        }
    )
    def get_claim_review(self, claim: Claim) -> dict | None:
        if claim.status != ClaimStatus.PUBLISHED:
            return None
        return claimreview.claim_review(claim, url=self._page_url(claim))


# --- Claims for reviewers and editors -------------------------------------------------------


class ArticleRefSerializer(OutputSerializer):
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "slug", "api_url", "title"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, article: Article) -> str:
        return _api_url(self.context["request"], "article-detail", article.slug)


class ClaimSerializer(OutputSerializer):
    """Everything about a claim that its editor page shows, except notes and history
    (their own endpoints), plus what the requesting user may do to it now.

    ``api_url`` uses the id, which every claim has; ``slug`` is null until the claim is
    first published."""

    api_url = serializers.SerializerMethodField()
    review_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    article = ArticleRefSerializer()
    tags = TagSerializer(many=True)
    rating = RatingSerializer(source="rating_choice", allow_null=True)
    submitted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    sources = SourceSerializer(many=True)
    corrections = CorrectionSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_reaffirm = serializers.SerializerMethodField()
    contributors = serializers.SerializerMethodField()
    pending_proposals = serializers.SerializerMethodField()
    missing_for_submission = serializers.SerializerMethodField()
    # The desk's coordination (claims.assignment; POST .../assignment/ changes them).
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    requested_approver = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "slug",
            "api_url",
            "review_url",
            "page_url",
            "status",
            "version",
            "article",
            "quote",
            "start_offset",
            "end_offset",
            "prefix",
            "suffix",
            "statement",
            "claimant",
            "claimant_kind",
            "tags",
            "rating",
            "summary",
            "explanation",
            "created_at",
            "updated_at",
            "published_at",
            "submitted_by",
            "approved_by",
            "withdrawn_at",
            "withdrawal_reason",
            "sources",
            "corrections",
            "allowed_actions",
            "can_edit",
            "can_reaffirm",
            "contributors",
            "pending_proposals",
            "missing_for_submission",
            "assignee",
            "due_date",
            "requested_approver",
            "overdue",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, claim: Claim) -> bool:
        """In progress and past its due date."""
        return assignment.is_overdue(claim)

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, claim: Claim) -> str:
        """By id: a claim has no slug before its first publication."""
        return _api_url(self.context["request"], "claim-detail", claim.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_review_url(self, claim: Claim) -> str:
        request = self.context["request"]
        return absolute_url(request, reverse("claims:review_claim", args=[claim.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, claim: Claim) -> str | None:
        """The public page, for published and withdrawn claims."""
        if claim.status not in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN):
            return None
        path = reverse("claims:claim", args=[claim.slug])
        return absolute_url(self.context["request"], path)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(workflow.TRANSITIONS)))
    )
    def get_allowed_actions(self, claim: Claim) -> list[str]:
        """What this user may start now: approve only if they did not contribute to the
        claim; correct and withdraw file a proposal (not offered while one of the kind
        waits)."""
        return [a.value for a in workflow.allowed_actions(claim, self.context["request"].user)]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_edit(self, claim: Claim) -> bool:
        return workflow.can_edit(claim, self.context["request"].user)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_reaffirm(self, claim: Claim) -> bool:
        return workflow.can_reaffirm(claim, self.context["request"].user)

    @extend_schema_field(
        serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    )
    def get_contributors(self, claim: Claim) -> dict[str, list[str]]:
        """Who contributed to what approving it would publish (username → what they did):
        none of them may approve it."""
        found = workflow.contributions(claim, Action.APPROVE)
        people = {e.actor_id: e.actor for e in workflow.contribution_events(claim) if e.actor}
        if claim.submitted_by_id:
            people[claim.submitted_by_id] = claim.submitted_by
        return {people[pk].get_username(): did for pk, did in found.items() if pk in people}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_pending_proposals(self, claim: Claim) -> list[int]:
        """Ids of the proposals waiting for a second editor (``/api/v1/proposals/{id}/``)."""
        pending = getattr(claim, "pending_proposals", None)
        if pending is None:
            pending = claim.proposals.filter(state=ProposalState.PENDING)
        return sorted(p.pk for p in pending)

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_missing_for_submission(self, claim: Claim) -> dict[str, str]:
        """What submitting would still need (only while researching)."""
        if claim.status != ClaimStatus.RESEARCHING:
            return {}
        return workflow.missing_for_submission(claim)


class NoteSerializer(OutputSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Note
        fields = ["id", "author", "body", "created_at"]


# --- Articles -------------------------------------------------------------------------------

ARTICLE_FIELDS = [
    "slug",
    "api_url",
    "page_url",
    "title",
    "standfirst",
    "author",
    "outlet",
    "url",
    "published_at",
    "language",
]


class PublicArticleSerializer(PublicArticleRefSerializer):
    class Meta:
        model = Article
        fields = ARTICLE_FIELDS


class PublicArticleClaimSerializer(OutputSerializer):
    """A published claim inside its article: where it is, and its verdict."""

    slug = serializers.SlugField()
    api_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    rating = RatingSerializer(source="rating_choice", allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "slug",
            "api_url",
            "page_url",
            "quote",
            "start_offset",
            "end_offset",
            "statement",
            "claimant",
            "rating",
            "summary",
            "published_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, claim: Claim) -> str:
        return _api_url(self.context["request"], "claim-detail", claim.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, claim: Claim) -> str:
        return absolute_url(self.context["request"], reverse("claims:claim", args=[claim.slug]))


class PublicArticleDetailSerializer(PublicArticleSerializer):
    claims = PublicArticleClaimSerializer(many=True, source="visible_claims")

    class Meta:
        model = Article
        fields = [*ARTICLE_FIELDS, "body", "claims"]


class ArticleSerializer(PublicArticleSerializer):
    class Meta:
        model = Article
        fields = ["id", *ARTICLE_FIELDS, "version", "created_at", "updated_at"]


class ArticleClaimSerializer(OutputSerializer):
    """Any claim inside its article, for reviewers: where it is and how far it got."""

    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "slug",
            "api_url",
            "status",
            "quote",
            "start_offset",
            "end_offset",
            "statement",
            "rating",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, claim: Claim) -> str:
        return _api_url(self.context["request"], "claim-detail", claim.pk)


class ArticleDetailSerializer(ArticleSerializer):
    claims = ArticleClaimSerializer(many=True, source="visible_claims")

    class Meta:
        model = Article
        fields = [*ArticleSerializer.Meta.fields, "body", "claims"]


class CheckQueuedSerializer(serializers.Serializer):
    queued = serializers.BooleanField(help_text="False if a check was already under way.")
    source = SourceSerializer()
