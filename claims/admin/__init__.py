"""The Django admin: users and roles, articles and tags, and a read-only view of claims.

One module per area; importing them here registers them.

Claims change only through :mod:`claims.workflow` and :mod:`claims.editing`, which check
roles, four eyes and versions and write the audit trail. So in the admin:

- a claim's form is read-only (content is edited in the reviewer UI or the API, with a
  version, so an event is written); claims are created there too, anchored by the
  selection tool, and never deleted (withdraw a published one instead);
- status changes are admin actions that call ``workflow.perform`` with the same guards —
  an administrator cannot bypass four eyes or act without an editor's role — and report
  each claim's success or refusal; reject, withdraw and correct ask for their comment on
  an intermediate page;
- sources, events and corrections are view-only (events and corrections are append-only
  for everyone, superusers included); notes may be added, through ``editing.add_note``;
- the desk's coordination: a claim's assignee, due date and requested approver are shown
  read-only (changed in the reviewer UI or the API, through ``claims.assignment``);
  readers' reports and right-of-reply entries are view-only; administrators write the
  transparency pages (``pages.py``);
- API keys are listed and can be revoked, never shown or created (only hashes are stored);
- every changelist answers a bad filter (a year out of range, a NUL byte) with a 400.
"""

from django.contrib import admin

from . import articles, claims, pages, records, reports, sources, tokens, users  # noqa: F401
from .base import protect_changelists

# Last: every admin registered so far (claims is the last installed app) answers bad
# filters with a 400.
protect_changelists(admin.site)
