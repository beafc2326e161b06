"""A reviewer's own API token (DRF authtoken): create or replace it, revoke it.

The key is shown once, in the response to the POST that created it, and never again:
afterwards the page says only that a token exists and since when. Administrators manage
everyone's tokens in the Django admin. Like every reviewer page, never cached.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from .access import reviewer_required

ACTIONS = ("create", "revoke")


@reviewer_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """GET: the token's state. POST ``action=create``: a new key (replacing any old one),
    shown on this response only. POST ``action=revoke``: no token any more."""
    token = Token.objects.filter(user=request.user).first()
    context = {"token": token, "new_key": "", "revoked": False}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            # Replacing, not adding: a user has at most one token, and the old key stops
            # working at once.
            with transaction.atomic():
                Token.objects.filter(user=request.user).delete()
                token = Token.objects.create(user=request.user)
            context.update(token=token, new_key=token.key)
        elif action == "revoke":
            Token.objects.filter(user=request.user).delete()
            context.update(token=None, revoked=True)
        else:
            status = 400
    return render(request, "review/token.html", context, status=status)
