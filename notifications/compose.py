"""From domain events to drafts: one draft per person told, saying what happened, what that
person must do and by when, with the subject line when the event is worth an email and the
letter the transition sent. Drafts carry only what the person may already see on the case.

A batch of events reads what it needs about each case once: the case itself (handed in by the
engine, or else loaded), its running deadlines, and the people around it (`recipients`).

A little over 300 lines on purpose: it is one class, whose sections (transitions, deadlines,
and the reads they share within a batch) would only pass those reads to each other if split.
Which bookings an ended dispute cancels, and who was invited, is `notifications.cancellations`."""
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from casework.cases import CaseReading, CaseRole, load_case
from casework.deadlines import Deadline, DeadlineStatus
from casework.events import (CaseOpened, DeadlineMissed, DeadlineMoved, DeadlineReminderDue, DomainEvent,
                             LetterIssued, NoticeDateMoved, TransitionApplied)
from casework.organisations import Organisation, Person
from casework.visibility import waits_on
from notifications import wording as w
from notifications.cancellations import cancellations
from notifications.recipients import Recipient, Recipients
from workflows import calendar as cal
from workflows.definitions import Emails, Subject, as_date
from workflows.funding_change import OUTCOME_WORDS
from workflows.registry import WORKFLOWS

R = CaseRole
#: A dispute raised is emailed to everyone on it, as each move to another stage is.
#: The person who raised it is emailed too: the receipt for their dispute.
DISPUTE_RAISED = Emails(subject=Subject.DISPUTE, to_actor=True)


@dataclass(frozen=True, slots=True)
class Draft:
    """A message for one person; `subject` None means in-app only. `person` and `case` are
    read as the engine hands them over: the mapped objects or plain records like them."""

    person: Recipient
    case: CaseReading
    key: str
    in_app: str
    subject: str | None = None
    happened: str = ""
    todo: tuple[str, ...] = ()
    letter_id: int | None = None
    #: Not to be emailed before this (a notice's email goes at the notice's sending time).
    send_at: datetime | None = None
    #: The booking (its kind in the case's "bookings") the email carries a calendar invitation for.
    invitation: str | None = None
    #: The invitation is the booking's cancellation.
    cancels: bool = False


class Composer:
    """Drafts for one batch of events, inside the transaction that caused them."""

    def __init__(self, connection: Connection, calendar: cal.WorkingCalendar,
                 cases: Mapping[int, CaseReading] | None = None) -> None:
        self.connection = connection
        self.calendar = calendar
        self.cases = dict(cases or {})
        self.recipients = Recipients(self.connection)
        self._live: dict[int, list[Row]] = {}
        self._people: dict[tuple, list[Recipient]] = {}

    def drafts(self, events: list[DomainEvent]) -> list[Draft]:
        letters = {e.case_id: e.letter_id for e in events if isinstance(e, LetterIssued)}
        self._read_running([e.case_id for e in events if not self._told_by_transition(e)])
        out: list[Draft] = []
        for event in events:
            if self._told_by_transition(event):
                continue
            case = self.case(event.case_id)
            if case is None or case.status == "draft":
                continue
            out += self._for(event, case, letters.get(event.case_id))
        return out

    def case(self, case_id: int) -> CaseReading | None:
        """The case as the engine handed it over, or else loaded."""
        if case_id not in self.cases:
            self.cases[case_id] = load_case(Session(bind=self.connection), case_id)
        return self.cases[case_id]

    def _told_by_transition(self, event: DomainEvent) -> bool:
        """A missed deadline that fires a system transition: the transition tells people."""
        return isinstance(event, DeadlineMissed) and event.fires is not None

    def _for(self, event: DomainEvent, case: CaseReading, letter_id: int | None) -> list[Draft]:
        if isinstance(event, TransitionApplied):
            return self._transition(event, case, letter_id)
        if isinstance(event, CaseOpened) and case.workflow == "dispute":
            happened = w.what_happened(w.RAISED_DISPUTE, self._actor_name(event.actor_id)) + " " + \
                w.dispute_received(cal.local_date(event.at))
            return self._changed(case, happened, event.actor_id, f"open:{case.id}", None, DISPUTE_RAISED)
        if isinstance(event, DeadlineReminderDue):
            return self._reminder(event, case)
        if isinstance(event, DeadlineMissed):
            return self._missed(event, case)
        if isinstance(event, DeadlineMoved):
            return self._moved(event, case)
        if isinstance(event, NoticeDateMoved):
            return self._notice_moved(event, case, letter_id)
        return []

    # --- transitions ---------------------------------------------------------------------

    def _transition(self, e: TransitionApplied, case: CaseReading, letter_id: int | None) -> list[Draft]:
        digest = hashlib.sha1(json.dumps(e.data, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()[:12]
        key = f"t:{case.id}:{e.trigger}:{e.at.isoformat()}:{e.actor_id}:{digest}"
        row = WORKFLOWS[case.workflow].fired(e.trigger, e.from_state, e.to_state)
        happened = w.what_happened(row.told, self._actor_name(e.actor_id), row.is_system)
        also = row.told_also(case) if row.told_also is not None else ""
        if also:
            happened += " " + also
        emails = row.emails
        if emails is not None and emails.states_due:
            due = next((r for r in self.live(case) if r.kind == emails.states_due), None)
            happened += f" {due.label} by {w.long_date(due.due_on)}." if due is not None else ""
        drafts = self._changed(case, happened, e.actor_id, key, letter_id, emails)
        if emails is not None and emails.letter_at:
            sending = datetime.fromisoformat(_at(case.data, emails.letter_at))
            drafts = [replace(d, send_at=sending) if d.letter_id else d for d in drafts]
        if emails is not None and emails.invitation:
            drafts = [replace(d, invitation=emails.invitation) if d.subject else d for d in drafts]
        if row.dest in WORKFLOWS[case.workflow].terminal:   # ended: its bookings still ahead are cancelled
            for c in cancellations(self.connection, case, e.at):
                drafts += [replace(d, invitation=c.kind, cancels=True) for d in self._drafts(
                    case, c.invited, f"{key}:cancel:{c.kind}", c.happened, c.subject, {p.id for p in c.invited})]
        return drafts

    def _changed(self, case: CaseReading, happened: str, actor_id: int | None, key: str, letter_id: int | None,
                 emails: Emails | None) -> list[Draft]:
        emailed = emails is not None and (emails.only_if is None or emails.only_if(case))
        subject = self._subject(case, emails) if emailed else None
        told = [p for p in self.people(case, None) if p.id != actor_id or (emailed and emails.to_actor)]
        if subject is None:
            mailed = set()
        elif emails.to is None:
            mailed = {p.id for p in told}
        else:
            mailed = {p.id for p in self.people(case, emails.to)} | ({actor_id} if emails.to_actor else set())
        return self._drafts(case, told, key, happened, subject, mailed, letter_id)

    def _subject(self, case: CaseReading, emails: Emails) -> str:
        """The subject line of this kind, with the case's names and dates."""
        funder, programme, subject = _org(case.funder), case.title, emails.subject
        if subject == Subject.CONCERN:
            return w.concern_subject(funder, programme, self._due(case, "concern_ack"))
        if subject == Subject.CONSULTATION:
            return w.consultation_subject(programme, self._due(case, "consultation_response"))
        if subject in (Subject.EARLY_REVIEW, Subject.REVIEW) and (case.data or {}).get("early_review"):
            return w.early_review_subject(programme, as_date(case.data["early_review"]["plan_end"]))
        if subject == Subject.REVIEW:
            return w.review_subject(programme)
        if subject == Subject.IMPACT:
            return w.impact_subject(programme)
        if subject == Subject.BOOKING:
            booked = case.data["bookings"][emails.invitation]
            return w.booking_subject(case.ref, emails.invitation, as_date(booked["on"]), booked["starts_at"])
        if subject == Subject.DECISION:
            return w.decision_subject(programme)
        if subject == Subject.NOTICE:
            outcome = OUTCOME_WORDS.get((case.data.get("decision") or {}).get("outcome"), "change")
            effective = date.fromisoformat(str(case.data["notice"]["effective_on"])[:10])
            return w.notice_subject(programme, outcome, effective)
        return self._dispute_subject(case)

    def _dispute_subject(self, case: CaseReading) -> str:
        stage = WORKFLOWS[case.workflow].info[case.status].tag
        rows = self.live(case)
        if not rows:
            return w.dispute_subject(case.ref, stage, None, None)
        who = self.acting_names(case, rows[0].acting_roles)
        return w.dispute_subject(case.ref, stage, who, rows[0].due_on)

    # --- deadlines -----------------------------------------------------------------------

    def _reminder(self, e: DeadlineReminderDue, case: CaseReading) -> list[Draft]:
        row = self.deadline(case.id, e.deadline_id)
        left = cal.working_days_between(cal.local_date(e.at), e.due_on, calendar=self.calendar)
        happened = f"{e.label} is due on {w.long_date(e.due_on)}: {w.working_days_left(left)}."
        email = row is None or row.kind.split(":")[0] not in w.DATE_ONLY_KINDS
        subject = w.reminder_subject(e.label, e.due_on, left) if email else None
        return self._told(case, e.acting_roles, f"remind:{e.deadline_id}:{e.due_on}", happened, subject)

    def _missed(self, e: DeadlineMissed, case: CaseReading) -> list[Draft]:
        roles = tuple(dict.fromkeys((*e.acting_roles, *e.notify_roles)))
        if not self.people(case, roles):
            return []  # nobody to tell (one that fires a transition never gets here: see drafts)
        who = self.acting_names(case, e.acting_roles)
        happened = f"{e.label} was due on {w.long_date(e.due_on)} and has not been done by {who}."
        return self._told(case, roles, f"miss:{e.deadline_id}:{e.due_on}", happened,
                          w.overdue_subject(e.label, e.due_on))

    def _moved(self, e: DeadlineMoved, case: CaseReading) -> list[Draft]:
        row = self.deadline(case.id, e.deadline_id)
        roles = (*row.acting_roles, *row.notify_roles) if row is not None else ()
        old = f" from {w.long_date(e.old_due_on)}" if e.old_due_on else ""
        new = w.long_date(e.new_due_on) if e.new_due_on else "no date"
        happened = f"The date to {w.lower_first(e.label)} moved{old} to {new}: {e.reason}."
        return self._told(case, roles, f"move:{e.deadline_id}:{e.new_due_on}:{e.at.isoformat()}", happened, None)

    def _notice_moved(self, e: NoticeDateMoved, case: CaseReading, letter_id: int | None) -> list[Draft]:
        """The organisation (and the funder officer) get the new effective date by email, with
        the letter that gives the old and new dates."""
        happened = w.notice_moved(e.old_effective_on, e.new_effective_on, e.reason)
        people = self.people(case, (R.VCO_LEAD, R.FUNDER_OFFICER))
        return self._drafts(case, people, f"notice-moved:{case.id}:{e.new_effective_on}:{e.at.isoformat()}", happened,
                            w.notice_moved_subject(case.title, e.new_effective_on), {p.id for p in people}, letter_id)

    def _told(self, case: CaseReading, roles, key: str, happened: str, subject: str | None) -> list[Draft]:
        people = self.people(case, tuple(roles))
        return self._drafts(case, people, key, happened, subject, {p.id for p in people} if subject else set())

    def _drafts(self, case: CaseReading, people: list[Recipient], key: str, happened: str, subject: str | None,
                mailed: set[int], letter_id: int | None = None) -> list[Draft]:
        """A draft for each person: what happened and what they must do, emailed to `mailed`."""
        line, about = f"{case.ref} {case.title}: {happened}", f"{happened} {_about(case)}"
        drafts = []
        for person in people:
            todo, mail = self.todo(case, person), person.id in mailed
            drafts.append(Draft(person, case, f"{key}:{person.id}", _line(line, todo), subject if mail else None,
                                about, todo, letter_id if mail else None))
        return drafts

    # --- helpers -------------------------------------------------------------------------

    def live(self, case: CaseReading) -> list[Row]:
        """The case's running deadlines, soonest first (read once per batch of events)."""
        return self._running(case.id)

    def deadline(self, case_id: int, deadline_id: int) -> Row | None:
        """A deadline row an event names: a running one as read for its case, any other alone."""
        for row in self._running(case_id):
            if row.id == deadline_id:
                return row
        return self.connection.execute(_DEADLINE, {"deadline_id": deadline_id}).first()

    def _running(self, case_id: int) -> list[Row]:
        if case_id not in self._live:
            self._read_running([case_id])
        return self._live[case_id]

    def _read_running(self, case_ids: list[int]) -> None:
        """The running deadlines of these cases, in one query."""
        wanted = sorted(set(case_ids) - set(self._live))
        if not wanted:
            return
        found: dict[int, list[Row]] = {case_id: [] for case_id in wanted}
        for row in self.connection.execute(_LIVE, {"case_ids": wanted}):
            found[row.case_id].append(row)
        for case_id, rows in found.items():
            # Sorted here: ordering in SQL leads SQLite to walk every open deadline by due date.
            self._live[case_id] = sorted(rows, key=lambda row: (row.due_on or date.min, row.id))

    def people(self, case: CaseReading, roles: tuple[str, ...] | None) -> list[Recipient]:
        """Everyone on the case (roles None) or those in these roles (looked up once per batch)."""
        key = (case.id, case.status, roles)
        if key not in self._people:
            self._people[key] = (self.recipients.everyone_on(case) if roles is None
                                 else self.recipients.in_roles(case, roles))
        return self._people[key]

    def todo(self, case: CaseReading, person: Recipient) -> tuple[str, ...]:
        """What this person must do on the case, and by when."""
        # The same rule as the home page's "waiting on you" (a date the case waits for is not
        # something to do; on a dispute, only the party's staff who act for it).
        return tuple(_todo_line(row) for row in self.live(case)
                     if waits_on(person, case, row.kind, row.acting_roles))

    def acting_names(self, case: CaseReading, roles) -> str:
        names = [_role_name(case, role) for role in roles]
        return " and ".join(dict.fromkeys(n for n in names if n)) or "the people involved"

    def _due(self, case: CaseReading, kind: str) -> date:
        row = next((r for r in self.live(case) if r.kind == kind), None)
        return row.due_on if row is not None else cal.local_date(case.updated_at)

    def _actor_name(self, actor_id: int | None) -> str | None:
        """Who acted, as "name (organisation)"; None for the system."""
        if actor_id is None:
            return None
        found = self.connection.execute(_ACTOR, {"person_id": actor_id}).first()
        if found is None:
            return None
        name, org = found
        return f"{name} ({org})" if org else name


def _line(line: str, todo: tuple[str, ...]) -> str:
    """The in-app line: the case and what happened, then the first thing to do."""
    if todo:
        line += f" You need to: {w.lower_first(todo[0])}."
    return line[:500]


def _todo_line(row: Row) -> str:
    if row.kind.split(":")[0] in w.DATE_ONLY_KINDS:
        return f"{row.label} on {w.long_date(row.due_on)}"
    if row.breached_at is not None:
        return f"{row.label} (it was due on {w.long_date(row.due_on)})"
    return f"{row.label} by {w.long_date(row.due_on)}"


def _role_name(case: CaseReading, role: str) -> str | None:
    if role == R.VCO_LEAD:
        return _org(case.vco)
    if role == R.COMPLAINANT:
        return _org(case.complainant_org)
    if role == R.RESPONDENT:
        return _org(case.respondent_org)
    if role == R.PANEL_MEMBER:
        return "the Compact panel"
    if role in (R.MEDIATION_SERVICE, R.PANEL_CONVENER):   # BVSC (or an administrator) appoints the panel
        return "the mediation service"
    person = case.assignee(role)
    return person.name if person else None


def _at(data: dict, path: tuple[str, ...]) -> str:
    for key in path:
        data = data[key]
    return str(data)


def _org(org) -> str:
    return org.name if org is not None else ""


def _about(case: CaseReading) -> str:
    return f"This is about {case.title} ({case.ref})."


_DEADLINE_COLUMNS = (Deadline.id, Deadline.case_id, Deadline.kind, Deadline.label, Deadline.due_on,
                     Deadline.breached_at, Deadline.on_expiry, Deadline.acting_roles, Deadline.notify_roles)
_LIVE = select(*_DEADLINE_COLUMNS).where(Deadline.case_id.in_(bindparam("case_ids", expanding=True)),
                                         Deadline.status == DeadlineStatus.OPEN)
_DEADLINE = select(*_DEADLINE_COLUMNS).where(Deadline.id == bindparam("deadline_id"))
#: Who acted, as their name and organisation's name.
_ACTOR = (select(Person.name, Organisation.name).outerjoin(Organisation, Organisation.id == Person.organisation_id)
          .where(Person.id == bindparam("person_id")))
