"""What the child pages show: the context the templates get, built from the services."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.authz.access import ChildAccess
from app.authz.actor import Actor
from app.authz.policy import Category, SharingPolicy, TeamRole
from app.authz.scope import centre_wide_org_ids
from app.authz.visibility import audience_for_category, describe_viewer, team_viewers
from app.caseinfo import service as caseinfo
from app.children import service
from app.children.models import EndReason, PlacementKind
from app.contacts import pages as contact_pages
from app.errors import NotFound
from app.forms import blank_to_none, field_errors
from app.orgs.models import FACILITY_KINDS, Organisation, OrgKind, StaffPosition
from app.people.models import Household, Person
from app.sharing import consents
from app.sharing import service as sharing
from app.teams import invitations
from app.teams import service as team_service
from app.web import label

__all__ = ["blank_to_none", "field_errors"]

# The order of the child's page: what a carer needs first.
PAGE_CATEGORIES = [
    Category.BASIC_PROFILE,
    Category.WHEREABOUTS,
    Category.FOSTER_CONTACT,
    Category.BIRTH_FAMILY_CONTACT,
]


def require(access: ChildAccess, category: Category) -> None:
    """Forms that change a category are for those who manage it; to anyone else they do not exist."""
    if not access.can_manage(category):
        raise NotFound()


def can_see_whole_centre(actor: Actor, policy: SharingPolicy) -> bool:
    return bool(centre_wide_org_ids(actor, policy))


def child_page_context(db: Session, access: ChildAccess, settings: Any) -> dict[str, Any]:
    detail = service.child_detail(db, access, what="child page")
    child = service.load_child(db, access)
    viewers = team_viewers(db, child, access.policy, access.on)
    context: dict[str, Any] = {
        "access": access,
        "child": detail,
        "history": service.placement_history(db, access),
        "team": team_service.team_members(db, access),
        "audiences": {c: audience_for_category(viewers, access.policy, c) for c in Category},
        "end_reason_options": [(r.value, label("end_reason", r.value)) for r in EndReason],
        "roles_options": [
            (r.value, str(access.policy.roles[r].label))
            for r in TeamRole
            if access.policy.roles[r].is_professional
        ],
        "can_manage_case": access.can_manage(Category.BASIC_PROFILE),
        "invitations": invitations.pending_invitations(db, access),
        "item_groups": caseinfo.items_by_category(db, access, viewers),
        "foster_consents": consents.foster_choices(db, access),
        "family_consents": consents.family_choices(db, access),
        "may_share_own_contact": access.may_share_own_contact,
        "consents_to_agree": consents.foster_consents_to_agree(db, access),
        "orders": sharing.protection_orders(db, access),
        "can_manage_orders": access.can_manage(Category.LEGAL),
        "can_ask_why": access.is_professional,
        "can_read_log": sharing.may_read_access_log(access),
    }
    context.update(contact_pages.child_section(db, access, settings))
    if context["can_manage_orders"]:
        context["order_people"] = [(str(pid), name) for pid, name in sharing.family_members(db, access)]
    if context["can_manage_case"]:
        context["staff_choices"] = staff_choices(db)
    return context


def staff_choices(db: Session) -> list[tuple[str, str]]:
    """People a caseworker may put on a team directly: staff. Families come by invitation."""
    rows = db.exec(
        select(Person)
        .where(col(Person.id).in_(select(StaffPosition.person_id)), col(Person.archived_at).is_(None))
        .order_by(col(Person.family_name_kana), col(Person.given_name_kana))
    )
    return [(str(p.id), p.display_name) for p in rows]


def placement_form_context(
    db: Session, access: ChildAccess, values: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "access": access,
        "values": values,
        "errors": {},
        "kinds": [k.value for k in PlacementKind],
        "end_reason_options": [(r.value, label("end_reason", r.value)) for r in EndReason],
        "has_current": service.current_placements(db, [access.child_id], access.on).get(access.child_id)
        is not None,
        **placement_choices(db),
        **extra,
    }


def placement_choices(db: Session) -> dict[str, list[tuple[str, str]]]:
    """Where a child can go: facilities, fostering agencies and foster families."""
    facilities = db.exec(
        select(Organisation)
        .where(
            col(Organisation.kind).in_([k.value for k in FACILITY_KINDS]),
            col(Organisation.archived_at).is_(None),
        )
        .order_by(col(Organisation.name))
    )
    agencies = db.exec(
        select(Organisation)
        .where(Organisation.kind == OrgKind.FOSTERING_AGENCY.value, col(Organisation.archived_at).is_(None))
        .order_by(col(Organisation.name))
    )
    households = db.exec(
        select(Household).where(col(Household.archived_at).is_(None)).order_by(col(Household.name))
    )
    return {
        "facilities": [(str(o.id), o.name) for o in facilities],
        "agencies": [(str(o.id), o.name) for o in agencies],
        "households": [(str(h.id), h.name) for h in households],
    }


def team_choices(db: Session, access: ChildAccess) -> list[tuple[str, str]]:
    """Current team members, named as the reader may know them, for the "why" question."""
    child = service.load_child(db, access)
    return [
        (str(v.person_id), describe_viewer(v, access))
        for v in team_viewers(db, child, access.policy, access.on)
    ]
