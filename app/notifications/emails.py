"""The texts of e-mails. No e-mail carries case details: only that there is something in the
portal, and a link. Each is written in its reader's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.i18n import N_, format_datetime, get_locale, set_locale, translate_in

SIGNATURE = N_("QPI team portal")
NO_DETAILS = N_("For everyone's privacy, this e-mail carries no details; everything is in the portal.")


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def _compose(locale: str, subject: str, paragraphs: list[tuple[str, dict[str, str]]]) -> Email:
    lines = [translate_in(locale, text, **params) for text, params in paragraphs]
    lines += [translate_in(locale, NO_DETAILS), "", "-- ", translate_in(locale, SIGNATURE)]
    return Email(
        subject=translate_in(locale, subject), body="\n\n".join(lines[:-3]) + "\n\n" + "\n".join(lines[-3:])
    )


def _when(locale: str, moment: dt.datetime) -> str:
    previous = get_locale()
    set_locale(locale)
    try:
        return format_datetime(moment, "short")
    finally:
        set_locale(previous)


def invitation(locale: str, link: str, expires_at: dt.datetime) -> Email:
    return _compose(
        locale,
        N_("[QPI portal] You are invited to join a team"),
        [
            (N_("You have been invited to join a child's team on the QPI team portal."), {}),
            (N_("Open this link to choose your password and sign in:\n%(link)s"), {"link": link}),
            (
                N_("The link works once and expires at %(when)s (Japan time)."),
                {"when": _when(locale, expires_at)},
            ),
            (N_("If you did not expect this e-mail, you can ignore it."), {}),
        ],
    )


def password_reset(locale: str, link: str, expires_at: dt.datetime) -> Email:
    return _compose(
        locale,
        N_("[QPI portal] Choose a new password"),
        [
            (N_("Someone asked to reset the password of your QPI portal account."), {}),
            (N_("Open this link to choose a new password:\n%(link)s"), {"link": link}),
            (
                N_("The link works once and expires at %(when)s (Japan time)."),
                {"when": _when(locale, expires_at)},
            ),
            (N_("If it was not you, ignore this e-mail: your password stays as it is."), {}),
        ],
    )


def email_changed(locale: str, base_url: str) -> Email:
    return _compose(
        locale,
        N_("[QPI portal] Your sign-in e-mail was changed"),
        [
            (N_("The e-mail address you sign in with was changed just now."), {}),
            (
                N_(
                    "If you did not do this, contact your caseworker or the portal's administrator "
                    "at once: %(link)s"
                ),
                {"link": base_url},
            ),
        ],
    )
