"""Pages of the sharing policy: who sees what, why, consents (each for one recipient), protection orders,
the access log, and the administrator's changes to the matrix."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import clock
from app.authz.guards import AdminActor, ChildScope, Public, RequestPolicy
from app.authz.policy import Category, Level, SharingPolicy, TeamRole
from app.children.pages import require, team_choices
from app.db import DbSession
from app.errors import Invalid, NotFound
from app.forms import problem_text
from app.i18n import gettext
from app.sharing import access_log, consents, service
from app.sharing import api as consent_api
from app.sharing.models import ConsentKind
from app.web import flash, is_htmx, redirect, render

router = APIRouter()
T = TypeVar("T")
# The consents' JSON API travels with these pages (it is registered wherever they are).
router.include_router(consent_api.router)


@router.get("/sharing-policy")
def who_sees_what(request: Request, _: Public, policy: RequestPolicy) -> Response:
    """The matrix in plain words, for everyone (also before signing in)."""
    return render(
        request,
        "sharing/policy.html",
        {"policy": policy, "roles": list(TeamRole), "categories": list(Category), "levels": list(Level)},
    )


# --- Consent and protection orders -------------------------------------------------------------


@router.post("/children/{child_id}/consents")
def consent(
    request: Request,
    access: ChildScope,
    db: DbSession,
    kind: Annotated[str, Form()] = "",
    recipient_id: Annotated[str, Form()] = "",
    give: Annotated[str, Form()] = "",
) -> Response:
    """A family member shows (or stops showing) their own details to one person; the foster family
    its address and phone to one member of the birth family."""
    anchor = "#placement" if kind == ConsentKind.SHARE_FOSTER_CONTACT.value else "#team"
    try:
        consents.set_consent(db, access, kind, _uuid_or_none(recipient_id), give == "yes")
    except Invalid as problem:
        flash(request, problem_text(problem), "error")
        return redirect(request, f"/children/{access.child_id}{anchor}")
    if give != "yes":
        message = gettext("They no longer see these contact details.")
    elif kind == ConsentKind.SHARE_FOSTER_CONTACT.value:
        message = gettext(
            "Your consent is recorded. They see your address and phone once the caseworker agrees too."
        )
    else:
        message = gettext("Your consent is recorded. They now see your address, phone and e-mail.")
    flash(request, message)
    return redirect(request, f"/children/{access.child_id}{anchor}")


@router.post("/children/{child_id}/consents/{consent_id}/agree")
def consent_agree(
    request: Request,
    consent_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    agree: Annotated[str, Form()] = "",
) -> Response:
    """The caseworker's agreement to the foster family's consent (or its end)."""
    try:
        consents.agree(db, access, consent_id, {"yes": True, "no": False}.get(agree))
    except Invalid as problem:
        flash(request, problem_text(problem), "error")
        return redirect(request, f"/children/{access.child_id}#placement")
    flash(
        request,
        gettext("You agreed: they now see the foster family's address and phone.")
        if agree == "yes"
        else gettext("The consent ended: they no longer see the foster family's address and phone."),
    )
    return redirect(request, f"/children/{access.child_id}#placement")


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@router.post("/children/{child_id}/protection-orders")
def order_create(
    request: Request,
    access: ChildScope,
    db: DbSession,
    person_id: Annotated[str, Form()] = "",
    start_date: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    require(access, Category.LEGAL)  # the policy first, then the input
    try:
        chosen = uuid.UUID(person_id) if person_id else None
        start = dt.date.fromisoformat(start_date) if start_date else clock.today()
        service.record_protection_order(db, access, chosen, start, note)
    except (ValueError, Invalid) as problem:
        flash(request, problem_text(problem), "error")
        return redirect(request, f"/children/{access.child_id}#orders")
    flash(
        request,
        gettext(
            "The protection order was recorded. From its start the person no longer sees where the "
            "child is, who cares for the child, or the time and place of what they are not part of."
        ),
    )
    return redirect(request, f"/children/{access.child_id}#orders")


@router.post("/children/{child_id}/protection-orders/{order_id}/end")
def order_end(
    request: Request,
    order_id: uuid.UUID,
    access: ChildScope,
    db: DbSession,
    end_date: Annotated[str, Form()] = "",
) -> Response:
    require(access, Category.LEGAL)
    try:
        service.end_protection_order(
            db, access, order_id, dt.date.fromisoformat(end_date) if end_date else clock.today()
        )
    except (ValueError, Invalid) as problem:
        flash(request, problem_text(problem), "error")
        return redirect(request, f"/children/{access.child_id}#orders")
    flash(request, gettext("The protection order was ended."))
    return redirect(request, f"/children/{access.child_id}#orders")


# --- Why, and the access log -------------------------------------------------------------------


@router.get("/children/{child_id}/why")
def why(
    request: Request,
    access: ChildScope,
    db: DbSession,
    person_id: uuid.UUID | None = None,
    category: str = "",
    item_id: uuid.UUID | None = None,
) -> Response:
    """Staff ask why a person can or cannot see a category or an item."""
    if not access.is_professional:
        raise NotFound()
    explanation = service.explain(db, access, person_id, category or None, item_id) if person_id else None
    return render(
        request,
        "sharing/why.html",
        {
            "access": access,
            "explanation": explanation,
            "people": team_choices(db, access),
            "person_id": str(person_id or ""),
            "category": category,
            "item_id": str(item_id or ""),
            "categories": list(Category),
        },
    )


@router.get("/children/{child_id}/access-log")
def access_log_page(request: Request, access: ChildScope, db: DbSession) -> Response:
    filters = _log_filter(request)
    log = access_log.read_page(db, access, filters)
    return render(
        request,
        "sharing/access_log.html",
        {"access": access, "log": log, "filters": filters, "categories": list(Category)},
    )


@router.get("/children/{child_id}/access-log.csv")
def access_log_csv(request: Request, access: ChildScope, db: DbSession) -> Response:
    body = access_log.export_csv(db, access, _log_filter(request))
    filename = f"access-log-{access.child_id}-{clock.today().isoformat()}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _log_filter(request: Request) -> access_log.LogFilter:
    """The filters from the query string; a value that does not parse is left out, not refused
    (a hand-edited or outdated link still shows the log)."""
    query = request.query_params

    def parsed(parse: Callable[[str], T], name: str) -> T | None:
        try:
            return parse(query[name]) if query.get(name) else None
        except ValueError:
            return None

    return access_log.LogFilter(
        person_id=parsed(uuid.UUID, "person_id"),
        category=parsed(Category, "category"),
        since=parsed(dt.date.fromisoformat, "since"),
        until=parsed(dt.date.fromisoformat, "until"),
        page=min(parsed(int, "page") or 1, 100_000),
    )


# --- The administrator's changes to the matrix -------------------------------------------------


@router.get("/admin/sharing-policy")
def admin_policy(
    request: Request,
    actor: AdminActor,
    policy: RequestPolicy,
    db: DbSession,
    role: str = "",
    category: str = "",
) -> Response:
    """The matrix cell to change starts at its current level, which the page shows (issue 7, point 5);
    an htmx request (the role or the information chosen) gets the form alone, with the new cell's."""
    context = _admin_policy_context(db, policy, {"role": role, "category": category})
    return render(request, "sharing/admin_policy.html", context, block="cell" if is_htmx(request) else None)


def _admin_policy_context(
    db: DbSession, policy: SharingPolicy, values: dict[str, str], errors: dict[str, str] | None = None
) -> dict[str, Any]:
    # An unknown or missing choice starts at the first role and category of the matrix.
    role = TeamRole(values["role"]) if values.get("role") in set(TeamRole) else next(iter(TeamRole))
    category = (
        Category(values["category"]) if values.get("category") in set(Category) else next(iter(Category))
    )
    current = policy.level(role, category)
    return {
        "policy": policy,
        "roles": list(TeamRole),
        "categories": list(Category),
        "levels": list(Level),
        "values": {
            "role": str(role),
            "category": str(category),
            "level": values.get("level") or current.key,
            "reason": values.get("reason", ""),
        },
        "current_level": current,
        "overrides": service.overrides(db),
        "history": service.policy_history_rows(db, policy),
        "errors": errors or {},
    }


@router.post("/admin/sharing-policy")
def admin_policy_change(
    request: Request,
    actor: AdminActor,
    policy: RequestPolicy,
    db: DbSession,
    role: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    level: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.set_override(db, actor, role, category, level, reason)
    except Invalid as invalid:
        # The cell and level chosen and the reason typed stay, with what is missing.
        values = {"role": role, "category": category, "level": level, "reason": reason}
        return render(
            request,
            "sharing/admin_policy.html",
            _admin_policy_context(db, policy, values, invalid.errors),
            status_code=422,
        )
    flash(request, gettext("The sharing policy was changed. The change is in the log below."))
    return redirect(request, f"/admin/sharing-policy?role={role}&category={category}")
