"""Creating articles and claims, citing sources and writing notes.

These change neither status nor verdict (that is :mod:`claims.workflow`), but they keep
the same rules: roles checked here, sources editable only while a claim is researched,
optimistic locking by ``version``, and an event for every change to a claim's evidence.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import anchoring, checking, public_cache
from .enums import Action, ClaimantKind, ClaimStatus, SourceHealth
from .errors import Incomplete, Invalid, InvalidTransition, Locked, StaleVersion
from .models import Article, Claim, Note, Source, Tag, http_url_validator
from .workflow import EDITABLE_STATES, REVIEWER, record_event, require_role

SOURCE_FIELDS = ("url", "title", "publisher", "kind", "passage", "stance", "accessed_at")


def create_article(*, by, **fields: Any) -> Article:
    """A new article; its body is normalised before anything can point into it."""
    require_role(by, REVIEWER, "add articles")
    article = Article(**fields)
    try:
        article.full_clean(exclude=["slug"])
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    article.save()
    return article


def update_article(article: Article, *, by, fields: dict) -> Article:
    """Change an article; the model moves every claim along with its words (and refuses an
    edit that deletes quoted words). The counterpart of ``editing.create_article``."""
    require_role(by, REVIEWER, "edit articles")
    for name, value in fields.items():
        setattr(article, name, value)
    try:
        article.full_clean(exclude=["slug"])
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    article.save()
    return article


def create_claim(
    article: Article,
    *,
    by,
    quote: str,
    start_offset: int,
    end_offset: int,
    statement: str,
    claimant: str,
    claimant_kind: str = ClaimantKind.PERSON,
    tags: list[str] | tuple[str, ...] = (),
) -> Claim:
    """A draft claim anchored to ``article.body[start_offset:end_offset]``.

    It has no slug until it is published (``workflow.approve_claim``). Side effects: one
    ``create`` event (version 1).
    """
    require_role(by, REVIEWER, "create claims")
    claim = Claim(
        article=article,
        quote=quote,
        start_offset=start_offset,
        end_offset=end_offset,
        statement=statement,
        claimant=claimant,
        claimant_kind=claimant_kind,
    )
    try:
        claim.full_clean(exclude=["slug", "tags"])
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    with transaction.atomic():
        claim.save()
        names = sorted({name.strip() for name in tags if name.strip()})
        if names:
            claim.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])
        record_event(
            claim,
            by=by,
            action=Action.CREATE,
            to_status=ClaimStatus.DRAFT,
            version=claim.version,
        )
    return claim


def create_claim_from_words(
    article: Article, *, by, quote: str, occurrence: int | None = None, **fields: Any
) -> Claim:
    """Anchor by the quoted words instead of offsets (the form that works without JS).

    Raises :class:`~claims.anchoring.AmbiguousQuote` (with the candidate spans) when the
    words occur more than once and ``occurrence`` does not say which.
    """
    span = anchoring.locate(article.body, quote, occurrence=occurrence)
    # The article's own characters, not the typed ones (quotes, accents, spaces may differ).
    exact = article.body[span.start : span.end]
    return create_claim(
        article, by=by, quote=exact, start_offset=span.start, end_offset=span.end, **fields
    )


def _editable_claim(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if claim.status not in EDITABLE_STATES:
        raise Locked(
            f"Sources can be changed only while a claim is draft or being researched; this "
            f"one is {claim.get_status_display().lower()}."
        )
    return claim


def add_source(claim: Claim, *, by, **fields: Any) -> Source:
    """Cite a source.

    Side effects: one ``add_source`` event; the link checker is asked to check it once the
    transaction commits.
    """
    require_role(by, REVIEWER, "cite sources")
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise Invalid("Not source fields: " + ", ".join(sorted(unknown)))
    source = Source(claim=claim, **fields)
    try:
        source.full_clean()
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    with transaction.atomic():
        current = _editable_claim(claim.pk)
        source.save()
        record_event(
            current, by=by, action=Action.ADD_SOURCE, changes=[source.url], version=current.version
        )
        checking.request_check(source)
    return source


def update_source(source: Source, *, by, version: int | None, **fields: Any) -> Source:
    """Edit a source, refusing a stale ``version``. Side effects: one ``edit_source`` event."""
    require_role(by, REVIEWER, "edit sources")
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise Invalid("Not source fields: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        current_claim = _editable_claim(source.claim_id)
        current = Source.objects.select_for_update().get(pk=source.pk)
        _check_source_version(current, version)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, fields[name])
        try:
            current.full_clean()
        except ValidationError as exc:
            raise Invalid.from_validation_error(exc) from None
        current.version += 1
        saved = [*changed, "version", "updated_at"]
        if "url" in changed:
            # A new address is a new page: forget the old one's health and check it anew.
            current.health, current.health_changed_at = SourceHealth.UNKNOWN, None
            current.consecutive_failures, current.last_failure_counted_at = 0, None
            current.baseline_text = current.baseline_text_hash = current.last_text = ""
            current.baseline_at = None
            saved += [
                "health", "health_changed_at", "consecutive_failures",
                "last_failure_counted_at", "baseline_text", "baseline_text_hash",
                "last_text", "baseline_at",
            ]  # fmt: skip
        # Only the edited fields: the link checker may be writing the health meanwhile.
        current.save(update_fields=saved)
        record_event(
            current_claim,
            by=by,
            action=Action.EDIT_SOURCE,
            changes=[f"{current.url}: {', '.join(changed)}"],
            version=current_claim.version,
        )
        if "url" in changed:
            checking.request_check(current)
    return current


def record_archived_copy(source: Source, *, by, archived_url: str) -> Source:
    """Record (or clear) a web-archive copy of a source, in any state of the claim.

    Readers see it beside the original link; a dead or changed source with an archived
    copy leaves the "needs attention" queue. Side effects: one ``archive_source`` event.
    """
    require_role(by, REVIEWER, "record archived copies")
    archived_url = (archived_url or "").strip()
    if archived_url:
        try:
            http_url_validator(archived_url)
        except ValidationError:
            raise Invalid(
                "The archived copy must be an http(s) address.",
                {"archived_url": "Enter a valid http or https URL."},
            ) from None
    with transaction.atomic():
        current = Source.objects.select_for_update().select_related("claim").get(pk=source.pk)
        if current.archived_url == archived_url:
            return current
        Source.objects.filter(pk=current.pk).update(
            archived_url=archived_url, version=F("version") + 1, updated_at=timezone.now()
        )
        record_event(
            current.claim,
            by=by,
            action=Action.ARCHIVE_SOURCE,
            changes=[f"{current.url} → {archived_url or '(none)'}"],
            version=current.claim.version,
        )
        if current.claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN):
            transaction.on_commit(public_cache.invalidate)
    current.refresh_from_db()
    return current


def request_source_check(source: Source, *, by) -> bool:
    """ "Check now": queue a check of one source at once. False if one is under way."""
    require_role(by, REVIEWER, "check sources")
    with transaction.atomic():
        return checking.request_check(source) is not None


def remove_source(source: Source, *, by, version: int | None) -> None:
    """Remove a source. Side effects: one ``remove_source`` event."""
    require_role(by, REVIEWER, "remove sources")
    with transaction.atomic():
        current_claim = _editable_claim(source.claim_id)
        current = Source.objects.select_for_update().filter(pk=source.pk).first()
        if current is None:  # removed by a concurrent request that got the lock first
            raise InvalidTransition("This source has already been removed.")
        _check_source_version(current, version)
        url = current.url
        current.delete()
        record_event(
            current_claim,
            by=by,
            action=Action.REMOVE_SOURCE,
            changes=[url],
            version=current_claim.version,
        )


def _check_source_version(source: Source, version: int | None) -> None:
    if version is None:
        raise Incomplete("The source's version is missing.", {"version": "Required."})
    if int(version) != source.version:
        raise StaleVersion(
            f"This source changed after you loaded it (you had version {version}; it is "
            f"now version {source.version}). Nothing was saved: reload and try again.",
            current_version=source.version,
        )


def add_note(claim: Claim, *, by, body: str) -> Note:
    """An internal note on a claim (any state). Never shown to readers."""
    require_role(by, REVIEWER, "write notes")
    body = (body or "").strip()
    if not body:
        raise Incomplete("A note cannot be empty.", {"body": "Write something."})
    return Note.objects.create(claim=claim, author=by, body=body)
