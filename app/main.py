"""The application factory: settings, database, middleware, error pages and routers."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import app.models  # noqa: F401  (every table, so foreign keys resolve)
from app.accounts.csrf import csrf_protect
from app.accounts.sessions import ServerSessionMiddleware
from app.audit.service import Origin, current_origin
from app.config import BASE_DIR, Settings, get_settings
from app.db import make_engine
from app.errors import (
    DomainError,
    Invalid,
    MustEnrolSecondFactor,
    NotSignedIn,
    ValidationProblem,
    declare_one_422_shape,
)
from app.forms import errors_by_field, refuse_nul_bytes
from app.i18n import LANGUAGE_COOKIE, N_, gettext, negotiate, normalise_locale, set_locale
from app.web import is_htmx, render, sign_in_url

log = logging.getLogger("qpi")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.resolved_secret_key()  # refuses to start in production without a real secret
    settings.check_base_url()  # and outside development without the address links must carry
    app = FastAPI(
        lifespan=_lifespan,
        title="QPI team portal API",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(csrf_protect), Depends(refuse_nul_bytes)],
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)

    app.add_middleware(RequestContextMiddleware, settings=settings)
    app.add_middleware(ServerSessionMiddleware, settings=settings)  # outermost: runs first

    _add_error_handlers(app)
    _include_routers(app)
    _openapi_with_one_422_shape(app)
    _document_only_the_json_api(app)
    app.mount("/static", StaticFiles(directory=BASE_DIR / "static"), name="static")
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the outbox worker in a thread of the web process unless told not to."""
    from app.notifications.worker import Worker

    settings: Settings = app.state.settings
    worker = Worker(app.state.engine, settings) if settings.worker_in_process else None
    if worker is not None:
        worker.start_thread()
    yield
    if worker is not None:
        worker.stop()


def _document_only_the_json_api(app: FastAPI) -> None:
    """The OpenAPI document is for programs: the pages and forms people use are not part of it."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI caches it; filtering again changes nothing
        paths = schema["paths"]
        schema["paths"] = {path: item for path, item in paths.items() if path.startswith("/api/v1/")}
        _drop_unused_schemas(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_unused_schemas(schema: dict[str, Any]) -> None:
    """The form bodies of the pages leave schemas nothing refers to any more."""
    components = schema.get("components", {}).get("schemas", {})
    wanted: set[str] = set()
    text = json.dumps(schema["paths"])
    while True:
        found = {name for name in components if f'"#/components/schemas/{name}"' in text} - wanted
        if not found:
            break
        wanted |= found
        text = json.dumps([components[name] for name in found])
    schema.setdefault("components", {})["schemas"] = {k: v for k, v in components.items() if k in wanted}


def _include_routers(app: FastAPI) -> None:
    from app.accounts import account_routes, oidc_routes, reset_routes
    from app.accounts import routes as accounts_routes
    from app.admin import routes as admin_routes
    from app.api import docs as api_docs
    from app.caseinfo import routes as caseinfo_routes
    from app.children import api as children_api
    from app.children import move_routes
    from app.children import routes as children_routes
    from app.contacts import api as contacts_api
    from app.contacts import calendar_routes, place_routes
    from app.contacts import routes as contacts_routes
    from app.exports import routes as exports_routes
    from app.health import router as health_router
    from app.imports import api as imports_api
    from app.imports import routes as imports_routes
    from app.intake import api as intake_api
    from app.intake import routes as intake_routes
    from app.notifications import routes as notification_routes
    from app.sharing import routes as sharing_routes
    from app.teams import routes as team_routes

    app.include_router(health_router)
    app.include_router(accounts_routes.router)
    app.include_router(oidc_routes.router)
    app.include_router(account_routes.router)
    app.include_router(calendar_routes.router)  # before contacts: ".../contacts/{id}.ics" is its path
    app.include_router(reset_routes.router)
    app.include_router(team_routes.router)
    app.include_router(sharing_routes.router)
    app.include_router(caseinfo_routes.router)
    app.include_router(caseinfo_routes.api)
    app.include_router(contacts_routes.router)
    app.include_router(contacts_api.router)
    app.include_router(place_routes.router)
    app.include_router(intake_routes.router)  # before children: "/children/new" is not a child's id
    app.include_router(children_routes.router)
    app.include_router(move_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(intake_api.router)
    app.include_router(imports_routes.router)
    app.include_router(imports_api.router)
    app.include_router(exports_routes.router)
    app.include_router(children_api.router)
    app.include_router(move_routes.api)
    app.include_router(api_docs.router)
    app.include_router(notification_routes.router)


class RequestContextMiddleware:
    """Per request: the reader's language, where the request came from (for the audit log),
    and the security headers every answer carries."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        set_locale(self._locale(scope, headers))
        client = scope.get("client")
        current_origin.set(
            Origin(
                ip=client[0] if client else "",
                user_agent=headers.get("user-agent", "")[:300],
                request_id=uuid.uuid4().hex,
            )
        )

        started = False

        async def send_wrapper(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                message["headers"].extend(self._security_headers(scope["path"]))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            # Starlette's own 500 answer is sent outside this middleware, without the security
            # headers; answer here instead, then let the error go on to be logged.
            if not started:
                response = await _server_error_response(Request(scope, receive))
                await response(scope, receive, send_wrapper)  # type: ignore[arg-type]
            raise

    def _locale(self, scope: dict[str, Any], headers: dict[str, str]) -> str:
        if scope["path"].startswith("/api/"):
            return negotiate(headers.get("accept-language"))
        session = scope.get("session") or {}
        chosen = normalise_locale(session.get("locale"))
        if chosen:
            return chosen
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == LANGUAGE_COOKIE and normalise_locale(value):
                return normalise_locale(value) or self.settings.default_locale
        return self.settings.default_locale

    def _security_headers(self, path: str) -> list[tuple[bytes, bytes]]:
        csp = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if not path.startswith("/static/"):
            # Case information must not linger in shared caches or the back button of a shared phone.
            headers.append((b"cache-control", b"no-store"))
        if self.settings.secure_cookies:
            headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        return headers


async def _server_error_response(request: Request) -> Response:
    message = _default_message(500)
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=500)
    try:
        return await _error_page(request, 500, gettext(ERROR_TITLES[500]), message)
    except Exception:  # the page itself cannot be drawn (the database is down): plain words then
        log.exception("the error page could not be rendered")
        return Response(message, status_code=500, media_type="text/plain; charset=utf-8")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz")


async def _error_page(
    request: Request, status: int, title: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    # Rendering reads the database (the unread count in the nav): in the threadpool, off the event loop.
    return await run_in_threadpool(
        partial(render, headers=headers),
        request,
        "errors/error.html",
        {"status": status, "title": title, "message": message},
        status_code=status,
    )


ERROR_TITLES = {
    400: N_("The request could not be understood"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Someone else changed this meanwhile"),
    422: N_("Please check what you entered"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, MustEnrolSecondFactor):
            if is_htmx(request):
                return Response(status_code=204, headers={"HX-Redirect": "/account/two-factor"})
            return RedirectResponse("/account/two-factor", status_code=303)
        if isinstance(exc, NotSignedIn) and not _wants_json(request):
            if is_htmx(request):
                return Response(status_code=204, headers={"HX-Redirect": sign_in_url(request)})
            return RedirectResponse(sign_in_url(request), status_code=303)
        status = exc.status_code
        message = exc.message or _default_message(status)
        if _wants_json(request):
            body: dict[str, Any] = {"detail": message}
            if isinstance(exc, Invalid):
                body = ValidationProblem(detail=message, errors=exc.errors).model_dump()
            body.update({k: v for k, v in exc.details.items() if k in ("current", "yours")})
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse(body, status_code=status, headers=headers)
        return await _error_page(
            request, status, gettext(ERROR_TITLES.get(status, ERROR_TITLES[500])), message
        )

    @app.exception_handler(StaleDataError)
    async def stale(request: Request, exc: StaleDataError) -> Response:
        message = gettext(
            "Someone else saved a change to this record just now. Reload to see it, then try again."
        )
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=409)
        return await _error_page(request, 409, gettext(ERROR_TITLES[409]), message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Keep the exception's headers: a 405 must say which methods the address accepts (Allow).
        headers = dict(exc.headers or {})
        if _wants_json(request):
            return JSONResponse(
                {"detail": _default_message(exc.status_code)}, status_code=exc.status_code, headers=headers
            )
        return await _error_page(
            request,
            exc.status_code,
            gettext(ERROR_TITLES.get(exc.status_code, ERROR_TITLES[500])),
            _default_message(exc.status_code),
            headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = errors_by_field(exc.errors())
        if _wants_json(request):
            problem = ValidationProblem(detail=gettext("Some fields are not valid."), errors=errors)
            return JSONResponse(problem.model_dump(), status_code=422)
        if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors()):
            # On pages a malformed id in a path is simply a page that does not exist.
            return await _error_page(request, 404, gettext(ERROR_TITLES[404]), _default_message(404))
        return await _error_page(request, 422, gettext(ERROR_TITLES[422]), _field_messages(errors))


def _field_messages(errors: dict[str, str]) -> str:
    """A refused request's field errors on an error page (a form re-rendered shows them in place)."""
    return " ".join(f"{field}: {message}" for field, message in errors.items())


def _openapi_with_one_422_shape(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_one_422_shape(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _default_message(status: int) -> str:
    if status == 404:
        return gettext("This page does not exist, or it is not shared with you.")
    if status == 403:
        return gettext("You do not have permission to do this.")
    if status == 401:
        return gettext("Please sign in.")
    if status == 405:
        return gettext("This address does not accept that kind of request.")
    return gettext("Something went wrong. Please try again.")
