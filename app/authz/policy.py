"""The sharing policy, loaded from sharing_policy.toml: categories, roles, levels and the matrix.

The file is the single source; this module only gives it types. Overrides made by an
administrator for a deployment are applied on top (see app/sharing/service.py).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from functools import lru_cache
from pathlib import Path

from app.i18n import get_locale

POLICY_FILE = Path(__file__).with_name("sharing_policy.toml")


class Level(IntEnum):
    NONE = 0
    SEE = 1
    ADD = 2
    MANAGE = 3

    @classmethod
    def parse(cls, name: str) -> Level:
        return cls[name.upper()]

    @property
    def key(self) -> str:
        return self.name.lower()


class Category(StrEnum):
    BASIC_PROFILE = "basic_profile"
    CARE_INFO = "care_info"
    WHEREABOUTS = "whereabouts"
    FOSTER_CONTACT = "foster_contact"
    BIRTH_FAMILY_CONTACT = "birth_family_contact"
    BIRTH_FAMILY_BACKGROUND = "birth_family_background"
    ASSESSMENTS = "assessments"
    LEGAL = "legal"
    CONTACT_RECORDS = "contact_records"
    MEETING_NOTES = "meeting_notes"
    PERMANENCY_PLAN = "permanency_plan"
    DAILY_LOG = "daily_log"
    MESSAGES = "messages"
    DOCUMENTS = "documents"


class TeamRole(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    PSYCHOLOGIST = "psychologist"
    PERMANENCY_OFFICER = "permanency_officer"
    QPI_OFFICER = "qpi_officer"
    AGENCY_COORDINATOR = "agency_coordinator"
    KEY_WORKER = "key_worker"
    MUNICIPAL_WORKER = "municipal_worker"
    FOSTER_PARENT = "foster_parent"
    KINSHIP_CARER = "kinship_carer"
    BIRTH_PARENT = "birth_parent"
    FAMILY_MEMBER = "family_member"
    SUPPORTER = "supporter"


# Roles whose holders care for the child day to day; a protection order hides who they are.
CARER_ROLES = frozenset({TeamRole.FOSTER_PARENT, TeamRole.KINSHIP_CARER, TeamRole.KEY_WORKER})
# Roles whose sight of the foster family's contact details needs the family's recorded consent.
BIRTH_FAMILY_ROLES = frozenset({TeamRole.BIRTH_PARENT, TeamRole.FAMILY_MEMBER})
# The family the child is placed with: their own address and phone are the foster family's details.
FOSTER_FAMILY_ROLES = frozenset({TeamRole.FOSTER_PARENT, TeamRole.KINSHIP_CARER})


def contact_category(role: TeamRole) -> Category | None:
    """The category that guards a member's personal contact details; None: a supporter's, which only
    professionals see. Staff details are work details, part of the basic profile."""
    if role in FOSTER_FAMILY_ROLES:
        return Category.FOSTER_CONTACT
    if role in BIRTH_FAMILY_ROLES:
        return Category.BIRTH_FAMILY_CONTACT
    if role is TeamRole.SUPPORTER:
        return None
    return Category.BASIC_PROFILE


@dataclass(frozen=True)
class Text:
    """A text given in the policy file in both languages."""

    ja: str
    en: str

    def __str__(self) -> str:
        return self.ja if get_locale() == "ja" else self.en


@dataclass(frozen=True)
class PolicyReason:
    """Why a part of the policy reads as it does, with the seed document it answers."""

    text: Text
    seed: Text


@dataclass(frozen=True)
class CategoryInfo:
    key: Category
    label: Text
    about: Text
    audit_reads: bool


@dataclass(frozen=True)
class RoleInfo:
    key: TeamRole
    label: Text
    group: str
    why: Text

    @property
    def is_professional(self) -> bool:
        return self.group == "professional"


@dataclass(frozen=True)
class SharingPolicy:
    levels: Mapping[Level, Text]
    categories: Mapping[Category, CategoryInfo]
    roles: Mapping[TeamRole, RoleInfo]
    matrix: Mapping[tuple[TeamRole, Category], Level]
    hard_rules: Mapping[str, Text]
    centre_wide_positions: frozenset[str]
    inviting_roles: frozenset[TeamRole] = frozenset()
    invitable_roles: tuple[TeamRole, ...] = ()
    access_log_roles: frozenset[TeamRole] = frozenset()
    # Cells an administrator changed for this deployment: (role, category) -> default level.
    overridden: Mapping[tuple[TeamRole, Category], Level] = field(default_factory=dict)
    reasons: Mapping[str, PolicyReason] = field(default_factory=dict)
    # role -> categories whose items the role sees only where the author names them.
    named_only: Mapping[TeamRole, frozenset[Category]] = field(default_factory=dict)

    def level(self, role: TeamRole | str, category: Category | str) -> Level:
        return self.matrix[(TeamRole(role), Category(category))]

    def default_level(self, role: TeamRole, category: Category) -> Level:
        return self.overridden.get((role, category), self.matrix[(role, category)])

    def with_overrides(self, overrides: Mapping[tuple[TeamRole, Category], Level]) -> SharingPolicy:
        if not overrides:
            return self
        matrix = dict(self.matrix)
        overridden = {}
        for cell, level in overrides.items():
            overridden[cell] = self.matrix[cell]
            matrix[cell] = level
        return SharingPolicy(
            levels=self.levels,
            categories=self.categories,
            roles=self.roles,
            matrix=matrix,
            hard_rules=self.hard_rules,
            centre_wide_positions=self.centre_wide_positions,
            inviting_roles=self.inviting_roles,
            invitable_roles=self.invitable_roles,
            access_log_roles=self.access_log_roles,
            overridden=overridden,
            reasons=self.reasons,
            named_only=self.named_only,
        )

    def roles_that_see(self, category: Category) -> list[TeamRole]:
        return [role for role in TeamRole if self.matrix[(role, category)] >= Level.SEE]

    def professional_roles(self) -> frozenset[TeamRole]:
        return frozenset(r for r, info in self.roles.items() if info.is_professional)


def _text(table: Mapping[str, object], prefix: str = "") -> Text:
    return Text(ja=str(table[f"{prefix}ja"]), en=str(table[f"{prefix}en"]))


def parse_policy(raw: Mapping[str, object]) -> SharingPolicy:
    """Build the policy from the TOML tables; a missing role, category or cell is an error."""
    levels_raw = raw["levels"]
    categories_raw = raw["categories"]
    roles_raw = raw["roles"]
    matrix_raw = raw["matrix"]
    hard_raw = raw["hard_rules"]
    assert isinstance(levels_raw, dict) and isinstance(categories_raw, dict)
    assert isinstance(roles_raw, dict) and isinstance(matrix_raw, dict) and isinstance(hard_raw, dict)

    levels = {Level.parse(k): _text(v) for k, v in levels_raw.items()}
    categories = {
        Category(k): CategoryInfo(Category(k), _text(v), _text(v, "about_"), bool(v["audit_reads"]))
        for k, v in categories_raw.items()
    }
    roles = {}
    matrix: dict[tuple[TeamRole, Category], Level] = {}
    for role in TeamRole:
        row = matrix_raw[role.value]
        roles[role] = RoleInfo(
            role, _text(roles_raw[role.value]), roles_raw[role.value]["group"], _text(row, "why_")
        )
        for category in Category:
            matrix[(role, category)] = Level.parse(row[category.value])
    missing = set(Category) - set(categories)
    if missing:
        raise ValueError(f"sharing policy lacks categories: {sorted(missing)}")
    centre_wide = raw.get("centre_wide", {})
    invitations = raw.get("invitations", {})
    access_log = raw.get("access_log", {})
    assert isinstance(centre_wide, dict) and isinstance(invitations, dict) and isinstance(access_log, dict)
    reasons, named_only = raw.get("reasons", {}), raw.get("named_only", {})
    assert isinstance(reasons, dict) and isinstance(named_only, dict)
    return SharingPolicy(
        levels=levels,
        categories=categories,
        roles=roles,
        matrix=matrix,
        hard_rules={k: _text(v) for k, v in hard_raw.items()},
        centre_wide_positions=frozenset(centre_wide.get("positions", [])),
        inviting_roles=frozenset(TeamRole(r) for r in invitations.get("inviting_roles", [])),
        invitable_roles=tuple(TeamRole(r) for r in invitations.get("invitable_roles", [])),
        access_log_roles=frozenset(TeamRole(r) for r in access_log.get("roles", [])),
        reasons={k: PolicyReason(_text(v), _text(v, "seed_")) for k, v in reasons.items()},
        named_only={TeamRole(r): frozenset(Category(c) for c in cs) for r, cs in named_only.items()},
    )


@lru_cache(maxsize=1)
def default_policy() -> SharingPolicy:
    with POLICY_FILE.open("rb") as handle:
        return parse_policy(tomllib.load(handle))
