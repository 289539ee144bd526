"""Sending one e-mail through the configured SMTP server."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.config import Settings


class MailNotConfigured(RuntimeError):
    pass


def build_message(settings: Settings, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=message_id, domain="qpi.local")
    message.set_content(body, charset="utf-8")
    return message


def send(settings: Settings, message: EmailMessage) -> str:
    """Deliver through SMTP. Without an SMTP host, development and tests keep mail in the outbox
    only (shown at /dev/mail); production refuses, so a missing setting is noticed."""
    if not settings.smtp_host:
        if settings.is_production:
            raise MailNotConfigured("QPI_SMTP_HOST is not set")
        return "kept in the outbox (no SMTP host in development)"
    context = ssl.create_default_context()
    if settings.smtp_ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=30, context=context
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    with client:
        if settings.smtp_starttls and not settings.smtp_ssl:
            client.starttls(context=context)
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
        client.send_message(message)
    return "sent"
