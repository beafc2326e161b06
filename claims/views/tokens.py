"""A reviewer's own API key (django-rest-knox): create or replace it, revoke it.

Only a hash of the key is stored: the key itself exists in the response to the POST that
created it and nowhere else, so neither this page afterwards, nor the admin, nor the
database can show it again. Like every reviewer page, never cached.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken

from .access import reviewer_required

ACTIONS = ("create", "revoke")


@reviewer_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """GET: the key's state. POST ``action=create``: a new key (replacing any old one),
    shown on this response only. POST ``action=revoke``: no key any more."""
    tokens = AuthToken.objects.filter(user=request.user)
    context = {"token": tokens.order_by("-created").first(), "new_key": "", "revoked": False}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            # Replacing, not adding: a user has at most one key here, and the old one stops
            # working at once.
            with transaction.atomic():
                tokens.delete()
                token, key = AuthToken.objects.create(user=request.user, expiry=None)
            context.update(token=token, new_key=key)
        elif action == "revoke":
            tokens.delete()
            context.update(token=None, revoked=True)
        else:
            status = 400
    return render(request, "review/token.html", context, status=status)
