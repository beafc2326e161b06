"""POST /api/v1/claims/{id}/assignment/: the same rules as the claim editor's box."""

import datetime

import pytest
from django.utils import timezone

from claims.enums import Action
from tests.factories import InReviewClaimFactory, PublishedClaimFactory, ResearchingClaimFactory

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _post(api_client, claim, headers, **data):
    return api_client.post(f"/api/v1/claims/{claim.pk}/assignment/", data, format="json", **headers)


def test_editor_assigns_through_the_api(api_client, token_for, editor, reviewer, other_editor):
    claim = ResearchingClaimFactory()

    response = _post(
        api_client,
        claim,
        token_for(editor),
        version=1,
        assignee="rita",
        due_date=TOMORROW,
        requested_approver="erin",
    )

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("assignee", "due_date", "requested_approver", "overdue")} == {
        "assignee": "rita",
        "due_date": TOMORROW,
        "requested_approver": "erin",
        "overdue": False,
    }
    assert body["version"] == 4
    events = api_client.get(f"/api/v1/claims/{claim.pk}/events/", **token_for(editor)).json()
    assert [(e["action"], e["changes"], e["version"]) for e in events["results"]] == [
        (Action.ASSIGN, [{"field": "assignee", "before": None, "after": "rita"}], 2),
        (Action.SET_DUE_DATE, [{"field": "due_date", "before": None, "after": TOMORROW}], 3),
        (
            Action.REQUEST_APPROVER,
            [{"field": "requested_approver", "before": None, "after": "erin"}],
            4,
        ),
    ]


def test_only_the_fields_sent_change(api_client, token_for, editor, reviewer):
    claim = ResearchingClaimFactory(assignee=reviewer, due_date=timezone.localdate())
    response = _post(api_client, claim, token_for(editor), version=1, assignee=None)
    assert response.status_code == 200
    assert (response.json()["assignee"], response.json()["due_date"]) == (
        None,
        timezone.localdate().isoformat(),
    )


def test_refusals_have_the_api_error_shape(api_client, token_for, editor, reviewer):
    claim = InReviewClaimFactory(submitted_by=editor)
    headers = token_for(reviewer)

    due = _post(api_client, claim, headers, version=1, due_date=TOMORROW)
    assert (due.status_code, due.json()["error"]["code"]) == (403, "not_permitted")
    four_eyes = _post(api_client, claim, headers, version=1, requested_approver="eddie")
    assert (four_eyes.status_code, four_eyes.json()["error"]["code"]) == (403, "not_permitted")
    stale = _post(api_client, claim, headers, version=7, assignee="rita")
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 1
    unknown = _post(api_client, claim, headers, version=1, assignee="nobody-here")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == {
        "assignee": "Object with username=nobody-here does not exist."
    }
    locked = _post(
        api_client, PublishedClaimFactory(), token_for(editor), version=1, assignee="rita"
    )
    assert (locked.status_code, locked.json()["error"]["code"]) == (409, "locked")
    claim.refresh_from_db()
    assert (claim.assignee, claim.requested_approver, claim.version) == (None, None, 1)


def test_anonymous_clients_cannot_assign(api_client):
    claim = ResearchingClaimFactory()
    response = _post(api_client, claim, {}, version=1, assignee="rita")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_authenticated")
    claim.refresh_from_db()
    assert claim.assignee is None
