"""What the API shows of the record: proposals, article revisions, article-edit previews
and the public versions of a verdict (the rest is :mod:`claims.api.serializers`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import contribution, roles
from ..enums import Action, ProposalState
from ..models import ArticleRevision, ClaimEvent, Proposal
from .serializers import OutputSerializer, _api_url


class ChangeEntrySerializer(serializers.Serializer):
    """One entry of an event's ``changes`` (``claims.events``): a field, its value before
    and after. ``source`` names the source of a ``source`` entry (null before or after: it
    was added or removed); ``recorded`` is false on entries from before values were kept."""

    field = serializers.CharField()
    # Any JSON value, null included (a schema of any type: "oneOf" with null would fail).
    before = serializers.JSONField(required=False)
    after = serializers.JSONField(required=False)
    source = serializers.IntegerField(allow_null=True, required=False)
    recorded = serializers.BooleanField(required=False)
    label = serializers.CharField(
        required=False, help_text="On unrecorded entries: what the old entry said (a name, a URL)."
    )


class ClaimEventSerializer(OutputSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    action_label = serializers.CharField(source="get_action_display")
    changes = serializers.SerializerMethodField()

    class Meta:
        model = ClaimEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "rating_before",
            "rating_after",
            "comment",
            "public",
            "changes",
            "proposal",
            "version",
        ]

    @extend_schema_field(ChangeEntrySerializer(many=True))
    def get_changes(self, event: ClaimEvent) -> list[dict]:
        # Old entries (and the link checker's flags) are plain strings: a label, no values.
        return [
            entry if isinstance(entry, dict) else {"field": "", "recorded": False, "label": entry}
            for entry in event.changes
        ]


class ProposalSerializer(OutputSerializer):
    """A change waiting for (or decided by) a second editor."""

    api_url = serializers.SerializerMethodField()
    claim = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    values = serializers.DictField(
        help_text="What is proposed: the new rating/summary/explanation (correction); the "
        "article's changed fields (article edit); archived_url (archived copy); {} "
        "(withdrawal)."
    )
    can_approve = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "api_url",
            "kind",
            "state",
            "claim",
            "article",
            "source",
            "values",
            "note",
            "based_on_version",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "can_approve",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, proposal: Proposal) -> str:
        return _api_url(self.context["request"], "proposal-detail", proposal.pk)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_can_approve(self, proposal: Proposal) -> bool:
        """Pending, and the requesting user is an editor who did not propose it."""
        user = self.context["request"].user
        found = contribution.contributions(None, Action.APPROVE, proposal=proposal)
        return (
            proposal.state == ProposalState.PENDING
            and roles.is_editor(user)
            and (user.pk not in found)
        )


class ArticleRevisionSerializer(OutputSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ArticleRevision
        fields = [
            "number",
            "created_at",
            "actor",
            "approved_by",
            "proposal",
            "changed_fields",
            "comment",
            "title",
            "standfirst",
            "author",
            "outlet",
            "url",
            "published_at",
            "language",
            "body",
        ]


class ClaimMoveSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The claim's id (drafts have no slug).")
    status = serializers.CharField()
    start_offset_before = serializers.IntegerField()
    end_offset_before = serializers.IntegerField()
    start_offset_after = serializers.IntegerField()
    end_offset_after = serializers.IntegerField()


class ArticlePreviewSerializer(serializers.Serializer):
    """What an edit would do, nothing saved."""

    changed = serializers.ListField(child=serializers.CharField())
    needs_approval = serializers.BooleanField(
        help_text="Readers can see the article: saving files a proposal for a second editor."
    )
    moves = ClaimMoveSerializer(many=True)
    refused = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the claims whose quoted words the edit deletes (it is refused).",
    )
    problems = serializers.DictField(child=serializers.CharField())


class VerdictVersionSerializer(serializers.Serializer):
    """One public version of the verdict (``claims.history.verdict_versions``)."""

    number = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["approve", "correct", "withdraw"])
    at = serializers.DateTimeField()
    rating = serializers.CharField(allow_null=True, help_text="Null when withdrawn.")
    summary = serializers.CharField(allow_null=True)
    explanation = serializers.CharField(allow_null=True, help_text="Markdown.")
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="Verdict fields this version changed."
    )
    unrecorded = serializers.ListField(
        child=serializers.CharField(),
        help_text="Fields whose value at this version predates the record of values.",
    )
    note = serializers.CharField(help_text="The correction note, or the withdrawal reason.")
