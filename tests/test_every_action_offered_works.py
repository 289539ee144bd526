"""Every page offers only what the reader may do (issue 7, point 3).

As each demo person, the walk follows every link from the home page and then uses every form,
button and htmx request it was shown, with what a person would type into empty fields. None may
answer "forbidden" or "not found": an action the policy refuses must not be offered at all. Each
person walks a private copy of the demo database, since the walk changes and closes things.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from app.demo.people import DEMO_SIGN_INS
from tests.crawling import Form, walk
from tests.support import Personas

PEOPLE = [d.key for d in DEMO_SIGN_INS]
REFUSED = (403, 404)


def _own_account(key: str) -> object:
    """An administrator disabling or resetting themselves would end the walk's own session."""
    person_id = str(Personas.person_id(key))

    def skip(form: Form) -> bool:
        return person_id in form.action and form.action.startswith("/admin/people/")

    return skip


@pytest.mark.parametrize("key", PEOPLE)
def test_every_action_offered_works(fresh_app: FastAPI, key: str) -> None:
    client = Personas(fresh_app).client(key)
    result = walk(client, skip=_own_account(key))  # type: ignore[arg-type]
    assert len(result.pages) > 5 and result.actions, "the walk reached pages and forms"
    broken_links = [v.where for v in result.pages if v.status in REFUSED]
    refused = [f"{form.where} -> {visit.status}" for form, visit in result.actions if visit.status in REFUSED]
    lost = [v.where for v in result.pages if v.location.startswith("/sign-in")] + [
        f.where for f, v in result.actions if v.location.startswith("/sign-in")
    ]
    assert broken_links == [], "links shown that lead nowhere"
    assert refused == [], "actions offered that the policy refuses"
    assert lost == [], "the walk lost its session"
