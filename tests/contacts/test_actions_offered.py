"""Pages offer only what the reader may do, and a refused save keeps what was typed (issue 7, point 3).
The decisions are app/authz/actions.py, asked by the page and by the route alike."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlmodel import Session, select

from app.caseinfo.models import CaseItem
from app.contacts.models import Contact, ContactOutcome
from app.demo.loader import demo_id
from tests.support import SAKURA, Personas

OUTCOME_FORM = '/outcome" class="stack"'


def _sakura_comfort_call(app: FastAPI) -> uuid.UUID:
    """The done comfort call of the demo, whose outcome the caseworker wrote."""
    with Session(app.state.engine) as db:
        outcome = db.exec(
            select(ContactOutcome)
            .join(Contact)
            .where(Contact.child_id == SAKURA, Contact.kind == "comfort_call")
        ).first()
        assert outcome is not None and outcome.author_id != demo_id("foster1")
        return outcome.contact_id


def test_outcome_written_by_someone_else_offers_no_edit(fresh_app: FastAPI) -> None:
    people = Personas(fresh_app)
    contact_id = _sakura_comfort_call(fresh_app)
    url = f"/children/{SAKURA}/contacts/{contact_id}"
    for key in ("foster1", "parent1", "coordinator"):
        page = people.client(key).get(url)
        assert page.status_code == 200
        assert OUTCOME_FORM not in page.text, f"{key} is offered an edit the portal refuses"
        assert "落ち着いて話せた" in page.text, "the outcome itself is still shown"
    author = people.client("caseworker1").get(url)
    assert OUTCOME_FORM in author.text and "落ち着いて話せた</textarea>" in author.text


def test_a_refused_outcome_save_comes_back_with_the_text(fresh_app: FastAPI) -> None:
    """A form kept open from before (or sent by hand) is refused with a reason, never a bare 404."""
    contact_id = _sakura_comfort_call(fresh_app)
    foster = Personas(fresh_app).client("foster1")
    typed = "寝る前に絵本を二冊読むと落ち着く"
    response = foster.form(
        f"/children/{SAKURA}/contacts/{contact_id}/outcome",
        {"how_it_went": typed, "routines": "21時就寝", "version": "1"},
    )
    assert response.status_code == 403
    assert typed in response.text and "21時就寝" in response.text
    assert "Only the person who wrote" in response.text or "記録した人" in response.text
    with Session(fresh_app.state.engine) as db:
        outcome = db.exec(select(ContactOutcome).where(ContactOutcome.contact_id == contact_id)).one()
        assert outcome.how_it_went == "落ち着いて話せた", "nothing was changed"


def test_an_item_edit_refused_keeps_the_text(fresh_app: FastAPI) -> None:
    """An item the reader sees but did not write: no "Edit" link, and a sent form is refused with the text."""
    with Session(fresh_app.state.engine) as db:
        item = db.exec(
            select(CaseItem).where(CaseItem.child_id == SAKURA, CaseItem.title == "卵アレルギー")
        ).one()
    parent = Personas(fresh_app).client("parent1")
    page = parent.get(f"/children/{SAKURA}")
    assert "卵アレルギー" in page.text and f"/items/{item.id}/edit" not in page.text
    response = parent.form(
        f"/children/{SAKURA}/items/{item.id}/edit",
        {
            "title": "卵アレルギー（追記）",
            "body": "母より：加熱した卵も不可",
            "audience": "team",
            "version": "1",
        },
    )
    assert response.status_code == 403
    assert "母より：加熱した卵も不可" in response.text and "卵アレルギー（追記）" in response.text
