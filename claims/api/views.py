"""The API's endpoints. Each has the shape of the UI's views: access rule → look the object
up → parse the input with a serializer → call :mod:`claims.workflow` / :mod:`claims.editing`
→ respond with the fresh object. Domain refusals become errors in
:mod:`claims.api.errors`, so the API and the UI cannot disagree on a rule.

Who sees what: anyone without a reviewer role sees published claims (and withdrawn ones
at their own URL, with the reason instead of the verdict), and articles that have a
published claim — the querysets are narrowed *before* any filter applies. Reviewers and
editors see everything.

Lookups: claims and articles by slug everywhere (public reads and workflow endpoints
alike; a slug never changes once given), sources by id (they have no slug and no public
URL).
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from .. import editing, roles, workflow
from ..enums import Rating
from ..models import Article, Claim, ClaimEvent, Note, Source
from .errors import error_responses
from .filters import ClaimFilter, StableOrderingFilter
from .inputs import (
    ArchivedCopySerializer,
    ArticleInputSerializer,
    ArticleUpdateSerializer,
    ClaimCreateSerializer,
    ClaimUpdateSerializer,
    NoteInputSerializer,
    SourceInputSerializer,
    SourceUpdateSerializer,
    TransitionSerializer,
    VersionQuerySerializer,
)
from .permissions import IsReviewer, ReadOnlyOrReviewer
from .serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    CheckQueuedSerializer,
    ClaimEventSerializer,
    ClaimSerializer,
    NoteSerializer,
    PublicArticleDetailSerializer,
    PublicArticleSerializer,
    PublicClaimSerializer,
    RatingSerializer,
    SourceSerializer,
)

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
ID_REGEX = r"[0-9]+"
CACHE_CONTROL = "private, no-store"

# Error statuses each kind of endpoint documents (401: a bad token fails everywhere).
READ = (401, 404, 429)
READ_PUBLIC_LIST = (400, 401, 404, 429)
WRITE = (400, 401, 403, 404, 409, 413, 415, 429)


class ApiView:
    """What every endpoint shares: no shared or browser copies of signed-in responses."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Only if authentication already ran: running it here could raise.
        user = getattr(request, "_user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = CACHE_CONTROL
        return response

    def is_reviewer(self) -> bool:
        return roles.is_reviewer(self.request.user)

    def valid(self, serializer_class, data=None):
        serializer = serializer_class(
            data=self.request.data if data is None else data, context={"request": self.request}
        )
        serializer.is_valid(raise_exception=True)
        return serializer


# --- Rating scale -----------------------------------------------------------------------------


class RatingScaleView(ApiView, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="ratings_list",
        summary="The rating scale",
        description="Every rating, best to worst, with its meaning and ClaimReview value. "
        "A fixed vocabulary, so not paginated.",
        responses={200: RatingSerializer(many=True), **error_responses(*READ)},
        tags=["ratings"],
    )
    def get(self, request):
        return Response(RatingSerializer(list(Rating), many=True).data)


# --- Claims -----------------------------------------------------------------------------------

ANY_CLAIM = PolymorphicProxySerializer(
    component_name="ClaimForAnyone",
    serializers=[PublicClaimSerializer, ClaimSerializer],
    resource_type_field_name=None,
)
ANY_CLAIMS = PolymorphicProxySerializer(
    component_name="ClaimForAnyone",
    serializers=[PublicClaimSerializer, ClaimSerializer],
    resource_type_field_name=None,
    many=True,
)
CLAIM_ROLE_NOTE = (
    " Anyone without a reviewer role gets `PublicClaim`; reviewers and editors get `Claim`."
)


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description="Newest first. Without a reviewer role: published claims only, whatever "
        "the filters." + CLAIM_ROLE_NOTE,
        responses={200: ANY_CLAIMS, **error_responses(*READ_PUBLIC_LIST)},
    ),
    retrieve=extend_schema(
        summary="A claim",
        description="Without a reviewer role, only published and withdrawn claims exist; "
        "anything else is 404." + CLAIM_ROLE_NOTE,
        responses={200: ANY_CLAIM, **error_responses(*READ)},
    ),
    create=extend_schema(
        summary="Create a draft claim",
        description="Anchored to `article.body[start_offset:end_offset]`, which must equal "
        "`quote` exactly (as in the reviewer UI). Reviewers and editors.",
        request=ClaimCreateSerializer,
        responses={201: ClaimSerializer, **error_responses(*WRITE)},
    ),
    partial_update=extend_schema(
        summary="Edit a claim's content or verdict",
        description="Only while the claim is draft or researching (else 409 `locked`). Send "
        "the `version` you based the change on; a stale one is 409 `stale_version`.",
        request=ClaimUpdateSerializer,
        responses={200: ClaimSerializer, **error_responses(*WRITE)},
    ),
)
class ClaimViewSet(ApiView, GenericViewSet):
    queryset = Claim.objects.all()
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = ClaimFilter
    ordering_fields = ["published_at", "updated_at", "created_at"]
    http_method_names = ["get", "post", "patch", "head"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [ReadOnlyOrReviewer()]
        return [IsReviewer()]

    def get_queryset(self):
        claims = Claim.objects.select_related(
            "article", "submitted_by", "approved_by"
        ).prefetch_related(
            "tags",
            Prefetch(
                "sources", queryset=Source.objects.select_related("last_check").order_by("id")
            ),
            "corrections",
        )
        if self.is_reviewer():
            return claims.order_by("-updated_at", "-id")
        if self.action == "retrieve":
            return claims.public()
        return claims.published().order_by("-published_at", "-id")

    def filter_queryset(self, queryset):
        # Filters and ordering narrow lists; a claim's own URL finds it whatever the query.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return ClaimSerializer if self.is_reviewer() else PublicClaimSerializer

    def _claim_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        claim = self.get_queryset().get(pk=pk)
        data = ClaimSerializer(claim, context=self.get_serializer_context()).data
        headers = {"Location": data["api_url"]} if status_code == status.HTTP_201_CREATED else {}
        return Response(data, status=status_code, headers=headers)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, slug=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        data = self.valid(ClaimCreateSerializer).validated_data
        claim = editing.create_claim(
            data["article"],
            by=request.user,
            quote=data["quote"],
            start_offset=data["start_offset"],
            end_offset=data["end_offset"],
            statement=data["statement"],
            claimant=data["claimant"],
            claimant_kind=data["claimant_kind"],
            tags=data.get("tags", ()),
        )
        return self._claim_response(claim.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, slug=None):
        claim = self.get_object()
        form = self.valid(ClaimUpdateSerializer)
        workflow.edit_claim(
            claim,
            by=request.user,
            version=form.validated_data["version"],
            changes=form.changes(),
            tags=form.validated_data.get("tags"),
        )
        return self._claim_response(claim.pk)

    @extend_schema(
        summary="Perform a workflow transition",
        description="start, submit, approve, reject, withdraw or correct — the same rules as "
        "the reviewer UI: roles (403 `not_permitted`), four eyes (the submitter cannot "
        "approve: 403), completeness (400 `incomplete`), the state (409 "
        "`invalid_transition`) and the version (409 `stale_version`). `comment` is required "
        "to reject, withdraw and correct; `rating`, `summary`, `explanation` only with "
        "correct.",
        request=TransitionSerializer,
        responses={200: ClaimSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, slug=None):
        claim = self.get_object()
        form = self.valid(TransitionSerializer)
        data = form.validated_data
        workflow.perform(
            claim,
            data["action"],
            by=request.user,
            version=data["version"],
            comment=data["comment"],
            verdict=form.verdict(),
        )
        return self._claim_response(claim.pk)

    @extend_schema(
        summary="A claim's history",
        description="Every event, oldest first: who did what, when, from which status to "
        "which, and the version after it. Reviewers and editors.",
        responses={200: ClaimEventSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @action(detail=True, methods=["get"])
    def events(self, request, slug=None):
        claim = self.get_object()
        events = ClaimEvent.objects.filter(claim=claim).select_related("actor")
        page = self.paginate_queryset(events.order_by("created_at", "id"))
        return self.get_paginated_response(ClaimEventSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="A claim's sources",
        description="With their ids and versions, for editing. Reviewers and editors.",
        responses={200: SourceSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Cite a source",
        description="Only while the claim is draft or researching (else 409 `locked`).",
        request=SourceInputSerializer,
        responses={201: SourceSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["get", "post"])
    def sources(self, request, slug=None):
        claim = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            page = self.paginate_queryset(claim.sources.select_related("last_check").order_by("id"))
            data = SourceSerializer(page, many=True, context=context).data
            return self.get_paginated_response(data)
        form = self.valid(SourceInputSerializer)
        source = editing.add_source(claim, by=request.user, **form.source_fields())
        data = SourceSerializer(source, context=context).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})

    @extend_schema(
        methods=["GET"],
        summary="A claim's internal notes",
        description="Never shown to readers. Reviewers and editors.",
        responses={200: NoteSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an internal note",
        request=NoteInputSerializer,
        responses={201: NoteSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, slug=None):
        claim = self.get_object()
        if request.method == "GET":
            notes = Note.objects.filter(claim=claim).select_related("author")
            page = self.paginate_queryset(notes.order_by("created_at", "id"))
            return self.get_paginated_response(NoteSerializer(page, many=True).data)
        form = self.valid(NoteInputSerializer)
        note = editing.add_note(claim, by=request.user, body=form.validated_data["body"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- Sources ----------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="A source",
        responses={200: SourceSerializer, **error_responses(401, 403, 404, 429)},
    ),
    partial_update=extend_schema(
        summary="Edit a source",
        description="Only while its claim is draft or researching. Send the source's `version`.",
        request=SourceUpdateSerializer,
        responses={200: SourceSerializer, **error_responses(*WRITE)},
    ),
    destroy=extend_schema(
        summary="Remove a source",
        description="Only while its claim is draft or researching.",
        parameters=[
            OpenApiParameter(
                "version",
                int,
                required=True,
                description="The source's version (a stale one is 409 `stale_version`).",
            )
        ],
        responses={
            204: OpenApiResponse(description="Removed."),
            **error_responses(400, 401, 403, 404, 409, 429),
        },
    ),
)
class SourceViewSet(ApiView, GenericViewSet):
    """Sources are reviewers' business only; readers see them inside their claims."""

    queryset = Source.objects.select_related("claim", "last_check")
    lookup_value_regex = ID_REGEX
    serializer_class = SourceSerializer
    http_method_names = ["get", "post", "patch", "delete", "head"]

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, pk=None):
        source = self.get_object()
        form = self.valid(SourceUpdateSerializer)
        source = editing.update_source(
            source, by=request.user, version=form.validated_data["version"], **form.source_fields()
        )
        return Response(self.get_serializer(source).data)

    def destroy(self, request, pk=None):
        source = self.get_object()
        version = self.valid(VersionQuerySerializer, data=request.query_params).validated_data
        editing.remove_source(source, by=request.user, version=version["version"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Check a source's link now",
        description="Hands the source to the link-check workers at once (the web request "
        "never fetches it). `queued` is false when a check is already under way. Poll the "
        "source: `last_checked_at` and `last_check` change when the result is in.",
        request=None,
        responses={202: CheckQueuedSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        source = self.get_object()
        queued = editing.request_source_check(source, by=request.user)
        source.refresh_from_db()
        body = {"queued": queued, "source": self.get_serializer(source).data}
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Record an archived copy of a source",
        description="Any state of the claim, published included: readers see the copy "
        "beside the original link. An empty `archived_url` removes it.",
        request=ArchivedCopySerializer,
        responses={200: SourceSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        source = self.get_object()
        form = self.valid(ArchivedCopySerializer)
        source = editing.record_archived_copy(
            source, by=request.user, archived_url=form.validated_data["archived_url"]
        )
        return Response(self.get_serializer(source).data)


# --- Articles ---------------------------------------------------------------------------------

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
