"""Words a reader may not read even inside free text: the hard rule on protection orders hides the
child's school, and a school's name is easily written into care information, documents or the daily
log ("松本市立県ヶ丘小学校で..."). For such a reader the name is replaced wherever it appears."""

from __future__ import annotations

from app.authz.access import ChildAccess
from app.children.models import Child
from app.i18n import gettext


def hidden_words(access: ChildAccess, child: Child) -> list[str]:
    """What must not reach this reader inside text: nothing, unless a protection order concerns them."""
    if not access.under_protection_order:
        return []
    return [word for word in (child.school_name.strip(),) if len(word) >= 2]


def redact(text: str, words: list[str]) -> str:
    for word in words:
        text = text.replace(word, gettext("(not shown)"))
    return text
