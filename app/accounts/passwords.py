"""Passwords: argon2id hashes, and the rules from NIST SP 800-63B (length, no composition rules,
common passwords refused)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.i18n import gettext

MIN_LENGTH = 8
MAX_LENGTH = 128
# The 20,000 most common passwords, by Royce Williams, as shipped in Django (BSD licence).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# A hash to verify against when the account does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("qpi-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def password_problem(password: str, *, email: str = "") -> str | None:
    """What is wrong with a new password, in the reader's language, or None."""
    if len(password) < MIN_LENGTH:
        return gettext("Use at least %(min)d characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return gettext("Use at most %(max)d characters.", max=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return gettext("This password is one of the most common ones. Choose one that is harder to guess.")
    if email and lowered == email.lower():
        return gettext("Do not use your e-mail address as your password.")
    return None
