"""Domain errors: why the workflow refused, and the HTTP status that says so.

Each error carries its own ``http_status``; the reviewer UI re-renders the page with it
and the API answers with it, so the two cannot disagree:

- not permitted (a role, four eyes) → 403;
- stale version, invalid transition, locked → 409 (the state of the row is in the way);
- incomplete, invalid → 422: the request was understood, the rules refuse its content
  (a malformed API request — a wrong type, an unknown choice — is a 400 from the API's
  own parsing, before the domain sees it).
"""

from __future__ import annotations


class WorkflowError(Exception):
    code = "workflow_error"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError):
    code = "not_permitted"
    http_status = 403


class FourEyes(NotPermitted):
    """The user contributed to what this approval would publish (or proposed it).

    ``contributed`` says what they did; ``may_approve`` names who may approve instead.
    """

    def __init__(self, message: str, *, contributed: list[str], may_approve: list[str]) -> None:
        super().__init__(message)
        self.contributed = contributed
        self.may_approve = may_approve


class InvalidTransition(WorkflowError):
    code = "invalid_transition"
    http_status = 409


class Locked(InvalidTransition):
    """The claim's state does not allow editing (in review, published, withdrawn)."""

    code = "locked"


class Incomplete(WorkflowError):
    """Required information is missing; ``fields`` maps field names to what is missing."""

    code = "incomplete"
    http_status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class Invalid(Incomplete):
    """Values that fail validation (from the models' own validators)."""

    code = "invalid"

    @classmethod
    def from_validation_error(cls, exc) -> Invalid:
        """The domain's form of a Django ``ValidationError`` raised by ``full_clean()``."""
        if not hasattr(exc, "error_dict"):
            return cls("Some values are not valid: " + " ".join(exc.messages))
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        return cls("Some values are not valid: " + " ".join(fields.values()), fields)


class StaleVersion(WorkflowError):
    """Someone changed the row since the version the request was based on."""

    code = "stale_version"
    http_status = 409

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version
