"""Readers' reports: the public forms, and the desk's moderation queue.

The public forms are never cached (each carries a CSRF token and a fresh spam-check
token) and never echo anyone's report: a stored report leads to a thank-you page that
holds no report text. The queue is for reviewers; accepting and dismissing follow
:mod:`claims.reports`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import reports
from ..coordination_models import ReaderReport
from ..desk_forms import AcceptErrorReportForm, AcceptSuggestionForm, DismissReportForm
from ..enums import ClaimStatus, ReportKind, ReportStatus
from ..errors import WorkflowError
from ..models import Claim
from ..reader_forms import ReaderReportForm, SuggestionForm
from .access import refuse, reviewer_required

logger = logging.getLogger(__name__)

QUEUE_PAGE_SIZE = 25


# --- Readers ------------------------------------------------------------------------------


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.READER_REPORTS_MAX_BODY_BYTES


def _report_form_view(request, *, kind: ReportKind, form_class, template: str, context: dict):
    """GET shows the form; POST runs the checks in order — body size, rate, fields,
    honeypot, fill time — then stores the report and redirects to the thank-you page."""
    if request.method == "POST" and _too_large(request):
        problem = "That is more than we can take in one report. Please shorten it."
        context = {**context, "form": form_class(), "form_problem": problem}
        return render(request, template, context, status=413)
    if request.method == "GET":
        return render(request, template, {**context, "form": form_class()})
    form = form_class(request.POST)
    address = reports.client_address(request)
    try:
        reports.check_rate(address)
    except reports.RateLimited as exc:
        form.is_valid()
        form.add_error(None, exc.message)
        response = render(request, template, {**context, "form": form}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=422)
    if form.is_spam():
        # Answer as if it worked: a bot learns nothing. Nothing is stored.
        logger.info("reader report dropped by the honeypot")
        return redirect("claims:report_thanks")
    try:
        reports.check_form_token(form.sent_token)
        reports.submit_report(
            kind=kind, submission=form.submission(), address=address, claim=context.get("claim")
        )
    except WorkflowError as exc:
        # Public pages show no flash messages: the reason goes on the form itself.
        form.add_error(None, exc.message)
        for name, problem in getattr(exc, "fields", {}).items():
            if name in form.fields:
                form.add_error(name, problem)
        return render(request, template, {**context, "form": form}, status=exc.http_status)
    return redirect("claims:report_thanks")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, slug: str):
    """ "Report an error" on a fact-check with a public page."""
    claim = get_object_or_404(Claim.objects.public().select_related("article"), slug=slug)
    return _report_form_view(
        request,
        kind=ReportKind.ERROR,
        form_class=ReaderReportForm,
        template="public/reports/report_error.html",
        context={"claim": claim},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest_claim(request):
    """ "Suggest a claim to check"."""
    return _report_form_view(
        request,
        kind=ReportKind.SUGGESTION,
        form_class=SuggestionForm,
        template="public/reports/suggest.html",
        context={},
    )


@require_safe
def report_thanks(request):
    return render(request, "public/reports/thanks.html")


# --- The desk's queue ---------------------------------------------------------------------

QUEUE_FILTERS = {
    "new": ("Awaiting moderation", {"status": ReportStatus.NEW}),
    "accepted": ("Accepted", {"status": ReportStatus.ACCEPTED}),
    "dismissed": ("Dismissed", {"status": ReportStatus.DISMISSED}),
    "all": ("All", {}),
}


@reviewer_required
@require_safe
def report_queue(request):
    """Readers' reports, oldest first, by status (awaiting moderation by default)."""
    shown = request.GET.get("status", "new")
    if shown not in QUEUE_FILTERS:
        shown = "new"
    reports_shown = ReaderReport.objects.for_queue().filter(**QUEUE_FILTERS[shown][1])
    if shown != "new":
        reports_shown = reports_shown.order_by("-created_at", "-pk")
    page = Paginator(reports_shown, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "review/reports/queue.html",
        {
            "page": page,
            "shown": shown,
            "filters": [(key, label) for key, (label, _) in QUEUE_FILTERS.items()],
            "awaiting": ReaderReport.objects.awaiting().count(),
        },
    )


def _report(pk: int) -> ReaderReport:
    return get_object_or_404(
        ReaderReport.objects.select_related("claim", "handled_by", "note", "new_claim"), pk=pk
    )


def _suggestion_form(report: ReaderReport, data=None) -> AcceptSuggestionForm:
    initial = {
        "title": f"Suggested by a reader (report #{report.pk})",
        "url": report.url,
        "body": report.text,
        "quote": report.text if len(report.text) <= 500 else "",
    }
    return AcceptSuggestionForm(data, prefix="suggestion", initial=initial)


def render_report(request, report: ReaderReport, *, status: int = 200, **forms):
    context = {
        "report": report,
        "same_sender": ReaderReport.objects.filter(client_key=report.client_key)
        .exclude(pk=report.pk)
        .count()
        if report.client_key
        else 0,
        "accept_form": forms.get("accept_form") or AcceptErrorReportForm(prefix="accept"),
        "suggestion_form": forms.get("suggestion_form") or _suggestion_form(report),
        "dismiss_form": forms.get("dismiss_form") or DismissReportForm(prefix="dismiss"),
        "claim_public": report.claim
        and report.claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN),
    }
    return render(request, "review/reports/detail.html", context, status=status)


@reviewer_required
@require_safe
def report_detail(request, pk: int):
    return render_report(request, _report(pk))


@reviewer_required
@require_POST
def report_accept(request, pk: int):
    """Accept: an error report into the corrections process, a suggestion as a claim."""
    report = _report(pk)
    if report.kind == ReportKind.ERROR:
        form = AcceptErrorReportForm(request.POST, prefix="accept")
        key = "accept_form"
    else:
        form = _suggestion_form(report, request.POST)
        key = "suggestion_form"
    if not form.is_valid():
        return render_report(request, report, status=422, **{key: form})
    data = form.cleaned_data
    try:
        if report.kind == ReportKind.ERROR:
            reports.accept_error_report(report, by=request.user, comment=data["comment"])
        else:
            claim = reports.accept_suggestion(
                report,
                by=request.user,
                article=form.article_fields(),
                quote=data["quote"],
                statement=data["statement"],
                claimant=data["claimant"],
                claimant_kind=data["claimant_kind"],
            )
    except WorkflowError as exc:
        status = refuse(request, form, exc)
        return render_report(request, _report(pk), status=status, **{key: form})
    if report.kind == ReportKind.ERROR:
        messages.success(
            request, "Accepted: the report is in the claim's notes for the corrections process."
        )
        return redirect(reverse("claims:review_claim", args=[report.claim_id]) + "#notes")
    messages.success(request, "Accepted: the suggestion is now a draft claim.")
    return redirect("claims:review_claim", claim.pk)


@reviewer_required
@require_POST
def report_dismiss(request, pk: int):
    report = _report(pk)
    form = DismissReportForm(request.POST, prefix="dismiss")
    if not form.is_valid():
        return render_report(request, report, status=422, dismiss_form=form)
    try:
        reports.dismiss_report(report, by=request.user, reason=form.cleaned_data["reason"])
    except WorkflowError as exc:
        status = refuse(request, form, exc)
        return render_report(request, _report(pk), status=status, dismiss_form=form)
    messages.success(request, f"Report #{report.pk} dismissed.")
    return redirect("claims:review_reports")
