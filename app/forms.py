"""Helpers for HTML forms: empty fields, and validation errors in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
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


NUL = "\x00"


async def refuse_nul_bytes(request: Request) -> None:
    """Applied to the whole application. PostgreSQL cannot store a NUL character in text, and no
    person types one: a request carrying one is refused as a field error (422) before any route
    runs, on both databases alike, instead of failing at the database with a 500."""
    fields = [name for name, value in request.query_params.multi_items() if NUL in value]
    content_type = request.headers.get("content-type", "")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette: the route reads the same form
            fields += [name for name, value in form.multi_items() if isinstance(value, str) and NUL in value]
        elif "json" in content_type:
            with suppress(ValueError):  # not JSON at all: FastAPI's own validation answers that
                fields += list(_nul_places(await request.json(), ""))
    if fields:
        message = gettext("This text contains a control character (NUL) that cannot be saved. Remove it.")
        raise Invalid({field: message for field in fields}, message=f"{message} ({', '.join(fields)})")


def _nul_places(value: Any, place: str) -> Iterable[str]:
    if isinstance(value, str):
        if NUL in value:
            yield place or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_places(item, key if not place else f"{place}.{key}")
            if NUL in str(key):
                yield place or "body"
    elif isinstance(value, list):
        for item in value:
            yield from _nul_places(item, place)


def blank_to_none(values: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """An empty form field means "not given", except for text fields that may be emptied."""
    kept = set(keep)
    return {k: (None if v == "" and k not in kept else v) for k, v in values.items()}


def field_errors(error: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {field: message}, worded for people, in their language."""
    return errors_by_field(error.errors())


# Where FastAPI found a field of a refused request; the field's own name follows.
REQUEST_PARTS = ("body", "query", "path", "header", "cookie")


def errors_by_field(items: Iterable[Any]) -> dict[str, str]:
    """{field: message} from pydantic's or FastAPI's list of errors. A request's are located
    ("body", "field", ...): the part of the request is dropped; a place inside a field (the second of
    its dates) is reported on the field, as forms show it."""
    errors: dict[str, str] = {}
    for item in items:
        loc = [str(part) for part in item.get("loc", ())]
        if len(loc) > 1 and loc[0] in REQUEST_PARTS:
            loc = loc[1:]
        field = loc[0] if loc else "form"
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
    if kind == "greater_than_equal":
        return gettext("Enter %(limit)s or later.", limit=str(ctx.get("ge", "")))
    if kind == "less_than_equal":
        return gettext("Enter %(limit)s or earlier.", limit=str(ctx.get("le", "")))
    if kind == "json_invalid" or kind == "model_attributes_type" or kind == "dict_type":
        return gettext("Send a JSON object.")
    return gettext("This value is not valid.")


def form_version(value: object) -> int:
    """The version a form was opened at (a hidden field). A damaged or tampered one is a field error
    that re-renders the form, not a crash."""
    try:
        return int(str(value or "0"))
    except ValueError:
        raise Invalid({"version": gettext("This form is damaged. Reload the page and try again.")}) from None


def problem_text(problem: Exception) -> str:
    """A refused change as one flash message: its field errors, the conflict, or a date that
    could not be read (the only other way these forms fail)."""
    if isinstance(problem, Invalid):
        return " ".join(problem.errors.values())
    if isinstance(problem, Conflict):
        return problem.message
    if isinstance(problem, ValidationError):
        return " ".join(field_errors(problem).values())
    return gettext("Enter a date.")
