"""From the rows of a spreadsheet to a plan: per child, what will be created, updated or left as it
is, and every problem with its row and column. Nothing here writes; app/imports/apply.py does,
and only for a plan without problems.

Rows are keyed on the centre's case number: a row whose case number the centre already has
updates that child, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from app.authz.policy import TeamRole
from app.children.models import Child, Placement, PlacementKind
from app.i18n import get_locale, gettext
from app.imports.columns import BY_KEY, COLUMNS, HEADERS, header_key, split_members
from app.imports.dates import parse_date
from app.imports.lookups import Lookups
from app.imports.vocabulary import case_key, cell_key, end_reasons, flag, placement_kinds, sexes

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
CHILD_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "date_of_birth",
    "date_of_birth_estimated",
    "sex",
    "lead_caseworker_id",
)
PLACEMENT_FIELDS = ("end_date", "end_reason", "household_id", "facility_id")


@dataclass
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the column's label in the reader's language ("" for the whole file)
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlacementIn:
    row: int
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str | None
    household_id: uuid.UUID | None
    facility_id: uuid.UUID | None
    existing: Placement | None = None

    def values(self) -> dict[str, Any]:
        return {
            "end_date": self.end_date,
            "end_reason": self.end_reason,
            "household_id": self.household_id,
            "facility_id": self.facility_id,
        }

    @property
    def changed(self) -> bool:
        if self.existing is None:
            return True
        return any(getattr(self.existing, k) != v for k, v in self.values().items())


@dataclass
class ChildIn:
    case_number: str
    rows: list[int]
    fields: dict[str, Any]
    placements: list[PlacementIn] = field(default_factory=list)
    members: dict[uuid.UUID, str] = field(default_factory=dict)  # person -> team role
    existing: Child | None = None
    new_members: dict[uuid.UUID, str] = field(default_factory=dict)
    action: str = CREATE

    @property
    def name(self) -> str:
        return f"{self.fields.get('family_name', '')} {self.fields.get('given_name', '')}".strip()


@dataclass
class Plan:
    centre_id: uuid.UUID
    total_rows: int = 0
    children: list[ChildIn] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for c in self.children if c.action == action)

    @property
    def placements_to_save(self) -> int:
        return sum(1 for c in self.children for p in c.placements if p.changed)

    @property
    def members_to_add(self) -> int:
        return sum(len(c.new_members) for c in self.children)

    def rows(self) -> list[dict[str, Any]]:
        """Row by row for the preview: the child's action and the row's problems."""
        problems: dict[int, list[Problem]] = {}
        for problem in self.problems:
            problems.setdefault(problem.row, []).append(problem)
        out: list[dict[str, Any]] = []
        for child in self.children:
            for row in child.rows:
                out.append(
                    {
                        "row": row,
                        "case_number": child.case_number,
                        "name": child.name,
                        "action": child.action,
                        "problems": [p.as_dict() for p in problems.pop(row, [])],
                    }
                )
        for row, left in sorted(problems.items()):  # rows that never became a child, and the header
            out.append(
                {
                    "row": row,
                    "case_number": "",
                    "name": "",
                    "action": "",
                    "problems": [p.as_dict() for p in left],
                }
            )
        return sorted(out, key=lambda r: r["row"])

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.total_rows,
            "children_created": self.count(CREATE),
            "children_updated": self.count(UPDATE),
            "children_unchanged": self.count(UNCHANGED),
            "placements_saved": self.placements_to_save,
            "team_members_added": self.members_to_add,
            "problems": len(self.problems),
        }


def label(key: str) -> str:
    """A column as the reader knows it: the template's header in Japanese, else its English name."""
    column = BY_KEY[key]
    return column.japanese if get_locale() == "ja" else gettext(column.english)


def make_plan(rows: list[list[str]], found: Lookups) -> Plan:
    plan = Plan(centre_id=found.centre.id)
    rows = [r for r in rows if any(cell.strip() for cell in r)] if rows else []
    if not rows:
        plan.problems.append(Problem(1, "", gettext("The file has no rows.")))
        return plan
    header, body = rows[0], rows[1:]
    columns = _columns(header, plan)
    if plan.problems:
        return plan
    plan.total_rows = len(body)
    if not body:
        plan.problems.append(Problem(2, "", gettext("The file has headers but no children.")))
        return plan
    groups: dict[str, ChildIn] = {}
    for offset, cells in enumerate(body):
        number = offset + 2
        values = {key: (cells[i].strip() if i < len(cells) else "") for i, key in columns.items()}
        _read_row(number, values, found, plan, groups)
    for child in groups.values():
        _check_child(child, found, plan)
    plan.children = list(groups.values())
    return plan


def _columns(header: list[str], plan: Plan) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, text in enumerate(header):
        if not text.strip():
            continue
        key = HEADERS.get(header_key(text))
        if key is None:
            plan.problems.append(
                Problem(
                    1,
                    text,
                    gettext("Unknown column “%(header)s”. Use the headers of the template.", header=text),
                )
            )
        elif key in columns.values():
            plan.problems.append(Problem(1, text, gettext("This column appears twice.")))
        else:
            columns[index] = key
    for column in COLUMNS:
        if column.required and column.key not in columns.values():
            plan.problems.append(
                Problem(
                    1,
                    label(column.key),
                    gettext("This column is missing (header “%(header)s”).", header=column.japanese),
                )
            )
    return columns


def _read_row(
    number: int, values: dict[str, str], found: Lookups, plan: Plan, groups: dict[str, ChildIn]
) -> None:
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(number, label(key), message))

    def required(key: str) -> str:
        text = values.get(key, "")
        if not text:
            problem(key, gettext("This is required."))
        return text

    centre = values.get("centre", "")
    if centre and cell_key(centre) != cell_key(found.centre.name):
        problem(
            "centre",
            gettext(
                "Unknown centre “%(name)s”: this import is for %(centre)s.",
                name=centre,
                centre=found.centre.name,
            ),
        )
    case_number = case_key(required("case_number"))
    fields: dict[str, Any] = {
        "family_name": required("family_name"),
        "given_name": required("given_name"),
        "family_name_kana": values.get("family_name_kana", ""),
        "given_name_kana": values.get("given_name_kana", ""),
    }
    for key in ("family_name", "given_name", "family_name_kana", "given_name_kana"):
        if len(fields[key]) > 100:
            problem(key, gettext("At most 100 characters."))
    if len(case_number) > 40:
        problem("case_number", gettext("At most 40 characters."))
    born_text = required("date_of_birth")
    born = parse_date(born_text) if born_text else None
    if born_text and born is None:
        problem("date_of_birth", _not_a_date(born_text))
    elif born is not None and born > found.today:
        problem("date_of_birth", gettext("The date of birth cannot be in the future."))
    elif born is not None and born.year < found.today.year - 25:
        problem("date_of_birth", gettext("The date of birth is more than 25 years ago."))
    fields["date_of_birth"] = born
    estimated = flag(values.get("date_of_birth_estimated", ""))
    if estimated is None:
        problem(
            "date_of_birth_estimated", gettext("Write ○ for an estimated date of birth, or leave it blank.")
        )
    fields["date_of_birth_estimated"] = bool(estimated)
    sex_text = required("sex")
    fields["sex"] = sexes().get(cell_key(sex_text)) if sex_text else None
    if sex_text and fields["sex"] is None:
        problem("sex", gettext("Write 女, 男 or 不明."))
    fields["lead_caseworker_id"] = _lead(values.get("lead_caseworker", ""), found, problem)
    members = _members(values.get("team_members", ""), found, problem)
    placement = _placement(values, born, found, problem, required)

    plan.problems.extend(problems)
    if not case_number:
        return
    child = groups.get(case_number)
    if child is None:
        child = groups[case_number] = ChildIn(case_number=case_number, rows=[], fields=fields)
    else:
        first = child.rows[0]
        for key in CHILD_FIELDS:
            if (
                fields.get(key) != child.fields.get(key)
                and fields.get(key) is not None
                and child.fields.get(key) is not None
            ):
                column = "lead_caseworker" if key == "lead_caseworker_id" else key
                plan.problems.append(
                    Problem(
                        number,
                        label(column),
                        gettext(
                            "Case number %(number)s is used twice for different children: "
                            "this differs from row %(row)d.",
                            number=case_number,
                            row=first,
                        ),
                    )
                )
                break
    child.rows.append(number)
    child.members.update(members)
    if placement is not None:
        placement.row = number
        child.placements.append(placement)


def _not_a_date(text: str) -> str:
    return gettext(
        "“%(text)s” is not a date. Write 2025/4/1, 2025-04-01, 令和7年4月1日 or R7.4.1.", text=text
    )


def _lead(text: str, found: Lookups, problem: Any) -> uuid.UUID | None:
    if not text:
        return None
    person_id = _person(text, found)
    if person_id is None or person_id not in found.leads:
        problem(
            "lead_caseworker",
            gettext("“%(text)s” is not a caseworker or supervisor of the centre.", text=text),
        )
        return None
    return person_id


def _person(text: str, found: Lookups) -> uuid.UUID | None:
    if "@" in text:
        return found.by_email.get(text.strip().lower())
    ids = found.staff_by_name.get(cell_key(text), [])
    return ids[0] if len(ids) == 1 else None


def _members(text: str, found: Lookups, problem: Any) -> dict[uuid.UUID, str]:
    members: dict[uuid.UUID, str] = {}
    for part in split_members(text):
        person_id = _person(part, found)
        if person_id is None:
            if "@" not in part and len(found.staff_by_name.get(cell_key(part), [])) > 1:
                message = gettext(
                    "Two members of staff are called “%(text)s”: use the e-mail address.", text=part
                )
            else:
                message = gettext(
                    "Nobody with the e-mail address or on the centre's staff list is “%(text)s”.", text=part
                )
            problem("team_members", message)
            continue
        role = found.staff_role.get(person_id) or found.role_of_person.get(person_id)
        if role is None:
            problem(
                "team_members",
                gettext(
                    "“%(text)s” is neither staff nor a foster carer: invite them from the child's page.",
                    text=part,
                ),
            )
            continue
        members[person_id] = role
    return members


def _placement(
    values: dict[str, str], born: dt.date | None, found: Lookups, problem: Any, required: Any
) -> PlacementIn | None:
    kind_text = required("placement_kind")
    kind = placement_kinds().get(cell_key(kind_text)) if kind_text else None
    if kind_text and kind is None:
        problem(
            "placement_kind",
            gettext("Unknown placement kind “%(text)s”. Use the words of the template.", text=kind_text),
        )
    start_text = required("placement_start")
    start = parse_date(start_text) if start_text else None
    if start_text and start is None:
        problem("placement_start", _not_a_date(start_text))
    end_text = values.get("placement_end", "")
    end = parse_date(end_text) if end_text else None
    if end_text and end is None:
        problem("placement_end", _not_a_date(end_text))
    reason_text = values.get("end_reason", "")
    reason = end_reasons().get(cell_key(reason_text)) if reason_text else None
    if reason_text and reason is None:
        problem(
            "end_reason",
            gettext("Unknown end reason “%(text)s”. Use the words of the template.", text=reason_text),
        )
    if end is not None and not reason_text:
        problem("end_reason", gettext("Say why the placement ended."))
    if reason_text and not end_text:
        problem("placement_end", gettext("An end reason needs the end date."))
    if start and end and end < start:
        problem("placement_end", gettext("The placement ends before it starts."))
    if start and born and start < born:
        problem("placement_start", gettext("The placement cannot start before the child was born."))
    if start and start > found.today + dt.timedelta(days=366):
        problem("placement_start", gettext("The start date is more than a year ahead."))
    household_id, facility_id = _place(values.get("placement_place", ""), kind, found, problem)
    if kind is None or start is None:
        return None
    return PlacementIn(0, kind, start, end, reason, household_id, facility_id)


def _place(
    text: str, kind: str | None, found: Lookups, problem: Any
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    if kind is None:
        return None, None
    placement_kind = PlacementKind(kind)
    households = found.households.get(cell_key(text), []) if text else []
    facilities = found.facilities.get(cell_key(text), []) if text else []
    if placement_kind.in_a_household or (placement_kind is PlacementKind.TEMPORARY_PROTECTION and households):
        if len(households) == 1:
            return households[0], None
        if placement_kind.in_a_household:
            problem("placement_place", _unknown_place(text, gettext("foster family")))
            return None, None
    if placement_kind.in_a_facility or (placement_kind is PlacementKind.TEMPORARY_PROTECTION and text):
        if len(facilities) == 1:
            return None, facilities[0]
        problem("placement_place", _unknown_place(text, gettext("facility")))
        return None, None
    if text:
        problem(
            "placement_place",
            gettext("This kind of placement has no foster family or facility: leave it blank."),
        )
    return None, None


def _unknown_place(text: str, what: str) -> str:
    if not text:
        return gettext("Write the name of the %(what)s.", what=what)
    return gettext("No %(what)s is called “%(text)s”.", what=what, text=text)


def _check_child(child: ChildIn, found: Lookups, plan: Plan) -> None:
    """Across the child's rows: placements in order without overlap; then what changes."""
    if not child.placements:
        plan.problems.append(
            Problem(
                child.rows[0], label("placement_kind"), gettext("Each child needs at least one placement.")
            )
        )
    child.existing = found.children.get(child.case_number)
    existing = found.placements.get(child.existing.id, []) if child.existing else []
    for placement in child.placements:
        placement.existing = next(
            (p for p in existing if p.kind == placement.kind and p.start_date == placement.start_date), None
        )
    matched = {p.existing.id for p in child.placements if p.existing is not None}
    spans = [(p.start_date, p.end_date, p.row) for p in child.placements] + [
        (p.start_date, p.end_date, 0) for p in existing if p.id not in matched
    ]
    spans.sort(key=lambda s: (s[0], s[2]))
    for before, after in itertools.pairwise(spans):
        if before[1] is None or before[1] > after[0]:
            row = after[2] or before[2]
            if after[2] and before[2]:
                message = gettext("This placement overlaps the one on row %(row)d.", row=before[2])
            else:
                message = gettext(
                    "This placement overlaps a placement the portal already has for this child."
                )
            plan.problems.append(Problem(row, label("placement_start"), message))
    _team(child, found)
    _action(child, found)


def _team(child: ChildIn, found: Lookups) -> None:
    team = dict(child.members)
    lead = child.fields.get("lead_caseworker_id")
    if lead is not None:
        team.setdefault(lead, TeamRole.CASEWORKER.value)
    for placement in child.placements:  # the family the child lives with now is on the team
        if placement.household_id and placement.end_date is None:
            role = (
                TeamRole.KINSHIP_CARER.value
                if placement.kind == PlacementKind.KINSHIP_FOSTER_FAMILY.value
                else TeamRole.FOSTER_PARENT.value
            )
            for person_id in found.household_members.get(placement.household_id, []):
                team.setdefault(person_id, role)
    child.members = team
    active = found.members.get(child.existing.id, {}) if child.existing else {}
    child.new_members = {p: r for p, r in team.items() if p not in active}


def _action(child: ChildIn, found: Lookups) -> None:
    if child.existing is None:
        child.action = CREATE
        return
    differs = any(
        child.fields.get(key) is not None and getattr(child.existing, key) != child.fields[key]
        for key in CHILD_FIELDS
    )
    if differs or child.new_members or any(p.changed for p in child.placements):
        child.action = UPDATE
    else:
        child.action = UNCHANGED
