"""What one person may do with one child's information, and why.

A ChildAccess is only ever made by app.authz.scope.child_access(), which has already checked
that the child is in the reader's scope. Every service that reads or writes case information
takes one, so holding it is the proof that the policy was asked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Protocol

from app.authz.actor import Actor
from app.authz.policy import (
    BIRTH_FAMILY_ROLES,
    Category,
    Level,
    SharingPolicy,
    TeamRole,
    contact_category,
    default_policy,
)
from app.i18n import format_date, gettext

# Whose own details they show by their own consent, person by person: the birth family, and a
# kinship carer, who is family too (sharing_policy.toml [reasons.kinship_carer_is_family]).
FAMILY_BY_CONSENT_ROLES = BIRTH_FAMILY_ROLES | {TeamRole.KINSHIP_CARER}


@dataclass(frozen=True)
class Grant:
    """Why a person has a role for a child: a team membership, or a centre-wide position."""

    role: TeamRole
    source: str  # "team" or "centre"
    since: dt.date | None = None
    until: dt.date | None = None
    organisation_name: str = ""

    def describe(self) -> str:
        role = str(default_policy().roles[self.role].label)
        if self.source == "centre":
            return gettext(
                "%(role)s at %(org)s, the child's responsible centre",
                role=role,
                org=self.organisation_name,
            )
        if self.until:
            return gettext(
                "On the team as %(role)s from %(start)s until %(end)s",
                role=role,
                start=format_date(self.since),
                end=format_date(self.until),
            )
        return gettext("On the team as %(role)s since %(start)s", role=role, start=format_date(self.since))


@dataclass(frozen=True)
class Reason:
    """One line of an explanation. allowed=None for context lines that decide nothing."""

    text: str
    allowed: bool | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[Reason, ...]

    def __bool__(self) -> bool:
        return self.allowed


class AudienceItem(Protocol):
    """Anything whose author may narrow its audience (CaseItem, later log entries, documents...)."""

    category: str
    audience: str
    audience_person_ids: list[str]
    author_id: uuid.UUID


@dataclass(frozen=True)
class ChildAccess:
    actor: Actor
    child_id: uuid.UUID
    responsible_centre_id: uuid.UUID
    grants: tuple[Grant, ...]
    policy: SharingPolicy
    under_protection_order: bool
    # The foster household agreed, with the caseworker, to show its address and phone to this reader.
    foster_contact_consent: bool
    on: dt.date
    # Family members who recorded their consent to show this reader their own contact details.
    family_contact_consents: frozenset[uuid.UUID] = frozenset()
    # Everyone a protection order for this child concerns today.
    protected_person_ids: frozenset[uuid.UUID] = frozenset()

    @property
    def person_id(self) -> uuid.UUID:
        return self.actor.person_id

    @property
    def roles(self) -> frozenset[TeamRole]:
        return frozenset(g.role for g in self.grants)

    @property
    def is_professional(self) -> bool:
        professional = self.policy.professional_roles()
        return any(role in professional for role in self.roles)

    @property
    def may_identify_carers(self) -> bool:
        """Hard rule: under a protection order, the carers' names and details stay hidden."""
        return not self.under_protection_order

    @property
    def may_message_carers(self) -> bool:
        """Hard rule: someone under a protection order writes to the professionals, not to the carers."""
        return not self.under_protection_order

    def may_see_time_and_place(self, participant_ids: set[uuid.UUID]) -> bool:
        """Hard rule: under a protection order, only one's own appointments show time and place."""
        return not self.under_protection_order or self.person_id in participant_ids

    @property
    def can_invite(self) -> bool:
        return bool(self.roles & self.policy.inviting_roles)

    def role_level(self, role: TeamRole, category: Category) -> Level:
        """The level a role gives for the whole category. Consent-bound sight is not category-wide:
        a family member's details are seen person by person (may_see_contact_details)."""
        category = Category(category)
        level = self.policy.level(role, category)
        if (
            category is Category.FOSTER_CONTACT
            and role in BIRTH_FAMILY_ROLES
            and not self.foster_contact_consent
        ):
            return Level.NONE
        if category is Category.BIRTH_FAMILY_CONTACT and not self.policy.roles[role].is_professional:
            return Level.NONE
        return level

    def may_see_contact_details(self, subject_id: uuid.UUID, subject_role: TeamRole) -> bool:
        """Whether the reader sees this team member's own address, phone and e-mail.

        Everyone sees their own. A family member's details reach professionals as the matrix says,
        and anyone else only with that family member's recorded consent for this very reader, and
        never while a protection order concerns either of them (hard rule family_contact_consent).
        """
        if subject_id == self.person_id:
            return True
        category = contact_category(subject_role)
        if category is None:
            return self.is_professional  # a supporter's details are for the professionals
        if self.can_see(category):
            return True
        if subject_role in FAMILY_BY_CONSENT_ROLES:
            return self.family_contact_by_consent(subject_id)
        return False

    def family_contact_by_consent(self, subject_id: uuid.UUID) -> bool:
        if self.under_protection_order or subject_id in self.protected_person_ids:
            return False
        if subject_id not in self.family_contact_consents:
            return False
        return self.may_receive_family_contact

    @property
    def may_share_own_contact(self) -> bool:
        """A family member may show their own details to chosen people on the team, one by one;
        not while a protection order concerns them (it would not count)."""
        return bool(self.roles & FAMILY_BY_CONSENT_ROLES) and not self.under_protection_order

    @property
    def may_agree_to_foster_consent(self) -> bool:
        """The foster family's consent to show its details counts once the caseworker agrees too."""
        return self.is_professional and self.can_manage(Category.FOSTER_CONTACT)

    @property
    def may_receive_family_contact(self) -> bool:
        """The reader holds a role to which a family member may show their details by consent."""
        return any(
            self.policy.level(role, Category.BIRTH_FAMILY_CONTACT) >= Level.SEE
            and not self.policy.roles[role].is_professional
            for role in self.roles
        )

    def level(self, category: Category) -> Level:
        category = Category(category)  # a plain string from a template must not slip past the hard rules
        if self.under_protection_order and category in (Category.WHEREABOUTS, Category.FOSTER_CONTACT):
            return Level.NONE
        return max((self.role_level(role, category) for role in self.roles), default=Level.NONE)

    def can(self, category: Category, needed: Level = Level.SEE) -> bool:
        return self.level(category) >= needed

    def can_see(self, category: Category) -> bool:
        return self.can(category, Level.SEE)

    def can_add(self, category: Category) -> bool:
        return self.can(category, Level.ADD)

    def can_manage(self, category: Category) -> bool:
        return self.can(category, Level.MANAGE)

    def visible_categories(self) -> frozenset[Category]:
        return frozenset(c for c in Category if self.can_see(c))

    def can_read_item(self, item: AudienceItem) -> bool:
        return self.explain_item(item).allowed

    def _sees_only_where_named(self, category: Category) -> bool:
        """Every role through which the reader sees the category sees only items naming them."""
        seeing = [r for r in self.roles if self.role_level(r, category) >= Level.SEE]
        return bool(seeing) and all(category in self.policy.named_only.get(r, frozenset()) for r in seeing)

    # --- Explanations: the same decisions, spelled out --------------------------------------

    def explain(self, category: Category, needed: Level = Level.SEE) -> Decision:
        info = self.policy.categories[category]
        reasons: list[Reason] = [Reason(g.describe()) for g in self.grants]
        if self.under_protection_order and category in (Category.WHEREABOUTS, Category.FOSTER_CONTACT):
            reasons.append(Reason(str(self.policy.hard_rules["protection_order"]), allowed=False))
            return Decision(False, tuple(reasons))
        best = Level.NONE
        for role in sorted(self.roles):
            matrix_level = self.policy.level(role, category)
            reasons.append(
                Reason(
                    gettext(
                        "The sharing policy gives %(role)s “%(level)s” for %(category)s.",
                        role=str(self.policy.roles[role].label),
                        level=str(self.policy.levels[matrix_level]),
                        category=str(info.label),
                    ),
                    allowed=matrix_level >= needed,
                )
            )
            effective = self.role_level(role, category)
            if effective < matrix_level:
                rule = (
                    "family_contact_consent"
                    if category is Category.BIRTH_FAMILY_CONTACT
                    else "foster_contact_consent"
                )
                reasons.append(Reason(str(self.policy.hard_rules[rule]), allowed=False))
            best = max(best, effective)
        return Decision(best >= needed, tuple(reasons))

    def explain_item(self, item: AudienceItem) -> Decision:
        category = Category(item.category)
        decision = self.explain(category)
        reasons = list(decision.reasons)
        if not decision.allowed:
            return Decision(False, tuple(reasons))
        if item.author_id == self.person_id:
            reasons.append(Reason(gettext("They wrote this item."), allowed=True))
            return Decision(True, tuple(reasons))
        if self.can_manage(category):
            reasons.append(
                Reason(
                    gettext("They manage this category, so a narrowed audience still includes them."), True
                )
            )
            return Decision(True, tuple(reasons))
        if self._sees_only_where_named(category):
            ok = item.audience == "named" and str(self.person_id) in item.audience_person_ids
            reasons.append(
                Reason(
                    gettext("Their role sees this category only on items whose author names them.")
                    + " "
                    + (gettext("They are named.") if ok else gettext("They are not named.")),
                    allowed=ok,
                )
            )
            return Decision(ok, tuple(reasons))
        if item.audience == "professionals":
            ok = self.is_professional
            reasons.append(
                Reason(
                    gettext("The author limited this item to professionals.")
                    + " "
                    + (
                        gettext("They are a professional.") if ok else gettext("They are not a professional.")
                    ),
                    allowed=ok,
                )
            )
            return Decision(ok, tuple(reasons))
        if item.audience == "named":
            ok = str(self.person_id) in item.audience_person_ids
            reasons.append(
                Reason(
                    gettext("The author limited this item to named people.")
                    + " "
                    + (gettext("They are named.") if ok else gettext("They are not named.")),
                    allowed=ok,
                )
            )
            return Decision(ok, tuple(reasons))
        return Decision(True, tuple(reasons))
