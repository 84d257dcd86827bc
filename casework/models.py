"""Every table, imported in one place so metadata is complete for migrations and tests."""
from casework.audit import AuditEntry
from casework.cases import Case, CaseAssignment, CaseLink
from casework.deadlines import Deadline, DeadlineEffect
from casework.letters import Letter
from casework.logins import LoginSession
from casework.messages import Notification, OutboxMessage
from casework.organisations import Organisation, Person, PersonRole
from casework.persistence import Base
from casework.settings import ExtraHoliday, TimeLimitSetting
from casework.throttle import SignInFailure

__all__ = ["AuditEntry", "Base", "Case", "CaseAssignment", "CaseLink", "Deadline",
           "DeadlineEffect", "ExtraHoliday", "Letter", "LoginSession", "Notification", "Organisation",
           "OutboxMessage", "Person", "PersonRole", "SignInFailure", "TimeLimitSetting"]
