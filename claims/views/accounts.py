"""Account pages beyond Django's own: changing one's password under brute-force limits."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from ..forms import PasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view with :class:`~claims.forms.PasswordChangeForm`, which needs the
    request to count wrong old passwords per client address (django-axes)."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}
