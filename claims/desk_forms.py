"""Forms of the desk's coordination in the reviewer UI: assignment, right of reply and the
moderation of readers' reports. They parse; the rules are in :mod:`claims.assignment`,
:mod:`claims.reply` and :mod:`claims.reports`."""

from __future__ import annotations

from django import forms

from . import assignment, roles
from .enums import ClaimantKind, ContactChannel, ReplyOutcome
from .forms import TextField, VersionField
from .weburl import WebURLFormField

DATETIME_INPUT = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs=DATETIME_INPUT, format=DATETIME_FORMAT), **kwargs
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return roles.display_name(user)


# --- Assignment ---------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    """Assignee, due date and requested approver of one claim, based on its version.

    Reviewers who are not editors see no due-date field (editors set due dates), and may
    choose only themselves or nobody as assignee (the domain enforces the same).
    """

    assignee = PersonChoiceField(
        queryset=assignment.assignable_people(), required=False, empty_label="Nobody"
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    requested_approver = PersonChoiceField(
        label="Approver requested",
        queryset=assignment.possible_approvers(),
        required=False,
        empty_label="Any editor",
        help_text="An editor asked to approve it: neither its researcher nor its submitter.",
    )
    version = VersionField()

    def __init__(self, *args, claim, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "assignee": claim.assignee_id,
                "due_date": claim.due_date,
                "requested_approver": claim.requested_approver_id,
                "version": claim.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.is_editor = roles.is_editor(user)
        if not self.is_editor:
            del self.fields["due_date"]
            allowed = {user.pk} | ({claim.assignee_id} if claim.assignee_id else set())
            self.fields["assignee"].queryset = self.fields["assignee"].queryset.filter(
                pk__in=allowed
            )

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {"assignee": data["assignee"], "approver": data["requested_approver"]}
        if "due_date" in self.fields:
            changes["due_date"] = data["due_date"]
        return changes


# --- Right of reply -------------------------------------------------------------------------


class ReplyContactForm(forms.Form):
    contacted_at = _datetime_field(label="When we asked")
    channel = forms.ChoiceField(label="How", choices=ContactChannel.choices)
    contact = forms.CharField(
        label="Whom we reached",
        max_length=300,
        required=False,
        help_text="e.g. the minister's press office, press@ministry.example (internal).",
    )
    question = TextField(
        label="What we asked", widget=forms.Textarea(attrs={"rows": 4}), help_text="Internal."
    )
    reply_by = _datetime_field(label="Deadline for an answer")


ANSWER_CHOICES = [(o.value, o.label) for o in ReplyOutcome if o != ReplyOutcome.AWAITING]


class ReplyAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="They", choices=ANSWER_CHOICES, widget=forms.RadioSelect)
    reply = TextField(
        label="Their answer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In full (internal). Readers see only the words an editor quotes.",
    )
    replied_at = _datetime_field(label="When they answered", required=False)
    version = VersionField()


class ReplyPublicationForm(forms.Form):
    published = forms.BooleanField(label="Show this on the public page", required=False)
    quote = TextField(
        label="Words of their answer readers see",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Copied from their answer.",
    )
    version = VersionField()


# --- Readers' reports -------------------------------------------------------------------------


class AcceptErrorReportForm(forms.Form):
    comment = TextField(
        label="Note for the desk",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DismissReportForm(forms.Form):
    reason = TextField(
        label="Why it is dismissed (internal)", widget=forms.Textarea(attrs={"rows": 3})
    )


class AcceptSuggestionForm(forms.Form):
    """A suggestion becomes a draft claim in a new article that holds the claim's words."""

    title = forms.CharField(label="Article title", max_length=300)
    url = WebURLFormField(
        label="URL of the original", max_length=2000, required=False, assume_scheme="https"
    )
    outlet = forms.CharField(max_length=200, required=False)
    body = TextField(
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The text where the claim was made (the reader's words to start with); "
        "paste the original if you have it.",
    )
    quote = TextField(
        label="Quoted words",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The claim's exact words in the text above.",
    )
    statement = TextField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The claim restated as a checkable proposition.",
    )
    claimant = forms.CharField(max_length=300)
    claimant_kind = forms.ChoiceField(
        label="The claimant is", choices=ClaimantKind.choices, initial=ClaimantKind.PERSON
    )

    def article_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "url", "outlet", "body")}
