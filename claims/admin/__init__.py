"""The Django admin: users and roles, and the domain's data — changed only through it.

One module per area; importing them here registers them.

Articles, claims, sources, tags, notes and proposals change only through
:mod:`claims.workflow`, :mod:`claims.editing`, :mod:`claims.proposals` and
:mod:`claims.approvals`, which check roles, four eyes and versions and write the record.
Staff status alone grants nothing there: a staff user without a role group sees these
pages read-only, and every action is refused with the workflow's own reason. So:

- an article's form saves as a revision (or, on an article readers can see, files a
  proposal), based on its version; tags are added by reviewers and renamed by editors
  through ``editing`` (an event on every claim carrying the tag);
- a claim's form is read-only (content is edited in the reviewer UI or the API, with a
  version); claims are created there, anchored by the selection tool, never deleted;
- workflow steps are admin actions that go through the same door as the UI and the API
  (``proposals.act``): correct and withdraw file proposals, which other editors approve
  with the proposals' actions; reject, withdraw, correct and re-check ask for their text
  on an intermediate page;
- sources, events, corrections and article revisions are view-only (the last three are
  append-only for everyone, superusers included; the database refuses changes too);
  notes may be added, through ``editing.add_note``;
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
