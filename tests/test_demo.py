"""The demo data: believable, complete enough to show every feature, and loaded once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import Session, col, func, select

from app import clock
from app.accounts.models import Account
from app.authz.policy import TeamRole
from app.children.models import Child, Placement, PlacementKind
from app.db import make_engine
from app.demo.loader import load_demo
from app.demo.people import DEMO_SIGN_INS
from app.i18n import age_in_years
from app.migrate import upgrade
from app.orgs.models import Organisation, OrgKind
from app.sharing.models import ProtectionOrder
from app.teams.models import TeamMembership


def test_every_placement_kind_age_band_and_team_role_is_there(db: Session) -> None:
    kinds = set(db.exec(select(Placement.kind)))
    assert kinds == {k.value for k in PlacementKind}
    children = list(db.exec(select(Child)))
    assert 38 <= len(children) <= 45
    today = clock.today()
    bands = {min(age_in_years(c.date_of_birth, today) // 3, 5) for c in children}
    assert bands == {0, 1, 2, 3, 4, 5}, "infants, preschool, school age and teenagers"
    roles = set(db.exec(select(TeamMembership.role)))
    assert roles == {r.value for r in TeamRole} - {TeamRole.SUPERVISOR.value}  # supervisors see by position
    former = db.exec(
        select(func.count()).select_from(TeamMembership).where(col(TeamMembership.end_date).is_not(None))
    )
    assert former.one() >= 1, "a former team member, to show that access ends"


def test_nagano_organisations(db: Session) -> None:
    orgs = list(db.exec(select(Organisation)))
    centres = [o for o in orgs if o.kind == OrgKind.CHILD_GUIDANCE_CENTRE]
    assert sorted(o.name for o in centres) == sorted(
        [
            "長野県中央児童相談所",
            "長野県松本児童相談所",
            "長野県飯田児童相談所",
            "長野県諏訪児童相談所",
            "長野県佐久児童相談所",
        ]
    )
    facility_regions = {o.region for o in orgs if o.kind in ("infant_home", "childrens_home", "family_home")}
    assert len(facility_regions) >= 5
    assert any(o.kind == OrgKind.FOSTERING_AGENCY for o in orgs)
    assert any(o.kind == OrgKind.MUNICIPALITY for o in orgs)


def test_sign_ins_and_protection_order(db: Session) -> None:
    emails = set(db.exec(select(Account.email)))
    assert {s.email for s in DEMO_SIGN_INS} <= emails
    assert db.exec(select(Account).where(Account.email == "admin@example.jp")).one().is_admin
    orders = list(db.exec(select(ProtectionOrder)))
    assert len(orders) == 1


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/twice.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as db:
        first = load_demo(db, today=dt.date(2026, 4, 1))
        db.commit()
    with Session(engine) as db:
        counts = {
            t: db.exec(select(func.count()).select_from(t)).one() for t in (Child, Placement, TeamMembership)
        }
        second = load_demo(db, today=dt.date(2026, 4, 2))
        db.commit()
        after = {
            t: db.exec(select(func.count()).select_from(t)).one() for t in (Child, Placement, TeamMembership)
        }
    engine.dispose()
    assert first.startswith("Demo data loaded")
    assert second == "Demo data already loaded: nothing changed."
    assert counts == after


def test_benchmark_children_are_added_in_batches_and_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    upgrade(url)
    engine = make_engine(url)
    lines: list[str] = []
    with Session(engine) as db:
        load_demo(db, extra_children=600, progress=lines.append)
        db.commit()
    with Session(engine) as db:
        load_demo(db, extra_children=600)
        db.commit()
        total = db.exec(select(func.count()).select_from(Child)).one()
    engine.dispose()
    assert total == 40 + 600
    assert lines == ["  synthetic children: 500/600", "  synthetic children: 600/600"]
