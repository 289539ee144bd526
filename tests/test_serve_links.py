"""Links that work: `qpi serve --port P` puts its own address in calendar links and e-mails in
development, and outside development the portal does not start without QPI_BASE_URL."""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from app import clock
from app.config import InsecureSettings, Settings, follow_served_address, get_settings, served_base_url
from app.demo.people import DEMO_PASSWORD
from tests.test_cli import ROOT, qpi, qpi_env

EVERY_INTERFACE = ".".join("0" * 4)  # what --host takes to listen on every IPv4 interface
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, port: int) -> Iterator[str]:
    """`qpi serve --port P` as a user starts it; yields the address it answers on."""
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=qpi_env(tmp_path),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{address}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "qpi serve did not answer within 90 s"
            time.sleep(0.3)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _signed_in(address: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=address, timeout=30)
    csrf = CSRF.findall(client.get("/sign-in").text)[0]
    response = client.post(
        "/sign-in", data={"email": email, "password": DEMO_PASSWORD, "next": "/", "csrf_token": csrf}
    )
    assert response.status_code == 303, response.text
    return client


def _outbox_bodies(tmp_path: Path, to: str) -> list[str]:
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        rows = db.execute("SELECT body FROM outbox_message WHERE to_address = ?", (to,)).fetchall()
    return [body for (body,) in rows]


def test_serve_on_another_port_puts_that_address_in_calendar_links_and_emails(tmp_path: Path) -> None:
    assert qpi(tmp_path, "demo", "--quiet").returncode == 0
    port = _free_port()
    with serving(tmp_path, port) as address:
        assert address == f"http://127.0.0.1:{port}"
        parent = _signed_in(address, "parent1@example.jp")
        csrf = CSRF.findall(parent.get("/account/calendar").text)[0]
        page = parent.post("/account/calendar", data={"csrf_token": csrf})
        feed_links = re.findall(r'data-testid="calendar-url">([^<]+)<', page.text)
        assert feed_links and feed_links[0].startswith(f"{address}/calendar/"), feed_links
        feed = parent.get(feed_links[0])  # the link itself works
        assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
        unfolded = feed.text.replace("\r\n ", "")
        assert f"{address}/children/" in unfolded, "each contact links back to this portal"
        assert "127.0.0.1:8000" not in unfolded

        anonymous = httpx.Client(base_url=address, timeout=30)
        csrf = CSRF.findall(anonymous.get("/password-reset").text)[0]
        anonymous.post("/password-reset", data={"email": "parent1@example.jp", "csrf_token": csrf})
        bodies = _outbox_bodies(tmp_path, "parent1@example.jp")
        links = [link for body in bodies for link in re.findall(r"https?://\S+", body)]
        assert links and all(link.startswith(f"{address}/") for link in links), links
        assert anonymous.get(links[-1]).status_code == 200, "the e-mailed link opens the reset form"

    # A separate `qpi worker` of this development setup sends the same address.
    worker_settings = Settings(env="development", data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert worker_settings.base_url == address


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker", "--once"]])
def test_outside_development_a_missing_base_url_is_refused_at_start(
    tmp_path: Path, command: list[str]
) -> None:
    env = qpi_env(tmp_path, QPI_ENV="production", QPI_SECRET_KEY="p" * 48)
    env.pop(clock.OFFSET_ENV)  # production refuses a moved clock; this test is about the address
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "QPI_BASE_URL" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "cli.sqlite3").exists(), "refused before touching the database"


def test_outside_development_the_app_does_not_start_without_base_url(tmp_path: Path) -> None:
    from app.main import create_app

    for env in ("production", "test"):
        settings = Settings(env=env, data_dir=tmp_path, secret_key="k" * 48, _env_file=None)  # type: ignore[call-arg]
        with pytest.raises(InsecureSettings, match="QPI_BASE_URL"):
            create_app(settings)
    no_scheme = Settings(env="production", secret_key="k" * 48, base_url="qpi.example.jp", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(InsecureSettings, match="https://"):
        no_scheme.check_base_url()


def test_an_address_set_in_development_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QPI_ENV", "development")
    monkeypatch.setenv("QPI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QPI_BASE_URL", "https://demo.example.jp/")
    get_settings.cache_clear()
    try:
        assert follow_served_address("127.0.0.1", 8821).base_url == "https://demo.example.jp"
        monkeypatch.setenv("QPI_BASE_URL", "")
        get_settings.cache_clear()
        assert follow_served_address(EVERY_INTERFACE, 8821).base_url == "http://127.0.0.1:8821"
    finally:
        get_settings.cache_clear()


def test_served_address_is_one_a_browser_on_this_machine_can_open() -> None:
    assert served_base_url("127.0.0.1", 8821) == "http://127.0.0.1:8821"
    assert served_base_url(EVERY_INTERFACE, 8000) == "http://127.0.0.1:8000"
    assert served_base_url("::", 8000) == "http://[::1]:8000"
    assert served_base_url("localhost", 9000) == "http://localhost:9000"
