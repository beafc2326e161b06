"""The Django admin: every page loads with data, workflow actions keep the workflow's
rules, and the append-only tables cannot be changed by anyone."""

import csv
import io
import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from claims import checking, editing, workflow
from claims.enums import CheckOutcome, ClaimStatus, Rating
from claims.linkcheck import CheckResult
from claims.models import (
    Article,
    ArticleRevision,
    Claim,
    ClaimEvent,
    Correction,
    HostThrottle,
    LinkCheck,
    Note,
    Proposal,
    Source,
    Tag,
    WorkerHeartbeat,
)
from tests.factories import (
    BODY,
    ClaimFactory,
    InReviewClaimFactory,
    NoteFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
    user_with_role,
)
from tests.support.record import publish_correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reviewer, editor):
    """One row of every model the admin shows."""
    article = editing.create_article(by=reviewer, title="An article", body=BODY)  # revision 1
    claim = PublishedClaimFactory(article=article, submitted_by=reviewer, approved_by=editor)
    claim.tags.create(name="Labour market")
    source = SourceFactory(claim=claim)
    (ticket,) = checking.hand_out([source.pk])
    checking.record_result(ticket, CheckResult(url=source.url, outcome=CheckOutcome.OK, status=200))
    HostThrottle.objects.create(host="stats.example.org")
    NoteFactory(claim=claim, author=reviewer)
    publish_correction(claim, by=editor, note="Fixed.", summary="S")
    # A pending proposal: an archived copy on the published claim.
    editing.record_archived_copy(source, by=reviewer, archived_url="https://archive.example/x")
    WorkerHeartbeat.objects.create(hostname="worker@host", seen_at=timezone.now())
    AuthToken.objects.create(user=reviewer, expiry=None)
    return claim


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


MODELS = [
    Article, Claim, Tag, Source, Note, ClaimEvent, Correction, LinkCheck, HostThrottle,
    WorkerHeartbeat, Proposal, ArticleRevision,
]  # fmt: skip
ADDABLE = {Article, Tag, Note}


def _url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_every_domain_model_is_registered():
    from django.contrib import admin

    registered = set(admin.site._registry)
    assert set(MODELS) <= registered
    assert {Group, AuthToken} <= registered


@pytest.mark.parametrize("model", [*MODELS, Group, AuthToken], ids=lambda m: m.__name__)
def test_changelist_loads_with_data(admin_client, data, model):
    response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_loads(admin_client, data, model):
    obj = model.objects.order_by("pk").first()
    response = admin_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize("model", [*MODELS, Group, AuthToken], ids=lambda m: m.__name__)
def test_add_page_loads_only_where_rows_are_added_by_hand(admin_client, data, model):
    response = admin_client.get(_url(model, "add"))
    assert response.status_code == (200 if model in ADDABLE | {Group} else 403)


def test_changelist_search_and_filters(admin_client, data):
    response = admin_client.get(
        _url(Claim, "changelist"), {"q": "unemployment", "status": "published"}
    )
    assert list(response.context["cl"].result_list) == [data]
    response = admin_client.get(_url(Claim, "changelist"), {"status": "draft"})
    assert list(response.context["cl"].result_list) == []


def test_user_list_shows_roles(admin_client, reviewer, editor, outsider):
    response = admin_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    rows = {user.username: admin_role for user, admin_role in _roles(response)}
    assert rows == {"rita": "reviewer", "eddie": "editor", "ada": "editor", "olga": "—"}


def _roles(response):
    model_admin = response.context["cl"].model_admin
    return [(user, model_admin.role(user)) for user in response.context["cl"].result_list]


# --- Events and corrections are append-only, for superusers too ---------------------------


@pytest.mark.parametrize(
    "model", [ClaimEvent, Correction, ArticleRevision], ids=lambda m: m.__name__
)
def test_append_only_rows_cannot_be_changed_or_deleted(admin_client, rf, superuser, data, model):
    from django.contrib import admin

    obj = model.objects.first()
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = superuser
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request, obj),
        model_admin.has_delete_permission(request, obj),
        model_admin.has_view_permission(request, obj),
    ) == (False, False, False, True)

    before = model.objects.values().get(pk=obj.pk)
    posted = admin_client.post(_url(model, "change", obj.pk), {"comment": "rewritten"})
    assert posted.status_code == 403
    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.values().get(pk=obj.pk) == before
    page = admin_client.get(_url(model, "change", obj.pk)).content.decode()
    assert 'name="_save"' not in page


def test_claim_form_is_read_only_and_shows_the_history(admin_client, data):
    url = _url(Claim, "change", data.pk)
    page = admin_client.get(url)
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "history" in html.lower()
    assert "Published a correction" in html
    posted = admin_client.post(url, {"statement": "Rewritten", "summary": "Rewritten"})
    assert posted.status_code == 403
    data.refresh_from_db()
    assert data.statement != "Rewritten"
    # The correction's proposal and its approval: nothing from the refused post.
    assert list(ClaimEvent.objects.filter(claim=data).values_list("action", flat=True)) == [
        "propose",
        "correct",
        "propose",
    ]


def test_claims_cannot_be_deleted_in_the_admin(admin_client, data):
    response = admin_client.post(_url(Claim, "delete", data.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Claim.objects.filter(pk=data.pk).exists()


def test_tags_in_use_cannot_be_deleted(admin_client, data):
    used = Tag.objects.get()
    unused = Tag.objects.create(name="Unused")
    assert admin_client.post(_url(Tag, "delete", used.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(_url(Tag, "delete", unused.pk), {"post": "yes"}).status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Labour market"]


def test_article_edit_moves_claims_and_refuses_deleting_quoted_words(admin_client):
    article = editing.create_article(by=user_with_role("rita", "Reviewers"), title="A", body=BODY)
    # Readers cannot see the article: edits apply at once.
    claim = ResearchingClaimFactory(article=article)
    url = _url(Article, "change", article.pk)
    form = {
        "based_on_version": "1",
        "title": article.title,
        "standfirst": article.standfirst,
        "author": article.author,
        "outlet": article.outlet,
        "url": article.url,
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "language": "en",
        "body": "Yesterday " + article.body,
        **_inline_management(
            claims=[claim.pk], proposals=[], revisions=[article.revisions.get().pk]
        ),
        "claims-0-article": str(article.pk),
    }
    assert admin_client.post(url, form).status_code == 302
    claim.refresh_from_db()
    assert claim.start_offset == 28
    article.refresh_from_db()
    assert (article.version, article.revisions.get(number=2).body) == (2, "Yesterday " + BODY)
    moved = ClaimEvent.objects.get(claim=claim, action="article_edit")
    assert [(e["field"], e["before"]["start"], e["after"]["start"]) for e in moved.changes] == [
        ("span", 18, 28)
    ]
    refused = admin_client.post(url, {**form, "based_on_version": "2", "body": "Nothing left."})
    assert refused.status_code == 200
    assert "This edit removes words that claims quote" in refused.content.decode()
    stale = admin_client.post(url, {**form, "body": "Earlier " + article.body})
    assert stale.status_code == 200
    assert "This article changed after you loaded it" in stale.content.decode()
    assert Article.objects.get(pk=article.pk).version == 2


def _inline_management(**inlines) -> dict:
    """The management forms of an article page's (view-only) inlines, as a browser sends."""
    data = {}
    for prefix, pks in inlines.items():
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(pks)),
                f"{prefix}-INITIAL_FORMS": str(len(pks)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        data.update({f"{prefix}-{i}-id": str(pk) for i, pk in enumerate(pks)})
    return data


def test_note_is_added_through_the_domain(admin_client, data, superuser):
    response = admin_client.post(_url(Note, "add"), {"claim": data.pk, "body": "Admin note"})
    assert response.status_code == 302
    note = Note.objects.get(body="Admin note")
    assert (note.claim, note.author) == (data, superuser)


def test_api_keys_are_never_readable_in_the_admin(client, editor, token_for):
    """Issue 11.6: a staff user with no workflow role but the key-view permission read an
    editor's key in the admin and used it. Only a hash is stored now; the admin shows who
    has a key, and can revoke it, but never shows or creates one."""
    from django.contrib.auth.models import Permission

    key = token_for(editor)["HTTP_AUTHORIZATION"].removeprefix("Token ")
    token = AuthToken.objects.get(user=editor)
    staff = user_with_role("sam", None, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__endswith="_authtoken"))
    client.force_login(staff)
    pages = [
        client.get(_url(AuthToken, "changelist")),
        client.get(_url(AuthToken, "change", token.pk)),
    ]
    assert [page.status_code for page in pages] == [200, 200]
    by_key = client.get(_url(AuthToken, "changelist"), {"q": key[:15]})
    assert by_key.context["cl"].result_count == 0  # nor can a key be looked up by its start
    for page in pages:
        html = page.content.decode()
        assert key not in html
        assert key[4:12] not in html  # not even a fragment of it
    assert "eddie" in pages[0].content.decode()
    assert (token.digest, token.token_key) != (key, key)  # stored: a digest and a prefix
    digest_as_key = Client().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {token.digest}")
    assert digest_as_key.status_code == 401
    assert client.post(_url(AuthToken, "add"), {"user": editor.pk}).status_code == 403
    # Revoking works.
    deleted = client.post(_url(AuthToken, "delete", token.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert not AuthToken.objects.exists()


# --- Workflow actions ---------------------------------------------------------------------


def _act(client, action: str, claims, **extra):
    return client.post(
        _url(Claim, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in claims], **extra},
        follow=True,
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_start_and_submit_actions_report_each_claim(admin_client):
    draft = ClaimFactory()
    published = PublishedClaimFactory(quote_text="wages had not kept up with prices")

    response = _act(admin_client, "start", [draft, published])

    assert _messages(response) == [
        f"“{draft}”: Research started.",
        f"“{published}”: A claim that is published cannot be started.",
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (ClaimStatus.RESEARCHING, 2)
    assert ClaimEvent.objects.filter(claim=draft, action="start").count() == 1

    response = _act(admin_client, "submit", [draft])
    assert _messages(response) == [
        f"“{draft}”: Not ready for review: Choose a rating. Write the one-line verdict. "
        "Explain the verdict. Cite at least one source."
    ]


def test_approve_action_keeps_four_eyes_for_administrators(admin_client, superuser, editor):
    claim = ResearchingClaimFactory(rating=Rating.FALSE, summary="No.", explanation="Because.")
    SourceFactory(claim=claim)
    workflow.submit_claim(claim, by=superuser, version=1)

    refused = _act(admin_client, "approve", [claim])

    assert _messages(refused) == [
        f"“{claim}”: You submitted it, so you cannot approve this claim: everything readers "
        "see is checked by two people. It may be approved by Eddie."
    ]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW

    other = InReviewClaimFactory(quote_text="wages had not kept up with prices")
    approved = _act(admin_client, "approve", [other])
    assert _messages(approved) == [f"“{other}”: Approved: the fact-check is published."]
    other.refresh_from_db()
    assert (other.status, other.approved_by) == (ClaimStatus.PUBLISHED, superuser)


def test_staff_without_an_editor_role_cannot_approve(client, editor):
    staff = editor.__class__.objects.create_user("stan", password="x", is_staff=True)
    staff.user_permissions.add(*_claim_permissions())
    client.force_login(staff)
    claim = InReviewClaimFactory()
    response = _act(client, "approve", [claim])
    assert _messages(response) == [f"“{claim}”: Only an editor can approve a claim."]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def _claim_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="claims", codename__endswith="claim")


def test_reject_asks_for_a_comment_on_an_intermediate_page(admin_client):
    claim = InReviewClaimFactory()

    page = _act(admin_client, "reject", [claim])

    assert page.status_code == 200
    assert page.templates[0].name == "admin/claims/claim/transition.html"
    html = page.content.decode()
    assert "What needs to change (added to the notes)" in html
    assert f'name="version-{claim.pk}" value="1"' in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW

    empty = _act(
        admin_client, "reject", [claim], apply="yes", comment="", **{f"version-{claim.pk}": 1}
    )
    assert _messages(empty) == [
        f"“{claim}”: Say what needs to change: the comment goes to the reviewer's notes."
    ]

    done = _act(
        admin_client,
        "reject",
        [claim],
        apply="yes",
        comment="Check the source.",
        **{f"version-{claim.pk}": 1},
    )
    assert _messages(done) == [f"“{claim}”: Sent back for changes; your comment is in the notes."]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESEARCHING
    assert list(Note.objects.values_list("body", flat=True)) == ["Check the source."]


def test_withdraw_refuses_a_claim_changed_since_the_page_was_shown(
    admin_client, superuser, editor, other_editor
):
    claim = PublishedClaimFactory()
    publish_correction(claim, by=editor, approver=other_editor, note="Fix.", summary="New")

    response = _act(
        admin_client,
        "withdraw",
        [claim],
        apply="yes",
        comment="Wrong.",
        **{f"version-{claim.pk}": 1},
    )

    assert len(_messages(response)) == 1
    assert _messages(response)[0].startswith(
        f"“{claim}”: This claim changed after you loaded it (you had version 1; it is now "
        "version 2)."
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED

    done = _act(
        admin_client,
        "withdraw",
        [claim],
        apply="yes",
        comment="Wrong.",
        **{f"version-{claim.pk}": 2},
    )
    assert _messages(done) == [
        f"“{claim}”: Withdrawal proposed: readers see the fact-check as it is until another "
        "editor approves it."
    ]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED  # until another editor approves
    proposal = Proposal.objects.get(kind="withdrawal")
    assert (proposal.proposed_by, proposal.note, proposal.based_on_version) == (
        superuser,
        "Wrong.",
        2,
    )


def test_correct_one_claim_with_a_new_verdict(admin_client):
    claim = PublishedClaimFactory(rating=Rating.MIXED, summary="Partly.", explanation="Why.")
    other = PublishedClaimFactory(quote_text="wages had not kept up with prices")

    two = _act(admin_client, "correct", [claim, other])
    assert _messages(two) == ["Correct one fact-check at a time: select exactly one."]

    page = _act(admin_client, "correct", [claim])
    assert 'value="Partly."' in page.content.decode()
    done = _act(
        admin_client,
        "correct",
        [claim],
        apply="yes",
        comment="New figures.",
        rating="false",
        summary="Partly.",
        explanation="Why.",
        **{f"version-{claim.pk}": 1},
    )
    assert _messages(done) == [
        f"“{claim}”: Correction proposed: readers see the current verdict until another "
        "editor approves it."
    ]
    assert Correction.objects.count() == 0
    proposal = Proposal.objects.get(kind="correction")
    assert proposal.values == {"rating": "false"}
    approve = admin_client.post(
        _url(Proposal, "changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [proposal.pk]},
        follow=True,
    )
    assert _messages(approve) == [
        f"{proposal}: You proposed it, so you cannot approve this correction: everything "
        "readers see is checked by two people. Ask another editor to approve it."
    ]
    correction_editor = user_with_role("cora", None, is_staff=True, is_superuser=True)
    admin_client.force_login(correction_editor)
    approved = admin_client.post(
        _url(Proposal, "changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [proposal.pk]},
        follow=True,
    )
    proposal.refresh_from_db()
    assert _messages(approved) == [f"{proposal}: approved and applied."]
    correction = Correction.objects.get()
    assert (correction.rating_before, correction.rating_after, correction.changed_fields) == (
        "mixed",
        "false",
        ["rating"],
    )


def test_export_csv_and_json(admin_client, reviewer, editor):
    claim = PublishedClaimFactory(
        submitted_by=reviewer, approved_by=editor, summary="=HYPERLINK(1)", rating=Rating.FALSE
    )
    claim.tags.create(name="Labour market")

    as_csv = admin_client.post(
        _url(Claim, "changelist"), {"action": "export_csv", ACTION_CHECKBOX_NAME: [claim.pk]}
    )
    as_json = admin_client.post(
        _url(Claim, "changelist"), {"action": "export_json", ACTION_CHECKBOX_NAME: [claim.pk]}
    )

    assert as_csv["Content-Disposition"] == 'attachment; filename="claims.csv"'
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert len(rows) == 1
    assert (rows[0]["slug"], rows[0]["summary"], rows[0]["tags"], rows[0]["approved_by"]) == (
        claim.slug,
        "'=HYPERLINK(1)",  # a spreadsheet must not run it as a formula
        "Labour market",
        "eddie",
    )
    assert as_json["Content-Disposition"] == 'attachment; filename="claims.json"'
    exported = json.loads(as_json.content)
    assert exported == [
        {
            "id": claim.pk,
            "slug": claim.slug,
            "status": "published",
            "article": claim.article.slug,
            "statement": claim.statement,
            "claimant": "The minister",
            "quote": claim.quote,
            "start_offset": 18,
            "end_offset": 60,
            "rating": "false",
            "summary": "=HYPERLINK(1)",
            "explanation": claim.explanation,
            "tags": ["Labour market"],
            "version": 1,
            "created_at": exported[0]["created_at"],
            "updated_at": exported[0]["updated_at"],
            "published_at": exported[0]["published_at"],
            "submitted_by": "rita",
            "approved_by": "eddie",
            "withdrawn_at": None,
            "withdrawal_reason": "",
        }
    ]
    assert exported[0]["published_at"].startswith(claim.published_at.date().isoformat())


def test_check_sources_now_action_queues_checks(
    admin_client, data, monkeypatch, django_capture_on_commit_callbacks
):
    from claims import tasks

    sent = []
    monkeypatch.setattr(tasks.task_check_sources, "delay", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            _url(Claim, "changelist"),
            {"action": "check_sources", "_selected_action": [data.pk]},
            follow=True,
        )
    source = Source.objects.get()
    assert sent == [{"tickets": [[source.pk, str(source.check_token)]]}]
    assert "1 source check(s) queued." in response.content.decode()


@pytest.mark.parametrize("model", [LinkCheck], ids=lambda m: m.__name__)
def test_link_checks_are_view_only(admin_client, data, model):
    check = LinkCheck.objects.get()
    assert admin_client.post(_url(model, "change", check.pk), {}).status_code == 403
    assert admin_client.post(_url(model, "delete", check.pk), {"post": "yes"}).status_code == 403
    assert LinkCheck.objects.count() == 1
