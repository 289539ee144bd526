"""The confidentiality matrix: every route x every relationship x the marked demo records gives
exactly the status and the fields the sharing policy says.

The expectation comes from tests/authz/world.py, which reads sharing_policy.toml itself; the
answers come from real HTTP requests to the app. A route without a row here fails the test.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from app import clock
from app.main import create_app
from app.routing import api_routes
from tests.authz.world import (
    CATEGORIES,
    FAMILY,
    ITEM_CATEGORIES,
    LEVELS,
    POLICY,
    PROFESSIONAL,
    RELATIONSHIPS,
    Persona,
    Record,
    World,
    build_world,
    found_markers,
    in_scope,
    item_kind,
    level,
    visible_markers,
)
from tests.conftest import TestDatabase, settings_for

Allowed = Callable[[Persona, Record], bool]
# What a contact shows: its place (a home is whereabouts) and its participants' numbers, as allowed.
CONTACT_SHOWS = frozenset({"HHADDR", "FACADDR", "FPCONTACT", "BPCONTACT"})
ALL_ITEM_KINDS = frozenset({item_kind(c) for c in ITEM_CATEGORIES} | {"PRO"})
EVERYTHING = (
    frozenset({"BASIC", "SCHOOL", "FACADDR", "HHADDR", "HHPHONE", "FPCONTACT", "BPCONTACT"}) | ALL_ITEM_KINDS
)
RANDOM = str(uuid.UUID(int=7))
# Before every placement and membership of the world: a start or end there is refused.
LONG_AGO = (clock.today() - dt.timedelta(days=20 * 366)).isoformat()


def manages(category: str) -> Allowed:
    return lambda p, r: level(p, r, category) >= LEVELS["manage"]


def adds(category: str) -> Allowed:
    return lambda p, r: level(p, r, category) >= LEVELS["add"]


def adds_anything(p: Persona, r: Record) -> bool:
    return any(level(p, r, c) >= LEVELS["add"] for c in CATEGORIES)


def invites(p: Persona, r: Record) -> bool:
    return in_scope(p, r) and p.role in POLICY["invitations"]["inviting_roles"]


def professional(p: Persona, r: Record) -> bool:
    return in_scope(p, r) and p.role in PROFESSIONAL


def reads_access_log(p: Persona, r: Record) -> bool:
    return in_scope(p, r) and p.role in POLICY["access_log"]["roles"]


def both(first: Allowed, second: Allowed) -> Allowed:
    return lambda p, r: first(p, r) and second(p, r)


def sees(category: str) -> Allowed:
    return lambda p, r: level(p, r, category) >= LEVELS["see"]


def sees_items(category: str) -> Allowed:
    """Sees the world's items of the category: they are for the whole team, so a role that sees
    the category only where named (a supporter's care information) does not see them."""
    named_only = POLICY.get("named_only", {})
    return lambda p, r: sees(category)(p, r) and category not in named_only.get(p.role or "", [])


def never(_p: Persona, _r: Record) -> bool:
    return False


def shares_own_contact(p: Persona, r: Record) -> bool:
    """A family member (a kinship carer too: they are family) may show their own details to chosen
    people; not under a protection order."""
    return in_scope(p, r) and p.role in FAMILY | {"kinship_carer"} and p.relationship != "protection_order"


def agrees_to_foster_consent(p: Persona, r: Record) -> bool:
    """Professionals who manage the foster family's details agree to its consents (where it has a home)."""
    return professional(p, r) and level(p, r, "foster_contact") >= LEVELS["manage"] and r.index != 2


def sees_contact_time(p: Persona, r: Record) -> bool:
    """Under a protection order, only one's own contacts show their time (the world's is not theirs)."""
    return level(p, r, "contact_records") > 0 and p.relationship != "protection_order"


@dataclass(frozen=True)
class Spec:
    """How to call a route and what the policy expects of it."""

    scope: str  # public | signed_in | admin | intake | caseload | child
    ok: frozenset[int] = frozenset({200})
    allowed: Allowed = in_scope  # child routes: who gets past the 404
    shows: frozenset[str] = frozenset()  # marker kinds the route may show of its record
    lists: bool = False  # shows the BASIC marker of every record in the reader's scope
    data: dict[str, Any] | None = None
    json: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    fresh_session: bool = False
    label: str = ""
    # Who sees the form's page but may not save it: their save comes back as the form, with what
    # they typed and why, 403 (issue 7, point 3: never a bare "not found" with the text gone).
    refused: Allowed = never


INTAKE_RELATIONSHIPS = {"supervisor", "same_centre", "other_centre"}
# Importing and exporting a centre's caseload: supervisors (of any centre, for their own) and administrators.
CASELOAD_RELATIONSHIPS = {"supervisor", "other_centre", "admin"}


def s(*codes: int) -> frozenset[int]:
    return frozenset(codes)


ROUTES: dict[tuple[str, str], list[Spec]] = {
    # Anyone
    ("GET", "/healthz"): [Spec("public")],
    ("GET", "/readyz"): [Spec("public")],
    ("GET", "/"): [Spec("public", ok=s(303))],
    ("GET", "/sign-in"): [Spec("public", ok=s(200, 303))],
    # 429 once the matrix itself has failed often from the test client's address: the throttle works.
    ("POST", "/sign-in"): [
        Spec("public", ok=s(401, 429), data={"email": "nobody@matrix.example", "password": "x"})
    ],
    ("GET", "/sign-in/code"): [Spec("public", ok=s(303))],
    ("POST", "/sign-in/code"): [Spec("public", ok=s(303), data={"code": "000000"})],
    ("POST", "/sign-out"): [Spec("public", ok=s(303), fresh_session=True)],
    ("POST", "/language"): [Spec("public", ok=s(303), data={"lang": "ja", "next": "/children"})],
    ("GET", "/password-reset"): [Spec("public")],
    ("POST", "/password-reset"): [Spec("public", data={"email": "nobody@matrix.example"})],
    ("GET", "/password-reset/{token}"): [Spec("public", ok=s(410))],
    ("POST", "/password-reset/{token}"): [Spec("public", ok=s(410), data={"password": "x", "confirm": "x"})],
    ("GET", "/invitations/{token}"): [Spec("public", ok=s(410))],
    ("POST", "/invitations/{token}"): [Spec("public", ok=s(410), data={"password": "x", "confirm": "x"})],
    ("GET", "/sharing-policy"): [Spec("public")],
    ("GET", "/api/docs"): [Spec("public")],
    ("GET", "/dev/mail"): [Spec("public", ok=s(404))],  # only in development; the tests run as "test"
    ("GET", "/auth/oidc/{name}/start"): [Spec("public", ok=s(404))],
    ("GET", "/auth/oidc/{name}/callback"): [Spec("public", ok=s(404))],
    ("GET", "/calendar/{token}.ics"): [Spec("public", ok=s(404))],  # the token is the credential
    ("HEAD", "/calendar/{token}.ics"): [Spec("public", ok=s(404))],  # calendar apps ask with HEAD too
    # Anyone signed in, about themselves
    ("GET", "/children"): [
        Spec("signed_in", lists=True, query={"scope": "centre"}),
        Spec(
            "signed_in",
            lists=True,
            query={"q": "MKBASIC", "scope": "centre"},
            headers={"HX-Request": "true"},
            label="search fragment",
        ),
    ],
    ("GET", "/account"): [Spec("signed_in")],
    ("POST", "/account/password"): [Spec("signed_in", ok=s(422), data={"current_password": "wrong"})],
    ("POST", "/account/email"): [Spec("signed_in", ok=s(422), data={"new_email": "x@matrix.example"})],
    ("GET", "/account/two-factor"): [Spec("signed_in")],
    ("POST", "/account/two-factor"): [Spec("signed_in", ok=s(422), data={"code": "1", "password": "wrong"})],
    ("POST", "/account/two-factor/disable"): [Spec("signed_in", ok=s(422), data={"password": "wrong"})],
    ("POST", "/account/tokens"): [Spec("signed_in", ok=s(422), data={"token_name": ""})],
    ("POST", "/account/tokens/{token_id}/revoke"): [Spec("signed_in", ok=s(303))],
    ("GET", "/account/calendar"): [
        Spec("signed_in"),
        Spec("signed_in", headers={"HX-Request": "true"}, label="card fragment"),
    ],
    ("POST", "/account/calendar"): [Spec("signed_in")],
    ("POST", "/account/calendar/revoke"): [Spec("signed_in", ok=s(303))],
    ("GET", "/notifications"): [Spec("signed_in")],
    ("POST", "/notifications/read"): [Spec("signed_in", ok=s(303))],
    ("POST", "/invitations/{token}/accept"): [Spec("signed_in", ok=s(410))],
    ("GET", "/api/v1/me"): [Spec("signed_in")],
    ("GET", "/api/v1/children"): [Spec("signed_in", lists=True, query={"whole_centre": "true"})],
    # Registering a child: caseworkers and supervisors of a child guidance centre, for their centre
    ("GET", "/children/new"): [Spec("intake")],
    ("POST", "/children/new"): [Spec("intake", ok=s(422), data={"family_name": ""})],
    ("POST", "/api/v1/children"): [Spec("intake", ok=s(422), json={"family_name": ""})],
    # Importing a caseload (no file sent: refused after the policy let one try); uploads are the uploader's
    ("GET", "/imports"): [Spec("caseload")],
    ("GET", "/imports/template.xlsx"): [Spec("caseload")],
    ("GET", "/imports/template.csv"): [Spec("caseload")],
    ("POST", "/imports"): [Spec("caseload", ok=s(422), data={"centre_id": ""})],
    ("GET", "/imports/{upload_id}"): [Spec("signed_in", ok=s(404))],
    ("POST", "/imports/{upload_id}/confirm"): [Spec("signed_in", ok=s(404))],
    ("POST", "/api/v1/imports"): [Spec("caseload", ok=s(422))],
    # Exporting the caseload: the same people, the children of the centres they answer for
    ("GET", "/exports/caseload.csv"): [Spec("caseload", lists=True)],
    # (a zipped workbook: its markers cannot be read from the body; tests/imports/test_export.py reads it)
    ("GET", "/exports/caseload.xlsx"): [Spec("caseload")],
    ("GET", "/api/v1/imports/{upload_id}"): [Spec("signed_in", ok=s(404))],
    ("POST", "/api/v1/imports/{upload_id}/confirm"): [Spec("signed_in", ok=s(404))],
    # One child: reading
    ("GET", "/children/{child_id}"): [Spec("child", shows=EVERYTHING)],
    ("GET", "/children/{child_id}/edit"): [
        Spec("child", allowed=manages("basic_profile"), shows=frozenset({"BASIC", "SCHOOL"}))
    ],
    ("GET", "/children/{child_id}/placements/new"): [Spec("child", allowed=manages("whereabouts"))],
    ("GET", "/children/{child_id}/invite"): [Spec("child", allowed=invites)],
    ("GET", "/children/{child_id}/items/new"): [Spec("child", allowed=adds_anything)],
    ("GET", "/children/{child_id}/items/{item_id}/edit"): [
        Spec("child", allowed=manages("care_info"), shows=frozenset({item_kind("care_info")}))
    ],
    ("GET", "/children/{child_id}/why"): [Spec("child", allowed=professional)],
    ("GET", "/children/{child_id}/access-log"): [Spec("child", allowed=reads_access_log)],
    ("GET", "/children/{child_id}/access-log.csv"): [Spec("child", allowed=reads_access_log)],
    ("GET", "/children/{child_id}/contacts/{contact_id}.ics"): [
        Spec("child", allowed=sees_contact_time, shows=frozenset({"HHADDR", "FACADDR"}))
    ],
    ("GET", "/api/v1/children/{child_id}"): [
        Spec("child", shows=frozenset({"BASIC", "SCHOOL", "FACADDR", "HHADDR", "HHPHONE"}))
    ],
    ("GET", "/api/v1/children/{child_id}/placements"): [
        Spec("child", shows=frozenset({"FACADDR", "HHADDR", "HHPHONE"}))
    ],
    ("GET", "/api/v1/children/{child_id}/team"): [Spec("child", shows=frozenset({"FPCONTACT", "BPCONTACT"}))],
    ("GET", "/api/v1/children/{child_id}/items"): [Spec("child", shows=ALL_ITEM_KINDS)],
    # One child: changing (invalid input, so that a permitted call changes nothing)
    ("POST", "/children/{child_id}/edit"): [
        Spec("child", ok=s(422), allowed=manages("basic_profile"), data={"family_name": ""})
    ],
    ("PATCH", "/api/v1/children/{child_id}"): [
        Spec("child", ok=s(409), allowed=manages("basic_profile"), json={"version": 0})
    ],
    ("POST", "/children/{child_id}/archive"): [
        Spec("child", ok=s(303), allowed=manages("basic_profile"), data={"reason": ""})
    ],
    ("POST", "/children/{child_id}/placements"): [
        Spec(
            "child",
            ok=s(422),
            allowed=both(manages("basic_profile"), manages("whereabouts")),
            data={"kind": "x"},
        )
    ],
    ("POST", "/children/{child_id}/placements/{placement_id}/end"): [
        Spec("child", ok=s(303), allowed=manages("basic_profile"), data={"end_date": "not a date"})
    ],
    ("GET", "/children/{child_id}/move"): [Spec("child", allowed=manages("basic_profile"))],
    ("POST", "/children/{child_id}/lead"): [
        Spec(
            "child",
            ok=s(422),
            allowed=manages("basic_profile"),
            data={"lead_caseworker_id": "", "version": "0"},
        )
    ],
    ("POST", "/children/{child_id}/transfer"): [
        Spec("child", ok=s(422), allowed=manages("basic_profile"), data={"centre_id": "", "version": "0"})
    ],
    ("POST", "/api/v1/children/{child_id}/placements"): [
        Spec(
            "child",
            ok=s(422),
            allowed=both(manages("basic_profile"), manages("whereabouts")),
            json={"kind": "x", "start_date": LONG_AGO},
        )
    ],
    ("POST", "/api/v1/children/{child_id}/placements/{placement_id}/end"): [
        Spec(
            "child",
            ok=s(422),
            allowed=manages("basic_profile"),
            json={"end_date": LONG_AGO, "end_reason": "x", "version": 0},
        )
    ],
    ("POST", "/api/v1/children/{child_id}/team"): [
        Spec("child", ok=s(422), allowed=manages("basic_profile"), json={"person_id": RANDOM, "role": "x"})
    ],
    ("POST", "/api/v1/children/{child_id}/team/{membership_id}/end"): [
        Spec(
            "child",
            ok=s(422),
            allowed=manages("basic_profile"),
            json={"end_date": LONG_AGO, "version": 0},
        )
    ],
    ("PUT", "/api/v1/children/{child_id}/lead"): [
        Spec("child", ok=s(422), allowed=manages("basic_profile"), json={"person_id": RANDOM, "version": 0})
    ],
    ("POST", "/api/v1/children/{child_id}/transfer"): [
        Spec("child", ok=s(422), allowed=manages("basic_profile"), json={"centre_id": RANDOM, "version": 0})
    ],
    ("POST", "/children/{child_id}/team"): [
        Spec("child", ok=s(303), allowed=manages("basic_profile"), data={"person_id": ""})
    ],
    ("POST", "/children/{child_id}/team/{membership_id}/end"): [
        Spec("child", ok=s(303), allowed=manages("basic_profile"), data={"end_date": "not a date"})
    ],
    ("POST", "/children/{child_id}/invitations"): [
        Spec("child", ok=s(422), allowed=invites, data={"email": ""})
    ],
    ("POST", "/children/{child_id}/invitations/{invitation_id}/revoke"): [
        Spec("child", ok=s(303), allowed=invites)
    ],
    # A family member's own consent (not under an order); no recipient chosen, so nothing changes.
    ("POST", "/children/{child_id}/consents"): [
        Spec(
            "child",
            ok=s(303),
            allowed=shares_own_contact,
            data={"kind": "share_family_contact", "recipient_id": "", "give": "yes"},
        )
    ],
    # The caseworker's agreement to the foster family's consent; no answer chosen, so nothing changes.
    ("POST", "/children/{child_id}/consents/{consent_id}/agree"): [
        Spec("child", ok=s(303), allowed=agrees_to_foster_consent, data={"agree": ""})
    ],
    ("GET", "/api/v1/children/{child_id}/consents"): [Spec("child")],
    ("POST", "/api/v1/children/{child_id}/consents"): [
        Spec(
            "child",
            ok=s(422),
            allowed=shares_own_contact,
            json={"kind": "share_family_contact", "recipient_id": RANDOM, "give": False},
        )
    ],
    ("POST", "/api/v1/children/{child_id}/consents/{consent_id}/agree"): [Spec("child", ok=s(422), json={})],
    ("POST", "/children/{child_id}/protection-orders"): [
        Spec("child", ok=s(303), allowed=manages("legal"), data={"person_id": ""})
    ],
    ("POST", "/children/{child_id}/protection-orders/{order_id}/end"): [
        Spec("child", ok=s(303), allowed=manages("legal"), data={"end_date": "not a date"})
    ],
    ("POST", "/children/{child_id}/items"): [
        Spec("child", ok=s(422), allowed=adds("care_info"), data={"category": "care_info", "title": ""})
    ],
    ("POST", "/children/{child_id}/items/{item_id}/edit"): [
        Spec(
            "child",
            ok=s(422),
            allowed=manages("care_info"),
            refused=sees_items("care_info"),
            data={"title": ""},
        )
    ],
    ("POST", "/children/{child_id}/items/{item_id}/archive"): [
        Spec("child", ok=s(303), allowed=manages("care_info"), data={"reason": ""})
    ],
    # Contacts: reading
    ("GET", "/contacts"): [Spec("signed_in")],
    ("GET", "/api/v1/me/due"): [Spec("signed_in")],
    ("GET", "/children/{child_id}/contacts"): [Spec("child", allowed=sees("contact_records"))],
    ("GET", "/children/{child_id}/contacts/{contact_id}"): [
        Spec("child", allowed=sees("contact_records"), shows=CONTACT_SHOWS)
    ],
    ("GET", "/api/v1/children/{child_id}/contacts"): [
        Spec("child", allowed=sees("contact_records"), shows=CONTACT_SHOWS)
    ],
    ("GET", "/api/v1/children/{child_id}/contacts/{contact_id}"): [
        Spec("child", allowed=sees("contact_records"), shows=CONTACT_SHOWS)
    ],
    ("GET", "/api/v1/children/{child_id}/due"): [Spec("child", allowed=sees("contact_records"))],
    ("GET", "/children/{child_id}/contacts/new"): [Spec("child", allowed=adds("contact_records"))],
    ("GET", "/children/{child_id}/contacts/{contact_id}/edit"): [
        Spec("child", allowed=manages("contact_records"))
    ],
    # Contacts: changing (invalid input, or someone who is not taking part)
    ("POST", "/children/{child_id}/contacts"): [
        Spec("child", ok=s(422), allowed=adds("contact_records"), data={"kind": "comfort_call", "date": ""})
    ],
    ("POST", "/children/{child_id}/contacts/check"): [
        Spec("child", allowed=adds("contact_records"), data={"kind": "comfort_call"})
    ],
    ("POST", "/api/v1/children/{child_id}/contacts"): [
        Spec("child", ok=s(422), allowed=adds("contact_records"), json={})
    ],
    ("POST", "/children/{child_id}/contacts/{contact_id}/edit"): [
        Spec(
            "child",
            ok=s(422),
            allowed=manages("contact_records"),
            refused=sees("contact_records"),
            data={"date": ""},
        )
    ],
    ("PATCH", "/api/v1/children/{child_id}/contacts/{contact_id}"): [
        Spec("child", ok=s(422), allowed=manages("contact_records"), json={})
    ],
    ("POST", "/children/{child_id}/contacts/{contact_id}/status"): [
        Spec(
            "child",
            ok=s(422),
            allowed=manages("contact_records"),
            refused=sees("contact_records"),
            data={"status": ""},
            shows=CONTACT_SHOWS,
        )
    ],
    ("POST", "/api/v1/children/{child_id}/contacts/{contact_id}/status"): [
        Spec("child", ok=s(422), allowed=manages("contact_records"), json={})
    ],
    # Staff confirm a "done" (the world's contact has not happened: refused after the policy let one try).
    ("POST", "/children/{child_id}/contacts/{contact_id}/confirm"): [
        Spec(
            "child",
            ok=s(422),
            allowed=both(professional, adds("contact_records")),
            data={"version": "1"},
            shows=CONTACT_SHOWS,
        )
    ],
    ("POST", "/api/v1/children/{child_id}/contacts/{contact_id}/confirm-done"): [
        Spec("child", ok=s(422), allowed=both(professional, adds("contact_records")), json={"version": 1})
    ],
    # The caseworker closes a due item with a reason (none given: refused, after the policy let one try).
    ("GET", "/children/{child_id}/due/close"): [
        Spec("child", allowed=both(professional, manages("contact_records")))
    ],
    ("POST", "/children/{child_id}/due/close"): [
        Spec("child", ok=s(422), allowed=both(professional, manages("contact_records")), data={"reason": ""})
    ],
    ("POST", "/api/v1/children/{child_id}/due/close"): [
        Spec("child", ok=s(422), allowed=both(professional, manages("contact_records")), json={})
    ],
    # Only participants answer; the world's contact has only its caseworker taking part.
    ("POST", "/children/{child_id}/contacts/{contact_id}/respond"): [
        Spec("child", ok=s(303), allowed=never, data={"response": "accepted"})
    ],
    ("POST", "/api/v1/children/{child_id}/contacts/{contact_id}/respond"): [
        Spec("child", ok=s(200), allowed=never, query={"response": "accepted"})
    ],
    # The contact has not happened: recording how it went is refused, after the policy let one try.
    ("POST", "/children/{child_id}/contacts/{contact_id}/outcome"): [
        Spec(
            "child",
            ok=s(422),
            allowed=both(sees("contact_records"), adds("contact_records")),
            refused=sees("contact_records"),
            data={"how_it_went": ""},
            shows=CONTACT_SHOWS,
        )
    ],
    ("POST", "/children/{child_id}/contacts/{contact_id}/outcome/care-info"): [
        Spec("child", ok=s(404), allowed=never)
    ],
    # Administration (no case content, whoever asks)
    ("GET", "/admin/organisations"): [Spec("admin")],
    ("GET", "/admin/organisations/new"): [Spec("admin")],
    ("POST", "/admin/organisations"): [Spec("admin", ok=s(422), data={"name": ""})],
    ("GET", "/admin/organisations/{org_id}/edit"): [Spec("admin")],
    ("POST", "/admin/organisations/{org_id}/edit"): [Spec("admin", ok=s(422), data={"name": ""})],
    ("POST", "/admin/organisations/{org_id}/archive"): [Spec("admin", ok=s(303), data={"reason": ""})],
    ("GET", "/admin/people"): [Spec("admin")],
    ("GET", "/admin/people/new"): [Spec("admin")],
    ("POST", "/admin/people"): [Spec("admin", ok=s(422), data={"family_name": ""})],
    ("GET", "/admin/people/{person_id}"): [Spec("admin")],
    ("POST", "/admin/people/{person_id}/edit"): [Spec("admin", ok=s(422), data={"family_name": ""})],
    ("POST", "/admin/people/{person_id}/account"): [Spec("admin", ok=s(422), data={"email": "x"})],
    ("POST", "/admin/people/{person_id}/disable"): [Spec("admin", ok=s(303))],
    ("POST", "/admin/people/{person_id}/enable"): [Spec("admin", ok=s(303))],
    ("POST", "/admin/people/{person_id}/reset-second-factor"): [Spec("admin", ok=s(303))],
    ("POST", "/admin/people/{person_id}/positions"): [
        Spec("admin", ok=s(422), data={"organisation_id": "x"})
    ],
    ("POST", "/admin/people/{person_id}/positions/{position_id}/end"): [Spec("admin", ok=s(404))],
    ("POST", "/admin/people/{person_id}/identity-links"): [Spec("admin", ok=s(303), data={"provider": "x"})],
    ("POST", "/admin/people/{person_id}/identity-links/{link_id}/unlink"): [Spec("admin", ok=s(404))],
    ("GET", "/admin/sharing-policy"): [Spec("admin")],
    ("GET", "/admin/places"): [Spec("admin")],
    ("POST", "/admin/places"): [Spec("admin", ok=s(303), data={"name": ""})],
    ("POST", "/admin/places/{place_id}/archive"): [Spec("admin", ok=s(404))],
    ("POST", "/admin/sharing-policy"): [Spec("admin", ok=s(422), data={"role": "supporter", "reason": ""})],
}


# --- Running one cell ------------------------------------------------------------------------------


def path_for(world: World, template: str, record: Record) -> str:
    values = {
        "child_id": str(record.child_id),
        "token": "not-a-real-token",
        "token_id": RANDOM,
        "name": "no-such-provider",
        "org_id": str(world.ids["org_id"][0]),
        "person_id": str(world.ids["person_id"][0]),
        "position_id": RANDOM,
        "link_id": RANDOM,
        "place_id": RANDOM,
        "upload_id": "no-such-upload-0123456789",
    }
    for name, by_record in world.ids.items():
        if record.index in by_record:
            values[name] = str(by_record[record.index])
    return template.format(**values)


def call(world: World, persona: Persona, method: str, template: str, spec: Spec) -> tuple[int, str]:
    path = path_for(world, template, persona.record)
    api = path.startswith("/api/")
    client: Any = persona.api if api else persona.client
    if spec.fresh_session:  # signing out must not end the session the other cells use
        client = _throwaway_session(world, persona)
    kwargs: dict[str, Any] = {"params": spec.query, "headers": spec.headers}
    if spec.json is not None:
        kwargs["json"] = spec.json
    if method in ("POST", "PATCH") and not api:
        kwargs["data"] = {"csrf_token": client.csrf or "", **(spec.data or {})}
    response = client.request(method, path, **kwargs)
    return response.status_code, response.text


def _throwaway_session(world: World, persona: Persona) -> Any:
    from tests.support import Personas

    if persona.relationship == "anonymous":
        visitor = Personas(world.app).anonymous()
        visitor.remember_csrf(visitor.get("/sign-in").text)
        return visitor
    return Personas(world.app).session_for(persona.email)


def expected_status(spec: Spec, persona: Persona, api: bool) -> frozenset[int]:
    if spec.scope == "public":
        return spec.ok
    if persona.relationship == "anonymous":
        if spec.headers.get("HX-Request"):
            return s(204)  # htmx is told to go to the sign-in page (HX-Redirect)
        return s(401) if api else s(303)
    if spec.scope == "signed_in":
        return spec.ok
    if spec.scope == "admin":
        return spec.ok if persona.relationship == "admin" else s(403)
    if spec.scope == "caseload":
        return spec.ok if persona.relationship in CASELOAD_RELATIONSHIPS else s(404)
    if spec.scope == "intake":  # those holding a caseworker or supervisor position at a centre
        return spec.ok if persona.relationship in INTAKE_RELATIONSHIPS else s(404)
    if in_scope(persona, persona.record) and spec.allowed(persona, persona.record):
        return spec.ok
    if in_scope(persona, persona.record) and spec.refused(persona, persona.record):
        return s(403)
    return s(404)


def caseload_centres(world: World, persona: Persona) -> set[str]:
    """The centres (by name) whose children a caseload export lists: the supervisor's own centre
    (the world puts "other_centre" supervisors at Matsumoto, or Chuo for a Matsumoto record)."""
    if persona.relationship == "admin":
        return {r.centre for r in world.records}
    if persona.relationship == "supervisor":
        return {persona.record.centre}
    if persona.relationship == "other_centre":
        matsumoto, chuo = "長野県松本児童相談所", "長野県中央児童相談所"
        return {chuo if persona.record.centre == matsumoto else matsumoto}
    return set()


def expected_markers(world: World, spec: Spec, persona: Persona, status: int) -> set[tuple[str, int]]:
    if status not in (200, 403, 409, 422):  # a form shown again with its errors shows its page again
        return set()
    if spec.lists and spec.scope == "caseload":
        return {("BASIC", r.index) for r in world.records if r.centre in caseload_centres(world, persona)}
    if spec.lists:
        return {("BASIC", r.index) for r in world.records if in_scope(persona, r)}
    return {m for m in visible_markers(persona, persona.record) if m[0] in spec.shows}


# --- The tests ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(database: TestDatabase, app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app.state.engine.dispose()
    tmp = tmp_path_factory.mktemp("matrix")
    copy = database.copy(Path(tmp))
    application = create_app(settings_for(copy.url, Path(tmp)))
    built = build_world(application)
    built.ids["org_id"] = {0: _demo("centre-suwa")}
    built.ids["person_id"] = {0: _demo("foster1")}
    yield built
    application.state.engine.dispose()
    copy.drop()


def _demo(key: str) -> uuid.UUID:
    from app.demo.loader import demo_id

    return demo_id(key)


def test_every_route_has_a_row(tmp_path: Path) -> None:
    app = create_app(settings_for(f"sqlite:///{tmp_path}/x.db", tmp_path))
    routes = {(m, r.path) for r in api_routes(app) for m in r.methods}
    assert sorted(routes - set(ROUTES)) == [], "add these routes to the confidentiality matrix"
    assert sorted(set(ROUTES) - routes) == [], "these rows describe routes that no longer exist"


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
def test_matrix(world: World, relationship: str) -> None:
    """For one relationship: every route, every record. All differences are reported together."""
    problems: list[str] = []
    cells = 0
    for record in world.records:
        persona = world.persona(relationship, record)
        for (method, template), specs in ROUTES.items():
            for spec in specs:
                if spec.scope != "child" and record.index != world.records[0].index:
                    continue  # routes without a child are tried once per relationship
                cells += 1
                status, body = call(world, persona, method, template, spec)
                where = f"{method} {template} {spec.label} as {relationship} on {record.key}"
                wanted = expected_status(spec, persona, template.startswith("/api/"))
                if status not in wanted:
                    problems.append(f"{where}: status {status}, expected {sorted(wanted)}")
                    continue
                seen = found_markers(body)
                expected = expected_markers(world, spec, persona, status)
                if seen != expected:
                    problems.append(
                        f"{where}: leaked {sorted(seen - expected)}, missing {sorted(expected - seen)}"
                    )
    assert cells > 100
    assert problems == [], "\n".join(problems)


def test_matrix_size(world: World) -> None:
    """The numbers for the record: routes x relationships x records actually exercised."""
    routes = sum(len(specs) for specs in ROUTES.values())
    child_routes = sum(len(specs) for specs in ROUTES.values() if specs[0].scope == "child")
    other = routes - child_routes
    cells = len(RELATIONSHIPS) * (child_routes * len(world.records) + other)
    print(
        f"\nconfidentiality matrix: {routes} route variants ({child_routes} per child) x "
        f"{len(RELATIONSHIPS)} relationships x {len(world.records)} records = {cells} requests"
    )
    assert cells > 2000
