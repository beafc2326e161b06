"""Proposals: changes waiting for a second editor (reviewers and editors only)."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from ... import approvals, proposals
from ...enums import ProposalKind, ProposalState
from ...models import Proposal
from ..errors import error_responses
from ..inputs import CancelProposalSerializer, ProposalCreateSerializer
from ..record import ProposalSerializer
from .base import ID_REGEX, WRITE, ApiView

FILTERS = [
    OpenApiParameter(
        "state", str, enum=ProposalState.values, description="pending, approved, cancelled…"
    ),
    OpenApiParameter("kind", str, enum=ProposalKind.values),
    OpenApiParameter("claim", str, description="A claim's slug."),
    OpenApiParameter("article", str, description="An article's slug."),
    OpenApiParameter(
        "awaiting",
        str,
        enum=["me"],
        description="`me`: the pending proposals the requesting editor may approve.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List proposals",
        description="Newest first; filter by state, kind, claim, article, or what awaits "
        "you. Reviewers and editors.",
        parameters=FILTERS,
        responses={200: ProposalSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="A proposal",
        responses={200: ProposalSerializer, **error_responses(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Propose a correction or a withdrawal",
        description="Of a published claim, by an editor, based on the claim's `version`; "
        "a second editor approves it. Readers see the claim as it is until then. One pending "
        "proposal of a kind per claim (409).",
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer, **error_responses(*WRITE)},
    ),
)
class ProposalViewSet(ApiView, GenericViewSet):
    serializer_class = ProposalSerializer
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "post", "head"]

    def get_queryset(self):
        return Proposal.objects.for_display().order_by("-proposed_at", "-id")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = self.request.query_params
        if params.get("state") in ProposalState.values:
            queryset = queryset.filter(state=params["state"])
        if params.get("kind") in ProposalKind.values:
            queryset = queryset.filter(kind=params["kind"])
        if params.get("claim"):
            queryset = queryset.filter(claim__slug=params["claim"])
        if params.get("article"):
            queryset = queryset.filter(Q(article__slug=params["article"]))
        if params.get("awaiting") == "me":
            queryset = queryset & Proposal.objects.awaiting_decision_by(self.request.user)
        return queryset

    def _response(self, proposal: Proposal, status_code=status.HTTP_200_OK) -> Response:
        data = self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data
        headers = {"Location": data["api_url"]} if status_code == status.HTTP_201_CREATED else {}
        return Response(data, status=status_code, headers=headers)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        form = self.valid(ProposalCreateSerializer)
        data = form.validated_data
        action_name = "correct" if data["kind"] == ProposalKind.CORRECTION else "withdraw"
        proposal = proposals.propose(
            data["claim"],
            action_name,
            by=request.user,
            version=data["version"],
            comment=data["note"],
            verdict=form.verdict(),
        )
        return self._response(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a proposal",
        description="By an editor who did not propose it (403 `not_permitted`, with "
        "`may_approve`). Applies it: publishes the correction or the withdrawal, saves the "
        "article edit as its next revision, or records the archived copy. A proposal whose "
        "claim, article or source changed since it was written is refused (409 "
        "`stale_version`) and marked superseded.",
        request=None,
        responses={200: ProposalSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = approvals.approve_proposal(self.get_object(), by=request.user)
        return self._response(proposal)

    @extend_schema(
        summary="Cancel a proposal",
        description="By its proposer, or any editor. Nothing changes for readers.",
        request=CancelProposalSerializer,
        responses={200: ProposalSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reason = self.valid(CancelProposalSerializer).validated_data["reason"]
        proposal = proposals.cancel_proposal(self.get_object(), by=request.user, reason=reason)
        return self._response(proposal)
