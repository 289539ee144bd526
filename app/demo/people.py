"""The demo sign-ins, listed by `qpi demo`, the README and (in development) the sign-in page."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_

DEMO_PASSWORD = "nagano-qpi-demo"  # published: development data only
# Staff must use a second factor. The demo staff share this published secret; in development the
# code step shows their current code, so the demo needs no authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPQPIDEMONAGANO234"


@dataclass(frozen=True)
class DemoSignIn:
    key: str
    email: str
    label: str
    password: str = DEMO_PASSWORD


DEMO_SIGN_INS = (
    DemoSignIn("admin", "admin@example.jp", N_("Administrator")),
    DemoSignIn("supervisor", "supervisor@example.jp", N_("Supervisor, Chuo child guidance centre")),
    DemoSignIn("caseworker1", "caseworker1@example.jp", N_("Caseworker, Chuo child guidance centre")),
    DemoSignIn("caseworker2", "caseworker2@example.jp", N_("Caseworker, Matsumoto child guidance centre")),
    DemoSignIn("coordinator", "coordinator@example.jp", N_("Coordinator, fostering agency Nagano")),
    DemoSignIn("keyworker", "keyworker@example.jp", N_("Key worker, children's home in Ueda")),
    DemoSignIn("foster1", "foster1@example.jp", N_("Foster parent (Tanaka family)")),
    DemoSignIn("foster2", "foster2@example.jp", N_("Foster parent (Suzuki family)")),
    DemoSignIn("parent1", "parent1@example.jp", N_("Birth parent (Yamada)")),
    DemoSignIn(
        "parent2", "parent2@example.jp", N_("Birth parent (Kimura), under a protection order for one child")
    ),
)


def demo_sign_ins() -> tuple[DemoSignIn, ...]:
    return DEMO_SIGN_INS
