"""Signing in through an organisation's OpenID Connect provider, against a real provider.

The provider is panva's oidc-provider (npm), started by this module on a free localhost port
(tests/oidc/provider.mjs). Its development login and consent pages are driven over real HTTP with
httpx; the portal side is the real ASGI app through a TestClient, with the same cookies from the
start of the sign-in to the callback. The tests skip, and say so at the end of the run, only where
node/npm are missing or the provider's packages cannot be installed (no network).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from app import clock
from app.accounts.models import Account, IdentityLink, WebSession
from app.accounts.oidc import FAILURES
from app.accounts.sessions import hash_session_value
from app.audit.models import AuditEvent
from app.config import OIDCProvider
from app.demo.loader import demo_id
from app.i18n import LANGUAGE_COOKIE, gettext, set_locale
from app.main import create_app
from tests.conftest import _note_skip, settings_for
from tests.support import Personas, PortalClient

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

pytestmark = pytest.mark.oidc

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_DIR = ROOT / "tests" / "oidc"
BASE = "https://testserver"
# Provider names the tests configure; the provider accepts a callback for each.
NAMES = ("nagano", "nagano-email", "nagano-iss", "nagano-secret")
CLIENT_ID, CLIENT_SECRET = "qpi-portal", "qpi-portal-secret"


# --- The provider -----------------------------------------------------------------------------


def _skip(message: str) -> None:
    _note_skip(f"OIDC tests were skipped: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Starts tests/oidc/provider.mjs on a free port; its issuer URL."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        _skip("node/npm not found (install Node.js 20 or later).")
    assert node and npm
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        try:
            install = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=PROVIDER_DIR,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            _skip("`npm ci` in tests/oidc timed out (no network?).")
        if install.returncode != 0:
            lines = [line for line in install.stderr.splitlines() if "complete log" not in line]
            errors = [line for line in lines if line.startswith("npm error")] or lines[-1:] or ["?"]
            _skip(f"`npm ci` in tests/oidc failed (no network?): {'; '.join(errors[:2])}")

    logs = tmp_path_factory.mktemp("oidc-provider")
    stdout_path, stderr_path = logs / "stdout.txt", logs / "stderr.txt"
    env = {
        **os.environ,
        "OIDC_REDIRECT_URIS": ",".join(f"{BASE}/auth/oidc/{name}/callback" for name in NAMES),
    }
    with stdout_path.open("w") as stdout, stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [node, str(PROVIDER_DIR / "provider.mjs"), "0"],
            cwd=PROVIDER_DIR,
            stdout=stdout,
            stderr=stderr,
            env=env,
        )
    try:
        url = _wait_for_provider(process, stdout_path, stderr_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_provider(process: subprocess.Popen[bytes], stdout: Path, stderr: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider exited ({process.returncode}):\n{stderr.read_text()}")
        words = stdout.read_text().split()
        if len(words) >= 2 and words[0] == "listening":
            url = words[1]
            try:
                discovery = httpx.get(f"{url}/.well-known/openid-configuration", timeout=2)
            except httpx.HTTPError:
                discovery = None
            if discovery is not None and discovery.status_code == 200:
                assert discovery.json()["issuer"] == url
                return url
        time.sleep(0.1)
    pytest.fail(f"the OpenID provider did not start within 30 s:\n{stderr.read_text()}")


def provider_settings(issuer: str, name: str = "nagano", **overrides: Any) -> OIDCProvider:
    values: dict[str, Any] = {
        "name": name,
        "label": f"Nagano staff directory ({name})",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "link_by": "admin",
    }
    values.update(overrides)
    return OIDCProvider(**values)


@pytest.fixture
def make_app(
    database: TestDatabase, app: FastAPI, tmp_path: Path, issuer: str
) -> Iterator[Callable[..., FastAPI]]:
    """Builds apps on private copies of the demo database, with the given providers configured."""
    made: list[tuple[FastAPI, TestDatabase]] = []

    def make(*providers: OIDCProvider) -> FastAPI:
        app.state.engine.dispose()  # PostgreSQL copies from a template only while nobody is connected
        copy = database.copy(tmp_path)
        settings = settings_for(copy.url, tmp_path, base_url=BASE, oidc_providers=list(providers))
        application = create_app(settings)
        made.append((application, copy))
        return application

    yield make
    for application, copy in made:
        application.state.engine.dispose()
        copy.drop()


@pytest.fixture
def admin_app(make_app: Callable[..., FastAPI], issuer: str) -> FastAPI:
    """People are linked by an administrator beforehand."""
    return make_app(provider_settings(issuer))


@pytest.fixture
def email_app(make_app: Callable[..., FastAPI], issuer: str) -> FastAPI:
    """People may also be linked on first sign-in by a verified e-mail address."""
    return make_app(
        provider_settings(issuer), provider_settings(issuer, "nagano-email", link_by="verified_email")
    )


# --- Driving a sign-in --------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: action, method and the hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": values.get("action", ""), "method": values.get("method", "get"), "fields": {}}
            )
        elif tag == "input" and self.forms and values.get("type") == "hidden":
            self.forms[-1]["fields"][values.get("name", "")] = values.get("value", "")
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"])


def _parse(page: str) -> _Forms:
    parser = _Forms()
    parser.feed(page)
    return parser


def begin(client: PortalClient, name: str = "nagano", next_path: str | None = None) -> str:
    """GET /auth/oidc/<name>/start; the provider's authorization URL it redirects to."""
    params = {"next": next_path} if next_path else None
    response = client.get(f"/auth/oidc/{name}/start", params=params)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def at_provider(authorize_url: str, login: str, *, cancel: bool = False) -> str:
    """Signs in at the provider's development login page (any password), consents, and returns
    the URL the provider sends the browser back to (the portal's callback)."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        response = browser.get(authorize_url)
        for _step in range(12):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(BASE):
                    return location
                response = browser.get(location)
                continue
            assert response.status_code == 200, (
                f"{response.status_code} at the provider: {response.text[:500]}"
            )
            page = _parse(response.text)
            assert page.forms, f"no form at the provider: {response.text[:500]}"
            form = page.forms[0]
            if cancel:
                abort = next(link for link in page.links if "/abort" in link)
                response = browser.get(urljoin(str(response.url), abort))
                continue
            data = dict(form["fields"])
            if data.get("prompt") == "login":
                data.update(login=login, password="any password")
            response = browser.post(urljoin(str(response.url), form["action"]), data=data)
    raise AssertionError("the provider never sent the browser back to the portal")


def sign_in_with(client: PortalClient, login: str, name: str = "nagano") -> httpx.Response:
    """The whole sign-in; the portal's answer at the callback."""
    return client.get(at_provider(begin(client, name), login))


def english(client: PortalClient) -> PortalClient:
    """The reader chooses English with the language switch before signing in."""
    response = client.form("/language", {"lang": "en", "next": "/sign-in"})
    assert response.status_code == 303 and client.cookies.get(LANGUAGE_COOKIE) == "en"
    return client


def session_record(app: FastAPI, client: PortalClient, db: Session) -> WebSession | None:
    value = client.cookies.get(app.state.settings.session_cookie_name)
    return db.get(WebSession, hash_session_value(value)) if value else None


def signed_in_person(app: FastAPI, client: PortalClient) -> uuid.UUID | None:
    with Session(app.state.engine) as db:
        record = session_record(app, client, db)
        return record.person_id if record is not None and record.ended_at is None else None


def assert_refused(response: httpx.Response, reason: str, status: int) -> None:
    """The clear page: the reason's title and message in the reader's language, no sign-in."""
    assert response.status_code == status, response.text[:2000]
    assert f'data-reason="{reason}"' in response.text
    _status, title, message = FAILURES[reason]
    page = html.unescape(response.text)
    locale = "en" if '<html lang="en">' in response.text else "ja"
    set_locale(locale)
    try:
        assert gettext(title) in page and gettext(message) in page
    finally:
        set_locale("ja")
    assert 'href="/sign-in"' in response.text, "the page says where to go next"


def link(app: FastAPI, person_key: str, subject: str, provider: str = "nagano") -> None:
    """An administrator links a person, through the admin page form."""
    admin = Personas(app).client("admin")
    page = admin.get(f"/admin/people/{demo_id(person_key)}")
    assert page.status_code == 200
    assert 'data-testid="identity-links"' in page.text
    assert f'action="/admin/people/{demo_id(person_key)}/identity-links"' in page.text
    response = admin.form(
        f"/admin/people/{demo_id(person_key)}/identity-links", {"provider": provider, "subject": subject}
    )
    assert response.status_code == 303
    assert f"<code>{subject}</code>" in admin.get(f"/admin/people/{demo_id(person_key)}").text


def links(app: FastAPI, **where: Any) -> list[IdentityLink]:
    with Session(app.state.engine) as db:
        statement = select(IdentityLink)
        for key, value in where.items():
            statement = statement.where(getattr(IdentityLink, key) == value)
        return list(db.exec(statement).all())


# --- The sign-in page and the start -------------------------------------------------------------


def test_sign_in_page_lists_the_configured_provider(email_app: FastAPI) -> None:
    page = Personas(email_app).anonymous().get("/sign-in", params={"next": "/account"})
    assert page.status_code == 200
    assert "Nagano staff directory (nagano)" in page.text
    assert 'href="/auth/oidc/nagano/start?next=/account"' in page.text
    assert 'href="/auth/oidc/nagano-email/start?next=/account"' in page.text


def test_unknown_provider_is_not_found(admin_app: FastAPI) -> None:
    client = Personas(admin_app).anonymous()
    assert client.get("/auth/oidc/nowhere/start").status_code == 404
    assert client.get("/auth/oidc/nowhere/callback", params={"code": "x", "state": "y"}).status_code == 404


def test_start_sends_pkce_s256_nonce_and_state(admin_app: FastAPI, issuer: str) -> None:
    client = Personas(admin_app).anonymous()
    url = begin(client)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == issuer
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == f"{BASE}/auth/oidc/nagano/callback"
    assert "openid" in query["scope"].split()
    assert query["code_challenge_method"] == "S256"
    assert query["nonce"] and query["state"] and query["code_challenge"]
    # The challenge is the S256 of the verifier kept in this browser's server-side session.
    with Session(admin_app.state.engine) as db:
        record = session_record(admin_app, client, db)
        assert record is not None and record.person_id is None
        saved = record.data[f"_state_nagano_{query['state']}"]["data"]
    digest = hashlib.sha256(saved["code_verifier"].encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert saved["nonce"] == query["nonce"]


def test_the_provider_refuses_an_authorization_request_without_pkce(admin_app: FastAPI) -> None:
    """The provider really requires PKCE; its refusal comes back as a clear page."""
    client = english(Personas(admin_app).anonymous())
    parts = urlsplit(begin(client))
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if not k.startswith("code_challenge")}
    stripped = urlunsplit(parts._replace(query=urlencode(query)))
    callback = at_provider(stripped, "caseworker1")
    assert parse_qs(urlsplit(callback).query)["error"] == ["invalid_request"]
    assert_refused(client.get(callback), "provider_error", 400)


# --- Signing in ---------------------------------------------------------------------------------


def test_a_subject_linked_by_an_administrator_signs_in(admin_app: FastAPI) -> None:
    # The provider's e-mail for this subject (staff-0042@example.jp) is nobody's: the subject decides.
    link(admin_app, "caseworker1", "staff-0042")
    client = Personas(admin_app).anonymous()
    response = sign_in_with(client, "staff-0042")
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == "/children"
    assert client.get("/children").status_code == 200
    assert signed_in_person(admin_app, client) == demo_id("caseworker1")
    assert "caseworker1@example.jp" in client.get("/account").text
    [row] = links(admin_app, subject="staff-0042")
    assert row.linked_by == "admin" and row.last_used_at is not None
    assert row.email == "staff-0042@example.jp"
    with Session(admin_app.state.engine) as db:
        events = db.exec(
            select(AuditEvent).where(
                AuditEvent.action == "sign_in", AuditEvent.actor_person_id == demo_id("caseworker1")
            )
        ).all()
        assert [e.summary for e in events] == ["oidc:nagano"]
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "link_identity")).first() is not None


def test_the_sign_in_returns_to_the_page_asked_for(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    client = Personas(admin_app).anonymous()
    response = client.get(at_provider(begin(client, next_path="/account"), "staff-0042"))
    assert response.status_code == 303 and response.headers["location"] == "/account"
    outsider = Personas(admin_app).anonymous()
    response = outsider.get(at_provider(begin(outsider, next_path="https://evil.example/"), "staff-0042"))
    assert response.status_code == 303 and response.headers["location"] == "/children"


def test_a_linked_person_without_an_account_gets_one_without_a_password(admin_app: FastAPI) -> None:
    person = demo_id("psychologist-chuo")
    with Session(admin_app.state.engine) as db:
        assert db.exec(select(Account).where(Account.person_id == person)).first() is None
    link(admin_app, "psychologist-chuo", "ito.naoko")
    client = Personas(admin_app).anonymous()
    response = sign_in_with(client, "ito.naoko")
    assert response.status_code == 303 and response.headers["location"] == "/children"
    assert client.get("/children").status_code == 200
    assert signed_in_person(admin_app, client) == person
    with Session(admin_app.state.engine) as db:
        account = db.exec(select(Account).where(Account.person_id == person)).one()
        assert account.email == "ito.naoko@example.jp" and account.password_hash is None


def test_a_verified_email_links_on_first_sign_in_then_the_subject_is_used(email_app: FastAPI) -> None:
    assert links(email_app) == []
    first = Personas(email_app).anonymous()
    response = sign_in_with(first, "caseworker1", "nagano-email")
    assert response.status_code == 303 and response.headers["location"] == "/children"
    assert first.get("/children").status_code == 200
    assert signed_in_person(email_app, first) == demo_id("caseworker1")
    [row] = links(email_app)
    assert (row.provider, row.subject, row.person_id) == (
        "nagano-email",
        "caseworker1",
        demo_id("caseworker1"),
    )
    assert row.linked_by == "verified_email" and row.email == "caseworker1@example.jp"
    with Session(email_app.state.engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "link_identity")).one()
        assert event.actor_person_id == demo_id("caseworker1") and event.entity_id == str(row.id)
        assert event.summary == "nagano-email: verified_email"

    # The account's e-mail changes; the second sign-in still finds the person, by the subject.
    with Session(email_app.state.engine) as db:
        account = db.exec(select(Account).where(Account.person_id == demo_id("caseworker1"))).one()
        account.email = "misaki.sato@example.jp"
        db.add(account)
        db.commit()
    second = Personas(email_app).anonymous()
    response = sign_in_with(second, "caseworker1", "nagano-email")
    assert response.status_code == 303
    assert signed_in_person(email_app, second) == demo_id("caseworker1")
    assert len(links(email_app)) == 1


def test_an_unverified_email_is_not_linked(email_app: FastAPI) -> None:
    client = english(Personas(email_app).anonymous())
    response = sign_in_with(client, "unverified-caseworker1", "nagano-email")
    assert_refused(response, "email_unverified", 403)
    assert "Your organisation did not confirm your e-mail address" in response.text
    assert links(email_app) == []
    assert signed_in_person(email_app, client) is None
    assert client.get("/children").status_code == 303


def test_a_verified_email_without_a_staff_position_is_not_linked(email_app: FastAPI) -> None:
    client = english(Personas(email_app).anonymous())
    assert_refused(sign_in_with(client, "foster1", "nagano-email"), "not_linked", 403)
    assert links(email_app) == []
    assert signed_in_person(email_app, client) is None


def test_an_unlinked_subject_gets_a_clear_page_in_the_readers_language(admin_app: FastAPI) -> None:
    # Under link_by="admin" even a verified e-mail of a staff account links nothing.
    client = Personas(admin_app).anonymous()
    response = sign_in_with(client, "caseworker1")
    assert '<html lang="ja">' in response.text
    assert_refused(response, "not_linked", 403)
    client = english(Personas(admin_app).anonymous())
    response = sign_in_with(client, "caseworker1")
    assert_refused(response, "not_linked", 403)
    assert (
        "Your organisation account is not linked to a person in the portal yet. "
        "Ask your administrator to link it."
    ) in response.text
    assert links(admin_app) == []
    assert signed_in_person(admin_app, client) is None


def test_a_disabled_account_does_not_sign_in(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    with Session(admin_app.state.engine) as db:
        account = db.exec(select(Account).where(Account.person_id == demo_id("caseworker1"))).one()
        account.disabled_at = clock.now()
        db.add(account)
        db.commit()
    client = english(Personas(admin_app).anonymous())
    assert_refused(sign_in_with(client, "staff-0042"), "disabled", 403)
    assert signed_in_person(admin_app, client) is None


# --- What must be refused -----------------------------------------------------------------------


def test_a_tampered_state_is_refused(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    client = english(Personas(admin_app).anonymous())
    callback = urlsplit(at_provider(begin(client), "staff-0042"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    tampered = urlunsplit(callback._replace(query=urlencode({**query, "state": query["state"] + "x"})))
    assert_refused(client.get(tampered), "state", 400)
    assert signed_in_person(admin_app, client) is None


def test_a_callback_in_another_browser_is_refused(admin_app: FastAPI) -> None:
    """Login CSRF: a code obtained by someone else cannot sign in a victim's browser."""
    link(admin_app, "caseworker1", "staff-0042")
    attacker = Personas(admin_app).anonymous()
    callback = at_provider(begin(attacker), "staff-0042")
    victim = english(Personas(admin_app).anonymous())
    victim.get("/sign-in")
    assert_refused(victim.get(callback), "state", 400)
    assert signed_in_person(admin_app, victim) is None


def test_a_replayed_callback_is_refused(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    client = english(Personas(admin_app).anonymous())
    callback = at_provider(begin(client), "staff-0042")
    assert client.get(callback).status_code == 303
    again = client.get(callback)
    assert again.status_code == 400 and 'data-reason="state"' in again.text
    assert 'href="/children"' in again.text, "still signed in, the page offers the way back"
    assert signed_in_person(admin_app, client) == demo_id("caseworker1")
    assert_refused(english(Personas(admin_app).anonymous()).get(callback), "state", 400)


def test_a_cancelled_sign_in_at_the_provider(admin_app: FastAPI) -> None:
    client = english(Personas(admin_app).anonymous())
    callback = at_provider(begin(client), "staff-0042", cancel=True)
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    assert_refused(client.get(callback), "cancelled", 400)


def test_a_mismatched_iss_in_the_authorization_response_is_refused(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    client = english(Personas(admin_app).anonymous())
    callback = urlsplit(at_provider(begin(client), "staff-0042"))
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    mixed_up = urlunsplit(callback._replace(query=urlencode({**query, "iss": "https://other-idp.example"})))
    assert_refused(client.get(mixed_up), "token", 400)
    assert signed_in_person(admin_app, client) is None


def _edit_saved_state(app: FastAPI, client: PortalClient, authorize_url: str, **changes: str) -> None:
    """Changes what Authlib saved in this browser's session at the start (as if the code came from
    another authorization request)."""
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]
    with Session(app.state.engine) as db:
        record = session_record(app, client, db)
        assert record is not None
        data = dict(record.data)
        saved = dict(data[f"_state_nagano_{state}"])
        saved["data"] = {**saved["data"], **changes}
        data[f"_state_nagano_{state}"] = saved
        record.data = data
        db.add(record)
        db.commit()


def test_an_id_token_with_another_nonce_is_refused(admin_app: FastAPI) -> None:
    """The ID token really is validated: its nonce is not the one this browser's sign-in sent.
    (Were the ID token not checked, this sign-in would succeed: the state, code and PKCE verifier
    are all genuine.)"""
    link(admin_app, "caseworker1", "staff-0042")
    client = english(Personas(admin_app).anonymous())
    authorize_url = begin(client)
    _edit_saved_state(admin_app, client, authorize_url, nonce="a-nonce-from-another-request")
    assert_refused(client.get(at_provider(authorize_url, "staff-0042")), "token", 400)
    assert signed_in_person(admin_app, client) is None


def test_an_id_token_for_another_audience_is_refused(email_app: FastAPI) -> None:
    """The provider issues the ID token to another client (aud) naming us as azp: Authlib accepts
    that unless told the audience to expect; the portal tells it and refuses."""
    client = english(Personas(email_app).anonymous())
    response = sign_in_with(client, "wrong-audience-caseworker1", "nagano-email")
    assert_refused(response, "token", 400)
    assert signed_in_person(email_app, client) is None
    assert links(email_app) == []


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    client = english(Personas(admin_app).anonymous())
    authorize_url = begin(client)
    _edit_saved_state(admin_app, client, authorize_url, code_verifier="v" * 64)
    assert_refused(client.get(at_provider(authorize_url, "staff-0042")), "token", 400)
    assert signed_in_person(admin_app, client) is None


def test_an_issuer_that_is_not_the_configured_one_is_refused(
    make_app: Callable[..., FastAPI], issuer: str
) -> None:
    # The discovery document is fetched from the same server, but names the issuer without the
    # trailing slash: issuers are compared exactly (OpenID Connect Discovery 4.3).
    app = make_app(provider_settings(issuer + "/", "nagano-iss"))
    client = english(Personas(app).anonymous())
    response = client.get("/auth/oidc/nagano-iss/start")
    assert_refused(response, "misconfigured", 502)
    assert signed_in_person(app, client) is None


def test_a_wrong_client_secret_is_refused_at_the_token_endpoint(
    make_app: Callable[..., FastAPI], issuer: str
) -> None:
    app = make_app(provider_settings(issuer, "nagano-secret", client_secret="not-the-secret"))
    with Session(app.state.engine) as db:
        db.add(
            IdentityLink(
                person_id=demo_id("caseworker1"), provider="nagano-secret", subject="s1", linked_by="admin"
            )
        )
        db.commit()
    client = english(Personas(app).anonymous())
    assert_refused(sign_in_with(client, "s1", "nagano-secret"), "token", 400)
    assert signed_in_person(app, client) is None


def test_an_unreachable_provider_gets_a_clear_page(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(provider_settings("http://127.0.0.1:9", "nagano"))
    client = english(Personas(app).anonymous())
    assert_refused(client.get("/auth/oidc/nagano/start"), "unavailable", 502)


# --- Administration ------------------------------------------------------------------------------


def test_unlinking_removes_the_link_and_ends_its_sessions(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    staff = Personas(admin_app).anonymous()
    assert sign_in_with(staff, "staff-0042").status_code == 303
    assert staff.get("/children").status_code == 200
    [row] = links(admin_app)
    admin = Personas(admin_app).client("admin")
    response = admin.form(f"/admin/people/{demo_id('caseworker1')}/identity-links/{row.id}/unlink")
    assert response.status_code == 303
    assert links(admin_app) == []
    assert "<code>staff-0042</code>" not in admin.get(f"/admin/people/{demo_id('caseworker1')}").text
    assert staff.get("/children").status_code == 303, "the session that came through the link ended"
    with Session(admin_app.state.engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "unlink_identity")).one()
        assert event.actor_person_id == demo_id("admin") and event.changes["subject"] == ["staff-0042", None]
    again = english(Personas(admin_app).anonymous())
    assert_refused(sign_in_with(again, "staff-0042"), "not_linked", 403)


def test_linking_refuses_a_subject_already_linked_and_an_unknown_provider(admin_app: FastAPI) -> None:
    link(admin_app, "caseworker1", "staff-0042")
    admin = Personas(admin_app).client("admin")
    url = f"/admin/people/{demo_id('caseworker2')}/identity-links"
    assert admin.form(url, {"provider": "nagano", "subject": "staff-0042"}).status_code == 303
    assert admin.form(url, {"provider": "elsewhere", "subject": "x-1"}).status_code == 303
    assert admin.form(url, {"provider": "nagano", "subject": "  "}).status_code == 303
    assert [(r.person_id, r.subject) for r in links(admin_app)] == [(demo_id("caseworker1"), "staff-0042")]
    page = admin.get(f"/admin/people/{demo_id('caseworker2')}")
    assert 'class="flash error"' in page.text


def test_only_administrators_link(admin_app: FastAPI) -> None:
    staff = Personas(admin_app).client("caseworker1")
    url = f"/admin/people/{demo_id('caseworker1')}/identity-links"
    assert staff.form(url, {"provider": "nagano", "subject": "mine"}).status_code == 403
    assert links(admin_app) == []
