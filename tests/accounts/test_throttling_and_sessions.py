"""Throttling per account and per address; idle and absolute timeouts; re-authentication."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.accounts.models import WebSession
from app.accounts.sessions import hash_session_value
from tests.conftest import deliver_mail
from tests.mailserver import Mailbox, SmtpServer
from tests.support import Personas


def attempt(personas: Personas, email: str, password: str):  # type: ignore[no-untyped-def]
    client = personas.anonymous()
    client.remember_csrf(client.get("/sign-in").text)
    return client.form("/sign-in", {"email": email, "password": password})


def test_account_is_throttled_after_repeated_failures(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    limit = fresh_app.state.settings.throttle_max_failures_per_account
    for _ in range(limit):
        assert attempt(personas, "foster2@example.jp", "wrong password").status_code == 401
    locked = attempt(personas, "foster2@example.jp", "nagano-qpi-demo")
    assert locked.status_code == 429, "even the right password waits"
    assert "分待って" in locked.text and "パスワードを忘れたとき" in locked.text
    assert attempt(personas, "foster1@example.jp", "nagano-qpi-demo").status_code == 303, (
        "others are not locked"
    )


def test_unknown_email_is_throttled_the_same_way(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    limit = fresh_app.state.settings.throttle_max_failures_per_account
    answers = {attempt(personas, "ghost@example.jp", "x").status_code for _ in range(limit)}
    assert answers == {401}
    assert attempt(personas, "ghost@example.jp", "x").status_code == 429


def test_address_is_throttled_across_accounts(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    limit = fresh_app.state.settings.throttle_max_failures_per_address
    for index in range(limit):
        attempt(personas, f"spray{index}@example.jp", "x")
    assert attempt(personas, "foster1@example.jp", "nagano-qpi-demo").status_code == 429


def _age_session(app: FastAPI, client, **changes: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    value = client.cookies.get(app.state.settings.session_cookie_name)
    with Session(app.state.engine) as db:
        record = db.get(WebSession, hash_session_value(value))
        assert record is not None
        for key, moment in changes.items():
            setattr(record, key, moment)
        db.add(record)
        db.commit()


def test_idle_timeout_staff_30_minutes_family_longer(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    staff, family = personas.sign_in("caseworker1@example.jp"), personas.sign_in("foster1@example.jp")
    forty_minutes_ago = clock.now() - dt.timedelta(minutes=40)
    _age_session(fresh_app, staff, last_seen_at=forty_minutes_ago)
    _age_session(fresh_app, family, last_seen_at=forty_minutes_ago)
    assert family.get("/children").status_code == 200, "families are asked less often"
    response = staff.get("/children")
    assert response.status_code == 303
    notice = staff.get(response.headers["location"])
    assert "しばらく操作がなかったので" in notice.text


def test_absolute_timeout(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    family = personas.sign_in("foster1@example.jp")
    _age_session(fresh_app, family, expires_at=clock.now() - dt.timedelta(seconds=1))
    response = family.get("/children")
    assert response.status_code == 303
    assert "最長時間" in family.get(response.headers["location"]).text


def test_session_lengths_are_recorded_per_kind_of_person(fresh_app: FastAPI) -> None:
    personas = Personas(fresh_app)
    staff, family = personas.sign_in("caseworker1@example.jp"), personas.sign_in("foster1@example.jp")
    with Session(fresh_app.state.engine) as db:
        name = fresh_app.state.settings.session_cookie_name
        s = db.get(WebSession, hash_session_value(staff.cookies.get(name) or ""))
        f = db.get(WebSession, hash_session_value(family.cookies.get(name) or ""))
        assert s is not None and f is not None
        assert (s.idle_minutes, f.idle_minutes) == (30, 240)
        assert s.expires_at - s.created_at == dt.timedelta(hours=12)


def test_changing_email_asks_for_the_password_and_tells_the_old_address(
    mail_app: FastAPI, smtp: SmtpServer
) -> None:
    personas = Personas(mail_app)
    phone, laptop = personas.sign_in("foster2@example.jp"), personas.sign_in("foster2@example.jp")
    refused = phone.form("/account/email", {"new_email": "suzuki.new@example.jp", "email_password": "nope"})
    assert refused.status_code == 422 and 'value="suzuki.new@example.jp"' in refused.text
    ok = phone.form(
        "/account/email", {"new_email": "suzuki.new@example.jp", "email_password": "nagano-qpi-demo"}
    )
    assert ok.status_code == 303
    assert laptop.get("/children").status_code == 303, "other devices are signed out"
    deliver_mail(mail_app)
    [notice] = smtp.mailbox.to("foster2@example.jp")
    assert "変更" in Mailbox.text(notice)
    personas.sign_in("suzuki.new@example.jp")
    with Session(mail_app.state.engine) as db:
        live = db.exec(select(WebSession).where(WebSession.ended_reason == "email_changed")).all()
        assert live
