"""Calendar apps poll the feed: it answers HEAD, and with the ETag they hold, a 304 without a body."""

from __future__ import annotations

from fastapi import FastAPI

from tests.contacts.test_calendar import create_link
from tests.support import Personas


def test_the_feed_has_an_etag_answers_304_and_head(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    path = create_link(personas, "foster1")
    app = personas.anonymous()  # a calendar app: no session, no cookie
    first = app.get(path)
    assert first.status_code == 200 and first.content.startswith(b"BEGIN:VCALENDAR")
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert app.get(path).headers["etag"] == tag, "the same feed, the same tag"
    unchanged = app.get(path, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == tag
    assert app.get(path, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
    assert app.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    head = app.head(path)
    assert head.status_code == 200 and head.headers["etag"] == tag and head.content == b""
    assert head.headers["content-type"] == "text/calendar; charset=utf-8"
    assert app.head(path.replace("/calendar/", "/calendar/x")).status_code == 404, (
        "a wrong link stays unknown"
    )
