"""A real Celery worker checks a source saved through the reviewer UI, and the result
shows on the claim page — on the embedded broker, and on real Redis (service-marked)."""

import pytest
from django.conf import settings
from django.urls import reverse

from claims import workflow
from claims.enums import ClaimStatus, Rating, SourceHealth
from claims.models import LinkCheck, Source
from tests.factories import ClaimFactory, user_with_role
from tests.support.worker import WorkerProcess, wait_for

PAGE = "<title>May release</title><p>The unemployment rate was 4.3 percent in May.</p>"


@pytest.fixture
def linkcheck_worker(transactional_db, allow_loopback):
    server = allow_loopback
    worker = WorkerProcess(
        extra_env={
            "LINKCHECK_ALLOW_NETWORKS": "127.0.0.0/8",
            "LINKCHECK_ALLOWED_PORTS": f"80,443,{server.port}",
            "LINKCHECK_PER_HOST_INTERVAL": "0",
        }
    ).start()
    yield worker, server
    worker.stop()


def _source_saved_in_the_ui_is_checked_and_shown(client, worker, server):
    server.page("/may", PAGE)
    reviewer = user_with_role("rita", "Reviewers")
    editor = user_with_role("eddie", "Editors")
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_source_add", args=[claim.pk]),
        {
            "source-url": server.url("/may"),
            "source-title": "Labour market, May",
            "source-publisher": "Statistics Office",
            "source-kind": "primary_data",
            "source-stance": "supports",
            "source-passage": "unemployment rate was 4.3 percent",
        },
    )
    assert response.status_code == 302
    check = wait_for(lambda: LinkCheck.objects.first(), timeout=30)
    assert check is not None, "the worker never checked the source:\n" + worker.output()
    assert (check.outcome, check.http_status, check.passage_found) == ("ok", 200, True)
    assert Source.objects.get().health == SourceHealth.OK

    claim.refresh_from_db()
    workflow.edit_claim(
        claim,
        by=reviewer,
        version=claim.version,
        changes={"rating": Rating.ACCURATE, "summary": "Right.", "explanation": "It is."},
    )
    workflow.submit_claim(claim, by=reviewer, version=claim.version)
    workflow.approve_claim(claim, by=editor, version=claim.version)
    client.logout()
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert (
        '<span class="health health--ok">The page is still online and still contains the '
        "quoted passage</span>"
    ) in html
    assert [r.path for r in server.requests] == ["/may"]


@pytest.mark.worker
@pytest.mark.skipif(bool(settings.REDIS_URL), reason="REDIS_URL is set: the broker is Redis")
def test_worker_checks_a_saved_source_through_the_embedded_broker(client, linkcheck_worker):
    _source_saved_in_the_ui_is_checked_and_shown(client, *linkcheck_worker)


@pytest.mark.worker
@pytest.mark.redis
def test_worker_checks_a_saved_source_through_redis(client, linkcheck_worker):
    _source_saved_in_the_ui_is_checked_and_shown(client, *linkcheck_worker)
