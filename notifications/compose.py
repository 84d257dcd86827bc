"""From domain events to drafts: one draft per person told, saying what happened, what that
person must do and by when, with the subject line when the event is worth an email and the
letter the transition sent. Drafts carry only what the person may already see on the case."""
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import Case, CaseRole
from casework.deadlines import Deadline, DeadlineStatus
from casework.events import (CaseOpened, DeadlineMissed, DeadlineMoved, DeadlineReminderDue, DomainEvent,
                             LetterIssued, TransitionApplied)
from casework.organisations import Person
from casework.queries import waits_on
from notifications import wording as w
from notifications.recipients import everyone_on, people_in_roles
from workflows import calendar as cal
from workflows.funding_change import OUTCOME_WORDS
from workflows.registry import WORKFLOWS

R = CaseRole
FUNDING_EMAILS = {
    "raise_concern": (R.VCO_LEAD,),
    "open_consultation": (R.VCO_LEAD,),
    "reopen_consultation": (R.VCO_LEAD,),
    "decide_change": (R.VCO_LEAD, R.FUNDER_OFFICER),
    "decide_no_change": (R.VCO_LEAD, R.FUNDER_OFFICER),
    "issue_notice": (R.VCO_LEAD, R.FUNDER_OFFICER, R.DECISION_MAKER),
}


@dataclass(frozen=True)
class Draft:
    """A message for one person; `subject` None means in-app only."""

    person: Person
    case: Case
    key: str
    in_app: str
    subject: str | None = None
    happened: str = ""
    todo: tuple[str, ...] = ()
    letter_id: int | None = None


class Composer:
    """Drafts for one batch of events, inside the transaction that caused them."""

    def __init__(self, session: Session, calendar: cal.WorkingCalendar) -> None:
        self.session = session
        self.calendar = calendar
        self._live: dict[int, list[Deadline]] = {}
        self._people: dict[tuple, list[Person]] = {}

    def drafts(self, events: list[DomainEvent]) -> list[Draft]:
        letters = {e.case_id: e.letter_id for e in events if isinstance(e, LetterIssued)}
        out: list[Draft] = []
        for event in events:
            case = self.session.get(Case, event.case_id)
            if case is None or case.status == "draft":
                continue
            out += self._for(event, case, letters.get(event.case_id))
        return out

    def _for(self, event: DomainEvent, case: Case, letter_id: int | None) -> list[Draft]:
        if isinstance(event, TransitionApplied):
            return self._transition(event, case, letter_id)
        if isinstance(event, CaseOpened) and case.workflow == "dispute":
            return self._changed(case, "raise_dispute", event.actor_id, f"open:{case.id}", None, True)
        if isinstance(event, DeadlineReminderDue):
            return self._reminder(event, case)
        if isinstance(event, DeadlineMissed):
            return self._missed(event, case)
        if isinstance(event, DeadlineMoved):
            return self._moved(event, case)
        return []

    # --- transitions ---------------------------------------------------------------------

    def _transition(self, e: TransitionApplied, case: Case, letter_id: int | None) -> list[Draft]:
        digest = hashlib.sha1(json.dumps(e.data, sort_keys=True, default=str).encode()).hexdigest()[:12]
        key = f"t:{case.id}:{e.trigger}:{e.at.isoformat()}:{e.actor_id}:{digest}"
        emails = case.workflow == "dispute" and e.from_state != e.to_state
        return self._changed(case, e.trigger, e.actor_id, key, letter_id, emails)

    def _changed(self, case: Case, trigger: str, actor_id: int | None, key: str, letter_id: int | None,
                 dispute_email: bool) -> list[Draft]:
        actor = self.session.get(Person, actor_id) if actor_id is not None else None
        happened = w.what_happened(trigger, _name(actor))
        subject = self._dispute_subject(case) if dispute_email else self._funding_subject(case, trigger)
        emailed = {p.id for p in self.people(case, FUNDING_EMAILS.get(trigger, ()))}
        drafts = []
        for person in self.people(case, None):
            if person.id == actor_id:
                continue
            todo = self.todo(case, person)
            mail = subject is not None and (dispute_email or person.id in emailed)
            drafts.append(Draft(person, case, f"{key}:{person.id}", self._line(case, happened, todo),
                                subject if mail else None, f"{happened} {_about(case)}", todo,
                                letter_id if mail else None))
        return drafts

    def _funding_subject(self, case: Case, trigger: str) -> str | None:
        funder, programme = _org(case.funder), case.title
        if trigger == "raise_concern":
            return w.concern_subject(funder, programme, self._due(case, "concern_ack"))
        if trigger in ("open_consultation", "reopen_consultation"):
            return w.consultation_subject(programme, self._due(case, "consultation_response"))
        if trigger in ("decide_change", "decide_no_change"):
            return w.decision_subject(programme)
        if trigger == "issue_notice":
            outcome = OUTCOME_WORDS.get((case.data.get("decision") or {}).get("outcome"), "change")
            effective = date.fromisoformat(str(case.data["notice"]["effective_on"])[:10])
            return w.notice_subject(programme, outcome, effective)
        return None

    def _dispute_subject(self, case: Case) -> str:
        stage = WORKFLOWS[case.workflow].info[case.status].tag
        rows = self.live(case)
        if not rows:
            return w.dispute_subject(case.ref, stage, None, None)
        who = self.acting_names(case, rows[0].acting_roles)
        return w.dispute_subject(case.ref, stage, who, rows[0].due_on)

    # --- deadlines -----------------------------------------------------------------------

    def _reminder(self, e: DeadlineReminderDue, case: Case) -> list[Draft]:
        row = self.session.get(Deadline, e.deadline_id)
        left = cal.working_days_between(cal.local_date(e.at), e.due_on, calendar=self.calendar)
        happened = f"{e.label} is due on {w.long_date(e.due_on)}: {w.working_days_left(left)}."
        email = row is None or row.kind.split(":")[0] not in w.DATE_ONLY_KINDS
        subject = w.reminder_subject(e.label, e.due_on, left) if email else None
        return self._told(case, e.acting_roles, f"remind:{e.deadline_id}:{e.due_on}", happened, subject)

    def _missed(self, e: DeadlineMissed, case: Case) -> list[Draft]:
        row = self.session.get(Deadline, e.deadline_id)
        roles = tuple(dict.fromkeys((*e.acting_roles, *e.notify_roles)))
        if (row is not None and row.on_expiry) or not self.people(case, roles):
            return []  # the system transition it fires tells people instead; or there is nobody to tell
        who = self.acting_names(case, e.acting_roles)
        happened = f"{e.label} was due on {w.long_date(e.due_on)} and has not been done by {who}."
        return self._told(case, roles, f"miss:{e.deadline_id}:{e.due_on}", happened,
                          w.overdue_subject(e.label, e.due_on))

    def _moved(self, e: DeadlineMoved, case: Case) -> list[Draft]:
        row = self.session.get(Deadline, e.deadline_id)
        roles = (*row.acting_roles, *row.notify_roles) if row is not None else ()
        old = f" from {w.long_date(e.old_due_on)}" if e.old_due_on else ""
        new = w.long_date(e.new_due_on) if e.new_due_on else "no date"
        happened = f"The date to {w.lower_first(e.label)} moved{old} to {new}: {e.reason}."
        return self._told(case, roles, f"move:{e.deadline_id}:{e.new_due_on}:{e.at.isoformat()}", happened, None)

    def _told(self, case: Case, roles, key: str, happened: str, subject: str | None) -> list[Draft]:
        drafts = []
        for person in self.people(case, tuple(roles)):
            todo = self.todo(case, person)
            drafts.append(Draft(person, case, f"{key}:{person.id}", self._line(case, happened, todo), subject,
                                f"{happened} {_about(case)}", todo))
        return drafts

    # --- helpers -------------------------------------------------------------------------

    def live(self, case: Case) -> list[Deadline]:
        """The case's running deadlines, soonest first (read once per batch of events)."""
        if case.id not in self._live:
            self._live[case.id] = list(self.session.scalars(select(Deadline).where(
                Deadline.case_id == case.id, Deadline.status == DeadlineStatus.OPEN)
                .order_by(Deadline.due_on, Deadline.id)))
        return self._live[case.id]

    def people(self, case: Case, roles: tuple[str, ...] | None) -> list[Person]:
        """Everyone on the case (roles None) or those in these roles (looked up once per batch)."""
        key = (case.id, case.status, roles)
        if key not in self._people:
            self._people[key] = (everyone_on(self.session, case) if roles is None
                                 else people_in_roles(self.session, case, roles))
        return self._people[key]

    def todo(self, case: Case, person: Person) -> tuple[str, ...]:
        """What this person must do on the case, and by when."""
        # The same rule as the home page's "waiting on you" (a date the case waits for is not
        # something to do; on a dispute, only the party's staff who act for it).
        return tuple(_todo_line(row) for row in self.live(case)
                     if waits_on(person, case, row.kind, row.acting_roles))

    def acting_names(self, case: Case, roles) -> str:
        names = [_role_name(case, role) for role in roles]
        return " and ".join(dict.fromkeys(n for n in names if n)) or "the people involved"

    def _due(self, case: Case, kind: str) -> date:
        row = next((r for r in self.live(case) if r.kind == kind), None)
        return row.due_on if row is not None else cal.local_date(case.updated_at)

    def _line(self, case: Case, happened: str, todo: tuple[str, ...]) -> str:
        line = f"{case.ref} {case.title}: {happened}"
        if todo:
            line += f" You need to: {w.lower_first(todo[0])}."
        return line[:500]


def _todo_line(row: Deadline) -> str:
    if row.kind.split(":")[0] in w.DATE_ONLY_KINDS:
        return f"{row.label} on {w.long_date(row.due_on)}"
    if row.breached_at is not None:
        return f"{row.label} (it was due on {w.long_date(row.due_on)})"
    return f"{row.label} by {w.long_date(row.due_on)}"


def _role_name(case: Case, role: str) -> str | None:
    if role == R.VCO_LEAD:
        return _org(case.vco)
    if role == R.COMPLAINANT:
        return _org(case.complainant_org)
    if role == R.RESPONDENT:
        return _org(case.respondent_org)
    if role == R.PANEL_MEMBER:
        return "the Compact panel"
    if role == R.MEDIATION_SERVICE:
        return "the mediation service"
    person = case.assignee(role)
    return person.name if person else None


def _org(org) -> str:
    return org.name if org is not None else ""


def _name(person: Person | None) -> str | None:
    if person is None:
        return None
    org = person.organisation.name if person.organisation else None
    return f"{person.name} ({org})" if org else person.name


def _about(case: Case) -> str:
    return f"This is about {case.title} ({case.ref})."
