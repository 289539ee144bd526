"""Domain errors. Services raise these; app/main.py turns them into pages or JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


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


class ValidationProblem(BaseModel):
    """The one shape of every 422 answer of the JSON API, whether FastAPI refused the request's shape
    or a service refused its content; the OpenAPI document declares this and nothing else."""

    detail: str = Field(description="A summary, in the reader's language.")
    errors: dict[str, str] = Field(description="Field name to message, in the reader's language.")


def declare_one_422_shape(openapi: dict[str, Any]) -> dict[str, Any]:
    """Replace FastAPI's default HTTPValidationError (which no answer of this API has) with
    ValidationProblem in every operation's 422, and add it to those that declared a 422 without one."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ValidationProblem"] = ValidationProblem.model_json_schema()
    reference = {"$ref": "#/components/schemas/ValidationProblem"}
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer is not None:
                answer["content"] = {"application/json": {"schema": reference}}
                answer.setdefault("description", "Field errors, in the reader's language.")
    return openapi
