"""Browser tests: Playwright (the pip package) driving Debian's Chromium against the portal served
by uvicorn on a free localhost port. They skip, and say why, where Chromium is absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.liveserver import LiveServer

CHROMIUM = Path(os.environ.get("QPI_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 360, "height": 800}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        from tests.conftest import _note_skip

        _note_skip(
            f"Browser tests were skipped: no Chromium at {CHROMIUM} "
            "(apt-get install chromium fonts-noto-cjk)."
        )
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_server(fresh_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(fresh_app, lifespan="auto") as server:
        yield server


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    return request.param, VIEWPORTS[request.param]


def screenshot(page, name: str, viewport: tuple[str, dict[str, int]]) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot as a test artefact, and check that nothing overflows sideways."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = viewport[1]
    path = ARTIFACTS / f"{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than a {size['width']}px screen"
    return path
