"""Pages: signing in through an organisation's OpenID Connect provider, and the administrator's
links between people and their organisation sign-ins. The logic is in app.accounts.oidc."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import oidc
from app.accounts.service import begin_session
from app.authz.guards import AdminActor, Public, optional_actor
from app.config import OIDCProvider
from app.db import DbSession
from app.errors import Invalid
from app.i18n import gettext
from app.web import flash, redirect, render, safe_next

log = logging.getLogger("qpi.oidc")

router = APIRouter()


async def _failure_page(
    request: Request, db: Session, provider: OIDCProvider, failure: oidc.OIDCFailure
) -> Response:
    log.warning("OIDC sign-in with %s refused (%s): %s", provider.name, failure.reason, failure.detail)
    await run_in_threadpool(optional_actor, request, db)  # someone already signed in is offered the way back
    # Rendering reads the database (the unread count): in the threadpool, never on the event loop.
    return await run_in_threadpool(
        render,
        request,
        "accounts/oidc_error.html",
        {
            "title": failure.title,
            "message": failure.message,
            "reason": failure.reason,
            "provider": provider,
        },
        status_code=failure.status_code,
    )


@router.get("/auth/oidc/{name}/start")
async def oidc_start(
    request: Request, name: str, _: Public, db: DbSession, next: str = "/children"
) -> Response:
    provider = oidc.get_provider(request.app.state.settings, name)
    try:
        response: Response = await oidc.start(request, provider, safe_next(next, "/children"))
    except oidc.OIDCFailure as failure:
        return await _failure_page(request, db, provider, failure)
    return response


@router.get("/auth/oidc/{name}/callback")
async def oidc_callback(request: Request, name: str, _: Public, db: DbSession) -> Response:
    settings = request.app.state.settings
    provider = oidc.get_provider(settings, name)
    next_path = safe_next(request.session.pop(oidc.SESSION_NEXT, None), "/children")
    try:
        claims = await oidc.finish(request, provider)

        def sign_in() -> None:
            account = oidc.account_for(db, provider, claims)
            begin_session(db, request, settings, account, method=f"oidc:{provider.name}")

        await run_in_threadpool(sign_in)
    except oidc.OIDCFailure as failure:
        await run_in_threadpool(db.rollback)
        return await _failure_page(request, db, provider, failure)
    return RedirectResponse(next_path, status_code=303)


# --- Administration: a person's organisation sign-ins ----------------------------------------


@router.post("/admin/people/{person_id}/identity-links")
def identity_link_create(
    request: Request,
    person_id: uuid.UUID,
    actor: AdminActor,
    db: DbSession,
    provider: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
) -> Response:
    try:
        oidc.link_identity(db, actor, request.app.state.settings, person_id, provider, subject)
    except Invalid as invalid:
        flash(request, " ".join(invalid.errors.values()), "error")
        return redirect(request, f"/admin/people/{person_id}")
    flash(request, gettext("The organisation sign-in was linked."))
    return redirect(request, f"/admin/people/{person_id}")


@router.post("/admin/people/{person_id}/identity-links/{link_id}/unlink")
def identity_link_delete(
    request: Request, person_id: uuid.UUID, link_id: uuid.UUID, actor: AdminActor, db: DbSession
) -> Response:
    oidc.unlink_identity(db, actor, person_id, link_id)
    flash(request, gettext("The organisation sign-in was unlinked."))
    return redirect(request, f"/admin/people/{person_id}")
