"""The link checker against a real HTTP server on 127.0.0.1 (tests/httpserver.py).

URLs use the name ``site.test`` (and ``other.test``), which a stub resolver maps to
127.0.0.1, so the Host header and the redirect rules see a real host name; the policy lets
loopback and the server's port through the SSRF guard (tests/test_ssrf.py runs without).
"""

import gzip
import hashlib
import json
import socket
import time
import tracemalloc
import urllib.request
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from claims import textmatch
from claims.enums import CheckOutcome
from claims.linkcheck import (
    CheckRequest,
    CheckResult,
    FetchPolicy,
    LinkChecker,
    RedirectHop,
    check_url,
    check_urls,
    classify_status,
    parse_retry_after,
)
from tests.support.httpserver import Reply, TestServer, gzip_bomb, latency_server, run_in_new_loop

PAGE = """<!doctype html><html><head><title>Budget 2026 | The Daily</title>
<style>p { color: red }</style><script>var tracking = "ignore me";</script></head>
<body><nav>Home News</nav><article><h1>Budget 2026</h1>
<p>The minister said “unemployment fell to 4.2 per cent — the lowest in a decade”.</p>
<noscript>Enable JavaScript</noscript><template><p>hidden</p></template>
<p>Spending rose by 3 per cent.</p></article></body></html>"""


def local(host: str) -> list[str]:
    return ["127.0.0.1"]


def policy_for(server: TestServer, **overrides) -> FetchPolicy:
    values = {"allow_networks": ["127.0.0.0/8"], "allowed_ports": {80, 443, server.port}}
    return FetchPolicy(**(values | overrides))


def check(server: TestServer, path: str, *, host: str = "site.test", policy=None, **kwargs):
    return check_url(
        server.url(path, host=host),
        policy=policy or policy_for(server),
        resolver=kwargs.pop("resolver", local),
        **kwargs,
    )


def requests_made(server: TestServer) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in server.requests]


# --- Outcomes ---------------------------------------------------------------------------


def test_check_url_ok_reports_the_page(http_server):
    http_server.page("/budget", PAGE)
    body = PAGE.encode()

    result = check(http_server, "/budget")

    url = http_server.url("/budget", host="site.test")
    expected_text = textmatch.normalize_text(
        "Home News Budget 2026 The minister said “unemployment fell to 4.2 per cent — the "
        "lowest in a decade”. Spending rose by 3 per cent."
    )
    assert result == CheckResult(
        url=url,
        outcome=CheckOutcome.OK,
        status=200,
        final_url=url,
        method="GET",
        elapsed_ms=result.elapsed_ms,
        content_type="text/html; charset=utf-8",
        bytes_read=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        text_hash=textmatch.text_hash(expected_text),
        text=expected_text,
        title="Budget 2026 | The Daily",
    )
    assert requests_made(http_server) == [("GET", "/budget")]
    assert http_server.requests[0].headers["host"] == f"site.test:{http_server.port}"


def test_check_url_sends_the_configured_user_agent(http_server):
    http_server.page("/", "<p>hi</p>")
    policy = policy_for(http_server, user_agent="factcheck-linkcheck/1.0 (+https://x.example/bot)")

    check(http_server, "/", policy=policy, want_content=False)

    assert http_server.requests[0].headers["user-agent"] == (
        "factcheck-linkcheck/1.0 (+https://x.example/bot)"
    )


def test_fetch_policy_from_settings_names_product_and_contact(settings):
    settings.LINKCHECK_CONTACT_URL = "https://factcheck.example.org/bot"
    settings.LINKCHECK_USER_AGENT = ""
    assert FetchPolicy.from_settings().user_agent == (
        "factcheck-linkcheck/1.0 (+https://factcheck.example.org/bot)"
    )
    settings.LINKCHECK_USER_AGENT = "custom/2"
    assert FetchPolicy.from_settings().user_agent == "custom/2"


def test_fetch_policy_from_settings_reads_the_limits(settings):
    settings.LINKCHECK_TOTAL_TIMEOUT = 12
    settings.LINKCHECK_MAX_BYTES = 2048
    settings.LINKCHECK_ALLOWED_PORTS = [443]
    policy = FetchPolicy.from_settings(max_redirects=3)
    assert (policy.total_timeout, policy.max_bytes, policy.allowed_ports) == (12, 2048, {443})
    assert (policy.max_redirects, policy.allow_networks, policy.connect_timeout) == (3, (), 5)


def test_default_settings_reach_the_test_server_only_with_allow_loopback(allow_loopback):
    allow_loopback.page("/", "<title>Here</title>")
    result = check_url(allow_loopback.url("/"))
    assert (result.outcome, result.title) == (CheckOutcome.OK, "Here")


def test_check_url_liveness_only_sends_head(http_server):
    http_server.page("/", PAGE)

    result = check(http_server, "/", want_content=False)

    assert (result.outcome, result.method, result.bytes_read, result.sha256) == (
        CheckOutcome.OK,
        "HEAD",
        0,
        "",
    )
    assert requests_made(http_server) == [("HEAD", "/")]


@pytest.mark.parametrize("head_status", [403, 404, 405, 501])
def test_check_url_falls_back_to_get_when_head_is_refused(http_server, head_status):
    http_server.route("/", Reply(body="<p>fine</p>"), head=Reply(head_status))

    result = check(http_server, "/", want_content=False)

    assert (result.outcome, result.status, result.method) == (CheckOutcome.OK, 200, "GET")
    assert requests_made(http_server) == [("HEAD", "/"), ("GET", "/")]


def test_check_url_falls_back_to_get_when_head_resets_the_connection(http_server):
    http_server.route("/", Reply(body="<p>fine</p>"), head=Reply(reset=True))

    result = check(http_server, "/", want_content=False)

    assert (result.outcome, result.status, result.method) == (CheckOutcome.OK, 200, "GET")
    assert requests_made(http_server) == [("HEAD", "/"), ("GET", "/")]


@pytest.mark.parametrize("status", [404, 410])
def test_check_url_gone(http_server, status):
    http_server.page("/", "<p>Not here</p>", status=status)
    result = check(http_server, "/", passage="anything")
    assert (result.outcome, result.status, result.reason) == (
        CheckOutcome.GONE,
        status,
        f"HTTP {status}",
    )
    assert (result.passage_found, result.passage_score, result.bytes_read) == (None, None, 0)


@pytest.mark.parametrize("status", [401, 403, 429, 451, 400])
def test_check_url_blocked_statuses(http_server, status):
    http_server.page("/", "<p>No</p>", status=status)
    result = check(http_server, "/")
    assert (result.outcome, result.status) == (CheckOutcome.BLOCKED, status)


def test_check_url_429_returns_retry_after_seconds(http_server):
    http_server.page("/", "<p>Slow down</p>", status=429, **{"Retry-After": "120"})
    result = check(http_server, "/")
    assert (result.outcome, result.retry_after_s) == (CheckOutcome.BLOCKED, 120)


def test_check_url_503_returns_retry_after_date(http_server):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    http_server.page("/", "<p>Maintenance</p>", status=503, **{"Retry-After": later})
    result = check(http_server, "/")
    assert result.outcome == CheckOutcome.SERVER_ERROR
    assert 85 <= result.retry_after_s <= 90


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_check_url_server_error(http_server, status):
    http_server.page("/", "<p>Oops</p>", status=status)
    result = check(http_server, "/")
    assert (result.outcome, result.status, result.retry_after_s) == (
        CheckOutcome.SERVER_ERROR,
        status,
        None,
    )


def test_check_url_cloudflare_challenge_page_is_blocked_not_server_error(http_server):
    challenge = (
        "<html><head><title>Just a moment...</title></head><body>"
        '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
        "</body></html>"
    )
    http_server.page("/", challenge, status=503, Server="cloudflare")
    result = check(http_server, "/")
    assert (result.outcome, result.status, result.reason) == (
        CheckOutcome.BLOCKED,
        503,
        "Cloudflare challenge page",
    )


def test_check_url_cf_mitigated_header_is_blocked(http_server):
    http_server.page("/", "<p>challenge</p>", status=403, **{"cf-mitigated": "challenge"})
    result = check(http_server, "/")
    assert (result.outcome, result.reason) == (
        CheckOutcome.BLOCKED,
        "Cloudflare challenge (cf-mitigated)",
    )


def test_check_url_plain_503_from_cloudflare_is_a_server_error(http_server):
    http_server.page("/", "<p>origin down</p>", status=503, Server="cloudflare")
    result = check(http_server, "/")
    assert (result.outcome, result.reason) == (CheckOutcome.SERVER_ERROR, "HTTP 503")


def test_check_url_connection_refused_is_connection_error():
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = FetchPolicy(allow_networks=["127.0.0.0/8"], allowed_ports={port})
    result = check_url(f"http://site.test:{port}/", policy=policy, resolver=local)
    assert (result.outcome, result.status) == (CheckOutcome.CONNECTION_ERROR, None)
    assert result.reason.startswith("ConnectError")


def test_check_url_reset_on_get_is_connection_error(http_server):
    http_server.route("/", Reply(reset=True))
    result = check(http_server, "/")
    assert (result.outcome, result.status) == (CheckOutcome.CONNECTION_ERROR, None)


def test_check_url_dns_failure_is_dns_error(http_server):
    def nxdomain(host):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = check(http_server, "/", resolver=nxdomain)

    assert (result.outcome, result.reason) == (
        CheckOutcome.DNS_ERROR,
        "site.test: [Errno -2] Name or service not known",
    )
    assert http_server.requests == []


def test_check_url_no_addresses_is_dns_error(http_server):
    result = check(http_server, "/", resolver=lambda host: [])
    assert (result.outcome, result.reason) == (CheckOutcome.DNS_ERROR, "site.test has no address")


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "ok"),
        (204, "ok"),
        (301, "blocked"),  # a redirect without Location
        (404, "gone"),
        (410, "gone"),
        (418, "blocked"),
        (429, "blocked"),
        (500, "server_error"),
        (599, "server_error"),
        (101, "blocked"),
    ],
)
def test_classify_status(status, outcome):
    assert classify_status(status) == outcome


# --- Redirects --------------------------------------------------------------------------


def test_check_url_permanent_redirect_on_the_same_site(http_server):
    http_server.redirect("/old", "/new-article", status=301)
    http_server.page("/new-article", PAGE)

    result = check(http_server, "/old")

    old, new = (http_server.url(p, host="site.test") for p in ("/old", "/new-article"))
    assert (result.outcome, result.status, result.final_url) == (CheckOutcome.REDIRECTED, 200, new)
    assert result.redirects == (RedirectHop(301, old, new),)
    assert (result.redirect_kind, result.cross_site, result.to_root) == ("permanent", False, False)
    assert result.title == "Budget 2026 | The Daily"


def test_check_url_temporary_chain_keeps_every_hop(http_server):
    http_server.redirect("/a", "/b", status=301)
    http_server.redirect("/b", "/c", status=302)
    http_server.redirect("/c", "/d", status=307)
    http_server.page("/d", PAGE)

    result = check(http_server, "/a")

    url = lambda p: http_server.url(p, host="site.test")  # noqa: E731
    assert result.redirects == (
        RedirectHop(301, url("/a"), url("/b")),
        RedirectHop(302, url("/b"), url("/c")),
        RedirectHop(307, url("/c"), url("/d")),
    )
    assert (result.outcome, result.redirect_kind) == (CheckOutcome.REDIRECTED, "temporary")
    assert requests_made(http_server) == [("GET", p) for p in ("/a", "/b", "/c", "/d")]


def test_check_url_redirect_to_the_site_root_is_a_suspected_soft_404(http_server):
    http_server.redirect("/2024/05/story", "/", status=301)
    http_server.page("/", "<title>Home</title>")

    result = check(http_server, "/2024/05/story")

    assert (result.outcome, result.to_root, result.cross_site) == (
        CheckOutcome.REDIRECTED,
        True,
        False,
    )


def test_check_url_redirect_to_another_site(http_server):
    http_server.redirect("/story", http_server.url("/landing", host="other.test"), status=302)
    http_server.page("/landing", "<title>Elsewhere</title>")

    result = check(http_server, "/story")

    assert (result.outcome, result.cross_site, result.redirect_kind) == (
        CheckOutcome.REDIRECTED,
        True,
        "temporary",
    )
    assert result.final_url == http_server.url("/landing", host="other.test")
    assert http_server.requests[1].headers["host"] == f"other.test:{http_server.port}"


def test_check_url_canonicalising_redirect_is_ok_but_recorded(http_server):
    http_server.redirect("/story", "/story/", status=301)
    http_server.page("/story/", PAGE)

    result = check(http_server, "/story")

    assert (result.outcome, result.redirect_kind, len(result.redirects)) == (
        CheckOutcome.OK,
        "permanent",
        1,
    )


def test_check_url_redirect_ending_in_404_is_gone(http_server):
    http_server.redirect("/old", "/missing", status=301)
    result = check(http_server, "/old")
    assert (result.outcome, result.status, len(result.redirects)) == (CheckOutcome.GONE, 404, 1)


def test_check_url_redirect_loop_is_detected(http_server):
    http_server.redirect("/x", "/y")
    http_server.redirect("/y", "/x")

    result = check(http_server, "/x")

    assert (result.outcome, result.redirect_kind, result.status) == (
        CheckOutcome.BLOCKED,
        "loop",
        302,
    )
    assert result.reason == f"redirect loop back to {http_server.url('/x', host='site.test')}"
    assert requests_made(http_server) == [("GET", "/x"), ("GET", "/y")]


def test_check_url_cookie_redirect_is_not_a_loop(http_server):
    def consent(request):
        if "consent=yes" in request.headers.get("cookie", ""):
            return Reply(body="<title>Article</title>")
        return Reply(302, headers={"Location": "/a", "Set-Cookie": "consent=yes; Path=/"})

    http_server.route("/a", consent)

    result = check(http_server, "/a")

    assert (result.outcome, result.title, len(result.redirects)) == (CheckOutcome.OK, "Article", 1)


def test_check_url_stops_after_max_redirects(http_server):
    for i in range(15):
        http_server.redirect(f"/{i}", f"/{i + 1}")

    result = check(http_server, "/0", policy=policy_for(http_server, max_redirects=10))

    assert (result.outcome, result.redirect_kind, result.reason) == (
        CheckOutcome.BLOCKED,
        "too_many",
        "more than 10 redirects",
    )
    assert len(http_server.requests) == 11  # the first request and 10 redirects followed


def test_check_url_head_follows_redirects_with_head(http_server):
    http_server.redirect("/old", "/new", status=308)
    http_server.page("/new", "<p>x</p>")
    result = check(http_server, "/old", want_content=False)
    assert (result.outcome, result.method) == (CheckOutcome.REDIRECTED, "HEAD")
    assert requests_made(http_server) == [("HEAD", "/old"), ("HEAD", "/new")]


# --- Limits -----------------------------------------------------------------------------


def test_check_url_slow_drip_hits_the_total_deadline(http_server):
    # Each byte arrives well within the read timeout; only the total deadline ends it.
    http_server.route("/", Reply(body=b"x" * 1000, drip_interval=0.1))
    policy = policy_for(http_server, total_timeout=1.5, read_timeout=1.0)

    started = time.monotonic()
    result = check(http_server, "/", policy=policy)
    took = time.monotonic() - started

    assert (result.outcome, result.status, result.reason) == (
        CheckOutcome.TIMEOUT,
        200,
        "no complete answer within 1.5 s",
    )
    assert 1.4 <= took < 3.0


def test_check_url_silent_server_hits_the_read_timeout(http_server):
    http_server.route("/", Reply(body="late", delay=2))
    policy = policy_for(http_server, read_timeout=0.3, total_timeout=5)
    result = check(http_server, "/", policy=policy)
    assert (result.outcome, result.reason) == (CheckOutcome.TIMEOUT, "ReadTimeout: ")
    assert result.elapsed_ms < 1500


def test_check_url_declared_oversized_body_is_too_large(http_server):
    http_server.route("/", Reply(body=b"a" * 300_000, headers={"Content-Type": "text/plain"}))
    result = check(http_server, "/", policy=policy_for(http_server, max_bytes=100_000))
    assert (result.outcome, result.reason, result.sha256) == (
        CheckOutcome.TOO_LARGE,
        "Content-Length 300000",
        "",
    )


def test_check_url_undeclared_oversized_body_stops_at_the_cap(http_server):
    http_server.route("/", Reply(body=b"a" * 300_000, content_length=False))
    result = check(http_server, "/", policy=policy_for(http_server, max_bytes=100_000))
    assert (result.outcome, result.bytes_read, result.reason) == (
        CheckOutcome.TOO_LARGE,
        100_000,
        "body larger than 100000 bytes",
    )


def test_check_url_gzip_bomb_stops_at_the_cap_without_inflating(http_server):
    bomb = gzip_bomb(64 * 1024 * 1024)  # 64 MiB of zeros in ~64 KiB
    http_server.route("/", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    policy = policy_for(http_server, max_bytes=1024 * 1024)

    tracemalloc.start()
    try:
        result = check(http_server, "/", policy=policy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (result.outcome, result.bytes_read) == (CheckOutcome.TOO_LARGE, 1024 * 1024)
    assert peak < 8 * 1024 * 1024  # inflating one 64 KiB network chunk would be 64 MiB


def test_check_url_decodes_gzip_and_hashes_the_decoded_body(http_server):
    http_server.route(
        "/", Reply(body=gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    )
    result = check(http_server, "/", passage="Spending rose by 3 per cent")
    assert (result.outcome, result.bytes_read, result.sha256) == (
        CheckOutcome.OK,
        len(PAGE.encode()),
        hashlib.sha256(PAGE.encode()).hexdigest(),
    )
    assert (result.title, result.passage_found) == ("Budget 2026 | The Daily", True)


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_check_url_decodes_both_kinds_of_deflate(http_server, wbits):
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = compressor.compress(PAGE.encode()) + compressor.flush()
    http_server.route("/", Reply(body=body, headers={"Content-Encoding": "deflate"}))
    result = check(http_server, "/")
    assert (result.outcome, result.title) == (CheckOutcome.OK, "Budget 2026 | The Daily")


def test_check_url_corrupt_gzip_is_a_connection_error(http_server):
    http_server.route("/", Reply(body=b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    result = check(http_server, "/")
    assert result.outcome == CheckOutcome.CONNECTION_ERROR
    assert result.reason.startswith("error: Error -3 while decompressing data")


# --- Content and passages ---------------------------------------------------------------


def test_check_url_passage_found_despite_typography(http_server):
    http_server.page("/", PAGE)
    passage = 'said "Unemployment fell to 4.2 per\u00a0cent - the lowest in a decade"'
    result = check(http_server, "/", passage=passage)
    assert (result.passage_found, result.passage_score) == (True, 1.0)


def test_check_url_passage_found_fuzzily(http_server):
    http_server.page("/", PAGE)
    passage = "unemployment fell to 4.2 percent, the lowest in a decade"
    result = check(http_server, "/", passage=passage)
    assert result.passage_found is True
    assert 0.85 <= result.passage_score < 1.0


def test_check_url_passage_missing(http_server):
    http_server.page("/", PAGE)
    result = check(http_server, "/", passage="inflation doubled since the election")
    assert result.passage_found is False
    assert result.passage_score < 0.6


def test_check_url_passage_in_hidden_markup_is_not_found(http_server):
    http_server.page("/", PAGE)
    result = check(http_server, "/", passage='var tracking = "ignore me"')
    assert result.passage_found is False


def test_check_url_passage_on_a_non_text_body_is_not_looked_for(http_server):
    http_server.route(
        "/doc.pdf", Reply(body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
    )
    result = check(http_server, "/doc.pdf", passage="anything")
    assert (result.outcome, result.passage_found, result.reason) == (
        CheckOutcome.OK,
        None,
        "no text extracted from application/pdf",
    )
    assert result.sha256 == hashlib.sha256(b"%PDF-1.7 ...").hexdigest()


def test_check_url_plain_text_is_matched_too(http_server):
    http_server.route(
        "/t.txt",
        Reply(body="Line one.\nUnemployment fell.", headers={"Content-Type": "text/plain"}),
    )
    result = check(http_server, "/t.txt", passage="unemployment fell")
    assert (result.passage_found, result.title) == (True, "")


def test_check_url_text_hash_changes_with_the_visible_text(http_server):
    http_server.page("/", PAGE)
    before = check(http_server, "/")
    http_server.page("/", PAGE.replace("3 per cent", "5 per cent"))
    after = check(http_server, "/")
    assert before.text_hash != after.text_hash


def test_check_url_text_hash_ignores_cosmetic_markup(http_server):
    http_server.page("/", PAGE)
    before = check(http_server, "/")
    cosmetic = (
        PAGE.replace("<p>Spending", '<p class="lede" id="p2">\n    <span>Spending</span>')
        .replace("<style>p { color: red }</style>", "<style>p { color: blue }</style>")
        .replace('var tracking = "ignore me";', "var tracking = 'changed';")
        .replace("<article>", '<article data-id="7">\n\n')
    )
    http_server.page("/", cosmetic)
    after = check(http_server, "/")
    assert before.text_hash == after.text_hash
    assert before.sha256 != after.sha256


def test_html_to_text_keeps_body_text_when_head_is_not_closed():
    html = "<html><head><title>T</title><meta charset=utf-8><p>Body text</p>"
    assert textmatch.html_to_text(html) == ("T", "Body text")


def test_html_to_text_separates_blocks_but_not_inline_tags():
    html = "<div>one</div><div>two<b>three</b></div><ul><li>a<li>b</ul><svg><text>x</text></svg>"
    assert textmatch.html_to_text(html) == ("", "one twothree a b")


def test_decode_body_uses_meta_charset():
    body = '<meta charset="windows-1252"><p>caf\xe9</p>'.encode("cp1252")
    assert (
        textmatch.decode_body(body, None, html=True) == '<meta charset="windows-1252"><p>café</p>'
    )


def test_normalize_text_folds_typography():
    assert (
        textmatch.normalize_text("  “Quoted”\u00a0—\tIt’s  ＦＵＬＬ… ")
        == '"quoted" - it\'s full...'
    )


def test_match_passage_is_bounded_on_a_large_page():
    words = [f"word{i % 5000}" for i in range(200_000)]
    page = " ".join(words)
    passage = " ".join(f"other{i}" for i in range(300))
    started = time.monotonic()
    found, score = textmatch.match_passage(passage, page)
    assert (found, time.monotonic() - started < 2.0) == (False, True)
    assert score < 0.5


def test_match_passage_nothing_to_look_for():
    assert textmatch.match_passage("   ", "some page") == (None, None)


# --- Retry-After ------------------------------------------------------------------------

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120),
        (" 0 ", 0),
        ("Sun, 01 Mar 2026 12:02:00 GMT", 120),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0),  # in the past: now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


# --- TLS --------------------------------------------------------------------------------


def test_https_keeps_host_name_for_sni_host_and_certificate(https_server, tls_ca):
    import ssl

    https_server.page("/", "<title>Secure</title>")
    client_context = ssl.create_default_context()
    tls_ca.configure_trust(client_context)
    policy = policy_for(https_server, ssl_context=client_context)

    result = check(https_server, "/", policy=policy)

    assert (result.outcome, result.title) == (CheckOutcome.OK, "Secure")
    assert https_server.sni_names == ["site.test"]
    assert https_server.requests[0].headers["host"] == f"site.test:{https_server.port}"


def test_https_certificate_for_another_name_is_tls_error(https_server, tls_ca):
    import ssl

    https_server.page("/", "<title>Secure</title>")
    client_context = ssl.create_default_context()
    tls_ca.configure_trust(client_context)
    policy = policy_for(https_server, ssl_context=client_context)

    result = check(https_server, "/", host="wrong.test", policy=policy)

    assert result.outcome == CheckOutcome.TLS_ERROR
    assert "Hostname mismatch" in result.reason
    assert https_server.requests == []


def test_https_untrusted_certificate_is_tls_error(https_server):
    https_server.page("/", "<title>Secure</title>")
    result = check(https_server, "/")  # the default trust store does not know the test CA
    assert result.outcome == CheckOutcome.TLS_ERROR
    assert "CERTIFICATE_VERIFY_FAILED" in result.reason
    assert https_server.requests == []


# --- Many checks at once ----------------------------------------------------------------


def test_check_urls_runs_many_checks_concurrently_within_host_limits():
    """500 checks over 10 hosts, each answer taking 100 ms: well within 5 s (50 s serially),
    never more than the per-host limit in flight on one host."""
    with latency_server(0.1) as port:
        urls = [f"http://host{i % 10}.test:{port}/page/{i}" for i in range(500)]
        policy = FetchPolicy(
            allow_networks=["127.0.0.0/8"],
            allowed_ports={port},
            per_host_concurrency=5,
            max_concurrency=50,
        )

        started = time.monotonic()
        results = check_urls(
            [CheckRequest(u, want_content=False) for u in urls], policy=policy, resolver=local
        )
        took = time.monotonic() - started

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as response:
            most_in_flight = json.load(response)

    assert [(r.url, r.outcome) for r in results] == [(u, CheckOutcome.OK) for u in urls]
    assert took < 5.0
    assert sorted(most_in_flight) == [f"host{i}.test" for i in range(10)]
    assert max(most_in_flight.values()) == 5  # the per-host limit was reached, never passed


def test_check_url_works_inside_a_running_event_loop(http_server):
    http_server.page("/", "<title>Loop</title>")

    async def caller():
        return check(http_server, "/")

    assert run_in_new_loop(caller()).title == "Loop"


def test_link_checker_async_api(http_server):
    http_server.page("/a", "<title>A</title>")
    http_server.page("/b", "<title>B</title>", status=410)

    async def run():
        async with LinkChecker(policy_for(http_server), resolver=local) as checker:
            return await checker.check_many([http_server.url("/a"), http_server.url("/b")])

    results = run_in_new_loop(run())
    assert [(r.outcome, r.title) for r in results] == [
        (CheckOutcome.OK, "A"),
        (CheckOutcome.GONE, ""),
    ]


def test_check_result_as_dict_is_json_ready(http_server):
    import json

    http_server.redirect("/old", "/new", status=301)
    http_server.page("/new", "<title>N</title>")
    data = check(http_server, "/old").as_dict()
    assert json.loads(json.dumps(data))["redirects"] == [
        {
            "status": 301,
            "url": http_server.url("/old", host="site.test"),
            "location": http_server.url("/new", host="site.test"),
        }
    ]
    assert data["outcome"] == "redirected"
