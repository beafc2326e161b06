"""A claim's assignment through the API: assignee, due date, requested approver.

A mixin of :class:`~claims.api.views.claims.ClaimViewSet` (``POST
/api/v1/claims/{id_or_slug}/assignment/``), calling :mod:`claims.assignment` as the claim
editor's assignment box does, so the same rules hold: roles, four eyes, the version.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from ... import assignment
from ..errors import error_responses
from ..inputs import VersionField
from ..serializers import ClaimSerializer
from .base import CLAIM, WRITE

User = get_user_model()


class PersonField(serializers.SlugRelatedField):
    """A user by username (null for nobody)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(slug_field="username", queryset=User.objects.all(), **kwargs)

    def to_internal_value(self, data):
        # A username is a short string; NUL cannot even be sent to PostgreSQL.
        if not isinstance(data, str) or len(data) > 150 or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class AssignmentSerializer(serializers.Serializer):
    """Only the fields sent change; ``null`` clears one."""

    version = VersionField()
    assignee = PersonField(
        help_text="Username of a reviewer or editor, or null for nobody. A reviewer who is "
        "not an editor may only take an unassigned claim or give up their own."
    )
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text="YYYY-MM-DD, today or later; editors only."
    )
    requested_approver = PersonField(
        help_text="Username of an editor asked to approve it (neither its submitter nor its "
        "assignee), or null for any editor."
    )

    def changes(self) -> dict:
        data = self.validated_data
        names = {"assignee": "assignee", "due_date": "due_date", "requested_approver": "approver"}
        return {names[name]: data[name] for name in names if name in data}


class AssignmentActions:
    @extend_schema(
        summary="Assign a claim, set its due date, request an approver",
        parameters=[CLAIM],
        description="Each value that changes is its own event in the claim's history "
        "(`assign`, `set_due_date`, `request_approver`, with the value before and after), "
        "and raises the claim's version by one. Only claims in progress (draft, "
        "researching, in review; else 409 `locked`). Editors assign anyone and set due "
        "dates; a reviewer may take an unassigned claim or give up their own (else 403 "
        "`not_permitted`); a requested approver must be an editor who neither submitted "
        "nor is assigned the claim (403). A stale `version` is 409 `stale_version`.",
        request=AssignmentSerializer,
        responses={200: ClaimSerializer, **error_responses(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def assignment(self, request, id_or_slug=None):
        claim = self.get_object()
        form = self.valid(AssignmentSerializer)
        assignment.update_assignment(
            claim, by=request.user, version=form.validated_data["version"], **form.changes()
        )
        return self._claim_response(claim.pk)
