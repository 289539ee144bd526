"""Domain errors. Services raise these; app/main.py turns them into pages or JSON."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """Missing, or outside the reader's scope: the two must be indistinguishable."""

    status_code = 404


class Forbidden(DomainError):
    """Used only where the existence of the thing is no secret (e.g. the admin pages)."""

    status_code = 403


class NotSignedIn(DomainError):
    status_code = 401


class MustEnrolSecondFactor(DomainError):
    """A staff member signed in with a password but has no second factor yet."""

    status_code = 303


class Conflict(DomainError):
    """Someone else changed the record meanwhile; details carry both versions."""

    status_code = 409


class Invalid(DomainError):
    """Input that breaks a rule; errors maps field names to messages in the reader's language."""

    status_code = 422

    def __init__(self, errors: dict[str, str], message: str = "") -> None:
        super().__init__(message or "; ".join(errors.values()))
        self.errors = errors


class TooManyAttempts(DomainError):
    status_code = 429
