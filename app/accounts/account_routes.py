"""My account: language, password, sign-in e-mail, second factor and API tokens. Each change of
how one signs in asks for the password again."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.accounts import service, totp
from app.accounts.models import Account
from app.accounts.tokens import create_token, list_tokens, revoke_token
from app.authz.guards import CurrentActor
from app.db import DbSession
from app.errors import Invalid
from app.i18n import gettext
from app.web import flash, redirect, render

router = APIRouter(prefix="/account")
PENDING_SECRET = "totp_pending_secret"  # noqa: S105  (the session key, not a secret)


@router.get("")
def account_page(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    return render(request, "accounts/account.html", _context(db, actor))


def _context(db: DbSession, actor: CurrentActor, **extra: Any) -> dict[str, Any]:
    account = db.get(Account, actor.account_id)
    context: dict[str, Any] = {
        "account": account,
        "tokens": list_tokens(db, actor.person_id),
        "errors": {},
        "new_token": None,
        "new_email": "",
    }
    context.update(extra)
    return context


def _invalid(
    request: Request, db: DbSession, actor: CurrentActor, invalid: Invalid, **extra: Any
) -> Response:
    return render(
        request, "accounts/account.html", _context(db, actor, errors=invalid.errors, **extra), status_code=422
    )


@router.post("/password")
def change_password(
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
        return _invalid(request, db, actor, invalid)
    flash(request, gettext("Your password was changed. Other devices were signed out."))
    return redirect(request, "/account")


@router.post("/email")
def change_email(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    new_email: Annotated[str, Form()] = "",
    email_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.change_email(db, request.app.state.settings, actor, email_password, new_email)
    except Invalid as invalid:
        return _invalid(request, db, actor, invalid, new_email=new_email)
    flash(request, gettext("Your sign-in e-mail was changed. A notice went to the old address."))
    return redirect(request, "/account")


@router.get("/two-factor")
def two_factor_page(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    return render(request, "accounts/two_factor.html", _two_factor_context(request, db, actor))


def _two_factor_context(request: Request, db: DbSession, actor: CurrentActor, **extra: Any) -> dict[str, Any]:
    account = db.get(Account, actor.account_id)
    assert account is not None
    context: dict[str, Any] = {
        "account": account,
        "errors": {},
        "must_enrol": request.session.get("must_enrol_totp"),
    }
    if not account.has_totp:
        secret = request.session.get(PENDING_SECRET) or totp.new_secret()
        request.session[PENDING_SECRET] = secret
        uri = totp.provisioning_uri(secret, account.email)
        context.update(secret=secret, qr=totp.qr_svg(uri))
    context.update(extra)
    return context


@router.post("/two-factor")
def two_factor_enable(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    secret = request.session.get(PENDING_SECRET)
    if not secret:
        return redirect(request, "/account/two-factor")
    try:
        service.enable_totp(db, actor, secret, password, code)
    except Invalid as invalid:
        return render(
            request,
            "accounts/two_factor.html",
            _two_factor_context(request, db, actor, errors=invalid.errors),
            status_code=422,
        )
    request.session.pop(PENDING_SECRET, None)
    request.session.pop("must_enrol_totp", None)
    flash(request, gettext("Your second factor is on. You will be asked for a code when you sign in."))
    return redirect(request, "/account")


@router.post("/two-factor/disable")
def two_factor_disable(
    request: Request, actor: CurrentActor, db: DbSession, password: Annotated[str, Form()] = ""
) -> Response:
    try:
        service.disable_totp(db, request.app.state.settings, actor, password)
    except Invalid as invalid:
        return render(
            request,
            "accounts/two_factor.html",
            _two_factor_context(request, db, actor, errors=invalid.errors),
            status_code=422,
        )
    flash(request, gettext("Your second factor is off."))
    return redirect(request, "/account")


@router.post("/tokens")
def token_create(
    request: Request, actor: CurrentActor, db: DbSession, token_name: Annotated[str, Form()] = ""
) -> Response:
    name = token_name.strip()
    if not name:
        errors = {"token_name": gettext("Give the token a name, e.g. the program that will use it.")}
        return render(request, "accounts/account.html", _context(db, actor, errors=errors), status_code=422)
    _token, value = create_token(db, actor.person_id, name)
    return render(request, "accounts/account.html", _context(db, actor, new_token=value))


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> Response:
    if revoke_token(db, actor.person_id, token_id):
        flash(request, gettext("The token was revoked. Programs using it can no longer sign in."))
    return redirect(request, "/account")
