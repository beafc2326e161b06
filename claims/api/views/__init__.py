"""The API's endpoints. Each has the shape of the UI's views: access rule → look the object
up → parse the input with a serializer → call :mod:`claims.workflow` / :mod:`claims.editing`
→ respond with the fresh object. Domain refusals become errors in
:mod:`claims.api.errors`, so the API and the UI cannot disagree on a rule.

Who sees what: anyone without a reviewer role sees published claims (and withdrawn ones
at their own URL, with the reason instead of the verdict), and articles that have a
published claim — the querysets are narrowed *before* any filter applies. Reviewers and
editors see everything.

Lookups: a claim by id (reviewers and editors, any claim) or by its public slug (anyone;
published and withdrawn claims only: the slug is given at first publication and never
changes); articles by slug; sources by id (they have no slug and no public URL).
"""

from .articles import ArticleViewSet
from .claims import ClaimViewSet
from .proposals import ProposalViewSet
from .ratings import RatingScaleView
from .sources import SourceViewSet

__all__ = ["ArticleViewSet", "ClaimViewSet", "ProposalViewSet", "RatingScaleView", "SourceViewSet"]
