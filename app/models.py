"""Imports every table so that SQLModel.metadata knows them all (Alembic, tests)."""

from app.accounts.models import Account, ApiToken, WebSession
from app.audit.models import AuditEvent
from app.caseinfo.models import CaseItem
from app.children.models import Child, Placement
from app.orgs.models import Organisation, StaffPosition
from app.people.models import Household, HouseholdMember, Person
from app.sharing.models import Consent, PolicyOverride, ProtectionOrder
from app.teams.models import TeamMembership

__all__ = [
    "Account",
    "ApiToken",
    "AuditEvent",
    "CaseItem",
    "Child",
    "Consent",
    "Household",
    "HouseholdMember",
    "Organisation",
    "Person",
    "Placement",
    "PolicyOverride",
    "ProtectionOrder",
    "StaffPosition",
    "TeamMembership",
    "WebSession",
]
