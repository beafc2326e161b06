"""What every reviewer view shares: the access decorator and how refusals are shown.

Every reviewer view has one shape: ``@reviewer_required`` (login, role, no caching) → look
the object up → bind a form → call the domain (:mod:`claims.workflow`,
:mod:`claims.editing`) → redirect with a message. A domain refusal re-renders the same
page with the user's input kept, the reason as a message and on the form, and the
refusal's own status (``WorkflowError.http_status``: the API answers with the same one).
Every form is a plain POST; htmx, where it is used, swaps in the same templates' partials.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from .. import roles
from ..errors import Incomplete, WorkflowError

CACHE_CONTROL = "private, no-store"


def reviewer_required(view):
    """Login, then a reviewer role (Reviewers, Editors, superusers), and never cached.

    Anonymous users go to the login page; signed-in users without a role get a 403 page
    saying so. Staff status alone grants nothing here, as in :mod:`claims.roles`.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            response = redirect_to_login(request.get_full_path())
        elif not roles.is_reviewer(request.user):
            response = render(request, "review/forbidden.html", status=403)
        else:
            response = view(request, *args, **kwargs)
        # Reviewer pages show unpublished work: no shared or browser-history copies.
        response["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapper


def refuse(request, form, exc: WorkflowError) -> int:
    """Show a refusal: the message on top, each named field's problem on the form; the
    refusal's status (htmx swaps 409 and 422 in like a 200: the htmx-config in
    review/base.html)."""
    messages.error(request, exc.message)
    if isinstance(exc, Incomplete) and form is not None:
        for name, problem in exc.fields.items():
            form.add_error(name if name in form.fields else None, problem)
    return exc.http_status


def invalid_status(form) -> int:
    return 422 if form.is_bound and form.errors else 200
