from django.urls import path

from . import feeds
from .views import (
    article_edit,
    articles,
    claim_editor,
    dashboard,
    desk,
    linkchecks,
    proposals,
    public,
    reply,
    reports,
    share,
    sources,
    tokens,
    transparency,
)

app_name = "claims"

urlpatterns = [
    # Readers
    path("", public.home, name="home"),
    path("claims/<slug:slug>/", public.claim_detail, name="claim"),
    path("claims/<slug:slug>/share.png", share.share_image, name="claim_share_image"),
    path("claims/<slug:slug>/versions/", public.claim_versions, name="claim_versions"),
    path("articles/<slug:slug>/", public.article_detail, name="article"),
    path("corrections/", public.corrections, name="corrections"),
    path("methodology/", public.methodology, name="methodology"),
    # Readers' reports, transparency (the desk's coordination: views/reports.py, transparency.py)
    path("claims/<slug:slug>/report/", reports.report_error, name="report_error"),
    path("suggest/", reports.suggest_claim, name="suggest_claim"),
    path("reports/thanks/", reports.report_thanks, name="report_thanks"),
    path("transparency/", transparency.transparency_page, name="transparency"),
    path("about/<slug:kind>/", transparency.about_page, name="about"),
    path("feeds/fact-checks.rss", feeds.FactChecksFeed(), name="feed_rss"),
    path("feeds/fact-checks.atom", feeds.FactChecksAtomFeed(), name="feed_atom"),
    path("feeds/corrections.rss", feeds.CorrectionsFeed(), name="corrections_rss"),
    path("feeds/corrections.atom", feeds.CorrectionsAtomFeed(), name="corrections_atom"),
    # Reviewers: every view needs a reviewer role (claims/views/access.py)
    path("review/", dashboard.dashboard, name="review_dashboard"),
    path("review/articles/", articles.article_list, name="review_articles"),
    path("review/articles/new/", articles.article_new, name="review_article_new"),
    path("review/articles/<slug:slug>/", articles.article_detail, name="review_article"),
    path(
        "review/articles/<slug:slug>/edit/", article_edit.article_edit, name="review_article_edit"
    ),
    path(
        "review/articles/<slug:slug>/revisions/<int:number>/",
        article_edit.article_revision,
        name="review_article_revision",
    ),
    path(
        "review/articles/<slug:slug>/claims/new/",
        articles.claim_new_from_selection,
        name="review_claim_new",
    ),
    path(
        "review/articles/<slug:slug>/claims/new-from-words/",
        articles.claim_new_from_words,
        name="review_claim_new_from_words",
    ),
    path("review/claims/<int:pk>/", claim_editor.claim_editor, name="review_claim"),
    path(
        "review/claims/<int:pk>/preview/", claim_editor.claim_preview, name="review_claim_preview"
    ),
    path(
        "review/claims/<int:pk>/actions/<slug:action>/",
        claim_editor.claim_transition,
        name="review_claim_action",
    ),
    path(
        "review/claims/<int:pk>/reaffirm/",
        claim_editor.claim_reaffirm,
        name="review_claim_reaffirm",
    ),
    path(
        "review/proposals/<int:pk>/approve/",
        proposals.proposal_approve,
        name="review_proposal_approve",
    ),
    path(
        "review/proposals/<int:pk>/cancel/",
        proposals.proposal_cancel,
        name="review_proposal_cancel",
    ),
    path("review/claims/<int:pk>/sources/", sources.source_add, name="review_source_add"),
    path(
        "review/claims/<int:pk>/sources/<int:source_pk>/",
        sources.source_edit,
        name="review_source_edit",
    ),
    path(
        "review/claims/<int:pk>/sources/<int:source_pk>/remove/",
        sources.source_remove,
        name="review_source_remove",
    ),
    path(
        "review/claims/<int:pk>/sources/<int:source_pk>/check/",
        linkchecks.source_check,
        name="review_source_check",
    ),
    path(
        "review/claims/<int:pk>/sources/<int:source_pk>/health/",
        linkchecks.source_health,
        name="review_source_health",
    ),
    path(
        "review/claims/<int:pk>/sources/<int:source_pk>/archive/",
        linkchecks.source_archive,
        name="review_source_archive",
    ),
    path("review/claims/<int:pk>/notes/", claim_editor.note_add, name="review_note_add"),
    # The desk's coordination: assignment, right of reply, readers' reports
    path("review/claims/<int:pk>/assignment/", desk.claim_assignment, name="review_assignment"),
    path("review/claims/<int:pk>/replies/", reply.reply_add, name="review_reply_add"),
    path(
        "review/claims/<int:pk>/replies/<int:entry_pk>/answer/",
        reply.reply_answer,
        name="review_reply_answer",
    ),
    path(
        "review/claims/<int:pk>/replies/<int:entry_pk>/publication/",
        reply.reply_publication,
        name="review_reply_publication",
    ),
    path("review/reports/", reports.report_queue, name="review_reports"),
    path("review/reports/<int:pk>/", reports.report_detail, name="review_report"),
    path("review/reports/<int:pk>/accept/", reports.report_accept, name="review_report_accept"),
    path("review/reports/<int:pk>/dismiss/", reports.report_dismiss, name="review_report_dismiss"),
    # A reviewer's own REST API token (claims/views/tokens.py)
    path("review/token/", tokens.api_token, name="review_token"),
]
