"""Articles: creating them, and editing them as revisions.

Every change to an article's text or metadata is an :class:`~claims.models.ArticleRevision`
(who, when, the whole article as it then stood; revision 1 is the article as created),
checked against ``Article.version`` like a claim's edits. What readers and ClaimReview
show of an article that has a published or withdrawn fact-check changes only when a second
editor approves (a proposal, ``claims.proposals``); an article readers cannot see yet is
edited at once. When an edit moves a claim's words, the claim gets an ``article_edit``
event with its span before and after (the model keeps the anchor invariant itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from . import anchoring, proposals, roles
from .enums import Action, ProposalKind
from .errors import Invalid, StaleVersion
from .events import change, record_event, span_of
from .models import (
    ARTICLE_FIELDS,
    Article,
    ArticleRevision,
    Claim,
    ClaimMove,
    Proposal,
    lost_quotes_message,
)
from .rules import REVIEWER, require_role
from .workflow import require_version


@dataclass
class ArticleEditPlan:
    """What an edit would do, computed without writing anything (the preview)."""

    article: Article  # the article as it would be (unsaved)
    changed: list[str]
    moves: list[ClaimMove] = field(default_factory=list)
    lost: list[Claim] = field(default_factory=list)  # claims whose quoted words it deletes
    needs_approval: bool = False
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class ArticleEdit:
    """What an edit did: a new revision, or a proposal waiting for a second editor."""

    article: Article
    revision: ArticleRevision | None = None
    proposal: Proposal | None = None


def _snapshot(article: Article) -> dict[str, Any]:
    return {name: getattr(article, name) for name in ARTICLE_FIELDS}


def _as_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def fields_from_json(values: dict[str, Any]) -> dict[str, Any]:
    """A proposal's stored values as model values (dates parsed)."""
    parsed = dict(values)
    if parsed.get("published_at"):
        parsed["published_at"] = parse_datetime(parsed["published_at"])
    return parsed


def plan_article_edit(article: Article, *, fields: dict[str, Any]) -> ArticleEditPlan:
    """Which fields an edit changes, which claims move and which it would break.

    Reads only. The body is normalised first (as it would be stored), so the plan is
    exactly what saving would do.
    """
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise Invalid(
            "Not article fields: " + ", ".join(sorted(unknown)),
            {name: "Not editable." for name in sorted(unknown)},
        )
    candidate = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.body = anchoring.normalise_body(candidate.body or "")
    plan = ArticleEditPlan(candidate, changed=[])
    try:
        candidate.clean_fields(exclude=["slug"])
    except ValidationError as exc:
        plan.problems = Invalid.from_validation_error(exc).fields
    current = Article.objects.get(pk=article.pk)
    plan.changed = [n for n in ARTICLE_FIELDS if getattr(candidate, n) != getattr(current, n)]
    if "body" in plan.changed and not plan.problems:
        plan.moves, plan.lost = candidate.reanchor_claims()
        if plan.lost:
            plan.problems["body"] = lost_quotes_message(plan.lost)
    plan.needs_approval = bool(plan.changed) and current.is_public()
    return plan


def _stale(article: Article, version: int) -> StaleVersion:
    latest = article.revisions.select_related("actor").order_by("-number").first()
    since = ""
    if latest is not None and latest.number > version:
        since = f" (revision {latest.number} by {roles.display_name(latest.actor)})"
    return StaleVersion(
        f"This article changed after you loaded it (you had version {version}; it is now "
        f"version {article.version}{since}). Nothing was saved: reload to see the current "
        "text and make your change again.",
        current_version=article.version,
    )


def _locked(article: Article, version: int | None) -> Article:
    current = Article.objects.select_for_update().get(pk=article.pk)
    version = require_version(version, "article")
    if version != current.version:
        raise _stale(current, version)
    return current


def _write(current: Article, plan: ArticleEditPlan, *, actor, approved_by=None, proposal=None):
    """Save the edit as the next revision; an event on each claim whose words moved."""
    moved_from = {move.claim.pk: span_of(move.claim) for move in plan.moves}
    for name in plan.changed:
        setattr(current, name, getattr(plan.article, name))
    current.version += 1
    current.save()
    revision = ArticleRevision.objects.create(
        article=current,
        number=current.version,
        actor=actor,
        approved_by=approved_by,
        proposal=proposal,
        changed_fields=plan.changed,
        comment=proposal.note if proposal else "",
        **_snapshot(current),
    )
    for move in current.moved_claims:
        claim = Claim.objects.get(pk=move.claim.pk)
        record_event(
            claim,
            by=actor,
            action=Action.ARTICLE_EDIT,
            from_status=claim.status,
            to_status=claim.status,
            rating_before=claim.rating,
            rating_after=claim.rating,
            comment=f"Its words moved with revision {revision.number} of the article.",
            changes=[change("span", moved_from[claim.pk], span_of(claim))],
            version=claim.version,
            proposal=proposal,
        )
    return revision


def create_article(*, by, **fields: Any) -> Article:
    """A new article; its body is normalised before anything can point into it.

    Side effects: revision 1, the article as created.
    """
    require_role(by, REVIEWER, "add articles")
    article = Article(**fields)
    try:
        article.full_clean(exclude=["slug"])
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    with transaction.atomic():
        article.save()
        ArticleRevision.objects.create(
            article=article,
            number=1,
            actor=by,
            changed_fields=list(ARTICLE_FIELDS),
            **_snapshot(article),
        )
    return article


def update_article(
    article: Article, *, by, version: int | None, fields: dict[str, Any], comment: str = ""
) -> ArticleEdit:
    """Edit an article's text or metadata, based on ``version``.

    1. Refused if the version is stale, a value is invalid, or the edit deletes words a
       claim quotes (the refusal names them).
    2. Nothing changed: nothing is written.
    3. The article is public (a published or withdrawn fact-check quotes it): the edit
       becomes a proposal, and readers keep the current revision until a second editor
       approves.
    4. Otherwise it is saved at once as the next revision; claims move with their words,
       each with an ``article_edit`` event.
    """
    require_role(by, REVIEWER, "edit articles")
    with transaction.atomic():
        current = _locked(article, version)
        plan = plan_article_edit(current, fields=fields)
        if plan.refused:
            raise Invalid(" ".join(plan.problems.values()), plan.problems)
        if not plan.changed:
            return ArticleEdit(current)
        if plan.needs_approval:
            values = _as_json({name: getattr(plan.article, name) for name in plan.changed})
            proposal = proposals.file_proposal(
                ProposalKind.ARTICLE_EDIT,
                by=by,
                article=current,
                based_on_version=current.version,
                values=values,
                note=(comment or "").strip(),
            )
            return ArticleEdit(current, proposal=proposal)
        revision = _write(current, plan, actor=by)
    return ArticleEdit(current, revision=revision)


def apply_article_edit(proposal: Proposal, *, by) -> ArticleRevision:
    """Apply an approved article-edit proposal (``claims.approvals``): the proposer's
    text becomes the next revision, approved by ``by``. Refused if the article changed
    since, or if the edit would now delete words a claim quotes."""
    current = _locked(proposal.article, proposal.based_on_version)
    plan = plan_article_edit(current, fields=fields_from_json(proposal.values))
    if plan.refused:
        raise Invalid(" ".join(plan.problems.values()), plan.problems)
    return _write(current, plan, actor=proposal.proposed_by, approved_by=by, proposal=proposal)
