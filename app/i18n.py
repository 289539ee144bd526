"""Japanese (default) and English, with Babel.

Message ids are English sentences. The catalogs in locale/<lang>/LC_MESSAGES/messages.po are
compiled in memory when first used, so the repository holds no binary .mo files and an edited
catalog needs no build step. The current locale lives in a context variable set per request.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext_module
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import format_time as _babel_format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from app import clock
from app.config import BASE_DIR

LOCALES = ("ja", "en")
DEFAULT_LOCALE = "ja"
LOCALE_DIR = BASE_DIR / "locale"
# Remembers the language of someone not signed in; a signed-in person's choice is kept on their account.
LANGUAGE_COOKIE = "qpi_lang"
TOKYO = clock.TOKYO

_current_locale: ContextVar[str] = ContextVar("qpi_locale", default=DEFAULT_LOCALE)


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def get_locale() -> str:
    return _current_locale.get()


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()[:2]
    return value if value in LOCALES else None


def negotiate(accept_language: str | None) -> str:
    """The first of our locales named in an Accept-Language header, else Japanese."""
    for part in (accept_language or "").split(","):
        locale = normalise_locale(part.split(";")[0])
        if locale:
            return locale
    return DEFAULT_LOCALE


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> _gettext_module.NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return _gettext_module.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(message: str, **params: Any) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def pgettext(context: str, message: str, **params: Any) -> str:
    text = translations(get_locale()).pgettext(context, message)
    return text % params if params else text


_ = gettext


def translate_in(locale: str, message: str, **params: Any) -> str:
    """Translate for someone other than the current reader (e-mails to another person)."""
    token = _current_locale.set(locale)
    try:
        return gettext(message, **params)
    finally:
        _current_locale.reset(token)


# --- Dates and times: always shown in Japan time ---------------------------------------------


def to_tokyo(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TOKYO)


def format_date(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_tokyo(value).date()
    return _babel_format_date(value, format=fmt, locale=Locale.parse(get_locale()))


def format_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if fmt == "short":
        pattern = "M/d HH:mm" if get_locale() == "ja" else "MMM d, HH:mm"
        return _babel_format_datetime(to_tokyo(value), pattern, tzinfo=TOKYO, locale=get_locale())
    return _babel_format_datetime(to_tokyo(value), format=fmt, tzinfo=TOKYO, locale=get_locale())


def format_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return _babel_format_time(to_tokyo(value), "HH:mm", tzinfo=TOKYO, locale=get_locale())


def age_in_years(date_of_birth: dt.date, on: dt.date | None = None) -> int:
    on = on or clock.today()
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def format_age(date_of_birth: dt.date | None, on: dt.date | None = None) -> str:
    if date_of_birth is None:
        return ""
    on = on or clock.today()
    years = age_in_years(date_of_birth, on)
    if years >= 1:
        return ngettext("%(num)d year", "%(num)d years", years)
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    if on.day < date_of_birth.day:
        months -= 1
    return ngettext("%(num)d month", "%(num)d months", max(months, 0))
