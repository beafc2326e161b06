"""Four eyes on contribution, through every door: the reviewer UI, the API and the admin.

For a claim's first publication, nobody who contributed to it approves it: whoever
submitted it, edited its verdict, moved its quote, or cited or edited a source. For a
correction or a withdrawal, nobody approves their own proposal. Each kind of
contribution × each role (reviewer, editor, superuser) is refused with the specific
error, and changes nothing; an editor who did not contribute then succeeds.
"""

from dataclasses import dataclass

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims import editing, proposals, workflow
from claims.enums import Action, ClaimStatus, ProposalState, Rating
from claims.errors import FourEyes, NotPermitted
from claims.models import Claim, ClaimEvent, Correction, Proposal
from tests.factories import BODY, ArticleFactory, user_with_role

pytestmark = pytest.mark.django_db

QUOTE = "unemployment fell to 4.2 percent last year"
OTHER_QUOTE = "wages had not kept up with prices"
KINDS = ["submitted", "edited_verdict", "edited_span", "added_source", "edited_source"]
ROLES = ["reviewer", "editor", "superuser"]
CHANNELS = ["domain", "ui", "api", "admin"]
SUMMARY = "Close: the official figure is 4.3%."

# What the refusal says the contributor did, written out from the rule.
DID = {
    "submitted": "submitted it",
    "edited_verdict": "edited the verdict",
    "edited_span": "moved the quote",
    "added_source": "cited a source",
    "edited_source": "edited a source",
}


def make_actor(role: str):
    extra = {"is_superuser": True} if role == "superuser" else {}
    group = {"reviewer": "Reviewers", "editor": "Editors", "superuser": None}[role]
    # Staff, with every permission on the app's models: the admin shows them everything,
    # so only the workflow's own rules can refuse.
    user = user_with_role(f"actor-{role}", group, is_staff=True, **extra)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="claims"))
    return user


@dataclass
class Desk:
    rita: object  # the reviewer who does the rest of the research
    erin: object  # an editor who contributed nothing


@pytest.fixture
def desk(db):
    erin = user_with_role("erin", "Editors", is_staff=True)  # staff: she uses the admin too
    erin.user_permissions.add(*Permission.objects.filter(content_type__app_label="claims"))
    return Desk(user_with_role("rita", "Reviewers"), erin)


def research(desk: Desk, actor, kind: str) -> Claim:
    """A claim in review, researched by Rita, with ``actor`` doing the one step ``kind``."""
    rita = desk.rita
    article = ArticleFactory()
    start = BODY.index(QUOTE)
    claim = editing.create_claim(
        article,
        by=rita,
        quote=QUOTE,
        start_offset=start,
        end_offset=start + len(QUOTE),
        statement="Unemployment fell to 4.2% last year.",
        claimant="The minister",
    )
    workflow.start_claim(claim, by=rita, version=claim.version)
    source = editing.add_source(
        claim, by=actor if kind == "added_source" else rita, url="https://stats.example.org/a",
        title="Labour market", passage="4.3 percent",
    )  # fmt: skip
    if kind == "edited_source":
        editing.update_source(source, by=actor, version=source.version, title="Labour market, May")
    verdict = {"rating": Rating.MOSTLY_ACCURATE, "summary": SUMMARY, "explanation": "See table."}
    workflow.edit_claim(
        claim, by=actor if kind == "edited_verdict" else rita, version=claim.version,
        changes=verdict,
    )  # fmt: skip
    if kind == "edited_span":
        other = BODY.index(OTHER_QUOTE)
        workflow.edit_claim(
            claim,
            by=actor,
            version=claim.version,
            changes={
                "quote": OTHER_QUOTE,
                "start_offset": other,
                "end_offset": other + len(OTHER_QUOTE),
            },
        )
    submitter = actor if kind == "submitted" else rita
    workflow.submit_claim(claim, by=submitter, version=claim.version)
    claim.refresh_from_db()
    return claim


def frozen(claim: Claim) -> dict:
    return {
        "claim": Claim.objects.filter(pk=claim.pk).values().get(),
        "events": ClaimEvent.objects.filter(claim=claim).count(),
        "corrections": Correction.objects.count(),
        "proposals": list(Proposal.objects.values_list("pk", "state")),
    }


# --- The doors ----------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    _, key = AuthToken.objects.create(user=user, expiry=None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def approve_claim(channel: str, user, claim: Claim) -> str | None:
    """Approve ``claim`` as ``user`` through ``channel``; the refusal's message, or None."""
    if channel == "domain":
        try:
            workflow.approve_claim(claim, by=user, version=claim.version)
        except NotPermitted as exc:
            return exc.message
        return None
    if channel == "api":
        response = _api(user).post(
            f"/api/v1/claims/{claim.pk}/transitions/",
            {"action": "approve", "version": claim.version},
            format="json",
        )
        return None if response.status_code == 200 else response.json()["error"]["message"]
    client = _browser(user)
    if channel == "ui":
        response = client.post(
            reverse("claims:review_claim_action", args=[claim.pk, "approve"]),
            {"approve-version": claim.version},
            follow=True,
        )
        errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
        return errors[0] if errors else None
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [claim.pk]},
        follow=True,
    )
    [message] = _messages(response)
    prefix = f"“{claim}”: "
    text = message.removeprefix(prefix)
    return None if text == workflow.TRANSITIONS[Action.APPROVE].done else text


def propose(channel: str, user, claim: Claim, action: Action) -> str | None:
    """Propose a correction or a withdrawal as ``user`` through ``channel``."""
    verdict = {"summary": "Close: the official figure is 4.4%."}
    comment = "The office revised its figure." if action == Action.CORRECT else "Misquoted."
    if channel == "domain":
        try:
            proposals.act(
                claim,
                action,
                by=user,
                version=claim.version,
                comment=comment,
                verdict=verdict if action == Action.CORRECT else None,
            )
        except NotPermitted as exc:
            return exc.message
        return None
    if channel == "api":
        body = {"action": action.value, "version": claim.version, "comment": comment}
        if action == Action.CORRECT:
            body.update(verdict)
        response = _api(user).post(f"/api/v1/claims/{claim.pk}/transitions/", body, format="json")
        return None if response.status_code == 202 else response.json()["error"]["message"]
    client = _browser(user)
    if channel == "ui":
        data = {f"{action.value}-version": claim.version, f"{action.value}-comment": comment}
        if action == Action.CORRECT:
            data.update(
                {
                    "correct-rating": claim.rating,
                    "correct-summary": verdict["summary"],
                    "correct-explanation": claim.explanation,
                }
            )
        response = client.post(
            reverse("claims:review_claim_action", args=[claim.pk, action.value]),
            data,
            follow=True,
        )
        errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
        return errors[0] if errors else None
    data = {"apply": "yes", "comment": comment, f"version-{claim.pk}": claim.version}
    if action == Action.CORRECT:
        data.update(rating=claim.rating, summary=verdict["summary"], explanation=claim.explanation)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": action.value, ACTION_CHECKBOX_NAME: [claim.pk], **data},
        follow=True,
    )
    [message] = _messages(response)
    text = message.removeprefix(f"“{claim}”: ")
    return None if text == workflow.TRANSITIONS[action].done else text


def approve_proposal(channel: str, user, proposal: Proposal) -> str | None:
    if channel == "domain":
        from claims import approvals

        try:
            approvals.approve_proposal(proposal, by=user)
        except NotPermitted as exc:
            return exc.message
        return None
    if channel == "api":
        response = _api(user).post(f"/api/v1/proposals/{proposal.pk}/approve/")
        return None if response.status_code == 200 else response.json()["error"]["message"]
    client = _browser(user)
    if channel == "ui":
        response = client.post(
            reverse("claims:review_proposal_approve", args=[proposal.pk]), follow=True
        )
        errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
        return errors[0] if errors else None
    response = client.post(
        reverse("admin:claims_proposal_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [proposal.pk]},
        follow=True,
    )
    [message] = _messages(response)
    text = message.removeprefix(f"{proposal}: ")
    return None if text == "approved and applied." else text


def _browser(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- First publication ----------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_nobody_who_contributed_approves_a_claim(desk, channel, role, kind):
    actor = make_actor(role)
    claim = research(desk, actor, kind)
    before = frozen(claim)

    refusal = approve_claim(channel, actor, claim)

    if role == "reviewer":
        assert refusal == "Only an editor can approve a claim."
    else:
        assert refusal == (
            f"You {DID[kind]}, so you cannot approve this claim: everything readers see is "
            "checked by two people. It may be approved by Erin."
        )
    assert frozen(claim) == before
    assert Action.APPROVE not in workflow.allowed_actions(claim, actor)

    assert approve_claim(channel, desk.erin, claim) is None
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.PUBLISHED, desk.erin)


def test_the_refusal_lists_everything_the_editor_did(desk):
    """An editor who did several things is told all of them, in the order done."""
    editor = make_actor("editor")
    claim = research(desk, editor, "added_source")
    workflow.reject_claim(claim, by=desk.erin, version=claim.version, comment="Redo.")
    workflow.edit_claim(claim, by=editor, version=claim.version, changes={"summary": "Newer."})
    workflow.submit_claim(claim, by=editor, version=claim.version)
    with pytest.raises(FourEyes) as excinfo:
        workflow.approve_claim(claim, by=editor, version=claim.version)
    assert excinfo.value.contributed == ["cited a source", "edited the verdict", "submitted it"]
    assert excinfo.value.may_approve == ["Erin"]


def test_when_every_editor_contributed_the_refusal_says_ask_another_editor(desk):
    editor = make_actor("editor")
    claim = research(desk, editor, "edited_verdict")
    desk.erin.groups.clear()  # the only other editor is no longer one
    with pytest.raises(FourEyes) as excinfo:
        workflow.approve_claim(claim, by=editor, version=claim.version)
    assert excinfo.value.message == (
        "You edited the verdict, so you cannot approve this claim: everything readers see "
        "is checked by two people. Ask another editor to approve it."
    )


def test_reviewing_and_sending_back_is_not_contributing(desk):
    """An editor who only sent a claim back, or wrote a note, may approve it."""
    claim = research(desk, desk.rita, "submitted")
    workflow.reject_claim(claim, by=desk.erin, version=claim.version, comment="Cite the PDF.")
    editing.add_note(claim, by=desk.erin, body="Looks right now.")
    workflow.submit_claim(claim, by=desk.rita, version=claim.version)
    workflow.approve_claim(claim, by=desk.erin, version=claim.version)
    assert Claim.objects.get().status == ClaimStatus.PUBLISHED


# --- Corrections and withdrawals -----------------------------------------------------------


@pytest.fixture
def published(desk):
    claim = research(desk, desk.rita, "submitted")
    workflow.approve_claim(claim, by=desk.erin, version=claim.version)
    claim.refresh_from_db()
    return claim


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [Action.CORRECT, Action.WITHDRAW])
def test_nobody_approves_their_own_correction_or_withdrawal(desk, published, channel, role, action):
    actor = make_actor(role)
    before = frozen(published)

    refusal = propose(channel, actor, published, action)

    if role == "reviewer":
        verb = workflow.TRANSITIONS[action].verb
        assert refusal == f"Only an editor can {verb}."
        assert frozen(published) == before
        return
    assert refusal is None
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.proposed_by) == (ProposalState.PENDING, actor)
    # Readers still see the published verdict: nothing about the claim changed.
    assert frozen(published)["claim"] == before["claim"]

    before = frozen(published)
    refusal = approve_proposal(channel, actor, proposal)
    noun = "correction" if action == Action.CORRECT else "withdrawal"
    assert refusal == (
        f"You proposed it, so you cannot approve this {noun}: everything readers see is "
        "checked by two people. It may be approved by Erin."
    )
    assert frozen(published) == before

    assert approve_proposal(channel, desk.erin, proposal) is None
    published.refresh_from_db()
    if action == Action.CORRECT:
        assert (published.status, published.summary) == (
            ClaimStatus.PUBLISHED,
            "Close: the official figure is 4.4%.",
        )
    else:
        assert (published.status, published.withdrawal_reason) == (
            ClaimStatus.WITHDRAWN,
            "Misquoted.",
        )
    event = ClaimEvent.objects.get(action=action)
    assert (event.actor, event.proposal, event.proposal.proposed_by) == (desk.erin, proposal, actor)


def test_a_correction_is_judged_on_its_own_contributors(desk, published):
    """Four eyes on a correction means its proposer and its approver: whoever approved or
    researched the original verdict may approve a correction someone else proposed."""
    editor = make_actor("editor")
    proposal = proposals.propose_correction(
        published, by=editor, version=published.version, note="Revised.", summary="4.4%."
    )
    from claims import approvals

    approvals.approve_proposal(proposal, by=desk.erin)  # erin approved the original too
    published.refresh_from_db()
    assert published.summary == "4.4%."
