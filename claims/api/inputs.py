"""How the API reads input: plain serializers that only parse and check types and lengths,
like the reviewer UI's forms.

The rules — roles, four eyes, completeness, the anchor, versions — stay in
:mod:`claims.workflow` and :mod:`claims.editing`, which the views call with the validated
data. Lengths and number ranges are checked here so that no value reaches the database
that it would refuse with an error instead of an answer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .. import weburl, workflow
from ..editing import SOURCE_FIELDS
from ..enums import PROPOSABLE_KINDS, ClaimantKind, ProposalKind, Rating, SourceKind, Stance
from ..models import Article, Claim, Tag

# The largest value a PositiveIntegerField holds on every database we support: bigger
# numbers are refused as input instead of reaching the database.
MAX_INT = 2_147_483_647
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length
MAX_TAGS = 50


def _lf(value: str) -> str:
    # The domain stores LF line endings only (as the UI's forms ensure).
    return value.replace("\r\n", "\n").replace("\r", "\n")


class TextField(serializers.CharField):
    """Multi-line text with LF line endings."""

    def to_internal_value(self, data):
        return _lf(super().to_internal_value(data))


class WebURLField(serializers.URLField):
    """An http(s) address, strictly checked and normalised (``claims.weburl``): what is
    stored, and shown back, is always a URI (the schema's ``uri`` format)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", weburl.MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)  # a trimmed str
        try:
            return weburl.normalise(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_INT)
        kwargs.setdefault(
            "help_text", "The version this change is based on; a stale one is refused (409)."
        )
        super().__init__(**kwargs)


class OffsetField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_INT, **kwargs)


class TagsField(serializers.ListField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Tag names; replaces the claim's tags.")
        super().__init__(
            child=serializers.CharField(max_length=TAG_MAX_LENGTH),
            max_length=MAX_TAGS,
            **kwargs,
        )


class ArticleInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    standfirst = TextField(required=False, allow_blank=True)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outlet = serializers.CharField(max_length=200, required=False, allow_blank=True)
    url = WebURLField(required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(max_length=35, required=False)
    body = TextField(
        trim_whitespace=False,
        help_text="Plain text, paragraphs separated by a blank line. Claims point into it.",
    )


class ArticleUpdateSerializer(ArticleInputSerializer):
    """Only the fields sent change; ``version`` is the article's, as it was read."""

    version = VersionField()
    comment = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why this edit: shown to the editor who approves it (articles readers can see).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False

    def article_fields(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k not in ("version", "comment")}


class ArticlePreviewInputSerializer(ArticleUpdateSerializer):
    """The same fields as an edit, without a version: nothing is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        del self.fields["comment"]


class ClaimCreateSerializer(serializers.Serializer):
    article = serializers.SlugField(max_length=80, help_text="The article's slug.")
    quote = TextField(
        trim_whitespace=False,
        help_text="Exactly the article's text between start_offset and end_offset.",
    )
    start_offset = OffsetField(help_text="Offset of the quote's first character in the body.")
    end_offset = OffsetField(help_text="Offset just after the quote's last character.")
    statement = TextField()
    claimant = serializers.CharField(max_length=300)
    claimant_kind = serializers.ChoiceField(
        choices=ClaimantKind.choices, default=ClaimantKind.PERSON
    )
    tags = TagsField(required=False)

    def validate_article(self, slug: str) -> Article:
        try:
            return Article.objects.get(slug=slug)
        except Article.DoesNotExist:
            raise serializers.ValidationError("No article has this slug.") from None


class ClaimUpdateSerializer(serializers.Serializer):
    """A partial edit: only the fields sent change (draft or researching claims only)."""

    version = VersionField()
    statement = TextField(required=False)
    claimant = serializers.CharField(max_length=300, required=False)
    claimant_kind = serializers.ChoiceField(choices=ClaimantKind.choices, required=False)
    quote = TextField(trim_whitespace=False, required=False)
    start_offset = OffsetField(required=False)
    end_offset = OffsetField(required=False)
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        required=False,
        allow_blank=True,
        help_text='A rating value, or "" to clear it.',
    )
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    explanation = TextField(required=False, allow_blank=True, help_text="Markdown.")
    tags = TagsField(required=False)

    def changes(self) -> dict:
        return {
            name: value
            for name, value in self.validated_data.items()
            if name in workflow.EDITABLE_FIELDS
        }


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[(t.action.value, t.label) for t in workflow.TRANSITIONS.values()]
    )
    version = VersionField()
    comment = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="; ".join(
            f"{t.action.value}: {t.comment_label}"
            for t in workflow.TRANSITIONS.values()
            if t.has_comment
        )
        + ". Required for each of these.",
    )
    rating = serializers.ChoiceField(
        choices=Rating.choices, required=False, help_text="correct only."
    )
    summary = serializers.CharField(max_length=300, required=False, help_text="correct only.")
    explanation = TextField(required=False, help_text="correct only. Markdown.")

    VERDICT_FIELDS = workflow.VERDICT_FIELDS

    def validate(self, data: dict) -> dict:
        if data["action"] != "correct":
            extra = [name for name in self.VERDICT_FIELDS if name in data]
            if extra:
                raise serializers.ValidationError(
                    dict.fromkeys(extra, "Only a correction changes the verdict this way.")
                )
        return data

    def verdict(self) -> dict | None:
        if self.validated_data["action"] != "correct":
            return None
        return {k: v for k, v in self.validated_data.items() if k in self.VERDICT_FIELDS}


class SourceInputSerializer(serializers.Serializer):
    url = WebURLField()
    title = serializers.CharField(max_length=300)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False)
    passage = TextField(
        required=False,
        allow_blank=True,
        help_text="The words on the cited page that support or refute the claim.",
    )
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    accessed_at = serializers.DateTimeField(required=False)

    def source_fields(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in SOURCE_FIELDS}


class SourceUpdateSerializer(SourceInputSerializer):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("url", "title"):
            self.fields[name].required = False


class VersionQuerySerializer(serializers.Serializer):
    version = VersionField()


class NoteInputSerializer(serializers.Serializer):
    body = TextField(help_text="Markdown. Internal: never shown to readers.")


class ArchivedCopySerializer(serializers.Serializer):
    archived_url = WebURLField(allow_blank=True)


class ReaffirmSerializer(serializers.Serializer):
    version = VersionField()
    note = TextField(help_text=workflow.REAFFIRM.comment_label)


class ProposalCreateSerializer(serializers.Serializer):
    """A correction or a withdrawal of a published claim, for a second editor to approve.

    (An article edit or an archived copy is proposed by ``PATCH /articles/{slug}/`` or
    ``POST /sources/{id}/archive/``, which answer 202 with the proposal when readers can
    see what they change.)
    """

    kind = serializers.ChoiceField(choices=PROPOSABLE_KINDS)
    claim = serializers.CharField(
        max_length=80, help_text="The claim's id or its public slug (only published claims)."
    )
    version = VersionField(help_text="The claim's version this proposal is based on.")
    note = TextField(help_text="The public correction note, or the public reason for withdrawing.")
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    summary = serializers.CharField(max_length=300, required=False)
    explanation = TextField(required=False, help_text="Markdown.")

    def validate_claim(self, key: str) -> Claim:
        lookup = {"pk": int(key)} if key.isdigit() and len(key) <= 18 else {"slug": key}
        try:
            return Claim.objects.get(**lookup)
        except Claim.DoesNotExist:
            raise serializers.ValidationError("No claim has this id or slug.") from None

    def validate(self, data: dict) -> dict:
        if data["kind"] == ProposalKind.WITHDRAWAL:
            extra = [name for name in workflow.VERDICT_FIELDS if name in data]
            if extra:
                raise serializers.ValidationError(
                    dict.fromkeys(extra, "A withdrawal changes no verdict field.")
                )
        return data

    def verdict(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in workflow.VERDICT_FIELDS}


class CancelProposalSerializer(serializers.Serializer):
    reason = TextField(
        required=False, allow_blank=True, default="", help_text="Why (internal, optional)."
    )
