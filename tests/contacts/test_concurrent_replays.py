"""Ten copies of one request with one Idempotency-Key, sent at once to a real server (a phone that
retries on a bad connection): one contact is made and every copy gets the first answer, no 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI
from sqlmodel import Session, col, func, select

from app.contacts.models import Contact
from app.demo.loader import demo_id
from tests.contacts.helpers import tomorrow
from tests.liveserver import LiveServer
from tests.support import HINATA, Personas


def test_concurrent_replays_of_one_idempotency_key_get_the_first_answer(fresh_app: FastAPI) -> None:
    token = Personas(fresh_app).token("caseworker1")
    body = {
        "kind": "family_time",
        "mode": "video",
        "place_kind": "remote",
        "date": tomorrow(),
        "start_time": "19:00",
        "end_time": "19:30",
        "participant_ids": [str(demo_id("foster1")), str(demo_id("parent2"))],
        "carer_present": True,
        "recurrence": "weekly",
        "until_date": tomorrow(15),
    }
    with Session(fresh_app.state.engine) as db:
        before = db.exec(select(func.count()).select_from(Contact)).one()

    with LiveServer(fresh_app) as server:

        def send(_: int) -> httpx.Response:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                return client.post(
                    f"/api/v1/children/{HINATA}/contacts",
                    json=body,
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "retry-on-a-bus"},
                )

        # Use the token once first: its first use is recorded on it, which would line the ten up.
        with httpx.Client(base_url=server.url, timeout=60) as client:
            client.get("/api/v1/me/due", headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(send, range(10)))

    assert [a.status_code for a in answers] == [201] * 10, [a.text[:200] for a in answers]
    firsts = [a for a in answers if not a.json()["duplicate"]]
    assert len(firsts) == 1, "one request made the contacts, the other nine are replays"
    first_ids = [c["id"] for c in firsts[0].json()["contacts"]]
    assert len(first_ids) == 3, "a weekly series over two weeks"
    for answer in answers:
        assert [c["id"] for c in answer.json()["contacts"]] == first_ids, "every copy gets the first answer"
    with Session(fresh_app.state.engine) as db:
        after = db.exec(select(func.count()).select_from(Contact)).one()
        keyed = db.exec(select(Contact).where(col(Contact.idempotency_key) == "retry-on-a-bus")).all()
    assert after - before == 3 and len(keyed) == 1
