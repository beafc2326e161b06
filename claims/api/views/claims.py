"""Claims: reads for anyone (published ones), the workflow for reviewers and editors."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from ... import editing, events, history, proposals, workflow
from ...enums import Action, ClaimStatus
from ...models import Claim, ClaimEvent, Correction, Note, Proposal, Source
from ..errors import error_responses
from ..filters import ClaimFilter, StableOrderingFilter
from ..inputs import (
    ClaimCreateSerializer,
    ClaimUpdateSerializer,
    NoteInputSerializer,
    ReaffirmSerializer,
    SourceInputSerializer,
    TransitionSerializer,
)
from ..permissions import IsReviewer, ReadOnlyOrReviewer
from ..record import ClaimEventSerializer, ProposalSerializer, VerdictVersionSerializer
from ..serializers import (
    ClaimSerializer,
    NoteSerializer,
    PublicClaimSerializer,
    SourceSerializer,
)
from .assignment import AssignmentActions
from .base import (
    CLAIM,
    CLAIM_LOOKUP,
    MAX_ID_DIGITS,
    READ,
    READ_PUBLIC_LIST,
    SLUG_REGEX,
    WRITE,
    ApiView,
)

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
        parameters=[CLAIM],
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
        parameters=[CLAIM],
        request=ClaimUpdateSerializer,
        responses={200: ClaimSerializer, **error_responses(*WRITE)},
    ),
)
class ClaimViewSet(AssignmentActions, ApiView, GenericViewSet):
    queryset = Claim.objects.all()
    lookup_url_kwarg = CLAIM_LOOKUP
    lookup_value_regex = SLUG_REGEX
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    filterset_class = ClaimFilter
    ordering_fields = ["published_at", "updated_at", "created_at"]
    http_method_names = ["get", "post", "patch", "head"]

    def get_permissions(self):
        if self.action in ("list", "retrieve", "versions"):
            return [ReadOnlyOrReviewer()]
        return [IsReviewer()]

    def get_queryset(self):
        # What the page shows of a claim's record: its researchers (contributions before
        # publication) and approval, its reaffirmations; and, for reviewers, who may
        # approve it and which proposals wait — a fixed number of queries per page.
        record_actions = workflow.CONTRIBUTING_ACTIONS | {Action.APPROVE, Action.REAFFIRM}
        record = ClaimEvent.objects.filter(action__in=record_actions).select_related("actor")
        claims = Claim.objects.select_related(
            "article", "submitted_by", "approved_by", "assignee", "requested_approver"
        ).prefetch_related(
            "tags",
            Prefetch(
                "sources", queryset=Source.objects.select_related("last_check").order_by("id")
            ),
            Prefetch(
                "corrections",
                queryset=Correction.objects.select_related(
                    "event__actor", "event__proposal__proposed_by"
                ),
            ),
            Prefetch(
                "events",
                queryset=record.order_by("created_at", "pk"),
                to_attr="public_record_events",
            ),
        )
        if self.is_reviewer():
            claims = claims.prefetch_related(
                Prefetch(
                    "events",
                    queryset=ClaimEvent.objects.filter(action__in=workflow.CONTRIBUTING_ACTIONS)
                    .select_related("actor")
                    .order_by("created_at", "pk"),
                    to_attr="contribution_events",
                ),
                Prefetch(
                    "proposals", queryset=Proposal.objects.pending(), to_attr="pending_proposals"
                ),
            )
            return claims.order_by("-updated_at", "-id")
        if self.action in ("retrieve", "versions"):
            return claims.public()
        return claims.published().order_by("-published_at", "-id")

    def filter_queryset(self, queryset):
        # Filters and ordering narrow lists; a claim's own URL finds it whatever the query.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return ClaimSerializer if self.is_reviewer() else PublicClaimSerializer

    def get_object(self) -> Claim:
        """The claim named by the URL: by id for reviewers, by public slug for anyone."""
        key = self.kwargs[CLAIM_LOOKUP]
        if key.isdigit():
            if not self.is_reviewer() or len(key) > MAX_ID_DIGITS:
                raise exceptions.NotFound()
            lookup = {"pk": int(key)}
        else:
            lookup = {"slug": key}
        claim = get_object_or_404(self.get_queryset(), **lookup)
        self.check_object_permissions(self.request, claim)
        return claim

    def _claim_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        claim = self.get_queryset().get(pk=pk)
        data = ClaimSerializer(claim, context=self.get_serializer_context()).data
        headers = {"Location": data["api_url"]} if status_code == status.HTTP_201_CREATED else {}
        return Response(data, status=status_code, headers=headers)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, id_or_slug=None):
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

    def partial_update(self, request, id_or_slug=None):
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
        summary="Perform a workflow transition (or propose one)",
        parameters=[CLAIM],
        description="start, submit, approve and reject take effect at once (200, the "
        "claim). correct and withdraw are proposed: the answer is 202 with the proposal, "
        "which another editor approves at `/api/v1/proposals/{id}/approve/`; readers see "
        "the claim as it is until then. The same rules as the reviewer UI: roles (403 "
        "`not_permitted`), four eyes — nobody who contributed to a claim (created, edited, "
        "sourced or submitted it) approves it, and nobody approves their own proposal (403, "
        "with `may_approve`) — completeness (422 `incomplete`), the state (409 "
        "`invalid_transition`) and the version (409 `stale_version`). `comment` is required "
        "to reject, withdraw and correct; `rating`, `summary`, `explanation` only with "
        "correct.",
        request=TransitionSerializer,
        responses={
            200: ClaimSerializer,
            202: ProposalSerializer,
            **error_responses(*WRITE),
        },
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, id_or_slug=None):
        claim = self.get_object()
        form = self.valid(TransitionSerializer)
        data = form.validated_data
        result = proposals.act(
            claim,
            data["action"],
            by=request.user,
            version=data["version"],
            comment=data["comment"],
            verdict=form.verdict(),
        )
        if isinstance(result, Proposal):
            body = ProposalSerializer(result, context=self.get_serializer_context()).data
            return Response(
                body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["api_url"]}
            )
        return self._claim_response(claim.pk)

    @extend_schema(
        summary="Record that the evidence was re-checked",
        parameters=[CLAIM],
        description="An editor re-checked a published claim's evidence and the verdict "
        "stands: a public note (readers see “Evidence re-checked on …”). Takes the claim "
        "out of the “needs attention” queue for the source problems seen so far. Neither "
        "status nor verdict changes, nor the version.",
        request=ReaffirmSerializer,
        responses={200: ClaimSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def reaffirm(self, request, id_or_slug=None):
        claim = self.get_object()
        data = self.valid(ReaffirmSerializer).validated_data
        workflow.reaffirm_claim(claim, by=request.user, version=data["version"], note=data["note"])
        return self._claim_response(claim.pk)

    @extend_schema(
        summary="Previous versions of the verdict",
        parameters=[CLAIM],
        description="The verdict as first published and as each correction left it, and "
        "the withdrawal if there was one, oldest first — never anything from before "
        "publication. A withdrawn claim lists its versions without the verdict itself (null "
        "rating, summary, explanation), as its page does. Anyone, for published and "
        "withdrawn claims.",
        responses={200: VerdictVersionSerializer(many=True), **error_responses(*READ)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, id_or_slug=None):
        claim = self.get_object()
        if claim.status not in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN):
            return Response([])
        record = ClaimEvent.objects.filter(claim=claim).order_by("created_at", "pk")
        found = history.verdict_versions(history.versions(record, events.claim_state(claim)))
        shown = claim.status == ClaimStatus.PUBLISHED
        data = [
            {
                "number": v.number,
                "action": v.action,
                "at": v.at,
                "rating": v.verdict["rating"] if shown and v.action != "withdraw" else None,
                "summary": v.verdict["summary"] if shown and v.action != "withdraw" else None,
                "explanation": v.verdict["explanation"]
                if shown and v.action != "withdraw"
                else None,
                "changed": list(v.changed),
                "unrecorded": sorted(v.unknown),
                "note": v.note,
            }
            for v in found
        ]
        return Response(VerdictVersionSerializer(data, many=True).data)

    @extend_schema(
        summary="A claim's history",
        parameters=[CLAIM],
        description="Every event, oldest first: who did what, when, from which status to "
        "which, and the version after it. Reviewers and editors.",
        responses={200: ClaimEventSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @action(detail=True, methods=["get"])
    def events(self, request, id_or_slug=None):
        claim = self.get_object()
        record = ClaimEvent.objects.filter(claim=claim).select_related("actor")
        page = self.paginate_queryset(record.order_by("created_at", "id"))
        return self.get_paginated_response(ClaimEventSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="A claim's sources",
        parameters=[CLAIM],
        description="With their ids and versions, for editing. Reviewers and editors.",
        responses={200: SourceSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Cite a source",
        parameters=[CLAIM],
        description="Only while the claim is draft or researching (else 409 `locked`).",
        request=SourceInputSerializer,
        responses={201: SourceSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["get", "post"])
    def sources(self, request, id_or_slug=None):
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
        parameters=[CLAIM],
        description="Never shown to readers. Reviewers and editors.",
        responses={200: NoteSerializer(many=True), **error_responses(401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an internal note",
        parameters=[CLAIM],
        request=NoteInputSerializer,
        responses={201: NoteSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, id_or_slug=None):
        claim = self.get_object()
        if request.method == "GET":
            notes = Note.objects.filter(claim=claim).select_related("author")
            page = self.paginate_queryset(notes.order_by("created_at", "id"))
            return self.get_paginated_response(NoteSerializer(page, many=True).data)
        form = self.valid(NoteInputSerializer)
        note = editing.add_note(claim, by=request.user, body=form.validated_data["body"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
