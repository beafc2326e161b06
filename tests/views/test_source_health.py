"""Reviewer pages for link health: the timeline, "Check now", archived copies, the
"needs attention" queue and the worker status on the dashboard."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import checking, heartbeat
from claims.enums import CheckOutcome, SourceHealth
from claims.linkcheck import CheckResult
from claims.models import Proposal, Source
from tests.factories import PublishedClaimFactory, ResearchingClaimFactory, SourceFactory
from tests.views.pages import shown_messages

pytestmark = pytest.mark.django_db


def check(source, outcome, status=None, **extra):
    (ticket,) = checking.hand_out([source.pk])
    return checking.record_result(
        ticket, CheckResult(url=source.url, outcome=outcome, status=status, **extra)
    )


def urls(source):
    args = [source.claim_id, source.pk]
    return {
        "check": reverse("claims:review_source_check", args=args),
        "health": reverse("claims:review_source_health", args=args),
        "archive": reverse("claims:review_source_archive", args=args),
    }


def test_claim_editor_shows_the_chart_with_text_alternatives(client, reviewer):
    source = SourceFactory(claim=ResearchingClaimFactory(), title="Labour <stats>")
    check(source, CheckOutcome.OK, 200)
    check(source, CheckOutcome.GONE, 404)
    client.force_login(reviewer)
    html = client.get(reverse("claims:review_claim", args=[source.claim_id])).content.decode()
    chart = re.search(r'<svg class="health-chart".*?</svg>', html, re.S).group(0)
    assert f'role="img" data-chart="source-{source.pk}-chart">' in chart
    # Its accessible name and description: the first <title> and the <desc> (SVG-AAM).
    assert re.match(r"<svg[^>]*><title>(.*?)</title>", chart).group(1) == (
        "Recent link checks of “Labour &lt;stats&gt;”"
    )
    today = timezone.localtime().strftime("%-d %b %Y")
    assert re.search(r"</title><desc>(.*?)</desc>", chart).group(1) == (
        f"2 checks on {today}: 1 OK, 1 Gone (404/410). Latest: Gone (404/410) (HTTP 404)."
    )
    # The markers: a dot in the OK row, a cross in the Failed row, oldest first.
    assert re.findall(r'class="hc-mark hc-(\w+)', chart) == ["ok", "failed"]
    rows = re.findall(
        r'<tr class="health-row health-row--(\w+)"><td><time[^>]*>[^<]+</time></td>'
        r"<td>([^<]+)</td><td>([^<]+)</td>",
        html,
    )
    assert rows == [("gone", "Gone (404/410)", "404"), ("ok", "OK", "200")]
    assert '<span class="health health--failing">Failing</span>' in html


def test_check_now_with_htmx_shows_progress_then_the_result(client, reviewer, monkeypatch):
    from claims import tasks

    sent = []
    monkeypatch.setattr(tasks.task_check_sources, "delay", lambda **kw: sent.append(kw))
    source = SourceFactory(claim=PublishedClaimFactory())
    client.force_login(reviewer)
    response = client.post(urls(source)["check"], HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="{urls(source)["health"]}" hx-trigger="every 1s"' in html
    assert "Checking…" in html
    source.refresh_from_db()
    assert source.check_token is not None
    # A worker records the result; the next poll shows it and stops polling.
    checking.record_result(
        checking.Ticket(source.pk, str(source.check_token)),
        CheckResult(url=source.url, outcome=CheckOutcome.OK, status=200),
    )
    html = client.get(urls(source)["health"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "Checking…" not in html
    assert '<span class="health health--ok">OK</span>' in html


def test_check_now_without_javascript_redirects_with_a_message(client, reviewer):
    source = SourceFactory(claim=PublishedClaimFactory())
    client.force_login(reviewer)
    response = client.post(urls(source)["check"], follow=True)
    assert response.redirect_chain[-1][0].endswith(
        reverse("claims:review_claim", args=[source.claim_id]) + f"#source-{source.pk}"
    )
    assert "Check queued: the result appears here within a minute." in response.content.decode()


def test_link_check_views_need_a_reviewer(client, outsider):
    source = SourceFactory()
    for name, url in urls(source).items():
        method = client.get if name == "health" else client.post
        response = method(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    client.force_login(outsider)
    for name, url in urls(source).items():
        method = client.get if name == "health" else client.post
        assert method(url).status_code == 403, name
    assert Source.objects.get().check_token is None


def test_an_archived_copy_on_a_published_claim_is_a_proposal_and_clears_nothing(client, reviewer):
    """The old hole: any archived URL took a dead source out of the queue. Now, on a
    published claim it waits for an editor, and even then counts only once verified."""
    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim)
    Source.objects.filter(pk=source.pk).update(health=SourceHealth.DEAD)
    client.force_login(reviewer)

    def attention():
        response = client.get(reverse("claims:review_dashboard"))
        section = next(s for s in response.context["sections"] if s["id"] == "attention")
        return [c.pk for c in section["claims"]]

    assert attention() == [claim.pk]
    response = client.post(
        urls(source)["archive"],
        {"archived_url": "https://web.archive.org/web/2023/x"},
        follow=True,
    )
    assert shown_messages(response) == [
        (
            "success",
            "Archived copy proposed: readers see it once an editor who did not propose it "
            "approves.",
        )
    ]
    assert Source.objects.get().archived_url == ""
    assert Proposal.objects.get().values == {"archived_url": "https://web.archive.org/web/2023/x"}
    assert attention() == [claim.pk]


def test_archived_copy_must_be_a_web_address(client, reviewer):
    source = SourceFactory(claim=PublishedClaimFactory())
    client.force_login(reviewer)
    response = client.post(urls(source)["archive"], {"archived_url": "javascript:x"}, follow=True)
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    assert Source.objects.get().archived_url == ""


def test_dashboard_says_whether_workers_are_alive(client, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("claims:review_dashboard")).content.decode()
    assert "No link-check worker has reported in the last 3 minutes:" in html
    heartbeat.record_heartbeat(hostname="celery@web1")
    html = client.get(reverse("claims:review_dashboard")).content.decode()
    assert "Link-check workers: 1 alive" in html


def test_dashboard_attention_lists_changed_and_passage_missing(client, editor):
    flagged = []
    for health in (SourceHealth.CHANGED, SourceHealth.PASSAGE_MISSING, SourceHealth.OK):
        claim = PublishedClaimFactory(published_at=timezone.now())
        source = SourceFactory(claim=claim)
        Source.objects.filter(pk=source.pk).update(health=health)
        if health != SourceHealth.OK:
            flagged.append(claim.pk)
    client.force_login(editor)
    response = client.get(reverse("claims:review_dashboard"))
    section = next(s for s in response.context["sections"] if s["id"] == "attention")
    assert sorted(c.pk for c in section["claims"]) == sorted(flagged)


def test_with_htmx_the_archived_copy_answer_says_it_is_a_proposal(client, reviewer):
    source = SourceFactory(claim=PublishedClaimFactory())
    client.force_login(reviewer)
    response = client.post(
        urls(source)["archive"],
        {"archived_url": "https://web.archive.org/web/2023/x"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.strip().startswith(f'<div class="source-health" id="source-{source.pk}-health"')
    assert (
        '<div id="messages" class="messages" role="status" aria-live="polite" hx-swap-oob' in page
    )
    assert shown_messages(response) == [
        (
            "success",
            "Archived copy proposed: readers see it once an editor who did not propose it "
            "approves.",
        )
    ]
