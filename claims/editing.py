"""Creating claims, citing sources, recording archived copies, writing notes, renaming tags.

These change neither status nor verdict (that is :mod:`claims.workflow`), but they keep
the same rules: roles checked here, sources editable only while a claim is researched,
optimistic locking by ``version``, an event with the values before and after for every
change to a claim's evidence (``claims.events``), and four eyes for what readers see: an
archived copy recorded on a public fact-check is a proposal (``claims.proposals``).
Articles and their revisions are :mod:`claims.revisions` (``create_article`` and
``update_article`` are importable from here too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import anchoring, archives, checking, proposals, public_cache
from .enums import Action, ClaimantKind, ClaimStatus, ProposalKind, SourceHealth
from .errors import Incomplete, Invalid, InvalidTransition, Locked, StaleVersion
from .events import change, initial_changes, record_event, source_change, source_values
from .models import Claim, Note, Proposal, Source, Tag, http_url_validator
from .revisions import (  # noqa: F401  (articles: editing's public names too)
    apply_article_edit,
    create_article,
    plan_article_edit,
    update_article,
)
from .rules import EDITABLE_STATES, EDITOR, REVIEWER, require_role

SOURCE_FIELDS = ("url", "title", "publisher", "kind", "passage", "stance", "accessed_at")
PUBLIC_STATES = (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN)
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def create_claim(
    article,
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
    ``create`` event (version 1) holding the whole initial state.
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
            changes=initial_changes(claim),
            version=claim.version,
        )
    return claim


def create_claim_from_words(
    article, *, by, quote: str, occurrence: int | None = None, **fields: Any
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


# --- Sources ------------------------------------------------------------------------------


def _editable_claim(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if claim.status not in EDITABLE_STATES:
        raise Locked(
            f"Sources can be changed only while a claim is draft or being researched; this "
            f"one is {claim.get_status_display().lower()}."
        )
    return claim


def _unknown_source_fields(fields: dict) -> None:
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise Invalid("Not source fields: " + ", ".join(sorted(unknown)))


def add_source(claim: Claim, *, by, **fields: Any) -> Source:
    """Cite a source.

    Side effects: one ``add_source`` event with the source's fields; the link checker is
    asked to check it once the transaction commits.
    """
    require_role(by, REVIEWER, "cite sources")
    _unknown_source_fields(fields)
    source = Source(claim=claim, **fields)
    try:
        source.full_clean()
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    with transaction.atomic():
        current = _editable_claim(claim.pk)
        source.save()
        record_event(
            current,
            by=by,
            action=Action.ADD_SOURCE,
            changes=[source_change(source.pk, None, source_values(source))],
            version=current.version,
        )
        checking.request_check(source)
    return source


# A new address is a new page: what the checker knew of the old one is forgotten.
_HEALTH_RESET = {
    "health": SourceHealth.UNKNOWN,
    "health_changed_at": None,
    "consecutive_failures": 0,
    "last_failure_counted_at": None,
    "baseline_text": "",
    "baseline_text_hash": "",
    "last_text": "",
    "baseline_at": None,
}


def update_source(source: Source, *, by, version: int | None, **fields: Any) -> Source:
    """Edit a source, refusing a stale ``version``.

    Side effects: one ``edit_source`` event with its fields before and after; a new URL
    is checked anew.
    """
    require_role(by, REVIEWER, "edit sources")
    _unknown_source_fields(fields)
    with transaction.atomic():
        current_claim = _editable_claim(source.claim_id)
        current = Source.objects.select_for_update().get(pk=source.pk)
        check_source_version(current, version)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return current
        before = source_values(current)
        for name in changed:
            setattr(current, name, fields[name])
        try:
            current.full_clean()
        except ValidationError as exc:
            raise Invalid.from_validation_error(exc) from None
        current.version += 1
        saved = [*changed, "version", "updated_at"]
        if "url" in changed:
            for name, value in _HEALTH_RESET.items():
                setattr(current, name, value)
            saved += list(_HEALTH_RESET)
        # Only the edited fields: the link checker may be writing the health meanwhile.
        current.save(update_fields=saved)
        record_event(
            current_claim,
            by=by,
            action=Action.EDIT_SOURCE,
            changes=[source_change(current.pk, before, source_values(current))],
            version=current_claim.version,
        )
        if "url" in changed:
            checking.request_check(current)
    return current


def remove_source(source: Source, *, by, version: int | None) -> None:
    """Remove a source. Side effects: one ``remove_source`` event keeping its fields."""
    require_role(by, REVIEWER, "remove sources")
    with transaction.atomic():
        current_claim = _editable_claim(source.claim_id)
        current = Source.objects.select_for_update().filter(pk=source.pk).first()
        if current is None:  # removed by a concurrent request that got the lock first
            raise InvalidTransition("This source has already been removed.")
        check_source_version(current, version)
        before, pk = source_values(current), current.pk
        current.delete()
        record_event(
            current_claim,
            by=by,
            action=Action.REMOVE_SOURCE,
            changes=[source_change(pk, before, None)],
            version=current_claim.version,
        )


def check_source_version(source: Source, version: int | None) -> None:
    if version is None:
        raise Incomplete("The source's version is missing.", {"version": "Required."})
    if int(version) != source.version:
        raise StaleVersion(
            f"This source changed after you loaded it (you had version {version}; it is "
            f"now version {source.version}). Nothing was saved: reload and try again.",
            current_version=source.version,
        )


def request_source_check(source: Source, *, by) -> bool:
    """ "Check now": queue a check of one source at once. False if one is under way."""
    require_role(by, REVIEWER, "check sources")
    with transaction.atomic():
        return checking.request_check(source) is not None


# --- Archived copies ----------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedCopy:
    """What recording an archived copy did: applied at once, or proposed."""

    source: Source
    proposal: Proposal | None = None


def record_archived_copy(
    source: Source, *, by, archived_url: str, version: int | None = None
) -> ArchivedCopy:
    """Record (or clear) a web-archive copy of a source.

    While the claim is draft, researching or in review it applies at once. On a published
    or withdrawn fact-check readers would see it, so it becomes a proposal a second editor
    approves (``claims.approvals``). Either way the copy counts as evidence for the
    "needs attention" queue only once verified (``claims.archives``). ``version`` (the
    source's), when given, is checked. Side effects: one ``archive_source`` event, or one
    proposal and its ``propose`` event.
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
        if version is not None:
            check_source_version(current, version)
        if current.archived_url == archived_url:
            return ArchivedCopy(current)
        if current.claim.status in PUBLIC_STATES:
            proposal = proposals.file_proposal(
                ProposalKind.ARCHIVED_COPY,
                by=by,
                claim=current.claim,
                source=current,
                based_on_version=current.version,
                values={"archived_url": archived_url},
            )
            return ArchivedCopy(current, proposal)
        _set_archived_copy(current, archived_url, by=by)
    current.refresh_from_db()
    return ArchivedCopy(current)


def apply_archived_copy(proposal: Proposal, *, by) -> Source:
    """Apply an approved archived-copy proposal (``claims.approvals``); refuses if the
    source changed since it was proposed."""
    current = Source.objects.select_for_update().select_related("claim").get(pk=proposal.source_id)
    check_source_version(current, proposal.based_on_version)
    _set_archived_copy(current, proposal.values["archived_url"], by=by, proposal=proposal)
    return current


def _set_archived_copy(current: Source, archived_url: str, *, by, proposal=None) -> None:
    before = source_values(current)
    Source.objects.filter(pk=current.pk).update(
        archived_url=archived_url,
        version=F("version") + 1,
        updated_at=timezone.now(),
        # What was verified was the old address: the new one is verified afresh.
        archive_verified=None,
        archive_checked_at=None,
        archive_check_detail="",
    )
    record_event(
        current.claim,
        by=by,
        action=Action.ARCHIVE_SOURCE,
        changes=[source_change(current.pk, before, {**before, "archived_url": archived_url})],
        version=current.claim.version,
        proposal=proposal,
    )
    if archived_url:
        archives.queue_verification(current.pk, archived_url)
    if current.claim.status in PUBLIC_STATES:
        transaction.on_commit(public_cache.invalidate)


# --- Notes and tags -----------------------------------------------------------------------


def add_note(claim: Claim, *, by, body: str) -> Note:
    """An internal note on a claim (any state). Never shown to readers."""
    require_role(by, REVIEWER, "write notes")
    body = (body or "").strip()
    if not body:
        raise Incomplete("A note cannot be empty.", {"body": "Write something."})
    return Note.objects.create(claim=claim, author=by, body=body)


def _tag_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Incomplete("A tag needs a name.", {"name": "Write the tag's name."})
    if len(name) > TAG_MAX_LENGTH:
        raise Invalid(
            f"A tag can be at most {TAG_MAX_LENGTH} characters long.",
            {"name": f"At most {TAG_MAX_LENGTH} characters."},
        )
    if Tag.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        raise Invalid("Another tag has this name.", {"name": "Another tag has this name."})
    return name


def create_tag(*, by, name: str) -> Tag:
    """A new tag (it changes no claim until one is tagged with it)."""
    require_role(by, REVIEWER, "create tags")
    return Tag.objects.create(name=_tag_name(name))


def rename_tag(tag: Tag, *, by, name: str) -> Tag:
    """Rename a tag; its slug (in public URLs) stays.

    Every claim carrying it shows the new name, published ones included, so only an
    editor renames. Side effects: one ``rename_tag`` event on each of those claims, with
    its tag names before and after; public pages refreshed.
    """
    require_role(by, EDITOR, "rename tags")
    with transaction.atomic():
        current = Tag.objects.select_for_update().get(pk=tag.pk)
        name = _tag_name(name, exclude_pk=current.pk)
        if name == current.name:
            return current
        old = current.name
        claims = list(current.claims.prefetch_related("tags").order_by("pk"))
        before = {claim.pk: sorted(t.name for t in claim.tags.all()) for claim in claims}
        Tag.objects.filter(pk=current.pk).update(name=name)
        for claim in claims:
            after = sorted(name if n == old else n for n in before[claim.pk])
            record_event(
                claim,
                by=by,
                action=Action.RENAME_TAG,
                from_status=claim.status,
                to_status=claim.status,
                rating_before=claim.rating,
                rating_after=claim.rating,
                comment=f"Tag “{old}” renamed “{name}”.",
                changes=[change("tags", before[claim.pk], after)],
                version=claim.version,
            )
        transaction.on_commit(public_cache.invalidate)
    current.refresh_from_db()
    return current


def delete_tag(tag: Tag, *, by) -> None:
    """Delete a tag no claim carries (one in use would change claims without an event)."""
    require_role(by, EDITOR, "delete tags")
    with transaction.atomic():
        current = Tag.objects.select_for_update().get(pk=tag.pk)
        if current.claims.exists():
            raise Locked("Claims carry this tag: it cannot be deleted. Rename it instead.")
        current.delete()
