"""Pages: sign in, sign out, the language switch, and my account."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import pyotp
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app import clock
from app.accounts import service
from app.accounts.models import Account
from app.authz.guards import Public, optional_actor
from app.db import DbSession
from app.i18n import LANGUAGE_COOKIE, N_, gettext
from app.web import client_ip, flash, redirect, render, safe_next

router = APIRouter()

EXPIRED_MESSAGES = {
    "idle": N_("You were signed out after a period without activity. Please sign in again."),
    "absolute": N_("Your session reached its maximum length. Please sign in again."),
    "disabled": N_("Your account was disabled. Ask your caseworker or administrator."),
    "password_changed": N_("Your password was changed, so this device was signed out."),
    "email_changed": N_("Your sign-in e-mail was changed, so this device was signed out."),
    "second_factor_changed": N_("Your second factor was changed, so this device was signed out."),
}


@router.get("/")
def home(request: Request, _: Public, db: DbSession) -> Response:
    actor = optional_actor(request, db)
    return RedirectResponse("/children" if actor else "/sign-in", status_code=303)


@router.get("/sign-in")
def sign_in_page(
    request: Request, _: Public, db: DbSession, next: str = "/children", ended: str = ""
) -> Response:
    if optional_actor(request, db) is not None:
        return RedirectResponse(safe_next(next, "/children"), status_code=303)
    # Why the last session ended: known to the middleware, or passed along by the redirect.
    reason = request.scope["qpi.session"].expired_reason or ended
    notice = gettext(EXPIRED_MESSAGES[reason]) if reason in EXPIRED_MESSAGES else ""
    return render(request, "accounts/sign_in.html", _sign_in_context(request, next=next, notice=notice))


def _sign_in_context(request: Request, **extra: object) -> dict[str, object]:
    from app.demo.people import demo_sign_ins

    settings = request.app.state.settings
    context: dict[str, object] = {
        "providers": settings.oidc_providers,
        "demo_sign_ins": demo_sign_ins() if settings.is_development else [],
        "email": "",
        "error": "",
        "notice": "",
        "next": "/children",
    }
    context.update(extra)
    return context


@router.post("/sign-in")
def sign_in(
    request: Request,
    _: Public,
    db: DbSession,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/children",
) -> Response:
    settings = request.app.state.settings
    outcome = service.attempt_password(db, settings, email, password, client_ip(request))
    if outcome.locked_minutes:
        return _too_many(request, outcome.locked_minutes)
    if outcome.account is None:
        error = gettext("The e-mail address or the password is not correct.")
        return render(
            request,
            "accounts/sign_in.html",
            _sign_in_context(request, email=email, error=error, next=next),
            status_code=401,
        )
    if outcome.needs_code:
        request.session[PENDING] = {
            "account_id": str(outcome.account.id),
            "next": safe_next(next, "/children"),
            "at": clock.now().isoformat(),
        }
        return redirect(request, "/sign-in/code")
    service.begin_session(db, request, settings, outcome.account, method="password")
    return redirect(request, safe_next(next, "/children"))


def _too_many(request: Request, minutes: int) -> Response:
    message = gettext(
        "Too many attempts. Wait %(minutes)d minutes and try again, or choose a new password with "
        "“Forgot your password?”.",
        minutes=minutes,
    )
    return render(request, "accounts/sign_in.html", _sign_in_context(request, error=message), status_code=429)


PENDING = "pending_sign_in"
PENDING_MINUTES = 5


def _pending(request: Request) -> dict[str, str] | None:
    pending = request.session.get(PENDING)
    if not pending:
        return None
    started = dt.datetime.fromisoformat(pending["at"])
    if clock.now() - started > dt.timedelta(minutes=PENDING_MINUTES):
        request.session.pop(PENDING, None)
        return None
    return dict(pending)


@router.get("/sign-in/code")
def sign_in_code_page(request: Request, _: Public, db: DbSession) -> Response:
    pending = _pending(request)
    if pending is None:
        flash(request, gettext("Please sign in again: the code step took too long."), "info")
        return RedirectResponse("/sign-in", status_code=303)
    return render(
        request, "accounts/sign_in_code.html", {"error": "", "demo_code": _demo_code(request, db, pending)}
    )


def _demo_code(request: Request, db: DbSession, pending: dict[str, str]) -> str:
    """In development only, the demo staff accounts' current code is shown, so the demo takes a minute."""
    from app.demo.people import DEMO_TOTP_SECRET, demo_sign_ins

    if not request.app.state.settings.is_development:
        return ""
    account = db.get(Account, uuid.UUID(pending["account_id"]))
    if account is None or account.email not in {d.email for d in demo_sign_ins()}:
        return ""
    return pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.now())


@router.post("/sign-in/code")
def sign_in_code(request: Request, _: Public, db: DbSession, code: Annotated[str, Form()] = "") -> Response:
    pending = _pending(request)
    if pending is None:
        flash(request, gettext("Please sign in again: the code step took too long."), "info")
        return redirect(request, "/sign-in")
    settings = request.app.state.settings
    outcome = service.attempt_code(db, settings, uuid.UUID(pending["account_id"]), code, client_ip(request))
    if outcome.locked_minutes:
        request.session.pop(PENDING, None)
        return _too_many(request, outcome.locked_minutes)
    if outcome.account is None:
        error = gettext("This code is not right. Check the time on your phone and try the newest code.")
        return render(
            request,
            "accounts/sign_in_code.html",
            {"error": error, "demo_code": _demo_code(request, db, pending)},
            status_code=401,
        )
    service.begin_session(db, request, settings, outcome.account, method="password")
    return redirect(request, pending["next"])


@router.post("/sign-out")
def sign_out(request: Request, _: Public, db: DbSession) -> Response:
    service.sign_out(db, request, optional_actor(request, db))
    return RedirectResponse("/sign-in", status_code=303)


@router.post("/language")
def switch_language(
    request: Request,
    _: Public,
    db: DbSession,
    lang: Annotated[str, Form()] = "ja",
    next: Annotated[str, Form()] = "/",
) -> Response:
    locale = service.set_language(db, optional_actor(request, db), request, lang)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="lax",
        httponly=True,
        secure=request.app.state.settings.secure_cookies,
    )
    return response
