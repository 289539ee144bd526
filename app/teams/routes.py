"""Pages that change a child's team: add and end memberships, invite people, accept invitations."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import clock
from app.accounts import service as accounts
from app.authz.guards import ChildScope, CurrentActor, Public
from app.authz.policy import Category
from app.children.pages import require
from app.db import DbSession
from app.errors import Conflict, Invalid, NotFound
from app.forms import problem_text
from app.i18n import N_, gettext
from app.teams import invitations
from app.teams import service as team_service
from app.web import flash, redirect, render

router = APIRouter()


@router.post("/children/{child_id}/team")
def team_add(
    request: Request,
    access: ChildScope,
    db: DbSession,
    person_id: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    start_date: Annotated[str, Form()] = "",
) -> Response:
    require(access, Category.BASIC_PROFILE)  # the policy first, then the input
    try:
        chosen = uuid.UUID(person_id) if person_id else None
        start = dt.date.fromisoformat(start_date) if start_date else clock.today()
        team_service.add_member(db, access, chosen, role, start)
    except (ValueError, Invalid) as problem:
        flash(request, problem_text(problem), "error")
        return redirect(request, f"/children/{access.child_id}#team")
    flash(request, gettext("The team member was added."))
    return redirect(request, f"/children/{access.child_id}#team")


@router.post("/children/{child_id}/team/{membership_id}/end")
def team_end(
    request: Request,
    membership_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    end_date: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    require(access, Category.BASIC_PROFILE)
    try:
        end = dt.date.fromisoformat(end_date) if end_date else clock.today()
        team_service.end_membership(db, access, membership_id, end, version)
    except (ValueError, Invalid, Conflict) as problem:
        flash(request, problem_text(problem), "error")
        return redirect(request, f"/children/{access.child_id}#team")
    flash(request, gettext("The membership was ended. From that day the person no longer sees this child."))
    return redirect(request, f"/children/{access.child_id}#team")


# --- Invitations ---------------------------------------------------------------------------


@router.get("/children/{child_id}/invite")
def invite_form(request: Request, access: ChildScope) -> Response:
    if not access.can_invite:
        raise NotFound()
    values = {"role": "", "email": "", "family_name": "", "given_name": "", "locale": "ja"}
    return render(request, "teams/invite.html", _invite_context(access, values))


def _invite_context(access: ChildScope, values: dict[str, str], **extra: object) -> dict[str, object]:
    return {
        "access": access,
        "values": values,
        "errors": {},
        "role_options": invitations.invitable_role_options(access),
        **extra,
    }


@router.post("/children/{child_id}/invitations")
def invite_send(
    request: Request,
    access: ChildScope,
    db: DbSession,
    email: Annotated[str, Form()] = "",
    family_name: Annotated[str, Form()] = "",
    given_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "ja",
) -> Response:
    values = {
        "email": email,
        "family_name": family_name,
        "given_name": given_name,
        "role": role,
        "locale": locale,
    }
    try:
        invitations.invite(
            db,
            access,
            request.app.state.settings,
            email=email,
            family_name=family_name,
            given_name=given_name,
            role=role,
            locale=locale,
        )
    except Invalid as invalid:
        return render(
            request,
            "teams/invite.html",
            _invite_context(access, values, errors=invalid.errors),
            status_code=422,
        )
    flash(
        request,
        gettext(
            "The invitation was sent to %(email)s. The link works once, for %(hours)d hours.",
            email=email.strip().lower(),
            hours=request.app.state.settings.invitation_valid_hours,
        ),
    )
    return redirect(request, f"/children/{access.child_id}#team")


@router.post("/children/{child_id}/invitations/{invitation_id}/revoke")
def invite_revoke(request: Request, invitation_id: uuid.UUID, access: ChildScope, db: DbSession) -> Response:
    invitations.revoke(db, access, invitation_id)
    flash(request, gettext("The invitation was withdrawn. Its link no longer works."))
    return redirect(request, f"/children/{access.child_id}#team")


LINK_PROBLEMS = {
    "unknown": N_("This invitation link is not valid. Check that you opened the whole link from the e-mail."),
    "used": N_("This invitation was already accepted. Sign in with the e-mail address it was sent to."),
    "expired": N_("This invitation has expired. Ask the person who invited you to send a new one."),
    "revoked": N_("This invitation was withdrawn. Ask the person who invited you if this is a mistake."),
}


@router.get("/invitations/{token}")
def invitation_page(request: Request, token: str, _: Public, db: DbSession) -> Response:
    state = invitations.look_up(db, token)
    if not state.usable or state.invitation is None:
        return _link_problem(request, state.problem or "unknown")
    return render(
        request,
        "teams/accept.html",
        {
            "token": token,
            "invitation": state.invitation,
            "errors": {},
            "existing": state.existing_account is not None,
        },
    )


@router.post("/invitations/{token}")
def invitation_accept_new(
    request: Request,
    token: str,
    _: Public,
    db: DbSession,
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    state = invitations.look_up(db, token)
    if not state.usable or state.invitation is None:
        return _link_problem(request, state.problem or "unknown")
    try:
        account = invitations.accept_new(db, token, password, confirm)
    except Invalid as invalid:
        return render(
            request,
            "teams/accept.html",
            {"token": token, "invitation": state.invitation, "errors": invalid.errors, "existing": False},
            status_code=422,
        )
    accounts.begin_session(db, request, request.app.state.settings, account, method="invitation")
    flash(request, gettext("Welcome. You are now on the child's team."))
    return redirect(request, f"/children/{state.invitation.child_id}")


@router.post("/invitations/{token}/accept")
def invitation_accept_signed_in(request: Request, token: str, actor: CurrentActor, db: DbSession) -> Response:
    state = invitations.look_up(db, token)
    if not state.usable or state.invitation is None:
        return _link_problem(request, state.problem or "unknown")
    try:
        invitations.accept_as(db, actor, token)
    except Invalid as invalid:
        return render(
            request,
            "accounts/link_problem.html",
            {"message": " ".join(invalid.errors.values()), "retry_url": None},
            status_code=403,
        )
    flash(request, gettext("You are now on the child's team."))
    return redirect(request, f"/children/{state.invitation.child_id}")


def _link_problem(request: Request, problem: str) -> Response:
    return render(
        request,
        "accounts/link_problem.html",
        {"message": gettext(LINK_PROBLEMS[problem]), "retry_url": None},
        status_code=410,
    )
