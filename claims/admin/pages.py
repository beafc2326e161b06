"""Transparency pages in the admin: administrators write them (markdown, sanitised on
display by ``claims.markdown.render_markdown``); every page's footer links to them."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from .. import public_cache
from ..coordination_models import TransparencyPage
from ..markdown import render_markdown


@admin.register(TransparencyPage)
class TransparencyPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at", "updated_by", "public_link"]
    list_select_related = ["updated_by"]
    fields = ["kind", "body", "preview", "updated_at", "updated_by", "public_link"]
    readonly_fields = ["preview", "updated_at", "updated_by", "public_link"]

    def get_readonly_fields(self, request, obj=None):
        # A page's kind is its address: fixed once written.
        return [*self.readonly_fields, "kind"] if obj is not None else self.readonly_fields

    @admin.display(description="as readers see it")
    def preview(self, page: TransparencyPage) -> str:
        return render_markdown(page.body) if page.pk else "—"

    @admin.display(description="public page")
    def public_link(self, page: TransparencyPage) -> str:
        if not page.kind:
            return "—"
        url = reverse("claims:about", args=[page.kind])
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        # Every public page's footer and the page itself: refresh the cached copies.
        transaction.on_commit(public_cache.invalidate)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(public_cache.invalidate)
