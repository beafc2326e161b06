"""Who may do what: the Reviewers and Editors groups, and superusers.

Editors can do everything reviewers can, plus approve, reject, withdraw and correct.
Superusers count as editors — and are still bound by four eyes. Staff status alone
(Django admin access) grants no role in the workflow.
"""

from __future__ import annotations

REVIEWERS = "Reviewers"
EDITORS = "Editors"


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: a request checks roles many times (buttons, guards).
    cached = getattr(user, "_factcheck_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        user._factcheck_groups = cached
    return cached


def is_reviewer(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_group_names(user) & {REVIEWERS, EDITORS})


def is_editor(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or EDITORS in _group_names(user)


def display_name(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()
