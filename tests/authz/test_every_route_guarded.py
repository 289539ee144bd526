"""Every route declares who may call it through a guard of app.authz.guards; none forgets."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from starlette.routing import Mount, Route

from app.authz.guards import GUARD_ATTRIBUTE
from app.main import create_app
from app.routing import all_routes, api_routes
from tests.conftest import settings_for

# Routes that are not FastAPI routes: the static files (no case content) and the OpenAPI document.
NON_API_ROUTES = {"/static", "/api/openapi.json"}


def _guards(dependant: Dependant) -> set[str]:
    found = set()
    call = dependant.call
    if call is not None and hasattr(call, GUARD_ATTRIBUTE):
        found.add(getattr(call, GUARD_ATTRIBUTE))
    for sub in dependant.dependencies:
        found |= _guards(sub)
    return found


def _app(tmp_path) -> FastAPI:  # type: ignore[no-untyped-def]
    return create_app(settings_for(f"sqlite:///{tmp_path}/x.db", tmp_path))


def test_every_route_has_a_policy_guard(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = _app(tmp_path)
    unguarded = [f"{sorted(r.methods)} {r.path}" for r in api_routes(app) if not _guards(r.dependant)]
    assert unguarded == [], f"routes without a guard from app.authz.guards: {unguarded}"


def test_no_route_escapes_the_walk(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = _app(tmp_path)
    others = {
        r.path for r in all_routes(app) if isinstance(r, Mount | Route) and r.path not in NON_API_ROUTES
    }
    api_paths = {r.path for r in api_routes(app)}
    assert others <= api_paths, f"routes the guard test cannot inspect: {others - api_paths}"
    assert len(api_paths) > 30


def test_the_walk_sees_a_route_without_a_guard(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The test above can fail: a route added without a guard is reported."""
    app = _app(tmp_path)

    @app.get("/forgot-to-guard")
    def forgot() -> dict[str, str]:
        return {}

    unguarded = [r.path for r in api_routes(app) if not _guards(r.dependant)]
    assert unguarded == ["/forgot-to-guard"]
