"""Consent to show contact details is given per recipient (issue 7, point 2; point 8's last bullet).

A family member's address, phone and e-mail are theirs: another family member sees them only with
that person's recorded consent for them, never while a protection order concerns either of them,
and everyone always sees their own. The foster family's address and phone reach one birth family
member at a time, with the foster family's consent for that person and the caseworker's agreement.
"""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.demo.loader import demo_id
from app.people.models import Person
from app.sharing.models import Consent
from app.teams.models import TeamMembership
from tests.support import SAKURA, Personas

MOTHER_ADDRESS = "母の住所MOTHERADDR"
MOTHER_MAIL = "mother.private@example.jp"


def _father_joins_sakuras_team(app: FastAPI) -> None:
    """parent2 (Kimura) plays Sakura's father: he joins the team where parent1 is the mother."""
    with Session(app.state.engine) as db:
        db.add(
            TeamMembership(
                child_id=SAKURA, person_id=demo_id("parent2"), role="birth_parent", start_date=clock.today()
            )
        )
        mother = db.get(Person, demo_id("parent1"))
        assert mother is not None
        mother.address, mother.email = MOTHER_ADDRESS, MOTHER_MAIL
        db.add(mother)
        db.commit()


def _member(personas: Personas, reader: str, person: str) -> dict[str, str]:
    team = personas.api(reader).get(f"/api/v1/children/{SAKURA}/team").json()
    return next(m for m in team if m.get("person_id") == str(demo_id(person)))  # type: ignore[no-any-return]


def _share(personas: Personas, who: str, recipient: str, give: str = "yes") -> int:
    response = personas.client(who).form(
        f"/children/{SAKURA}/consents",
        {"kind": "share_family_contact", "recipient_id": str(demo_id(recipient)), "give": give},
    )
    return response.status_code  # type: ignore[no-any-return]


def test_the_other_parent_sees_nothing_of_a_parents_details_without_her_consent(fresh_app: FastAPI) -> None:
    _father_joins_sakuras_team(fresh_app)
    personas = Personas(fresh_app)
    father = _member(personas, "parent2", "parent1")
    assert father["name"] and not {"address", "phone", "email"} & set(father), "the name, nothing more"
    page = personas.client("parent2").get(f"/children/{SAKURA}").text
    assert MOTHER_ADDRESS not in page and MOTHER_MAIL not in page and "090-0000-3001" not in page
    comfort = personas.api("parent2").get(f"/api/v1/children/{SAKURA}/contacts/{demo_id('sakura-comfort')}")
    mother_there = [
        p for p in comfort.json()["participants"] if p.get("person_id") == str(demo_id("parent1"))
    ]
    assert mother_there and "phone" not in mother_there[0], "nor her number on a contact she takes part in"
    own = _member(personas, "parent1", "parent1")
    assert own["address"] == MOTHER_ADDRESS and own["email"] == MOTHER_MAIL, "she always sees her own"
    staff = _member(personas, "caseworker1", "parent1")
    assert staff["address"] == MOTHER_ADDRESS, "the professionals see it as the matrix says"
    grandmother = _member(personas, "parent1", "grandmother-yamada")
    assert "phone" not in grandmother and "address" not in grandmother, "also between other family members"


def test_consent_is_for_one_recipient_and_can_be_withdrawn(fresh_app: FastAPI) -> None:
    _father_joins_sakuras_team(fresh_app)
    personas = Personas(fresh_app)
    page = personas.client("parent1").get(f"/children/{SAKURA}").text
    assert 'data-testid="family-consents"' in page and str(demo_id("parent2")) in page
    assert _share(personas, "parent1", "grandmother-yamada") == 303
    assert "address" not in _member(personas, "parent2", "parent1"), "her consent for the grandmother only"
    assert _share(personas, "parent1", "parent2") == 303
    shown = _member(personas, "parent2", "parent1")
    assert shown["address"] == MOTHER_ADDRESS and shown["phone"] == "090-0000-3001"
    assert shown["email"] == MOTHER_MAIL
    assert MOTHER_ADDRESS in personas.client("parent2").get(f"/children/{SAKURA}").text
    assert "address" not in _member(personas, "parent1", "parent2"), "consent does not go both ways"
    assert _share(personas, "parent1", "parent2", give="no") == 303
    assert "address" not in _member(personas, "parent2", "parent1")
    with Session(fresh_app.state.engine) as db:
        rows = db.exec(select(Consent).where(Consent.subject_person_id == demo_id("parent1"))).all()
    assert {(r.recipient_person_id, r.withdrawn_at is None) for r in rows} == {
        (demo_id("grandmother-yamada"), True),
        (demo_id("parent2"), False),
    }, "kept on record when withdrawn"


def test_a_protection_order_on_either_side_voids_the_consent(fresh_app: FastAPI) -> None:
    _father_joins_sakuras_team(fresh_app)
    personas = Personas(fresh_app)
    _share(personas, "parent1", "parent2")
    assert "address" in _member(personas, "parent2", "parent1")
    caseworker = personas.client("caseworker1")
    caseworker.form(
        f"/children/{SAKURA}/protection-orders",
        {"person_id": str(demo_id("parent2")), "start_date": clock.today().isoformat()},
    )
    assert "address" not in _member(personas, "parent2", "parent1"), "an order concerning the reader"
    page = caseworker.get(f"/children/{SAKURA}").text
    order_id = page.split("/protection-orders/")[1][:36]
    caseworker.form(
        f"/children/{SAKURA}/protection-orders/{order_id}/end", {"end_date": clock.today().isoformat()}
    )
    assert "address" in _member(personas, "parent2", "parent1")
    caseworker.form(
        f"/children/{SAKURA}/protection-orders",
        {"person_id": str(demo_id("parent1")), "start_date": clock.today().isoformat()},
    )
    assert "address" not in _member(personas, "parent2", "parent1"), "an order concerning the subject"


def test_only_the_person_themself_consents_and_only_for_someone_on_the_team(fresh_app: FastAPI) -> None:
    _father_joins_sakuras_team(fresh_app)
    personas = Personas(fresh_app)
    assert _share(personas, "caseworker1", "parent2") == 404, "nobody consents for someone else"
    assert _share(personas, "foster1", "parent2") == 404
    outsider = personas.client("parent1").form(
        f"/children/{SAKURA}/consents",
        {"kind": "share_family_contact", "recipient_id": str(demo_id("caseworker2")), "give": "yes"},
        follow_redirects=True,
    )
    assert "チームの人を選んでください" in outsider.text
    assert "address" not in _member(personas, "parent2", "parent1")


def test_consents_through_the_api(fresh_app: FastAPI) -> None:
    _father_joins_sakuras_team(fresh_app)
    personas = Personas(fresh_app)
    mother = personas.api("parent1")
    listed = mother.get(f"/api/v1/children/{SAKURA}/consents").json()
    father = next(c for c in listed["mine"] if c["person_id"] == str(demo_id("parent2")))
    assert father["state"] == "none" and father["kind"] == "share_family_contact"
    body = {"kind": "share_family_contact", "recipient_id": str(demo_id("parent2")), "give": True}
    answer = mother.post(f"/api/v1/children/{SAKURA}/consents", json=body)
    assert answer.status_code == 200
    assert "address" in _member(personas, "parent2", "parent1")
    mother.post(f"/api/v1/children/{SAKURA}/consents", json={**body, "give": False})
    assert "address" not in _member(personas, "parent2", "parent1")
    refused = personas.api("parent2").post(
        f"/api/v1/children/{SAKURA}/consents",
        json={**body, "recipient_id": str(uuid.UUID(int=3))},
    )
    assert refused.status_code == 422


def _foster_place(personas: Personas, reader: str) -> dict[str, str]:
    return personas.api(reader).get(f"/api/v1/children/{SAKURA}").json()["current_placement"]  # type: ignore[no-any-return]


def test_foster_family_consents_per_recipient_and_the_caseworker_agrees(fresh_app: FastAPI) -> None:
    _father_joins_sakuras_team(fresh_app)
    personas = Personas(fresh_app)
    foster, caseworker = personas.client("foster1"), personas.client("caseworker1")
    page = foster.get(f"/children/{SAKURA}").text
    assert 'data-testid="foster-consents"' in page
    given = foster.form(
        f"/children/{SAKURA}/consents",
        {"kind": "share_foster_contact", "recipient_id": str(demo_id("parent1")), "give": "yes"},
    )
    assert given.status_code == 303
    assert "place_address" not in _foster_place(personas, "parent1"), "not before the caseworker agrees"
    page = caseworker.get(f"/children/{SAKURA}").text
    assert 'data-testid="consents-to-agree"' in page
    consent_id = page.split("/consents/")[1][:36]
    agree_url = f"/children/{SAKURA}/consents/{consent_id}/agree"
    assert foster.form(agree_url, {"agree": "yes"}).status_code == 404
    assert caseworker.form(agree_url, {"agree": "yes"}).status_code == 303
    assert _foster_place(personas, "parent1")["place_address"] == "長野県長野市若里0-1-2"
    assert "place_address" not in _foster_place(personas, "parent2"), "the father was not chosen"
    caseworker.form(agree_url, {"agree": "no"})
    assert "place_address" not in _foster_place(personas, "parent1"), "the caseworker can end it"
    assert (
        caseworker.form(
            f"/children/{SAKURA}/consents",
            {"kind": "share_foster_contact", "recipient_id": str(demo_id("parent1")), "give": "yes"},
        ).status_code
        == 404
    ), "only the foster family itself gives its consent"
