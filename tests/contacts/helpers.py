"""Filling in the contact form as a person on a phone would."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from app import clock
from app.i18n import TOKYO
from tests.support import PortalClient

CONTACT_URL = re.compile(r"/children/[0-9a-f-]{36}/contacts/([0-9a-f-]{36})$")


def tomorrow(days: int = 1) -> str:
    return (clock.now().astimezone(TOKYO).date() + dt.timedelta(days=days)).isoformat()


def form_of(client: PortalClient, child_id: uuid.UUID, kind: str) -> dict[str, Any]:
    """The new-contact form's own values (defaults, places, people, idempotency key)."""
    page = client.get(f"/children/{child_id}/contacts/new", params={"kind": kind})
    assert page.status_code == 200, page.status_code
    html = page.text
    values: dict[str, Any] = {"kind": kind}
    for name in ("date", "start_time", "end_time", "idempotency_key"):
        match = re.search(rf'name="{name}" (?:type="[^"]*" )?value="([^"]*)"', html)
        if match:
            values[name] = match.group(1)
    values["participant_ids"] = re.findall(r'name="participant_ids" value="([^"]+)" checked', html)
    mode = re.search(r'<select id="f-mode"[^>]*>.*?<option value="([^"]+)" selected', html, re.S)
    values["mode"] = mode.group(1) if mode else "in_person"
    values["places"] = re.findall(
        r'<option value="((?:neutral:)?[a-z_0-9:-]+)"', html.split('id="f-place"')[1].split("</select>")[0]
    )
    place = re.search(r'<select id="f-place"[^>]*>.*?<option value="([^"]+)" selected', html, re.S)
    values["place"] = place.group(1) if place else ""
    arrangement = re.search(r'name="call_arrangement" value="([^"]+)" checked', html)
    if arrangement:
        values["call_arrangement"] = arrangement.group(1)
    return values


def submit(client: PortalClient, child_id: uuid.UUID, values: dict[str, Any]) -> Any:
    data = {k: v for k, v in values.items() if k != "places"}
    return client.form(f"/children/{child_id}/contacts", data)


def created_id(response: Any) -> uuid.UUID:
    match = CONTACT_URL.search(response.headers["location"])
    assert match, response.headers.get("location")
    return uuid.UUID(match.group(1))
