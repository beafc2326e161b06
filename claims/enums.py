"""Fixed vocabularies of the domain, as stored in the database.

A leaf module: it imports nothing from the project, so models, workflow, forms, the API
and templates can all share one definition of each value.
"""

from django.db import models


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Rating(models.TextChoices):
    """The rating scale, best to worst, plus ``unsupported`` which sits outside the order.

    ``meaning`` and ``rating_value`` (ClaimReview's 5-to-1 ``ratingValue``) are defined
    once here; the methodology page, the API and the ClaimReview markup all read them.
    """

    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
    MIXED = "mixed", "Mixed"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNSUPPORTED = "unsupported", "Unsupported"

    @property
    def meaning(self) -> str:
        return RATING_MEANINGS[self]

    @property
    def rating_value(self) -> int | None:
        return RATING_VALUES[self]


RATING_MEANINGS = {
    Rating.ACCURATE: "The claim is correct and leaves out nothing that changes its meaning.",
    Rating.MOSTLY_ACCURATE: (
        "The claim is essentially correct but needs a qualification, or rests on estimates."
    ),
    Rating.MIXED: "The claim is partly correct and partly wrong.",
    Rating.MISLEADING: (
        "The claim contains correct elements but leaves a false impression as a whole."
    ),
    Rating.FALSE: "The claim is wrong.",
    Rating.UNSUPPORTED: "The available evidence settles the claim neither way.",
}

# ClaimReview ratingValue: 5 (best) to 1 (worst). Unsupported is not on the scale.
RATING_VALUES = {
    Rating.ACCURATE: 5,
    Rating.MOSTLY_ACCURATE: 4,
    Rating.MIXED: 3,
    Rating.MISLEADING: 2,
    Rating.FALSE: 1,
    Rating.UNSUPPORTED: None,
}
BEST_RATING_VALUE = 5
WORST_RATING_VALUE = 1


class SourceKind(models.TextChoices):
    PRIMARY_DATA = "primary_data", "Primary data"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    NEWS_REPORT = "news_report", "News report"
    RESEARCH = "research", "Research"
    OTHER = "other", "Other"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports the claim"
    REFUTES = "refutes", "Refutes the claim"
    CONTEXT = "context", "Context"


class Action(models.TextChoices):
    """What an event records. The first six are the workflow's transitions."""

    START = "start", "Started research"
    SUBMIT = "submit", "Submitted for review"
    APPROVE = "approve", "Approved and published"
    REJECT = "reject", "Sent back for changes"
    WITHDRAW = "withdraw", "Withdrew"
    CORRECT = "correct", "Published a correction"
    CREATE = "create", "Created"
    EDIT = "edit", "Edited"
    ADD_SOURCE = "add_source", "Added a source"
    EDIT_SOURCE = "edit_source", "Edited a source"
    REMOVE_SOURCE = "remove_source", "Removed a source"
    FLAG = "flag", "Flagged for re-review"
    ARCHIVE_SOURCE = "archive_source", "Recorded an archived copy"
    # The desk's coordination (claims.assignment): who works on a claim, by when, and
    # which editor is asked to approve it.
    ASSIGN = "assign", "Changed the assignee"
    SET_DUE_DATE = "set_due_date", "Changed the due date"
    REQUEST_APPROVER = "request_approver", "Changed the requested approver"
    # Readers' reports (claims.reports) accepted into the corrections process.
    ACCEPT_REPORT = "accept_report", "Accepted a reader's report"
    # Right of reply (claims.reply).
    ASK_CLAIMANT = "ask_claimant", "Asked the claimant for a reply"
    RECORD_REPLY = "record_reply", "Recorded the claimant's answer"
    PUBLISH_REPLY = "publish_reply", "Changed what readers see of a reply"
    PROPOSE = "propose", "Proposed a change for a second editor to approve"
    CANCEL_PROPOSAL = "cancel_proposal", "Cancelled a proposal"
    SUPERSEDE_PROPOSAL = "supersede_proposal", "A proposal was superseded"
    REAFFIRM = "reaffirm", "Re-checked the evidence: the verdict stands"
    RENAME_TAG = "rename_tag", "Renamed a tag"
    ARTICLE_EDIT = "article_edit", "Moved with an edit of its article"


TRANSITION_ACTIONS = (
    Action.START,
    Action.SUBMIT,
    Action.APPROVE,
    Action.REJECT,
    Action.WITHDRAW,
    Action.CORRECT,
)


class ProposalKind(models.TextChoices):
    """What a proposal would change once a second editor approves it."""

    CORRECTION = "correction", "Correction"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    ARTICLE_EDIT = "article_edit", "Article edit"
    ARCHIVED_COPY = "archived_copy", "Archived copy"


# What the proposals endpoint files itself (article edits and archived copies are proposed
# by editing the article, or recording the copy).
PROPOSABLE_KINDS = [
    (ProposalKind.CORRECTION.value, ProposalKind.CORRECTION.label),
    (ProposalKind.WITHDRAWAL.value, ProposalKind.WITHDRAWAL.label),
]


class ProposalState(models.TextChoices):
    PENDING = "pending", "Awaiting a second editor"
    APPROVED = "approved", "Approved"
    CANCELLED = "cancelled", "Cancelled"
    SUPERSEDED = "superseded", "Superseded (what it was based on has changed)"


class ClaimantKind(models.TextChoices):
    """Who made a claim, for ClaimReview's ``itemReviewed.author`` (Person/Organization)."""

    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organisation or outlet"


class CheckOutcome(models.TextChoices):
    """What one link check found (stored on each ``LinkCheck`` row)."""

    OK = "ok", "OK"
    REDIRECTED = "redirected", "Redirected"
    GONE = "gone", "Gone (404/410)"
    BLOCKED = "blocked", "Blocked (401/403/429 or a bot challenge)"
    SERVER_ERROR = "server_error", "Server error"
    TIMEOUT = "timeout", "Timed out"
    DNS_ERROR = "dns_error", "DNS error"
    CONNECTION_ERROR = "connection_error", "Connection error"
    TLS_ERROR = "tls_error", "TLS error"
    TOO_LARGE = "too_large", "Too large"
    REFUSED = "refused", "Refused by the safety guard"


class SourceHealth(models.TextChoices):
    """A source's state over time, derived from its checks by ``claims.linkhealth``."""

    UNKNOWN = "unknown", "Not checked yet"
    OK = "ok", "OK"
    MOVED = "moved", "Moved"
    CHANGED = "changed", "Changed since publication"
    PASSAGE_MISSING = "passage_missing", "Quoted passage missing"
    FAILING = "failing", "Failing"
    DEAD = "dead", "Dead"


# Health that puts a published verdict back in front of a reviewer.
REREVIEW_HEALTH = frozenset({SourceHealth.DEAD, SourceHealth.CHANGED, SourceHealth.PASSAGE_MISSING})


# --- Readers' reports (claims.reports) --------------------------------------------------


class ReportKind(models.TextChoices):
    ERROR = "error", "Error in a fact-check"
    SUGGESTION = "suggestion", "Claim to check"


class ReportStatus(models.TextChoices):
    NEW = "new", "Awaiting moderation"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


# --- Right of reply (claims.reply) ------------------------------------------------------


class ContactChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    MESSAGE = "message", "Message (social media, messaging app)"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"


class ReplyOutcome(models.TextChoices):
    AWAITING = "awaiting", "Awaiting an answer"
    REPLIED = "replied", "Replied"
    DECLINED = "declined", "Declined to comment"
    NO_REPLY = "no_reply", "Did not reply by the deadline"


# --- Transparency pages (claims.transparency) -------------------------------------------


class PageKind(models.TextChoices):
    """The pages an administrator writes in the admin, linked from every page's footer
    (IFCN's commitments to transparency of funding, organisation and corrections)."""

    FUNDING = "funding", "Funding and ownership"
    TEAM = "team", "Our team"
    CONTACT = "contact", "Contact us"
    CORRECTIONS_POLICY = "corrections-policy", "Corrections and complaints policy"
