"""Sources: reviewers' business only; readers see them inside their claims."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from ... import editing
from ...models import Source
from ..errors import error_responses
from ..inputs import (
    ArchivedCopySerializer,
    SourceUpdateSerializer,
    VersionQuerySerializer,
)
from ..record import ProposalSerializer
from ..serializers import (
    CheckQueuedSerializer,
    SourceSerializer,
)
from .base import ID_REGEX, WRITE, ApiView


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
        description="An empty `archived_url` removes it. While the claim is unpublished it "
        "is recorded at once (200, the source). On a published or withdrawn fact-check "
        "readers would see it, so it is proposed (202, the proposal) and recorded when an "
        "editor who did not propose it approves. Either way a worker then fetches the copy "
        "through the guarded fetcher: it counts as evidence (`archive_verified`) only if it "
        "holds the source's quoted passage.",
        request=ArchivedCopySerializer,
        responses={
            200: SourceSerializer,
            202: ProposalSerializer,
            **error_responses(*WRITE),
        },
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        source = self.get_object()
        form = self.valid(ArchivedCopySerializer)
        result = editing.record_archived_copy(
            source, by=request.user, archived_url=form.validated_data["archived_url"]
        )
        if result.proposal is not None:
            body = ProposalSerializer(result.proposal, context=self.get_serializer_context()).data
            return Response(
                body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["api_url"]}
            )
        return Response(self.get_serializer(result.source).data)
