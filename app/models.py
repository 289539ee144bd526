"""Imports every table so that SQLModel.metadata knows them all (Alembic, tests)."""

from app.accounts.models import (
    Account,
    ApiToken,
    IdentityLink,
    Invitation,
    PasswordReset,
    SignInAttempt,
    WebSession,
)
from app.audit.models import AuditEvent
from app.caseinfo.models import CaseItem
from app.children.models import Child, Placement
from app.contacts.models import (
    CalendarFeed,
    Contact,
    ContactOutcome,
    ContactParticipant,
    ContactSeries,
    DueItemClosure,
    Place,
    ReminderSent,
)
from app.notifications.models import Notification, OutboxMessage
from app.orgs.models import Organisation, StaffPosition
from app.people.models import Household, HouseholdMember, Person
from app.sharing.models import Consent, PolicyOverride, ProtectionOrder
from app.teams.models import TeamMembership

__all__ = [
    "Account",
    "ApiToken",
    "AuditEvent",
    "CalendarFeed",
    "CaseItem",
    "Child",
    "Consent",
    "Contact",
    "ContactOutcome",
    "ContactParticipant",
    "ContactSeries",
    "DueItemClosure",
    "Household",
    "HouseholdMember",
    "IdentityLink",
    "Invitation",
    "Notification",
    "Organisation",
    "OutboxMessage",
    "PasswordReset",
    "Person",
    "Place",
    "Placement",
    "PolicyOverride",
    "ProtectionOrder",
    "ReminderSent",
    "SignInAttempt",
    "StaffPosition",
    "TeamMembership",
    "WebSession",
]
