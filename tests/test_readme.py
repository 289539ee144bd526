"""The README's two commands are the ones that work, and CI runs the second one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    return [b.strip() for b in blocks]


def test_first_two_commands_run_the_portal_and_the_tests() -> None:
    first, second = readme_commands()[:2]
    assert "qpi demo" in first and "qpi serve" in first
    assert "pytest" in second


def test_ci_runs_the_readme_test_command() -> None:
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_has_help() -> None:
    qpi = [sys.executable, "-m", "app.cli"]
    for command in (
        [],
        ["serve"],
        ["migrate"],
        ["demo"],
        ["create-admin"],
        ["worker"],
        ["token"],
        ["token", "create"],
    ):
        result = subprocess.run(
            [*qpi, *command, "--help"], capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout


def test_readme_lists_every_demo_sign_in() -> None:
    from app.demo.people import DEMO_PASSWORD, DEMO_SIGN_INS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert DEMO_PASSWORD in readme
    for entry in DEMO_SIGN_INS:
        assert f"`{entry.email}`" in readme
