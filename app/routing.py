"""Listing every route of the application, including those of nested routers.

FastAPI 0.16x keeps included routers as branches instead of copying their routes into app.routes,
so walking app.routes alone would miss most of them."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


def all_routes(app: FastAPI) -> Iterator[BaseRoute]:
    try:
        from fastapi.routing import _iter_included_route_candidates
    except ImportError:  # older FastAPI flattens included routers into app.routes
        yield from app.routes
        return
    yield from _iter_included_route_candidates(app.routes)


def api_routes(app: FastAPI) -> Iterator[APIRoute]:
    for route in all_routes(app):
        if isinstance(route, APIRoute):
            yield route
