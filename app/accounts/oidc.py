"""Signing in through an organisation's OpenID Connect provider.

Authlib's Starlette client does the protocol: the authorization code flow with PKCE (S256), the
state, nonce and code verifier kept in the server-side session, and the ID token's signature
checked against the provider's published keys. This module adds what Authlib leaves to the
caller, and a sign-in must not go without:

* the provider's discovery document must name the configured issuer (OpenID Connect Discovery
  4.3); Authlib would otherwise trust whatever issuer the document names;
* the ID token's issuer and audience are checked explicitly: Authlib checks ``aud`` only when
  it is told which values to expect, so without claims options an ID token issued to another
  relying party of the same provider (with ``azp`` set to us) would pass;
* an ID token must have been received and validated at all: Authlib skips the ID token when the
  saved state has no nonce, so the callback refuses any answer without a validated one;
* an ``iss`` parameter in the authorization response (RFC 9207) must name the provider.

Then the person: matched on the provider's subject (an IdentityLink), which an administrator
links beforehand, or which the first sign-in links when the provider is configured
``link_by="verified_email"`` and the provider vouches for an e-mail address that belongs to an
enabled staff account.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

import httpx
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import FastAPI, Request
from joserfc.errors import JoseError
from sqlmodel import Session, col, select

from app import clock
from app.accounts import sessions
from app.accounts.identity import active_positions
from app.accounts.models import Account, IdentityLink, WebSession
from app.accounts.service import find_account, normalise_email
from app.audit import service as audit
from app.authz.actor import Actor
from app.config import OIDCProvider, Settings
from app.errors import Invalid, NotFound
from app.i18n import N_, get_locale, gettext
from app.people.models import Person

log = logging.getLogger("qpi.oidc")

SESSION_NEXT = "oidc_next"
HTTP_TIMEOUT_SECONDS = 10.0
_registry_lock = threading.Lock()


# --- Failures ---------------------------------------------------------------------------------

# reason: (HTTP status, title, what happened and what to do next)
FAILURES: dict[str, tuple[int, str, str]] = {
    "cancelled": (
        400,
        N_("The sign-in was cancelled"),
        N_(
            "You were not signed in because the sign-in at your organisation was cancelled. "
            "Start again from the sign-in page."
        ),
    ),
    "provider_error": (
        400,
        N_("Your organisation did not sign you in"),
        N_(
            "Your organisation's sign-in service reported a problem, so you were not signed in. "
            "Try again from the sign-in page. If it happens again, tell your administrator."
        ),
    ),
    "state": (
        400,
        N_("This sign-in could not be completed"),
        N_(
            "This sign-in was started in another browser or window, took too long, or was already "
            "used. Start again from the sign-in page."
        ),
    ),
    "token": (
        400,
        N_("The answer from your organisation could not be verified"),
        N_(
            "The portal could not verify the answer from your organisation's sign-in service, so you "
            "were not signed in. Try again from the sign-in page. If it happens again, tell your "
            "administrator."
        ),
    ),
    "not_linked": (
        403,
        N_("Your organisation account is not linked yet"),
        N_(
            "Your organisation account is not linked to a person in the portal yet. Ask your "
            "administrator to link it."
        ),
    ),
    "email_unverified": (
        403,
        N_("Your e-mail address is not confirmed"),
        N_(
            "Your organisation did not confirm your e-mail address, so the portal cannot link your "
            "organisation account by itself. Ask your administrator to link it."
        ),
    ),
    "disabled": (
        403,
        N_("Your sign-in is disabled"),
        N_("Your sign-in to the portal is disabled. Ask your administrator."),
    ),
    "account_email": (
        403,
        N_("Your sign-in could not be set up"),
        N_(
            "The portal could not set up your sign-in: your organisation sent no confirmed e-mail "
            "address, or another person already uses it. Ask your administrator."
        ),
    ),
    "unavailable": (
        502,
        N_("Your organisation's sign-in service did not answer"),
        N_(
            "The portal could not reach your organisation's sign-in service. Try again in a few "
            "minutes. If it keeps happening, tell your administrator."
        ),
    ),
    "misconfigured": (
        502,
        N_("Sign-in with your organisation is not set up correctly"),
        N_(
            "The portal's settings for your organisation's sign-in service do not match the service. "
            "Tell your administrator."
        ),
    ),
}


class OIDCFailure(Exception):
    """A sign-in that must not go ahead. ``detail`` is for the log, never shown to the person."""

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in FAILURES, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def status_code(self) -> int:
        return FAILURES[self.reason][0]

    @property
    def title(self) -> str:
        return gettext(FAILURES[self.reason][1])

    @property
    def message(self) -> str:
        return gettext(FAILURES[self.reason][2])


# --- Providers ------------------------------------------------------------------------------


def find_provider(settings: Settings, name: str) -> OIDCProvider | None:
    return next((p for p in settings.oidc_providers if p.name == name), None)


def get_provider(settings: Settings, name: str) -> OIDCProvider:
    provider = find_provider(settings, name)
    if provider is None:
        raise NotFound()
    return provider


def _client_kwargs(provider: OIDCProvider) -> dict[str, Any]:
    scopes = provider.scopes.split()
    if "openid" not in scopes:  # without it there is no ID token, and Authlib would check nothing
        scopes.insert(0, "openid")
    kwargs: dict[str, Any] = {
        "scope": " ".join(scopes),
        "code_challenge_method": "S256",
        "timeout": HTTP_TIMEOUT_SECONDS,
    }
    if not provider.client_secret:
        kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 (a public client: PKCE alone)
    return kwargs


def registry(app: FastAPI) -> OAuth:
    """Authlib's registry of this application's providers, built on first use (tests build
    several applications with different settings in one process)."""
    oauth: OAuth | None = getattr(app.state, "oidc_oauth", None)
    if oauth is not None:
        return oauth
    with _registry_lock:
        oauth = getattr(app.state, "oidc_oauth", None)
        if oauth is None:
            oauth = OAuth()
            for provider in app.state.settings.oidc_providers:
                oauth.register(
                    name=provider.name,
                    client_id=provider.client_id,
                    client_secret=provider.client_secret or None,
                    server_metadata_url=provider.metadata_url,
                    client_kwargs=_client_kwargs(provider),
                )
            app.state.oidc_oauth = oauth
    return oauth


def client_for(app: FastAPI, provider: OIDCProvider) -> StarletteOAuth2App:
    client = registry(app).create_client(provider.name)
    if client is None:  # settings changed under a running application
        raise NotFound()
    return client


def callback_url(settings: Settings, provider: OIDCProvider) -> str:
    """The redirect URI registered at the provider: built from QPI_BASE_URL, not from the request's
    Host header, so it is the same behind any proxy and cannot be steered by a client."""
    return f"{settings.base_url.rstrip('/')}/auth/oidc/{provider.name}/callback"


async def _metadata(client: StarletteOAuth2App, provider: OIDCProvider) -> dict[str, Any]:
    try:
        metadata: dict[str, Any] = await client.load_server_metadata()
    except (httpx.HTTPError, ValueError) as error:
        raise OIDCFailure("unavailable", f"{provider.metadata_url}: {error!r}") from error
    if metadata.get("issuer") != provider.issuer:
        raise OIDCFailure(
            "misconfigured",
            f"the discovery document names issuer {metadata.get('issuer')!r}, "
            f"the settings {provider.issuer!r}",
        )
    return metadata


# --- The flow -------------------------------------------------------------------------------


async def start(request: Request, provider: OIDCProvider, next_path: str) -> Any:
    """The redirect to the provider's authorization endpoint (state, nonce and PKCE verifier are
    kept in the session by Authlib)."""
    settings: Settings = request.app.state.settings
    client = client_for(request.app, provider)
    await _metadata(client, provider)
    request.session[SESSION_NEXT] = next_path
    try:
        return await client.authorize_redirect(request, callback_url(settings, provider))
    except httpx.HTTPError as error:
        raise OIDCFailure("unavailable", repr(error)) from error


def _claims_options(provider: OIDCProvider) -> dict[str, Any]:
    # A fresh dict each time: Authlib pops entries out of the options it is given.
    return {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "values": [provider.client_id]},
        "sub": {"essential": True},
    }


def _forget_state(client: StarletteOAuth2App, request: Request) -> None:
    state = request.query_params.get("state")
    if state:
        request.session.pop(f"_state_{client.name}_{state}", None)


async def finish(request: Request, provider: OIDCProvider) -> dict[str, Any]:
    """The provider's answer at the callback, checked; the verified ID token claims (with the
    e-mail claims from the UserInfo endpoint when the ID token does not carry them)."""
    client = client_for(request.app, provider)
    params = request.query_params
    if params.get("error"):
        _forget_state(client, request)
        error = params.get("error", "")
        reason = "cancelled" if error == "access_denied" else "provider_error"
        raise OIDCFailure(reason, f"{error}: {params.get('error_description', '')}")
    metadata = await _metadata(client, provider)
    # RFC 9207: a provider that names itself in the response must name the provider we asked.
    iss = params.get("iss")
    if (iss is not None and iss != provider.issuer) or (
        iss is None and metadata.get("authorization_response_iss_parameter_supported")
    ):
        _forget_state(client, request)
        raise OIDCFailure("token", f"authorization response iss {iss!r}")
    try:
        token = await client.authorize_access_token(request, claims_options=_claims_options(provider))
    except MismatchingStateError as error:
        raise OIDCFailure("state", "no such state in this session") from error
    except OAuthError as error:  # the token endpoint refused: a used code, a wrong PKCE verifier...
        raise OIDCFailure("token", f"token endpoint: {error.error}: {error.description}") from error
    except JoseError as error:  # the ID token: signature, iss, aud, nonce, exp...
        raise OIDCFailure("token", f"ID token refused: {error!r}") from error
    except httpx.HTTPError as error:
        raise OIDCFailure("unavailable", repr(error)) from error
    except Exception as error:  # anything else the provider sent that Authlib could not use
        log.exception("OIDC callback of %s failed unexpectedly", provider.name)
        raise OIDCFailure("token", repr(error)) from error
    claims = token.get("userinfo")
    if not token.get("id_token") or not claims:
        raise OIDCFailure("token", "no validated ID token in the token response")
    claims = dict(claims)
    if "email" not in claims and metadata.get("userinfo_endpoint"):
        claims.update(await _userinfo_claims(client, token, str(claims.get("sub"))))
    return claims


async def _userinfo_claims(client: StarletteOAuth2App, token: dict[str, Any], subject: str) -> dict[str, Any]:
    try:
        info = await client.userinfo(token=token)
    except (httpx.HTTPError, OAuthError, ValueError) as error:
        raise OIDCFailure("unavailable", f"userinfo: {error!r}") from error
    if info.get("sub") != subject:  # OpenID Connect Core 5.3.4
        raise OIDCFailure("token", "the UserInfo subject is not the ID token's")
    return {k: info[k] for k in ("email", "email_verified", "name") if k in info}


# --- Matching the person --------------------------------------------------------------------


def _is_true(value: object) -> bool:
    # A JSON boolean; some providers send the string "true".
    return value is True or (isinstance(value, str) and value.lower() == "true")


def find_link(db: Session, provider: str, subject: str) -> IdentityLink | None:
    return db.exec(
        select(IdentityLink).where(IdentityLink.provider == provider, IdentityLink.subject == subject)
    ).first()


def links_of(db: Session, person_id: uuid.UUID) -> list[IdentityLink]:
    return list(
        db.exec(
            select(IdentityLink)
            .where(IdentityLink.person_id == person_id)
            .order_by(col(IdentityLink.provider), col(IdentityLink.subject))
        ).all()
    )


def account_for(db: Session, provider: OIDCProvider, claims: dict[str, Any]) -> Account:
    """The account to sign in for these verified claims; links the subject by verified e-mail
    when the provider allows it. Raises OIDCFailure (the caller rolls back)."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise OIDCFailure("token", "no usable subject")
    email = normalise_email(str(claims.get("email") or ""))
    verified = bool(email) and _is_true(claims.get("email_verified"))

    link = find_link(db, provider.name, subject)
    if link is None:
        if provider.link_by != "verified_email":
            raise OIDCFailure("not_linked", f"{provider.name} subject {subject!r}")
        link = _link_by_verified_email(db, provider, subject, email, verified)

    person = db.get(Person, link.person_id)
    if person is None or person.archived_at is not None:
        raise OIDCFailure("disabled", "the person is archived")
    account = db.exec(select(Account).where(Account.person_id == person.id)).first()
    if account is None:
        account = _create_account(db, provider, person, email if verified else "")
    if account.disabled_at is not None:
        raise OIDCFailure("disabled", "the account is disabled")
    link.last_used_at = clock.now()
    if email:
        link.email = email
    db.add(link)
    return account


def _link_by_verified_email(
    db: Session, provider: OIDCProvider, subject: str, email: str, verified: bool
) -> IdentityLink:
    if not email:
        raise OIDCFailure("not_linked", "no e-mail claim")
    if not verified:
        raise OIDCFailure("email_unverified", email)
    account = find_account(db, email)
    if account is None:
        raise OIDCFailure("not_linked", f"no account with e-mail {email}")
    person = db.get(Person, account.person_id)
    if account.disabled_at is not None or person is None or person.archived_at is not None:
        raise OIDCFailure("disabled", email)
    if not active_positions(db, account.person_id):
        raise OIDCFailure("not_linked", f"{email} holds no active staff position")
    # A person already linked to another subject at this provider is not re-linked by e-mail: an
    # address handed on to someone else must not hand on the person too.
    already = db.exec(
        select(IdentityLink).where(
            IdentityLink.person_id == account.person_id, IdentityLink.provider == provider.name
        )
    ).first()
    if already is not None:
        raise OIDCFailure("not_linked", f"{email} is linked to another subject at {provider.name}")
    link = IdentityLink(
        person_id=account.person_id,
        provider=provider.name,
        subject=subject,
        email=email,
        linked_by="verified_email",
    )
    db.add(link)
    db.flush()
    audit.record(
        db,
        None,
        "link_identity",
        "identity_link",
        link.id,
        summary=f"{provider.name}: verified_email",
        changes={k: [None, v] for k, v in audit.snapshot(link).items()},
        person_id=link.person_id,
    )
    return link


def _create_account(db: Session, provider: OIDCProvider, person: Person, verified_email: str) -> Account:
    """A linked person signing in for the first time gets an account without a password (it holds
    their language and the disabled switch)."""
    email = verified_email or normalise_email(person.email)
    if not email or find_account(db, email) is not None:
        raise OIDCFailure("account_email", f"e-mail {email!r} missing or taken")
    account = Account(person_id=person.id, email=email, password_hash=None, locale=get_locale())
    db.add(account)
    db.flush()
    audit.record(
        db, None, "create", "account", account.id, summary=f"oidc:{provider.name}", person_id=person.id
    )
    return account


# --- Administration -------------------------------------------------------------------------


def link_identity(
    db: Session,
    actor: Actor,
    settings: Settings,
    person_id: uuid.UUID,
    provider_name: str,
    subject: str,
) -> IdentityLink:
    """An administrator links a person to their subject at a provider."""
    if db.get(Person, person_id) is None:
        raise NotFound()
    provider = find_provider(settings, provider_name)
    subject = subject.strip()
    errors: dict[str, str] = {}
    if provider is None:
        errors["provider"] = gettext("Choose one of the options.")
    if not subject:
        errors["subject"] = gettext("Enter the person's identifier (subject) at their organisation.")
    elif len(subject) > 255:
        errors["subject"] = gettext("The identifier is too long (at most 255 characters).")
    elif provider is not None:
        existing = find_link(db, provider.name, subject)
        if existing is not None:
            errors["subject"] = (
                gettext("This person is already linked to this identifier.")
                if existing.person_id == person_id
                else gettext("This identifier is already linked to another person.")
            )
    if errors or provider is None:
        raise Invalid(errors)
    link = IdentityLink(person_id=person_id, provider=provider.name, subject=subject, linked_by="admin")
    db.add(link)
    db.flush()
    audit.record_change(db, actor, link, None, action="link_identity")
    return link


def unlink_identity(db: Session, actor: Actor, person_id: uuid.UUID, link_id: uuid.UUID) -> IdentityLink:
    """Removes a link; the person's sessions that began through it end too."""
    link = db.get(IdentityLink, link_id)
    if link is None or link.person_id != person_id:
        raise NotFound()
    before = audit.snapshot(link)
    method = f"oidc:{link.provider}"
    live = db.exec(
        select(WebSession).where(WebSession.person_id == person_id, col(WebSession.ended_at).is_(None))
    ).all()
    for record in live:
        if (record.data or {}).get("method") == method:
            sessions.end_session(db, record.id, reason="unlinked")
    db.delete(link)
    audit.record(
        db,
        actor,
        "unlink_identity",
        "identity_link",
        link_id,
        changes={k: [v, None] for k, v in before.items()},
    )
    return link
