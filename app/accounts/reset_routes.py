"""Forgot your password? A single-use link by e-mail. The first answer never reveals whether an
account exists for the address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.accounts import service
from app.authz.guards import Public
from app.db import DbSession
from app.errors import Invalid
from app.i18n import N_, gettext
from app.web import client_ip, flash, redirect, render

router = APIRouter(prefix="/password-reset")

LINK_PROBLEMS = {
    "unknown": N_("This link is not valid. Check that you opened the whole link from the e-mail."),
    "used": N_("This link was already used. If you still cannot sign in, ask for a new link."),
    "expired": N_("This link has expired. Ask for a new one below; it is valid for an hour."),
}


@router.get("")
def reset_request_page(request: Request, _: Public) -> Response:
    return render(request, "accounts/reset_request.html", {"email": "", "sent": False})


@router.post("")
def reset_request(request: Request, _: Public, db: DbSession, email: Annotated[str, Form()] = "") -> Response:
    service.request_password_reset(db, request.app.state.settings, email, client_ip(request))
    return render(request, "accounts/reset_request.html", {"email": email, "sent": True})


@router.get("/{token}")
def reset_form(request: Request, token: str, _: Public, db: DbSession) -> Response:
    _reset, problem = service.find_reset(db, token)
    if problem:
        return _problem(request, problem)
    return render(request, "accounts/reset_form.html", {"token": token, "errors": {}})


@router.post("/{token}")
def reset_complete(
    request: Request,
    token: str,
    _: Public,
    db: DbSession,
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    _reset, problem = service.find_reset(db, token)
    if problem:
        return _problem(request, problem)
    try:
        service.complete_password_reset(db, token, password, confirm)
    except Invalid as invalid:
        return render(
            request, "accounts/reset_form.html", {"token": token, "errors": invalid.errors}, status_code=422
        )
    flash(request, gettext("Your new password is set, and every device was signed out. Sign in with it now."))
    return redirect(request, "/sign-in")


def _problem(request: Request, problem: str) -> Response:
    return render(
        request,
        "accounts/link_problem.html",
        {"message": gettext(LINK_PROBLEMS[problem]), "retry_url": "/password-reset"},
        status_code=410,
    )
