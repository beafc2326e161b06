"""Forms readers fill in: "Report an error" and "Suggest a claim to check".

They only parse and cap sizes; the spam checks, the rate limit and storing the report
are :mod:`claims.reports`. ``website`` is the honeypot: hidden from people by CSS (no
inline style: the CSP forbids it), left out of the tab order, and filled only by bots.
"""

from __future__ import annotations

from django import forms

from . import reports
from .coordination_models import REPORT_TEXT_MAX, REPORT_URL_MAX
from .forms import TextField
from .weburl import WebURLFormField


class ReaderReportForm(forms.Form):
    text = TextField(
        label="What is wrong?",
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": REPORT_TEXT_MAX}),
        help_text=f"What we got wrong, and how you know. At most {REPORT_TEXT_MAX} characters.",
    )
    url = WebURLFormField(
        label="A link to your evidence",
        max_length=REPORT_URL_MAX,
        required=False,
        assume_scheme="https",
    )
    email = forms.EmailField(
        label="Your email",
        required=False,
        help_text="Only if you would like an answer. We never publish it.",
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh token on every form shown, also when it comes back with errors.
        # The token sent is kept for the spam check; the form shows a new one.
        self.sent_token = self.data.get("started", "") if self.is_bound else ""
        self.initial["started"] = reports.issue_form_token()
        if self.is_bound:
            self.data = self.data.copy()
            self.data["started"] = self.initial["started"]

    def is_spam(self) -> bool:
        """The honeypot was filled in."""
        return bool(self.cleaned_data.get("website"))

    def submission(self) -> reports.Submission:
        data = self.cleaned_data
        return reports.Submission(text=data["text"], url=data["url"], email=data["email"])


class SuggestionForm(ReaderReportForm):
    field_order = ["text", "url", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "The claim you would like us to check"
        self.fields["text"].help_text = (
            "Quote it as exactly as you can, and say who made it and where. At most "
            f"{REPORT_TEXT_MAX} characters."
        )
        self.fields["url"].label = "Where it was said or published"
