"""Sources and their link checks in the admin: view-only, with "check now"."""

from __future__ import annotations

from django.contrib import admin, messages

from .. import editing
from ..errors import WorkflowError
from ..models import (
    HostThrottle,
    LinkCheck,
    Source,
    WorkerHeartbeat,
)
from .base import ViewOnlyInline, ViewOnlyMixin


def queue_checks(request, sources) -> None:
    """The "check now" admin action: the same hand-out as the reviewer UI's button."""
    queued = skipped = 0
    for source in sources:
        try:
            if editing.request_source_check(source, by=request.user):
                queued += 1
            else:
                skipped += 1
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return
    messages.success(
        request,
        f"{queued} source check(s) queued"
        + (f"; {skipped} already under way." if skipped else "."),
    )


class LinkCheckInline(ViewOnlyInline):
    model = LinkCheck
    fields = ["checked_at", "outcome", "http_status", "final_url", "passage_found", "detail"]
    ordering = ["-checked_at"]
    max_num = 0
    extra = 0


@admin.register(Source)
class SourceAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """View-only: sources change in the reviewer UI or the API, which write an event and
    refuse changes to a claim under review or published."""

    list_display = ["title", "publisher", "health", "last_checked_at", "claim", "accessed_at"]
    list_filter = ["health", "kind", "stance"]
    list_select_related = ["claim"]
    inlines = [LinkCheckInline]
    actions = ["check_now"]

    @admin.action(description="Check the selected sources now")
    def check_now(self, request, queryset):
        queue_checks(request, queryset)

    search_fields = ["title", "url", "publisher", "passage", "claim__statement"]
    date_hierarchy = "accessed_at"
    fields = [
        "claim",
        "url",
        "archived_url",
        "title",
        "publisher",
        "kind",
        "stance",
        "passage",
        "accessed_at",
        "version",
        "created_at",
        "updated_at",
        "health",
        "health_changed_at",
        "last_checked_at",
        "next_check_at",
        "consecutive_failures",
    ]


@admin.register(LinkCheck)
class LinkCheckAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Every check the link checker made: append-only, like the claims' history."""

    list_display = [
        "checked_at",
        "source",
        "outcome",
        "http_status",
        "passage_found",
        "health_after",
    ]
    list_filter = ["outcome", "health_after", "passage_found"]
    list_select_related = ["source"]
    search_fields = ["url", "final_url", "source__title"]
    date_hierarchy = "checked_at"
    exclude = ["token"]


@admin.register(HostThrottle)
class HostThrottleAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Politeness bookkeeping of the link checker without Redis (which worker owns a site)."""

    list_display = ["host", "owner", "owned_until", "last_start_at"]
    search_fields = ["host"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Written by the Celery workers; an administrator may only remove a worker that is
    gone for good."""

    list_display = ["hostname", "seen_at"]
    search_fields = ["hostname"]
    ordering = ["-seen_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
