"""Pages: sign in, sign out, the language switch, and my account."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts import service
from app.accounts.models import Account
from app.accounts.tokens import create_token, list_tokens, revoke_token
from app.authz.guards import CurrentActor, Public, optional_actor
from app.db import DbSession
from app.errors import Invalid
from app.i18n import LANGUAGE_COOKIE, N_, gettext
from app.web import flash, redirect, render, safe_next

router = APIRouter()

EXPIRED_MESSAGES = {
    "idle": N_("You were signed out after a period without activity. Please sign in again."),
    "absolute": N_("Your session reached its maximum length. Please sign in again."),
    "disabled": N_("Your account was disabled. Ask your caseworker or administrator."),
    "password_changed": N_("Your password was changed, so this device was signed out."),
}


@router.get("/")
def home(request: Request, _: Public, db: DbSession) -> Response:
    actor = optional_actor(request, db)
    return RedirectResponse("/children" if actor else "/sign-in", status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, _: Public, db: DbSession, next: str = "/children") -> Response:
    if optional_actor(request, db) is not None:
        return RedirectResponse(safe_next(next, "/children"), status_code=303)
    state = request.scope["qpi.session"]
    notice = (
        gettext(EXPIRED_MESSAGES[state.expired_reason]) if state.expired_reason in EXPIRED_MESSAGES else ""
    )
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
    account = service.check_password(db, email, password)
    if account is None:
        error = gettext("The e-mail address or the password is not correct.")
        return render(
            request,
            "accounts/sign_in.html",
            _sign_in_context(request, email=email, error=error, next=next),
            status_code=401,
        )
    service.begin_session(db, request, request.app.state.settings, account, method="password")
    return redirect(request, safe_next(next, "/children"))


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


@router.get("/account")
def account_page(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    return render(request, "accounts/account.html", _account_context(db, actor))


def _account_context(db: DbSession, actor: CurrentActor, **extra: object) -> dict[str, object]:
    account = db.get(Account, actor.account_id)
    context: dict[str, object] = {
        "account": account,
        "tokens": list_tokens(db, actor.person_id),
        "errors": {},
        "new_token": None,
    }
    context.update(extra)
    return context


@router.post("/account/password")
def account_password(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.change_password(db, actor, current_password, new_password, confirm_password)
    except Invalid as invalid:
        return render(
            request,
            "accounts/account.html",
            _account_context(db, actor, errors=invalid.errors),
            status_code=422,
        )
    flash(request, gettext("Your password was changed. Other devices were signed out."))
    return redirect(request, "/account")


@router.post("/account/tokens")
def account_token_create(
    request: Request, actor: CurrentActor, db: DbSession, token_name: Annotated[str, Form()] = ""
) -> Response:
    name = token_name.strip()
    if not name:
        errors = {"token_name": gettext("Give the token a name, e.g. the program that will use it.")}
        return render(
            request, "accounts/account.html", _account_context(db, actor, errors=errors), status_code=422
        )
    _token, value = create_token(db, actor.person_id, name)
    return render(request, "accounts/account.html", _account_context(db, actor, new_token=value))


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(
    request: Request, token_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> Response:
    if revoke_token(db, actor.person_id, token_id):
        flash(request, gettext("The token was revoked. Programs using it can no longer sign in."))
    return redirect(request, "/account")
