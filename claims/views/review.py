"""The reviewers' UI: dashboard, articles, the claim editor and its workflow buttons.

Every view has one shape: ``@reviewer_required`` (login, role, no caching) → look the
object up → bind a form → call the domain (:mod:`claims.workflow`, :mod:`claims.editing`)
→ redirect with a message. A domain refusal re-renders the same page with the user's input
kept, the reason as a message and on the form, and a status that says what kind of
refusal it was (:func:`refusal_status`). Every form is a plain POST; htmx, where it is
used, swaps in the same templates' partials.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from .. import anchoring, annotate, editing, heartbeat, roles, workflow
from ..enums import REREVIEW_HEALTH, Action, ClaimStatus, Rating
from ..errors import Incomplete, InvalidTransition, NotPermitted, StaleVersion, WorkflowError
from ..forms import (
    ArticleForm,
    ClaimForm,
    ClaimFromOffsetsForm,
    ClaimFromWordsForm,
    CorrectionForm,
    NoteForm,
    SourceEditForm,
    SourceForm,
    TransitionForm,
    VersionForm,
    normalise_newlines,
)
from ..markdown import render_markdown
from ..models import Article, Claim, ClaimEvent, Note, Source

CACHE_CONTROL = "private, no-store"
# How many claims each dashboard section lists (its heading counts them all).
SECTION_SIZE = 20
ARTICLES_PER_PAGE = 50
OCCURRENCE_CONTEXT = 40

# Form prefixes: several forms share field names on one page (and their HTML ids).
SELECTION_PREFIX = "selection"
WORDS_PREFIX = "words"
SOURCE_PREFIX = "source"
NOTE_PREFIX = "note"

ACTION_LABELS = {
    Action.START: "Start research",
    Action.SUBMIT: "Submit for review",
    Action.APPROVE: "Approve and publish",
    Action.REJECT: "Send back for changes",
    Action.WITHDRAW: "Withdraw this fact-check",
    Action.CORRECT: "Publish a correction",
}
# The label of the comment box, for the actions that need one (the others have none).
COMMENT_LABELS = {
    Action.REJECT: "What needs to change (added to the notes)",
    Action.WITHDRAW: "Public reason for withdrawing (shown to readers)",
    Action.CORRECT: "Public correction note: what changed and why (shown to readers)",
}
# Why a claim offers this user no workflow button at all.
NO_ACTION_REASONS = {
    ClaimStatus.IN_REVIEW: "An editor will approve it or send it back for changes.",
    ClaimStatus.PUBLISHED: "Only editors can correct or withdraw a published fact-check.",
    ClaimStatus.WITHDRAWN: "A withdrawn fact-check is final: nothing more can be done to it.",
}
DONE_MESSAGES = {
    Action.START: "Research started.",
    Action.SUBMIT: "Submitted for review: an editor other than you will check it.",
    Action.APPROVE: "Approved: the fact-check is published.",
    Action.REJECT: "Sent back for changes; your comment is in the notes.",
    Action.WITHDRAW: "Withdrawn: readers now see the reason instead of the verdict.",
    Action.CORRECT: "Correction published.",
}


def reviewer_required(view):
    """Login, then a reviewer role (Reviewers, Editors, superusers), and never cached.

    Anonymous users go to the login page; signed-in users without a role get a 403 page
    saying so. Staff status alone grants nothing here, as in :mod:`claims.roles`.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            response = redirect_to_login(request.get_full_path())
        elif not roles.is_reviewer(request.user):
            response = render(request, "review/forbidden.html", status=403)
        else:
            response = view(request, *args, **kwargs)
        # Reviewer pages show unpublished work: no shared or browser-history copies.
        response["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapper


def refusal_status(exc: WorkflowError) -> int:
    """The HTTP status of a page re-rendered after a domain refusal."""
    if isinstance(exc, NotPermitted):
        return 403
    if isinstance(exc, StaleVersion | InvalidTransition):  # Locked is an InvalidTransition
        return 409
    # Incomplete/Invalid: understood but refused, so 422 (Unprocessable Content). Not 400:
    # django-htmx's development helper replaces the page with any 400 htmx response. htmx
    # swaps 409 and 422 back in like a 200 (the htmx-config in review/base.html).
    return 422


def _refuse(request, form, exc: WorkflowError) -> int:
    """Show a refusal: the message on top, each named field's problem on the form."""
    messages.error(request, exc.message)
    if isinstance(exc, Incomplete):
        for name, problem in exc.fields.items():
            form.add_error(name if name in form.fields else None, problem)
    return refusal_status(exc)


def _invalid_status(form) -> int:
    return 422 if form.is_bound and form.errors else 200


# --- Dashboard --------------------------------------------------------------------------


def needing_attention():
    """Published fact-checks whose evidence needs a reviewer: re-review queue.

    A source that the link checker found dead, changed since publication, or no longer
    carrying the quoted passage — unless an archived copy of it has been recorded — or no
    source at all (possible only for claims whose sources were removed in the admin).
    """
    rotten = Source.objects.filter(
        claim=OuterRef("pk"), health__in=REREVIEW_HEALTH, archived_url=""
    )
    return Claim.objects.published().filter(
        Exists(rotten) | ~Exists(Source.objects.filter(claim=OuterRef("pk")))
    )


def _worked_on_by(user) -> Exists:
    """Claims with an event by ``user``: created, started, edited or sourced by them."""
    return Exists(ClaimEvent.objects.filter(claim=OuterRef("pk"), actor=user))


@reviewer_required
@require_safe
def dashboard(request):
    """My work, the desk's unassigned research, the review queue, recent publications."""
    user = request.user
    is_editor = roles.is_editor(user)
    in_progress = Q(status__in=workflow.EDITABLE_STATES)
    mine = _worked_on_by(user)
    in_review = Q(status=ClaimStatus.IN_REVIEW)
    to_review = in_review & ~Q(submitted_by=user) if is_editor else in_review
    attention = Q(pk__in=needing_attention().values("pk"))
    # Every section's count in one query; the lists are one query each.
    counts = Claim.objects.aggregate(
        mine=Count("pk", filter=in_progress & Q(mine)),
        desk=Count("pk", filter=in_progress & ~Q(mine)),
        to_review=Count("pk", filter=to_review),
        my_submissions=Count("pk", filter=in_review & Q(submitted_by=user)),
        published=Count("pk", filter=Q(status=ClaimStatus.PUBLISHED)),
        attention=Count("pk", filter=attention),
    )
    claims = Claim.objects.select_related("article")
    sections = [
        {
            "id": "mine",
            "title": "My drafts and research",
            "description": "Draft and researching claims you created, started, edited or "
            "cited sources for.",
            "count": counts["mine"],
            "claims": claims.filter(in_progress, mine).order_by("-updated_at", "-pk"),
            "empty": "Nothing in progress. Open an article and select a claim to start one.",
        },
        {
            "id": "desk",
            "title": "Other drafts and research on the desk",
            "description": "Claims in progress that you have not worked on: pick one up.",
            "count": counts["desk"],
            "claims": claims.filter(in_progress).exclude(mine).order_by("-updated_at", "-pk"),
            "empty": "No other claims in progress.",
        },
        {
            "id": "review",
            "title": "Awaiting your review" if is_editor else "Awaiting review by an editor",
            "description": (
                "Submitted claims you can approve or send back (your own submissions "
                "need another editor)."
                if is_editor
                else "Submitted claims waiting for an editor's approval."
            ),
            "count": counts["to_review"],
            "claims": claims.select_related("submitted_by")
            .filter(to_review)
            .order_by("updated_at", "pk"),
            "empty": "Nothing is waiting for review.",
            "show_submitter": True,
        },
        {
            "id": "published",
            "title": "Recently published",
            "description": "The newest published fact-checks.",
            "count": counts["published"],
            "claims": claims.filter(status=ClaimStatus.PUBLISHED).order_by("-published_at", "-pk"),
            "empty": "Nothing has been published yet.",
            "show_rating": True,
        },
        {
            "id": "attention",
            "title": "Needs attention",
            "description": "Published fact-checks whose evidence has rotted: a source is "
            "dead, has changed since publication, or no longer contains the quoted passage "
            "(or the claim cites none). Record an archived copy of the source, correct the "
            "verdict, or withdraw it.",
            "count": counts["attention"],
            "claims": needing_attention()
            .select_related("article")
            .order_by("-published_at", "-pk"),
            "empty": "Every published fact-check's sources are healthy or archived.",
            "show_rating": True,
        },
    ]
    for section in sections:
        section["claims"] = list(section["claims"][:SECTION_SIZE])
    context = {
        "sections": sections,
        "is_editor": is_editor,
        "my_submissions": counts["my_submissions"],
        "workers": heartbeat.live_workers(),
        "workers_window_minutes": int(heartbeat.ALIVE_WITHIN.total_seconds() // 60),
    }
    return render(request, "review/dashboard.html", context)


# --- Articles ---------------------------------------------------------------------------


@reviewer_required
@require_safe
def article_list(request):
    status_counts = {
        f"n_{status}": Count("claims", filter=Q(claims__status=status))
        for status in ClaimStatus.values
    }
    articles = Article.objects.annotate(n_claims=Count("claims"), **status_counts).order_by(
        "-created_at", "-pk"
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    for article in page:
        article.status_counts = [
            (label, getattr(article, f"n_{value}"))
            for value, label in ClaimStatus.choices
            if getattr(article, f"n_{value}")
        ]
    return render(request, "review/article_list.html", {"page": page})


@reviewer_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = editing.create_article(by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            status = _refuse(request, form, exc)
        else:
            messages.success(request, "Article added. Select a claim in its text to start.")
            return redirect("claims:review_article", article.slug)
    else:
        status = _invalid_status(form)
    return render(request, "review/article_new.html", {"form": form}, status=status)


def _article_context(article: Article) -> dict:
    claims = list(article.claims.order_by("start_offset", "end_offset", "pk"))
    return {
        "article": article,
        "claims": claims,
        "paragraphs": annotate.paragraphs(article.body, claims),
    }


def _render_article(request, article, *, selection_form=None, words_form=None, status=200):
    context = _article_context(article)
    context.update(
        selection_form=selection_form or ClaimFromOffsetsForm(prefix=SELECTION_PREFIX),
        words_form=words_form or ClaimFromWordsForm(prefix=WORDS_PREFIX),
    )
    return render(request, "review/article.html", context, status=status)


@reviewer_required
@require_safe
def article_detail(request, slug: str):
    """The article with every claim highlighted, and the forms that create new ones."""
    article = get_object_or_404(Article, slug=slug)
    return _render_article(request, article)


def _claim_created(request, claim: Claim):
    messages.success(request, "Claim created as a draft. Start research when you are ready.")
    return redirect("claims:review_claim", claim.pk)


@reviewer_required
@require_POST
def claim_new_from_selection(request, slug: str):
    """A new claim from a mouse selection (review.js sends the offsets and the quote)."""
    article = get_object_or_404(Article, slug=slug)
    form = ClaimFromOffsetsForm(request.POST, prefix=SELECTION_PREFIX)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            # create_claim checks article.body[start:end] == quote and refuses a mismatch.
            claim = editing.create_claim(
                article,
                by=request.user,
                quote=data["quote"],
                start_offset=data["start_offset"],
                end_offset=data["end_offset"],
                **form.claim_fields(),
            )
        except WorkflowError as exc:
            status = _refuse(request, form, exc)
        else:
            return _claim_created(request, claim)
    return _render_article(request, article, selection_form=form, status=status)


def _occurrences(body: str, spans: list[anchoring.Span]) -> list[dict]:
    """Each candidate span with some text on either side, to choose from."""
    result = []
    for number, span in enumerate(spans, start=1):
        before_start = max(0, span.start - OCCURRENCE_CONTEXT)
        after_end = min(len(body), span.end + OCCURRENCE_CONTEXT)
        result.append(
            {
                "number": number,
                "before": ("…" if before_start else "") + body[before_start : span.start],
                "quote": body[span.start : span.end],
                "after": body[span.end : after_end] + ("…" if after_end < len(body) else ""),
            }
        )
    return result


@reviewer_required
@require_http_methods(["GET", "POST"])
def claim_new_from_words(request, slug: str):
    """A new claim from its quoted words; asks which occurrence when they repeat."""
    article = get_object_or_404(Article, slug=slug)
    form = ClaimFromWordsForm(request.POST or None, prefix=WORDS_PREFIX)
    occurrences: list[dict] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = editing.create_claim_from_words(
                    article,
                    by=request.user,
                    quote=data["quote"],
                    occurrence=data["occurrence"],
                    **form.claim_fields(),
                )
            except anchoring.AmbiguousQuote as exc:
                # Not an error: a question. The form comes back with a choice to make.
                messages.info(request, str(exc))
                occurrences = _occurrences(article.body, exc.spans)
                status = 200
            except anchoring.AnchorError as exc:
                form.add_error("quote", str(exc))
            except WorkflowError as exc:
                status = _refuse(request, form, exc)
            else:
                return _claim_created(request, claim)
    context = {"article": article, "form": form, "occurrences": occurrences}
    return render(request, "review/claim_new.html", context, status=status)


# --- The claim editor -------------------------------------------------------------------


def _claim(pk: int) -> Claim:
    """A claim with everything its editor shows, in a fixed number of queries."""
    queryset = Claim.objects.select_related("article", "submitted_by", "approved_by")
    queryset = queryset.prefetch_related(
        "tags",
        Prefetch("sources", queryset=Source.objects.with_health().order_by("pk")),
        Prefetch("notes", queryset=Note.objects.select_related("author").order_by("pk")),
        Prefetch(
            "events",
            queryset=ClaimEvent.objects.select_related("actor").order_by("created_at", "pk"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def _transition_form(action: Action, claim: Claim, data=None):
    form_class = CorrectionForm if action == Action.CORRECT else TransitionForm
    initial = {"version": claim.version}
    if action == Action.CORRECT:
        initial.update(rating=claim.rating, summary=claim.summary, explanation=claim.explanation)
    form = form_class(data, prefix=action.value, initial=initial)
    if action in COMMENT_LABELS:
        form.fields["comment"].label = COMMENT_LABELS[action]
        # The browser asks before sending; the workflow refuses an empty one anyway.
        form.fields["comment"].widget.attrs["required"] = True
    return form


def _source_edit_form(source: Source, data=None) -> SourceEditForm:
    initial = {name: getattr(source, name) for name in SourceForm.Meta.fields}
    initial["version"] = source.version
    return SourceEditForm(data, prefix=f"{SOURCE_PREFIX}-{source.pk}", initial=initial)


def _claim_context(
    request,
    claim: Claim,
    *,
    form=None,
    action_form=None,
    source_form=None,
    note_form=None,
    preview=None,
    conflict: bool = False,
) -> dict:
    user = request.user
    waiting_note = ""
    if claim.status == ClaimStatus.IN_REVIEW and claim.submitted_by_id == user.pk:
        waiting_note = (
            "You submitted it, so another editor must approve it: every verdict is "
            "checked by two people."
        )
    editable = workflow.can_edit(claim, user)
    actions = []
    for action in workflow.allowed_actions(claim, user):
        if action_form and action_form[0] == action:
            bound = action_form[1]
        else:
            bound = _transition_form(action, claim)
        actions.append(
            {
                "action": action,
                "label": ACTION_LABELS[action],
                "form": bound,
                "has_comment": action in COMMENT_LABELS,
            }
        )
    form = form or ClaimForm(initial=ClaimForm.initial_for(claim))
    return {
        "claim": claim,
        "article": claim.article,
        "editable": editable,
        # A refused edit keeps its form on the page even if the claim is now locked.
        "show_form": editable or form.is_bound,
        "locked_reason": "" if editable else workflow.locked_reason(claim),
        "form": form,
        "ratings": list(Rating),
        "preview": render_markdown(claim.explanation) if preview is None else preview,
        "actions": actions,
        "waiting_note": waiting_note,
        "no_action_reason": NO_ACTION_REASONS.get(claim.status, ""),
        "conflict": conflict,
        "missing": workflow.missing_for_submission(claim)
        if claim.status == ClaimStatus.RESEARCHING
        else {},
        "sources": list(claim.sources.all()),
        "source_form": source_form or SourceForm(prefix=SOURCE_PREFIX),
        "notes": list(claim.notes.all()),
        "note_form": note_form or NoteForm(prefix=NOTE_PREFIX),
        "events": list(claim.events.all()),
    }


def _render_claim(request, claim: Claim, *, status: int = 200, **options):
    context = _claim_context(request, claim, **options)
    return render(request, "review/claim.html", context, status=status)


@reviewer_required
@require_http_methods(["GET", "POST"])
def claim_editor(request, pk: int):
    """Show a claim; POST saves its content and verdict (while draft or researching)."""
    claim = _claim(pk)
    if request.method == "GET":
        return _render_claim(request, claim)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, form=form, status=422)
    version = form.cleaned_data["version"]
    try:
        saved = workflow.edit_claim(
            claim,
            by=request.user,
            version=version,
            changes=form.changes(),
            tags=form.cleaned_data["tags"],
        )
    except WorkflowError as exc:
        # Nothing was written: ``claim`` is still the current row, shown beside the
        # user's own text, which the bound form keeps.
        status = _refuse(request, form, exc)
        conflict = isinstance(exc, StaleVersion)
        return _render_claim(request, claim, form=form, status=status, conflict=conflict)
    if saved.version == version:
        messages.info(request, "Nothing to save: no field changed.")
    else:
        messages.success(request, f"Saved. The claim is now at version {saved.version}.")
    return redirect("claims:review_claim", claim.pk)


@reviewer_required
@require_POST
def claim_preview(request, pk: int):
    """The explanation as readers will see it, without saving anything."""
    claim = _claim(pk)
    preview = render_markdown(normalise_newlines(request.POST.get("explanation", "")))
    if request.htmx:
        return render(request, "review/includes/preview.html", {"preview": preview})
    # Without JavaScript: the whole editor again, holding what was typed (unvalidated, so
    # a preview shows no errors).
    typed = {name: request.POST.get(name, "") for name in ClaimForm.base_fields}
    return _render_claim(request, claim, form=ClaimForm(initial=typed), preview=preview)


@reviewer_required
@require_POST
def claim_transition(request, pk: int, action: str):
    """One workflow button: start, submit, approve, reject, withdraw or correct."""
    claim = _claim(pk)
    try:
        action = Action(action)
    except ValueError:
        raise Http404("No such action.") from None
    if action not in workflow.TRANSITIONS:
        raise Http404("No such action.")
    form = _transition_form(action, claim, request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, action_form=(action, form), status=422)
    data = form.cleaned_data
    try:
        workflow.perform(
            claim,
            action,
            by=request.user,
            version=data["version"],
            comment=data["comment"],
            verdict=form.verdict() if action == Action.CORRECT else None,
        )
    except WorkflowError as exc:
        status = _refuse(request, form, exc)
        return _render_claim(request, claim, action_form=(action, form), status=status)
    messages.success(request, DONE_MESSAGES[action])
    return redirect("claims:review_claim", claim.pk)


# --- Sources and notes ------------------------------------------------------------------


def _claim_section(request, pk: int, section: str):
    """After a change: the section's partial for htmx, else back to the editor."""
    if request.htmx:
        claim = _claim(pk)
        return render(request, f"review/partials/{section}.html", _claim_context(request, claim))
    return redirect(reverse("claims:review_claim", args=[pk]) + f"#{section}")


def _source(claim: Claim, source_pk: int) -> Source:
    for source in claim.sources.all():
        if source.pk == source_pk:
            return source
    raise Http404("No such source on this claim.")


@reviewer_required
@require_POST
def source_add(request, pk: int):
    claim = _claim(pk)
    form = SourceForm(request.POST, prefix=SOURCE_PREFIX)
    status = 422
    if form.is_valid():
        try:
            editing.add_source(claim, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            status = _refuse(request, form, exc)
        else:
            messages.success(request, "Source added.")
            return _claim_section(request, pk, "sources")
    template = "review/partials/sources.html" if request.htmx else "review/claim.html"
    context = _claim_context(request, claim, source_form=form)
    return render(request, template, context, status=status)


@reviewer_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int, source_pk: int):
    """Edit one source: inline with htmx, on its own page without."""
    claim = _claim(pk)
    source = _source(claim, source_pk)
    form = _source_edit_form(source, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                editing.update_source(
                    source,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    **form.source_fields(),
                )
            except WorkflowError as exc:
                status = _refuse(request, form, exc)
            else:
                messages.success(request, "Source saved.")
                return _claim_section(request, pk, "sources")
    context = {"claim": claim, "source": source, "form": form}
    if not request.htmx:
        return render(request, "review/source_edit.html", context, status=status)
    response = render(request, "review/partials/source_edit.html", context, status=status)
    # The form targets the whole section (what a save returns); a refusal returns just
    # this source's form, so it goes back in place of itself.
    return reswap(retarget(response, f"#source-{source.pk}"), "outerHTML")


@reviewer_required
@require_POST
def source_remove(request, pk: int, source_pk: int):
    claim = _claim(pk)
    source = _source(claim, source_pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            editing.remove_source(source, by=request.user, version=form.cleaned_data["version"])
        except WorkflowError as exc:
            status = _refuse(request, form, exc)
        else:
            messages.success(request, f"Source removed: {source.title}.")
            return _claim_section(request, pk, "sources")
    else:
        messages.error(request, "The source's version is missing: reload the page and try again.")
        status = 422
    template = "review/partials/sources.html" if request.htmx else "review/claim.html"
    return render(request, template, _claim_context(request, claim), status=status)


@reviewer_required
@require_POST
def note_add(request, pk: int):
    claim = _claim(pk)
    form = NoteForm(request.POST, prefix=NOTE_PREFIX)
    status = 422
    if form.is_valid():
        try:
            editing.add_note(claim, by=request.user, body=form.cleaned_data["body"])
        except WorkflowError as exc:
            status = _refuse(request, form, exc)
        else:
            messages.success(request, "Note added.")
            return _claim_section(request, pk, "notes")
    template = "review/partials/notes.html" if request.htmx else "review/claim.html"
    context = _claim_context(request, claim, note_form=form)
    return render(request, template, context, status=status)
