"""In development, the mail the portal sent is readable here (no SMTP server needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select

from app.authz.guards import DevelopmentOnly
from app.db import DbSession
from app.notifications.models import OutboxMessage
from app.web import render

router = APIRouter()


@router.get("/dev/mail")
def dev_mailbox(request: Request, _: DevelopmentOnly, db: DbSession) -> Response:
    messages = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.created_at).desc()).limit(50)).all()
    return render(request, "notifications/dev_mail.html", {"messages": messages})
