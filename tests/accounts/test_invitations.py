"""A caseworker invites a birth parent onto a child's team by e-mail; the link works once."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.accounts.models import Invitation
from tests.conftest import deliver_mail
from tests.mailserver import Mailbox, SmtpServer
from tests.support import HINATA, Personas

LINK = re.compile(r"https://testserver/invitations/([A-Za-z0-9_-]+)")


def invite(client, email: str = "new.parent@example.jp", role: str = "family_member"):  # type: ignore[no-untyped-def]
    return client.form(
        f"/children/{HINATA}/invitations",
        {"email": email, "family_name": "木村", "given_name": "花子", "role": role, "locale": "ja"},
    )


def test_invitation_by_email_then_join_the_team(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    caseworker = personas.client("caseworker1")
    assert invite(caseworker).status_code == 303
    deliver_mail(mail_app)
    [message] = smtp.mailbox.to("new.parent@example.jp")
    body = Mailbox.text(message)
    assert "木村" not in body and "陽葵" not in body and "田中" not in body, "no case details in the e-mail"
    token = LINK.search(body).group(1)  # type: ignore[union-attr]
    assert len(token) >= 43, "at least 256 bits, URL-safe"

    newcomer = personas.anonymous()
    page = newcomer.get(f"/invitations/{token}")
    assert page.status_code == 200
    newcomer.remember_csrf(page.text)
    weak = newcomer.form(f"/invitations/{token}", {"password": "password", "confirm": "password"})
    assert weak.status_code == 422 and "よく使われている" in weak.text
    joined = newcomer.form(
        f"/invitations/{token}", {"password": "ずっと一緒にいたい 2026", "confirm": "ずっと一緒にいたい 2026"}
    )
    assert joined.status_code == 303 and joined.headers["location"] == f"/children/{HINATA}"
    assert newcomer.get(f"/children/{HINATA}").status_code == 200, "on the team, signed in"

    again = personas.anonymous().get(f"/invitations/{token}")
    assert again.status_code == 410 and "すでに" in again.text, "the link works once"
    personas.sign_in("new.parent@example.jp", "ずっと一緒にいたい 2026")


def test_long_passwords_are_allowed(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    invite(personas.client("caseworker1"), email="long@example.jp")
    deliver_mail(mail_app)
    token = LINK.search(Mailbox.text(smtp.mailbox.to("long@example.jp")[0])).group(1)  # type: ignore[union-attr]
    client = personas.anonymous()
    client.remember_csrf(client.get(f"/invitations/{token}").text)
    password = "a" * 30 + " correct horse battery staple " + "z" * 40  # 100 characters
    assert (
        client.form(f"/invitations/{token}", {"password": password, "confirm": password}).status_code == 303
    )


def test_expired_and_unknown_links_say_what_to_do(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    invite(personas.client("caseworker1"), email="late@example.jp")
    deliver_mail(mail_app)
    token = LINK.search(Mailbox.text(smtp.mailbox.to("late@example.jp")[0])).group(1)  # type: ignore[union-attr]
    with Session(mail_app.state.engine) as db:
        invitation = db.exec(select(Invitation).where(Invitation.email == "late@example.jp")).one()
        invitation.expires_at = clock.now() - dt.timedelta(minutes=1)
        db.add(invitation)
        db.commit()
    expired = personas.anonymous().get(f"/invitations/{token}")
    assert expired.status_code == 410 and "期限が切れ" in expired.text and "新しい招待" in expired.text
    unknown = personas.anonymous().get("/invitations/not-a-real-token")
    assert unknown.status_code == 410


def test_only_inviting_roles_may_invite_and_only_family_roles(mail_app: FastAPI) -> None:
    personas = Personas(mail_app)
    assert invite(personas.client("foster1")).status_code == 404, "a foster parent cannot invite"
    assert personas.client("foster1").get(f"/children/{HINATA}/invite").status_code == 404
    coordinator = personas.client("coordinator")
    assert invite(coordinator, email="aunt@example.jp").status_code == 303, "the agency coordinator can"
    wrong_role = invite(coordinator, email="boss@example.jp", role="supervisor")
    assert wrong_role.status_code == 422


def test_bad_input_is_kept_and_explained(mail_app: FastAPI) -> None:
    response = (
        Personas(mail_app)
        .client("caseworker1")
        .form(
            f"/children/{HINATA}/invitations",
            {
                "email": "not-an-email",
                "family_name": "",
                "given_name": "花子",
                "role": "birth_parent",
                "locale": "ja",
            },
        )
    )
    assert response.status_code == 422
    assert 'value="not-an-email"' in response.text and 'value="花子"' in response.text
    assert "メールアドレスを入力してください" in response.text


def test_withdrawn_invitation_link_stops_working(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    caseworker = personas.client("caseworker1")
    invite(caseworker, email="withdrawn@example.jp")
    deliver_mail(mail_app)
    token = LINK.search(Mailbox.text(smtp.mailbox.to("withdrawn@example.jp")[0])).group(1)  # type: ignore[union-attr]
    page = caseworker.get(f"/children/{HINATA}").text
    invitation_id = re.search(r"/invitations/([0-9a-f-]{36})/revoke", page).group(1)  # type: ignore[union-attr]
    assert caseworker.form(f"/children/{HINATA}/invitations/{invitation_id}/revoke").status_code == 303
    assert personas.anonymous().get(f"/invitations/{token}").status_code == 410


def test_existing_account_accepts_after_signing_in(mail_app: FastAPI, smtp: SmtpServer) -> None:
    personas = Personas(mail_app)
    invite(personas.client("caseworker1"), email="parent1@example.jp", role="family_member")
    deliver_mail(mail_app)
    token = LINK.search(Mailbox.text(smtp.mailbox.to("parent1@example.jp")[0])).group(1)  # type: ignore[union-attr]
    assert "ログインしてから" in personas.anonymous().get(f"/invitations/{token}").text
    parent = personas.client("parent1")
    assert parent.get(f"/children/{HINATA}").status_code == 404
    assert parent.form(f"/invitations/{token}/accept").status_code == 303
    assert parent.get(f"/children/{HINATA}").status_code == 200
    other = personas.client("parent2")
    assert other.form(f"/invitations/{token}/accept").status_code == 410, "used"
