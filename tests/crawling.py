"""A crawler that uses the portal as a person would: from the home page it follows every link it is
shown, and collects every form, button and htmx request on the pages it reaches. Shared by the walk
test (every action offered works) and the sentinel test (nothing leaks into what is shown).

It parses HTML with the standard library only. Pages of one kind (same path with the ids taken out)
are visited a few times, not all, so a long list does not make the walk slow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from app import clock
from app.demo.people import DEMO_PASSWORD
from tests.support import PortalClient

ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Requests a person makes that end the very session the walk uses, or switch its language.
NOT_FOLLOWED = ("/sign-out", "/language", "/static/")
PER_KIND = 8  # pages (or forms) of one kind, for one child, the walk visits
PER_KIND_IN_ALL = 30  # and of one kind in all


def kind_of(url: str) -> str:
    """A URL with its ids and query taken out: /children/{id}/contacts/{id}."""
    return ID.sub("{id}", urlsplit(url).path)


def kinds_of(url: str) -> tuple[str, str]:
    """The kind of a URL in all, and for its first id (usually the child): /children/X/contacts/{id}."""
    path = urlsplit(url).path
    first = ID.search(path)
    own = path[: first.end()] + ID.sub("{id}", path[first.end() :]) if first else path
    return kind_of(url), own


@dataclass
class Form:
    """One way to submit a form: its fields as the page filled them, and the button pressed."""

    page: str
    method: str
    action: str
    fields: list[tuple[str, str]]
    empty: dict[str, str]  # name -> input type, of fields the page left empty
    button: tuple[str, str] | None = None
    htmx: bool = False
    text: str = ""  # the button's label, for messages

    @property
    def where(self) -> str:
        pressed = f" [{self.button[0]}={self.button[1]}]" if self.button else ""
        return f"{self.method} {self.action}{pressed} (on {self.page})"


@dataclass
class Visit:
    """One request the walk made and what came back."""

    where: str
    status: int
    text: str
    location: str = ""


@dataclass
class _OpenForm:
    method: str
    action: str
    hx_post: str | None
    fields: list[tuple[str, str]] = field(default_factory=list)
    empty: dict[str, str] = field(default_factory=dict)
    radios: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str | None, str | None, str]] = field(default_factory=list)


class PageParser(HTMLParser):
    """Links, forms (with their filled-in values) and htmx requests of one page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.hx_gets: list[str] = []
        self._form: _OpenForm | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._button: tuple[str | None, str | None, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "hx-get" in a and tag != "form":
            name = a.get("name")
            url = a["hx-get"]
            if name:
                url += ("&" if "?" in url else "?") + urlencode({name: a.get("value", "")})
            self.hx_gets.append(url)
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        elif tag == "form":
            self._form = _OpenForm(
                method=a.get("method", "get").upper(),
                action=a.get("action") or self.page,
                hx_post=a.get("hx-post"),
            )
        elif self._form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "textarea":
            self._textarea = (a.get("name", ""), [])
        elif tag == "select":
            self._select = (a.get("name", ""), [])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value", ""), "selected" if "selected" in a else ""]
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = (a.get("name"), a.get("value"), [])

    def _input(self, a: dict[str, str]) -> None:
        assert self._form is not None
        name, kind, value = a.get("name", ""), a.get("type", "text"), a.get("value", "")
        if not name or kind in ("submit", "button", "reset", "file"):
            return
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                self._form.fields.append((name, value or "on"))
                self._form.radios[name] = value
            elif kind == "radio":
                self._form.radios.setdefault(name, "")
                self._form.empty.setdefault(f"radio:{name}", value)
            return
        if value:
            self._form.fields.append((name, value))
        else:
            self._form.empty[name] = kind

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option.append(data)
        if self._button is not None:
            self._button[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "textarea" and self._textarea is not None and form is not None:
            name, parts = self._textarea
            text = "".join(parts)
            if text.strip():
                form.fields.append((name, text))
            else:
                form.empty[name] = "textarea"
            self._textarea = None
        elif tag == "option" and self._select is not None and self._option is not None:
            self._select[1].append((self._option[0], bool(self._option[1])))
            self._option = None
        elif tag == "select" and self._select is not None and form is not None:
            name, options = self._select
            chosen = next((v for v, selected in options if selected), None)
            if chosen is None:
                chosen = options[0][0] if options else ""
            if chosen:
                form.fields.append((name, chosen))
            else:  # "Choose…" first: a person picks the first real option
                first = next((v for v, _s in options if v), "")
                form.empty[name] = "select:" + first
            self._select = None
        elif tag == "button" and self._button is not None and form is not None:
            name, value, words = self._button
            form.buttons.append((name, value, " ".join("".join(words).split())))
            self._button = None
        elif tag == "form" and form is not None:
            self._close(form)
            self._form = None

    def _close(self, form: _OpenForm) -> None:
        for name, value in list(form.empty.items()):
            if name.startswith("radio:") and not form.radios.get(name[6:]):
                form.empty[name] = value  # no choice made: a person chooses the first
            elif name.startswith("radio:"):
                del form.empty[name]
        buttons = form.buttons or [(None, None, "")]
        for name, value, text in buttons:
            self.forms.append(
                Form(
                    page=self.page,
                    method=form.method,
                    action=form.action,
                    fields=list(form.fields),
                    empty=dict(form.empty),
                    button=(name, value or "") if name else None,
                    text=text,
                )
            )
        if form.hx_post:
            self.forms.append(
                Form(self.page, "POST", form.hx_post, list(form.fields), dict(form.empty), htmx=True)
            )


def parse(page: str, html: str) -> PageParser:
    parser = PageParser(page)
    parser.feed(html)
    parser.close()
    return parser


def plausible(name: str, kind: str, n: int) -> str:
    """What a person would type into an empty field."""
    later = clock.today() + dt.timedelta(days=14)
    if kind.startswith("select:"):
        return kind.removeprefix("select:")
    if kind == "date" or name.endswith("_date"):
        return later.isoformat()
    if kind == "time":
        return "10:00"
    if kind == "email" or "email" in name:
        return f"walk{n}@example.jp"
    if kind == "password" or "password" in name:
        return DEMO_PASSWORD
    if name in ("code",):
        return "000000"
    if kind == "number":
        return "1"
    return f"walk text {n}"


def filled(form: Form, n: int) -> list[tuple[str, str]]:
    data = list(form.fields)
    for name, kind in form.empty.items():
        if name.startswith("radio:"):
            data.append((name[6:], kind))
        else:
            data.append((name, plausible(name, kind, n)))
    if form.button:
        data.append(form.button)
    return data


@dataclass
class Walk:
    """Everything one person was shown and what each of their actions answered."""

    pages: list[Visit] = field(default_factory=list)
    actions: list[tuple[Form, Visit]] = field(default_factory=list)

    def everything(self) -> Iterator[Visit]:
        yield from self.pages
        for _form, visit in self.actions:
            yield visit


# Forms that end or remove something: submitted after all the others, so that they do not take
# away what the other forms act on; archiving a child comes last of all.
def _order(form: Form) -> int:
    path = urlsplit(form.action).path
    if re.fullmatch(r"/children/[^/]+/archive", path):
        return 3
    if path.endswith("/archive"):
        return 2
    if re.search(r"/(end|revoke|disable|unlink|reset-second-factor)$", path):
        return 1
    if form.button and form.button[1] == "cancelled":
        return 1
    return 0


def walk(
    client: PortalClient,
    *,
    start: str = "/",
    submit: bool = True,
    skip: Callable[[Form], bool] | None = None,
    per_kind: int = PER_KIND,
) -> Walk:
    """Visit every page reachable by links from start (GET, and each htmx GET), then submit every
    form and htmx POST found on them, each once per kind of action."""
    result = Walk()
    seen_kinds: dict[str, int] = {}
    queued = [start]
    visited: set[str] = set()
    forms: list[Form] = []
    while queued:
        url = queued.pop(0)
        if url in visited or url.startswith(NOT_FOLLOWED):
            continue
        visited.add(url)
        query = "?" if "?" in url else ""
        in_all, own = (k + query for k in kinds_of(url))
        if seen_kinds.get(own, 0) >= per_kind or seen_kinds.get("*" + in_all, 0) >= PER_KIND_IN_ALL:
            continue
        seen_kinds[own] = seen_kinds.get(own, 0) + 1
        seen_kinds["*" + in_all] = seen_kinds.get("*" + in_all, 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307):
            location = response.headers["location"]
            result.pages.append(Visit(f"GET {url}", response.status_code, response.text, location))
            queued.append(location)
            continue
        result.pages.append(Visit(f"GET {url}", response.status_code, response.text))
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        found = parse(url, response.text)
        queued += found.links
        for hx in found.hx_gets:
            fragment = client.get(hx, headers={"HX-Request": "true"})
            result.pages.append(Visit(f"GET {hx} (htmx)", fragment.status_code, fragment.text))
        forms += [f for f in found.forms if f.method == "POST"]
        queued += [f.action + "?" + urlencode(f.fields) for f in found.forms if f.method == "GET"]
    if submit:
        for n, form in enumerate(_distinct(forms, per_kind, skip)):
            result.actions.append((form, _submit(client, form, n)))
    return result


def _distinct(forms: list[Form], per_kind: int, skip: Callable[[Form], bool] | None) -> list[Form]:
    counts: dict[tuple[str, str, bool], int] = {}
    per_kind = max(per_kind // 2, 1)
    seen: set[tuple[str, str, bool, str]] = set()
    chosen = []
    for form in forms:
        if form.action.startswith(NOT_FOLLOWED) or (skip and skip(form)):
            continue
        button = "=".join(form.button) if form.button else ""
        exact = (form.action, button, form.htmx, str(sorted(form.fields)))
        kind = (kinds_of(form.action)[1], button, form.htmx)
        if exact in seen or counts.get(kind, 0) >= per_kind:
            continue
        seen.add(exact)
        counts[kind] = counts.get(kind, 0) + 1
        chosen.append(form)
    return sorted(chosen, key=_order)


def _submit(client: PortalClient, form: Form, n: int) -> Visit:
    data: Any = filled(form, n)
    if not any(name == "csrf_token" for name, _v in data):
        data.append(("csrf_token", client.csrf or ""))
    headers = {"HX-Request": "true", "X-CSRF-Token": client.csrf or ""} if form.htmx else {}
    body = urlencode(data)
    headers["content-type"] = "application/x-www-form-urlencoded"
    response = client.post(form.action, content=body, headers=headers)
    location = response.headers.get("location") or response.headers.get("hx-redirect") or ""
    return Visit(form.where, response.status_code, response.text, location)
