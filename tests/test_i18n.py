"""Every user-facing text is marked for translation and translated into Japanese."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.authz.policy import default_policy
from app.i18n import set_locale

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "pgettext": ((1, "c"), 2),
    "translate_in": (2,),
}
METHOD_MAP = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
# Language names are written in their own language on purpose.
ALLOWED_UNMARKED = {"日本語", "English"}
LETTERS = re.compile(r"[A-Za-z\u3040-\u30ff\u4e00-\u9fff]")
TRANSLATABLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


def _extracted_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, OPTIONS, KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (ROOT / "locale" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_ja_catalog_translates_every_marked_message() -> None:
    catalog = _catalog("ja")
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        translated[key] = bool(text) and not message.fuzzy
    missing = sorted(m for m in _extracted_ids() if not translated.get(m))
    assert missing == [], f"run scripts/update-catalogs and translate in ja: {missing}"


def test_en_catalog_knows_every_message() -> None:
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("en") if m.id}
    assert sorted(_extracted_ids() - known) == [], "run scripts/update-catalogs"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in TRANSLATABLE_ATTRIBUTES and value and LETTERS.search(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if not self._skip and text and LETTERS.search(text) and text not in ALLOWED_UNMARKED:
            self.found.append(text)


def unmarked_text(source: str) -> list[str]:
    """Text a reader would see that is not inside {{ _() }}, {% trans %} or another expression."""
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", "", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", source, flags=re.S)
    collector = _TextCollector()
    collector.feed(source)
    return collector.found


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_has_no_unmarked_text(template: Path) -> None:
    assert unmarked_text(template.read_text(encoding="utf-8")) == []


def test_the_checker_finds_unmarked_text() -> None:
    source = '<p>Hello there</p><input placeholder="名前"><p>{{ _("Marked") }}</p><p>{{ value }}</p>'
    assert unmarked_text(source) == ["Hello there", 'placeholder="名前"']


def test_sharing_policy_speaks_both_languages() -> None:
    policy = default_policy()
    texts = [*policy.levels.values(), *policy.hard_rules.values()]
    texts += [c.label for c in policy.categories.values()] + [c.about for c in policy.categories.values()]
    texts += [r.label for r in policy.roles.values()] + [r.why for r in policy.roles.values()]
    for text in texts:
        assert text.ja.strip() and text.en.strip()
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text.ja), f"not Japanese: {text.ja}"
    set_locale("en")
    assert str(policy.categories[next(iter(policy.categories))].label) == "Basic profile"
    set_locale("ja")
