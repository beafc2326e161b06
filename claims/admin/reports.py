"""Readers' reports and right-of-reply entries in the admin: view-only.

Both are worked in the reviewer UI, through :mod:`claims.reports` and :mod:`claims.reply`
(roles, one moderation per report, versions, events); the admin shows them, with a link
to where they are worked.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ..coordination_models import ReaderReport, ReplyRequest
from .base import ViewOnlyMixin


@admin.register(ReaderReport)
class ReaderReportAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "claim", "created_at", "handled_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["claim", "handled_by"]
    search_fields = ["text", "email", "url", "claim__statement"]
    date_hierarchy = "created_at"
    readonly_fields = ["queue_link"]

    @admin.display(description="moderate in")
    def queue_link(self, report: ReaderReport) -> str:
        url = reverse("claims:review_report", args=[report.pk])
        return format_html('<a href="{}">the reviewer UI</a>', url)


@admin.register(ReplyRequest)
class ReplyRequestAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "claim",
        "channel",
        "contacted_at",
        "reply_by",
        "outcome",
        "published",
    ]
    list_filter = ["outcome", "published", "channel"]
    list_select_related = ["claim"]
    search_fields = ["claim__statement", "contact", "question", "reply"]
    date_hierarchy = "contacted_at"
