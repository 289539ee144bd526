"""Interactive API documentation, served from vendored files (the portal runs on closed networks)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.authz.guards import Public
from app.web import render

router = APIRouter(include_in_schema=False)


@router.get("/api/docs")
def api_docs(request: Request, _: Public) -> Response:
    return render(request, "api/docs.html")
