"""The signed-in person's notifications; in development, for administrators, the mail the portal sent
(no SMTP server needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select

from app.authz.guards import AdminActor, CurrentActor, DevelopmentOnly
from app.db import DbSession
from app.notifications.models import OutboxMessage
from app.notifications.service import mark_all_read, recent, render_text
from app.web import redirect, render

router = APIRouter()


@router.get("/notifications")
def notifications_page(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    """Newest first, each in the reader's language with its link; the unread ones are marked."""
    items = [
        {"text": render_text(n), "link": n.link, "created_at": n.created_at, "unread": n.read_at is None}
        for n in recent(db, actor.person_id)
    ]
    return render(request, "notifications/list.html", {"items": items})


@router.post("/notifications/read")
def notifications_read(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    mark_all_read(db, actor.person_id)
    return redirect(request, "/notifications")


@router.get("/dev/mail")
def dev_mailbox(request: Request, _: DevelopmentOnly, actor: AdminActor, db: DbSession) -> Response:
    """Every e-mail the portal sent, to anyone: in development only, and even there (demos are run
    in development, with real families' sign-ins sometimes) for administrators only."""
    messages = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.created_at).desc()).limit(50)).all()
    return render(request, "notifications/dev_mail.html", {"messages": messages})
