"""Forms of the reviewers' UI: every input to a review view goes through one of these.

Forms only parse and tidy what the browser sent (line endings, tag lists, offsets); the
rules — who may do what, what a claim needs before review, whether a quote is really at
its offsets — stay in :mod:`claims.workflow` and :mod:`claims.editing`, whose refusals
the views turn into errors on these same forms.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.db import models

from .editing import SOURCE_FIELDS
from .enums import Action, ClaimantKind, Rating
from .models import Article, Source, Tag
from .rules import REAFFIRM, VERDICT_FIELDS

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def normalise_newlines(value: str) -> str:
    # Browsers submit every line break as CRLF (textareas and, since the HTML form
    # serialisation rules, hidden inputs too); the domain stores LF only.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def parse_tags(text: str) -> list[str]:
    """``"arms trade, SIPRI, , arms trade"`` → ``["arms trade", "SIPRI"]`` (first spelling kept)."""
    names: list[str] = []
    for raw in (text or "").split(","):
        name = " ".join(raw.split())
        if name and name not in names:
            names.append(name)
    return names


class TextField(forms.CharField):
    """Multi-line text with LF line endings."""

    widget = forms.Textarea

    def to_python(self, value):
        return normalise_newlines(super().to_python(value))


class TagsField(forms.CharField):
    """Comma-separated tag names, cleaned to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Separate tags with commas, e.g. arms trade, SIPRI.")
        super().__init__(**kwargs)

    def clean(self, value):
        names = parse_tags(super().clean(value))
        too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"A tag can be at most {TAG_MAX_LENGTH} characters long: “{too_long[0][:80]}”."
            )
        return names


class VersionField(forms.IntegerField):
    """The version of the row a change is based on (optimistic locking)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


RATING_CHOICES = [("", "Not rated yet"), *Rating.choices]


class RatingField(forms.ChoiceField):
    """Radio buttons of the rating scale; templates show each rating's meaning beside it."""

    widget = forms.RadioSelect

    def __init__(self, *, allow_blank: bool = True, **kwargs):
        choices = RATING_CHOICES if allow_blank else list(Rating.choices)
        kwargs.setdefault("required", not allow_blank)
        super().__init__(choices=choices, **kwargs)


def model_formfield(field: models.Field, **kwargs) -> forms.Field | None:
    """Form fields of our ModelForms: an address typed without a scheme means https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


# --- Articles ---------------------------------------------------------------------------


class ArticleForm(forms.ModelForm):
    """A new article, pasted in. The body's line endings are normalised by the model."""

    class Meta:
        model = Article
        formfield_callback = model_formfield
        fields = [
            "title",
            "standfirst",
            "author",
            "outlet",
            "url",
            "published_at",
            "language",
            "body",
        ]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            "published_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "body": forms.Textarea(attrs={"rows": 18}),
        }
        labels = {"url": "URL of the original", "published_at": "Published at"}
        help_texts = {
            "body": "Paste the article's text. Separate paragraphs with a blank line. "
            "Claims point at characters of this text, so paste it exactly.",
        }


# --- Claims -----------------------------------------------------------------------------


class ClaimContentForm(forms.Form):
    """What a reviewer says about a claim when creating it."""

    statement = TextField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The claim restated as a checkable proposition.",
    )
    claimant = forms.CharField(max_length=300, help_text="Who made the claim.")
    claimant_kind = forms.ChoiceField(
        label="The claimant is", choices=ClaimantKind.choices, initial=ClaimantKind.PERSON
    )
    tags = TagsField()

    def claim_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "statement": data["statement"],
            "claimant": data["claimant"],
            "claimant_kind": data["claimant_kind"],
            "tags": data["tags"],
        }


class ClaimFromOffsetsForm(ClaimContentForm):
    """A new claim from words selected with the mouse: review.js fills the span."""

    # Not stripped: the quote must be exactly the characters between the offsets.
    # review.js finds these by their data-selection attribute.
    quote = TextField(strip=False, widget=forms.HiddenInput(attrs={"data-selection": "quote"}))
    start_offset = forms.IntegerField(
        min_value=0, widget=forms.HiddenInput(attrs={"data-selection": "start"})
    )
    end_offset = forms.IntegerField(
        min_value=0, widget=forms.HiddenInput(attrs={"data-selection": "end"})
    )

    field_order = ["quote", "start_offset", "end_offset"]
    SPAN_FIELDS = ("quote", "start_offset", "end_offset")

    def clean(self):
        # The span fields are hidden and filled by review.js: if they are missing, the one
        # useful thing to say is how to fill them.
        if any(name in self.errors for name in self.SPAN_FIELDS):
            for name in self.SPAN_FIELDS:
                self.errors.pop(name, None)
            raise forms.ValidationError(
                "Select the claim's words in the article text, then choose “New claim”."
            )
        return super().clean()


class ClaimFromWordsForm(ClaimContentForm):
    """A new claim from its quoted words (works without JavaScript)."""

    quote = TextField(
        label="Quoted words",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Copy the claim's words from the article exactly, punctuation included.",
    )
    # Which occurrence, when the words occur more than once (1-based, like the domain's).
    occurrence = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    field_order = ["quote", "occurrence"]


class ClaimForm(forms.Form):
    """The claim editor: content and verdict, based on a version of the claim."""

    statement = TextField(widget=forms.Textarea(attrs={"rows": 2}))
    claimant = forms.CharField(max_length=300)
    claimant_kind = forms.ChoiceField(label="The claimant is", choices=ClaimantKind.choices)
    tags = TagsField()
    rating = RatingField()
    summary = forms.CharField(
        max_length=300, required=False, help_text="The verdict in one line, for readers."
    )
    explanation = TextField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: **bold**, *italic*, [links](https://example.org), lists.",
    )
    version = VersionField()

    CHANGE_FIELDS = ("statement", "claimant", "claimant_kind", "rating", "summary", "explanation")

    @classmethod
    def initial_for(cls, claim) -> dict:
        initial = {name: getattr(claim, name) for name in cls.CHANGE_FIELDS}
        initial["tags"] = ", ".join(tag.name for tag in claim.tags.all())
        initial["version"] = claim.version
        return initial

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.CHANGE_FIELDS}


# --- Sources and notes ------------------------------------------------------------------


class SourceForm(forms.ModelForm):
    """A cited source. Only parses: ``editing.add_source``/``update_source`` validate."""

    class Meta:
        model = Source
        formfield_callback = model_formfield
        # What editing.add_source/update_source accept; accessed_at defaults to now.
        fields = [name for name in SOURCE_FIELDS if name != "accessed_at"]
        widgets = {"passage": forms.Textarea(attrs={"rows": 3})}

    def clean_passage(self):
        return normalise_newlines(self.cleaned_data["passage"])


class SourceEditForm(SourceForm):
    version = VersionField()

    def source_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in SourceForm.Meta.fields}


class VersionForm(forms.Form):
    """Just the version of the row: removing a source."""

    version = VersionField()


class NoteForm(forms.Form):
    body = TextField(
        label="Add a note",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Internal, never shown to readers. Markdown.",
    )


# --- Workflow ---------------------------------------------------------------------------


class TransitionForm(forms.Form):
    """One workflow step (the reviewer UI's buttons and the admin's actions alike).

    The transition (``claims.rules.TRANSITIONS``) says whether a comment is asked for and
    how it is labelled; a correction also carries the new verdict. The comment is not
    required here: the workflow says when it is, and why. The admin acts on several claims
    at once and sends each one's version itself (``with_version=False``).
    """

    version = VersionField()
    comment = TextField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rating = RatingField(allow_blank=False)
    summary = forms.CharField(max_length=300)
    explanation = TextField(widget=forms.Textarea(attrs={"rows": 8}))

    field_order = ["rating", "summary", "explanation", "comment", "version"]

    def __init__(self, *args, transition, claim=None, with_version: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if not with_version:
            del self.fields["version"]
        if transition.has_comment:
            self.fields["comment"].label = transition.comment_label
            if transition.comment_missing:
                # The browser asks before sending; the workflow refuses an empty one anyway.
                self.fields["comment"].widget.attrs["required"] = True
        else:
            del self.fields["comment"]
        if transition.action != Action.CORRECT:
            for name in VERDICT_FIELDS:
                del self.fields[name]
        elif claim is not None and not self.is_bound:
            for name in VERDICT_FIELDS:
                self.fields[name].initial = getattr(claim, name)

    def comment_text(self) -> str:
        return self.cleaned_data.get("comment", "")

    def verdict(self) -> dict | None:
        if "rating" not in self.fields:
            return None
        return {name: self.cleaned_data[name] for name in VERDICT_FIELDS}


class ReaffirmForm(forms.Form):
    """An editor records that the evidence was re-checked and the verdict stands."""

    version = VersionField()
    comment = TextField(
        label=REAFFIRM.comment_label,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        required=False,
    )


class CancelProposalForm(forms.Form):
    reason = TextField(
        label="Why (optional, internal)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Articles: editing ----------------------------------------------------------------------


class ArticleEditForm(ArticleForm):
    """An edit of an article, based on its version; a comment for the second editor."""

    version = VersionField()
    comment = TextField(
        label="Why this edit (for the editor who approves it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def fields_for_domain(self) -> dict:
        return {name: self.cleaned_data[name] for name in ArticleForm.Meta.fields}


# --- Accounts ---------------------------------------------------------------------------


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the old password checked through ``authenticate()``.

    Django's own form calls ``user.check_password()``, which nothing counts: someone at
    an unattended signed-in browser could try passwords without limit. Going through the
    authentication backends puts each wrong old password into django-axes' count for
    this username and client address, exactly like a failed sign-in, and refuses the old
    password — even the right one — while that pair is locked out (the middleware then
    answers with the lockout page).
    """

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        authenticated = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if authenticated is None or authenticated.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
