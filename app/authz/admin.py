"""What administrators may read of people. They manage organisations and people but read no case
content (hard rule "admin_no_case_content"): a family's contact details are case content, kept by
the child's team under the sharing policy; staff contact details are work details."""

from __future__ import annotations

import uuid

from sqlmodel import Session, func, select

from app.orgs.models import StaffPosition


def admin_sees_contact_details(db: Session, person_id: uuid.UUID) -> bool:
    count = db.exec(
        select(func.count()).select_from(StaffPosition).where(StaffPosition.person_id == person_id)
    )
    return int(count.one()) > 0
