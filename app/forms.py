"""Helpers for HTML forms: empty fields, and validation errors in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.errors import Conflict, Invalid
from app.i18n import gettext


async def read_form(request: Request) -> FormData:
    """The posted form, read on the event loop so that the route itself can be a plain `def`:
    FastAPI runs those in its threadpool, where their blocking database calls cannot stall the
    loop (an `async def` route that waits on a row lock freezes every other request)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(read_form)]


def blank_to_none(values: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """An empty form field means "not given", except for text fields that may be emptied."""
    kept = set(keep)
    return {k: (None if v == "" and k not in kept else v) for k, v in values.items()}


def field_errors(error: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: message}, worded for people, in their language."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        errors.setdefault(field, _message(item["type"], item.get("ctx") or {}))
    return errors


def _message(kind: str, ctx: dict[str, Any]) -> str:
    if kind in ("missing", "string_too_short"):
        return gettext("Fill in this field.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return gettext("Enter a date, for example 2026-04-01.")
    if kind.startswith("int") or kind.startswith("float"):
        return gettext("Enter a number.")
    if kind.startswith("uuid"):
        return gettext("Choose one of the options.")
    if kind == "string_too_long":
        return gettext("Use at most %(max)d characters.", max=int(ctx.get("max_length", 0)))
    return gettext("This value is not valid.")


def problem_text(problem: Exception) -> str:
    """A refused change as one flash message: its field errors, the conflict, or a date that
    could not be read (the only other way these forms fail)."""
    if isinstance(problem, Invalid):
        return " ".join(problem.errors.values())
    if isinstance(problem, Conflict):
        return problem.message
    return gettext("Enter a date.")
