"""Articles and tags in the admin, changed only through the domain.

An article's form saves through ``claims.editing`` like the reviewer UI and the API: based
on the article's version, as a revision, claims moving with their words (each with an
event), an edit deleting quoted words refused — and, on an article readers can see,
filed as a proposal for a second editor. Tags are renamed through ``editing.rename_tag``
(an event on every claim carrying the tag). Only members of the role groups may change
anything here; staff status alone shows these pages read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect

from .. import editing, roles
from ..errors import StaleVersion, WorkflowError
from ..forms import model_formfield
from ..models import ARTICLE_FIELDS, Article, ArticleRevision, Claim, Proposal, Tag
from .base import ViewOnlyInline, ViewOnlyMixin


class ClaimOfArticleInline(ViewOnlyInline):
    model = Claim
    fields = ["statement", "quote", "status", "rating"]
    readonly_fields = fields
    ordering = ["start_offset"]


class RevisionInline(ViewOnlyInline):
    model = ArticleRevision
    fields = ["number", "created_at", "actor", "approved_by", "changed_fields", "comment"]
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = "revisions"


class ArticleProposalInline(ViewOnlyInline):
    model = Proposal
    fk_name = "article"
    fields = ["kind", "state", "proposed_by", "proposed_at", "note", "decided_by", "decided_at"]
    readonly_fields = fields
    ordering = ["-proposed_at"]


class ArticleAdminForm(forms.ModelForm):
    """The article's fields, the version it was read at, and a comment for the second
    editor. Validation asks the domain what saving would do (nothing is written here)."""

    # Not "version": that is the model's own (read-only) field on the page.
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    comment = forms.CharField(
        label="Why this edit (for the editor who approves it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Article
        fields = list(ARTICLE_FIELDS)
        formfield_callback = model_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on_version"].initial = self.instance.version

    def _post_clean(self):
        # The domain validates and saves (``save_model``); the form only parses, so the
        # instance is not touched here.
        pass

    def article_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ARTICLE_FIELDS}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not self.instance.pk:
            try:
                Article(**self.article_fields()).full_clean(exclude=["slug"])
            except ValidationError as exc:
                self._update_errors(exc)
            return data
        if data.get("based_on_version") != Article.objects.get(pk=self.instance.pk).version:
            raise forms.ValidationError(
                "This article changed after you loaded it: reload the page and make your "
                "change again."
            )
        plan = editing.plan_article_edit(self.instance, fields=self.article_fields())
        for name, problem in plan.problems.items():
            self.add_error(name if name in self.fields else None, problem)
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_at", "version", "claim_count", "created_at"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "outlet", "author", "slug"]
    date_hierarchy = "published_at"
    form = ArticleAdminForm
    readonly_fields = ["slug", "version", "created_at", "updated_at"]
    inlines = [ClaimOfArticleInline, ArticleProposalInline, RevisionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, article: Article) -> int:
        return article.n_claims

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and roles.is_reviewer(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and roles.is_reviewer(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # claims quote it, revisions record it

    def save_model(self, request, obj, form, change) -> None:
        """Through the domain: a new article (revision 1), or the next revision or a
        proposal. A refusal that slipped past the form (a race) is reported, not saved."""
        obj.admin_outcome = None
        try:
            if not change:
                created = editing.create_article(by=request.user, **form.article_fields())
                obj.pk, obj.slug = created.pk, created.slug
                return
            obj.admin_outcome = editing.update_article(
                Article.objects.get(pk=obj.pk),
                by=request.user,
                version=form.cleaned_data["based_on_version"],
                fields=form.article_fields(),
                comment=form.cleaned_data["comment"],
            )
        except WorkflowError as exc:
            obj.admin_outcome = exc

    def response_add(self, request, obj, post_url_continue=None):
        outcome = getattr(obj, "admin_outcome", None)
        if isinstance(outcome, WorkflowError):
            self.message_user(request, outcome.message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        outcome = getattr(obj, "admin_outcome", None)
        if isinstance(outcome, WorkflowError):
            level = messages.WARNING if isinstance(outcome, StaleVersion) else messages.ERROR
            self.message_user(request, outcome.message, level)
            return HttpResponseRedirect(request.path)
        if outcome is not None and outcome.proposal is not None:
            self.message_user(
                request,
                "Edit proposed: readers see the current revision until an editor who did not "
                "make it approves (Proposals).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        if outcome is not None and outcome.revision is None:
            self.message_user(request, "Nothing to save: no field changed.", messages.INFO)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Every revision of every article: append-only (the database refuses changes too)."""

    list_display = ["article", "number", "created_at", "actor", "approved_by"]
    list_select_related = ["article", "actor", "approved_by"]
    search_fields = ["article__title", "title", "comment"]
    date_hierarchy = "created_at"


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def _post_clean(self):
        pass  # the domain validates (editing.create_tag / rename_tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags: added by reviewers; renamed and deleted (unused ones) by editors, through the
    domain, so every claim carrying a renamed tag gets an event."""

    form = TagAdminForm
    list_display = ["name", "slug", "claim_count"]
    search_fields = ["name", "slug"]
    # The slug is in public URLs (?tag=...): renaming a tag keeps it.
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, tag: Tag) -> int:
        return tag.n_claims

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and roles.is_reviewer(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and roles.is_editor(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not (super().has_delete_permission(request, obj) and roles.is_editor(request.user)):
            return False
        # Deleting a tag in use would change claims without an event in their history.
        return obj is None or not obj.claims.exists()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, through the domain
        return actions

    def save_model(self, request, obj, form, change) -> None:
        obj.admin_refusal = None
        try:
            if change:
                tag = editing.rename_tag(
                    Tag.objects.get(pk=obj.pk), by=request.user, name=form.cleaned_data["name"]
                )
            else:
                tag = editing.create_tag(by=request.user, name=form.cleaned_data["name"])
        except WorkflowError as exc:
            obj.admin_refusal = exc
            return
        obj.pk, obj.name, obj.slug = tag.pk, tag.name, tag.slug

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "admin_refusal", None):
            self.message_user(request, obj.admin_refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(obj, "admin_refusal", None):
            self.message_user(request, obj.admin_refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def delete_model(self, request, obj) -> None:
        editing.delete_tag(obj, by=request.user)
