"""Export of a centre's caseload (issue 8.4) in the import's own columns, so that a file taken out
can be brought back in unchanged: one row per placement, the child's columns repeated.

Who may export is who may import (app/authz/imports.py): the caseload belongs to the centre, and
the person who answers for all of it takes it out. Team members are the professionals on the
team (e-mail address, else name); families are not written: their details stay in the portal,
where the sharing policy decides who sees them, and the import adds the current foster family
to the team by itself.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, or_, select

from app import clock
from app.audit import service as audit
from app.authz.actor import Actor
from app.authz.policy import TeamRole
from app.children.models import END_REASON_LABELS, PLACEMENT_KIND_LABELS, SEX_LABELS, Child, Placement
from app.exports.cells import Cell, csv_text, xlsx_bytes
from app.i18n import translate_in
from app.imports.columns import COLUMNS
from app.orgs.models import Organisation
from app.people.models import Household, Person
from app.teams.models import TeamMembership

FAMILY_ROLES = frozenset(
    {
        TeamRole.FOSTER_PARENT.value,
        TeamRole.KINSHIP_CARER.value,
        TeamRole.BIRTH_PARENT.value,
        TeamRole.FAMILY_MEMBER.value,
        TeamRole.SUPPORTER.value,
    }
)
SEX_WORDS = {"female": "女", "male": "男", "not_stated": "不明"}


def _ja(labels: Mapping[Any, str], value: str | None) -> str:
    if not value:
        return ""
    for key, message in labels.items():
        if key.value == value:
            return translate_in("ja", message)
    return value


def caseload_rows(db: Session, centres: list[Organisation]) -> list[list[Cell]]:
    today = clock.today()
    names = {c.id: c.name for c in centres}
    children = list(
        db.exec(
            select(Child)
            .where(col(Child.responsible_centre_id).in_(list(names)), col(Child.archived_at).is_(None))
            .order_by(col(Child.case_number), col(Child.family_name_kana))
        )
    )
    ids = [c.id for c in children]
    placements: dict[uuid.UUID, list[Placement]] = defaultdict(list)
    members: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if ids:
        for placement in db.exec(
            select(Placement)
            .where(col(Placement.child_id).in_(ids), col(Placement.archived_at).is_(None))
            .order_by(col(Placement.start_date))
        ):
            placements[placement.child_id].append(placement)
        for membership in db.exec(
            select(TeamMembership).where(
                col(TeamMembership.child_id).in_(ids),
                or_(col(TeamMembership.end_date).is_(None), col(TeamMembership.end_date) > today),
                col(TeamMembership.start_date) <= today,
            )
        ):
            if membership.role not in FAMILY_ROLES:
                members[membership.child_id].append(membership.person_id)
    people = _people(
        db,
        {p for ps in members.values() for p in ps}
        | {c.lead_caseworker_id for c in children if c.lead_caseworker_id},
    )
    places = _places(db)
    rows: list[list[Cell]] = []
    for child in children:
        team = "; ".join(
            sorted(people.get(p, "") for p in members[child.id] if p != child.lead_caseworker_id)
        )
        base: dict[str, Cell] = {
            "centre": names[child.responsible_centre_id],
            "case_number": child.case_number or "",
            "family_name": child.family_name,
            "given_name": child.given_name,
            "family_name_kana": child.family_name_kana,
            "given_name_kana": child.given_name_kana,
            "date_of_birth": child.date_of_birth,
            "date_of_birth_estimated": "○" if child.date_of_birth_estimated else "",
            "sex": SEX_WORDS.get(child.sex, _ja(SEX_LABELS, child.sex)),
            "lead_caseworker": people.get(child.lead_caseworker_id, "") if child.lead_caseworker_id else "",
            "team_members": team,
        }
        rows_of_child: list[Placement | None] = list(placements[child.id]) or [None]
        for shown in rows_of_child:
            row = dict(base)
            if shown is not None:
                placement = shown
                row.update(
                    {
                        "placement_kind": _ja(PLACEMENT_KIND_LABELS, placement.kind),
                        "placement_start": placement.start_date,
                        "placement_end": placement.end_date,
                        "end_reason": _ja(END_REASON_LABELS, placement.end_reason),
                        "placement_place": places.get(
                            placement.household_id or placement.facility_id or uuid.UUID(int=0), ""
                        ),
                    }
                )
            rows.append([row.get(c.key) for c in COLUMNS])
    return rows


def _people(db: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {p.id: (p.email or p.display_name) for p in db.exec(select(Person).where(col(Person.id).in_(ids)))}


def _places(db: Session) -> dict[uuid.UUID, str]:
    found: dict[uuid.UUID, str] = {h.id: h.name for h in db.exec(select(Household))}
    found.update({o.id: o.name for o in db.exec(select(Organisation))})
    return found


def _audit(db: Session, actor: Actor, centres: list[Organisation], rows: int, kind: str) -> None:
    for centre in centres:
        audit.record(db, actor, "export", "organisation", centre.id, summary=f"caseload {kind}, {rows} rows")


def caseload_csv(db: Session, actor: Actor, centres: list[Organisation]) -> bytes:
    rows = caseload_rows(db, centres)
    _audit(db, actor, centres, len(rows), "csv")
    return csv_text([c.japanese for c in COLUMNS], rows).encode("utf-8")


def caseload_xlsx(db: Session, actor: Actor, centres: list[Organisation]) -> bytes:
    rows = caseload_rows(db, centres)
    _audit(db, actor, centres, len(rows), "xlsx")
    return xlsx_bytes([("児童一覧", [c.japanese for c in COLUMNS], rows)])


def filename(kind: str) -> str:
    return f"caseload-{clock.today().isoformat()}.{kind}"
