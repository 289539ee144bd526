"""Personal API tokens: shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from sqlmodel import Session, col, select

from app import clock
from app.accounts.models import ApiToken

TOKEN_PREFIX = "qpi_"  # noqa: S105  (a visible prefix so leaked tokens are easy to spot)


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create_token(db: Session, person_id: uuid.UUID, name: str) -> tuple[ApiToken, str]:
    """Store a new token and return it with its clear value, which is never stored."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person_id=person_id, name=name[:100], token_hash=hash_token(value), prefix=value[:12])
    db.add(token)
    db.flush()
    return token, value


def find_live_token(db: Session, value: str) -> ApiToken | None:
    token = db.exec(
        select(ApiToken).where(ApiToken.token_hash == hash_token(value), col(ApiToken.revoked_at).is_(None))
    ).first()
    if token is not None and (
        token.last_used_at is None or (clock.now() - token.last_used_at).total_seconds() > 60
    ):
        token.last_used_at = clock.now()
        db.add(token)
    return token


def revoke_token(db: Session, person_id: uuid.UUID, token_id: uuid.UUID) -> bool:
    token = db.get(ApiToken, token_id)
    if token is None or token.person_id != person_id or token.revoked_at is not None:
        return False
    token.revoked_at = clock.now()
    db.add(token)
    return True


def list_tokens(db: Session, person_id: uuid.UUID) -> list[ApiToken]:
    return list(
        db.exec(
            select(ApiToken).where(ApiToken.person_id == person_id).order_by(col(ApiToken.created_at).desc())
        )
    )
