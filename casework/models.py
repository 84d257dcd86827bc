"""Every table, imported in one place so metadata is complete for migrations and tests."""
from casework.accounts import AccountToken
from casework.audit import AuditEntry
from casework.bundles import Bundle
from casework.cases import Case, CaseAssignment, CaseLink
from casework.deadlines import Deadline, DeadlineEffect
from casework.documents import Document
from casework.letters import Letter
from casework.logins import LoginSession
from casework.messages import Notification, OutboxMessage
from casework.organisations import Organisation, Person, PersonRole
from casework.report_events import ReportCase, ReportEvent
from casework.persistence import Base
from casework import search  # noqa: F401  the search index, made with the tables it indexes
from casework.second_factor import RecoveryCode, SecondFactor, SecuritySetting
from casework.security_events import SecurityEvent
from casework.settings import ExtraHoliday, ReportSetting, TimeLimitSetting
from casework.throttle import SignInFailure

__all__ = ["AccountToken", "AuditEntry", "Base", "Bundle", "Case", "CaseAssignment", "CaseLink", "Deadline",
           "DeadlineEffect", "Document", "ExtraHoliday", "Letter", "LoginSession", "Notification", "Organisation",
           "OutboxMessage", "Person", "PersonRole", "RecoveryCode", "ReportCase", "ReportEvent", "ReportSetting", "SecondFactor", "SecurityEvent",
           "SecuritySetting", "SignInFailure", "TimeLimitSetting"]
