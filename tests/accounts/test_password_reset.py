"""Forgot your password: a single-use, expiring link by e-mail; no hint whether an account exists."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.accounts.models import PasswordReset
from tests.conftest import deliver_mail
from tests.mailserver import Mailbox, SmtpServer
from tests.support import Personas

LINK = re.compile(r"https://testserver/password-reset/([A-Za-z0-9_-]+)")


def ask(personas: Personas, email: str):  # type: ignore[no-untyped-def]
    client = personas.anonymous()
    client.remember_csrf(client.get("/password-reset").text)
    return client.form("/password-reset", {"email": email})


def test_reset_by_email_signs_out_everywhere(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    laptop = personas.client("parent1")
    known, unknown = ask(personas, "parent1@example.jp"), ask(personas, "nobody@example.jp")
    assert known.status_code == unknown.status_code == 200
    assert known.text.count("リンクを送りました") == unknown.text.count("リンクを送りました") == 1
    deliver_mail(mail_app)
    assert smtp.mailbox.to("nobody@example.jp") == []
    [message] = smtp.mailbox.to("parent1@example.jp")
    body = Mailbox.text(message)
    assert "山田" not in body and "さくら" not in body, "no case details"
    token = LINK.search(body).group(1)  # type: ignore[union-attr]
    client = personas.anonymous()
    client.remember_csrf(client.get(f"/password-reset/{token}").text)
    short = client.form(f"/password-reset/{token}", {"password": "short", "confirm": "short"})
    assert short.status_code == 422
    done = client.form(
        f"/password-reset/{token}", {"password": "a brand new phrase", "confirm": "a brand new phrase"}
    )
    assert done.status_code == 303
    assert laptop.get("/children").status_code == 303, "every device was signed out"
    personas.sign_in("parent1@example.jp", "a brand new phrase")
    reused = personas.anonymous().get(f"/password-reset/{token}")
    assert reused.status_code == 410 and "すでに使われています" in reused.text


def test_expired_reset_link_offers_a_new_one(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    ask(personas, "parent2@example.jp")
    deliver_mail(mail_app)
    token = LINK.search(Mailbox.text(smtp.mailbox.to("parent2@example.jp")[0])).group(1)  # type: ignore[union-attr]
    with Session(mail_app.state.engine) as db:
        for reset in db.exec(select(PasswordReset)):
            reset.expires_at = clock.now() - dt.timedelta(seconds=1)
            db.add(reset)
        db.commit()
    page = personas.anonymous().get(f"/password-reset/{token}")
    assert (
        page.status_code == 410
        and "期限が切れています" in page.text
        and 'href="/password-reset"' in page.text
    )
