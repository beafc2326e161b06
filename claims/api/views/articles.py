"""Articles: those with a published claim for anyone, all of them for reviewers."""

from django.db.models import Exists, F, OuterRef, Prefetch
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from ... import editing
from ...models import Article, Claim
from ..errors import error_responses
from ..inputs import (
    ArticleInputSerializer,
    ArticleUpdateSerializer,
)
from ..permissions import IsReviewer, ReadOnlyOrReviewer
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
        description="Claims move with their words when the body changes; an edit that "
        "removes words a claim quotes is refused (400).",
        request=ArticleUpdateSerializer,
        responses={200: ArticleDetailSerializer, **error_responses(*WRITE)},
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
        editing.update_article(article, by=request.user, fields=dict(form.validated_data))
        return self._article_response(article.pk)
