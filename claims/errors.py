"""Domain errors: why the workflow refused. The UI shows them as messages; the API maps
each ``code`` to a status (not_permitted → 403, invalid_transition/locked/stale → 409,
incomplete/invalid → 400)."""

from __future__ import annotations


class WorkflowError(Exception):
    code = "workflow_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError):
    code = "not_permitted"


class InvalidTransition(WorkflowError):
    code = "invalid_transition"


class Locked(InvalidTransition):
    """The claim's state does not allow editing (in review, published, withdrawn)."""

    code = "locked"


class Incomplete(WorkflowError):
    """Required information is missing; ``fields`` maps field names to what is missing."""

    code = "incomplete"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class Invalid(Incomplete):
    """Values that fail validation (from the models' own validators)."""

    code = "invalid"

    @classmethod
    def from_validation_error(cls, exc) -> Invalid:
        """The domain's form of a Django ``ValidationError`` raised by ``full_clean()``."""
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        return cls("Some values are not valid: " + " ".join(fields.values()), fields)


class StaleVersion(WorkflowError):
    """Someone changed the claim since the version the request was based on."""

    code = "stale_version"

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version
