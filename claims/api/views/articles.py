"""Articles: those with a published claim for anyone, all of them for reviewers."""

from django.db.models import Exists, F, OuterRef, Prefetch
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from ... import editing
from ...models import Article, Claim
from ..errors import error_responses
from ..inputs import (
    ArticleInputSerializer,
    ArticlePreviewInputSerializer,
    ArticleUpdateSerializer,
)
from ..permissions import IsReviewer, ReadOnlyOrReviewer
from ..record import ArticlePreviewSerializer, ArticleRevisionSerializer, ProposalSerializer
from ..serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    PublicArticleDetailSerializer,
    PublicArticleSerializer,
)
from .base import READ, SLUG_REGEX, WRITE, ApiView

ANY_ARTICLES = PolymorphicProxySerializer(
    component_name="ArticleForAnyone",
    serializers=[PublicArticleSerializer, ArticleSerializer],
    resource_type_field_name=None,
    many=True,
)
ANY_ARTICLE_DETAIL = PolymorphicProxySerializer(
    component_name="ArticleDetailForAnyone",
    serializers=[PublicArticleDetailSerializer, ArticleDetailSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Without a reviewer role: only articles with a published claim.",
        responses={200: ANY_ARTICLES, **error_responses(*READ)},
    ),
    retrieve=extend_schema(
        summary="An article with its claims",
        description="The body and every claim's span in it: published claims only without "
        "a reviewer role, every claim (with its status) for reviewers and editors.",
        responses={200: ANY_ARTICLE_DETAIL, **error_responses(*READ)},
    ),
    create=extend_schema(
        summary="Add an article",
        request=ArticleInputSerializer,
        responses={201: ArticleDetailSerializer, **error_responses(*WRITE)},
    ),
    partial_update=extend_schema(
        summary="Edit an article",
        description="Send the article's `version` (a stale one is 409 `stale_version`). "
        "Every edit is a revision; claims move with their words (each gets an event), and "
        "an edit that removes words a claim quotes is refused (422). On an article readers "
        "can see — one with a published or withdrawn fact-check — the edit is proposed "
        "instead (202, the proposal): readers keep the current revision until an editor who "
        "did not make it approves.",
        request=ArticleUpdateSerializer,
        responses={
            200: ArticleDetailSerializer,
            202: ProposalSerializer,
            **error_responses(*WRITE),
        },
    ),
)
class ArticleViewSet(ApiView, GenericViewSet):
    queryset = Article.objects.all()
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    http_method_names = ["get", "post", "patch", "head"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [ReadOnlyOrReviewer()]
        return [IsReviewer()]

    def get_queryset(self):
        articles = Article.objects.all()
        claims = Claim.objects.order_by("start_offset", "end_offset", "id")
        if not self.is_reviewer():
            claims = claims.published()
            articles = articles.filter(Exists(claims.filter(article=OuterRef("pk"))))
        if self.action != "list":
            articles = articles.prefetch_related(
                Prefetch("claims", queryset=claims, to_attr="visible_claims")
            )
        return articles.order_by(F("published_at").desc(nulls_last=True), "-id")

    def get_serializer_class(self):
        if self.is_reviewer():
            return ArticleSerializer if self.action == "list" else ArticleDetailSerializer
        return PublicArticleSerializer if self.action == "list" else PublicArticleDetailSerializer

    def _article_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        article = self.get_queryset().get(pk=pk)
        data = ArticleDetailSerializer(article, context=self.get_serializer_context()).data
        headers = {"Location": data["api_url"]} if status_code == status.HTTP_201_CREATED else {}
        return Response(data, status=status_code, headers=headers)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        data = self.valid(ArticleInputSerializer).validated_data
        article = editing.create_article(by=request.user, **data)
        return self._article_response(article.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, slug=None):
        article = self.get_object()
        form = self.valid(ArticleUpdateSerializer)
        edit = editing.update_article(
            article,
            by=request.user,
            version=form.validated_data["version"],
            fields=form.article_fields(),
            comment=form.validated_data["comment"],
        )
        if edit.proposal is not None:
            body = ProposalSerializer(edit.proposal, context=self.get_serializer_context()).data
            return Response(
                body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["api_url"]}
            )
        return self._article_response(article.pk)

    @extend_schema(
        summary="Preview an edit",
        description="What `PATCH` with these fields would do, saving nothing: the fields it "
        "changes, the claims whose words move, the claims whose quoted words it deletes (it "
        "would be refused), and whether it needs a second editor.",
        request=ArticlePreviewInputSerializer,
        responses={200: ArticlePreviewSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def preview(self, request, slug=None):
        article = self.get_object()
        form = self.valid(ArticlePreviewInputSerializer)
        plan = editing.plan_article_edit(article, fields=form.article_fields())
        data = {
            "changed": plan.changed,
            "needs_approval": plan.needs_approval,
            "moves": [
                {
                    "claim": move.claim.pk,
                    "status": move.claim.status,
                    "start_offset_before": move.claim.start_offset,
                    "end_offset_before": move.claim.end_offset,
                    "start_offset_after": move.selector.start,
                    "end_offset_after": move.selector.end,
                }
                for move in plan.moves
            ],
            "refused": [claim.pk for claim in plan.lost],
            "problems": plan.problems,
        }
        return Response(ArticlePreviewSerializer(data).data)

    @extend_schema(
        summary="An article's revisions",
        description="Every version of its text and metadata, oldest first (revision 1 is "
        "the article as created): who, when, approved by whom, what changed. Reviewers and "
        "editors.",
        responses={
            200: ArticleRevisionSerializer(many=True),
            **error_responses(401, 403, 404, 429),
        },
    )
    @action(detail=True, methods=["get"])
    def revisions(self, request, slug=None):
        article = self.get_object()
        found = article.revisions.select_related("actor", "approved_by").order_by("number")
        page = self.paginate_queryset(found)
        return self.get_paginated_response(ArticleRevisionSerializer(page, many=True).data)
