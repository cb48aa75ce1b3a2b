"""What a use-case raises when it refuses; views map these to pages, the API to problems."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    title = "Request refused"

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    """Also raised for things the actor may not know exist (another chapter's objects)."""

    status = 404
    title = "Not found"


class PermissionDenied(DomainError):
    status = 403
    title = "Not allowed"


class InvalidTransition(DomainError):
    status = 409
    title = "Not possible now"


class ValidationFailed(DomainError):
    status = 422
    title = "Invalid input"

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        return cls(message, errors={field: [message]})


class AlreadyVoted(DomainError):
    status = 409
    title = "Already voted"


class NotEligible(DomainError):
    status = 403
    title = "Not on the roll"


class AlreadySigned(InvalidTransition):
    title = "Already signed"


class InvalidCredentials(DomainError):
    status = 401
    title = "Wrong email or password"


class InvalidToken(DomainError):
    """An invitation or reset link that is forged, expired or already used."""

    status = 400
    title = "Link not valid"
