"""What a case page and the tables of cases say about where a case stands: the stage as a tag
and a sentence for this reader, the next deadline with working days left, the actions this
person may take, and the case's summary.

Just over 300 lines: the tables of cases and the case page must say the same about a stage,
so their words are worked out in one place."""
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from casework.cases import Case, CaseRole, case_roles
from casework.deadline_lists import DeadlineLine
from casework.deadlines import Deadline, DeadlineStatus
from casework.organisations import Person
from casework.permissions import can_act_for_respondent, sees_funder_view
from casework.queries import CaseLine
from workflows import calendar as cal
from workflows.definitions import Transition, as_date
from workflows.dispute import FOR_THE_RESPONDENT, PANEL_SEATS
from workflows.funding_change import OUTCOME_WORDS, PROPOSALS
from workflows.offers import not_before, offered, still_needed
from workflows.registry import WORKFLOWS
from web.presenters.bookings import Linked, booked, booking_rows
from web.presenters.formatting import local_date, long_date


COLOURS = {"grey": "govuk-tag--grey", "orange": "govuk-tag--orange", "blue": "govuk-tag--blue",
           "purple": "govuk-tag--purple", "green": "govuk-tag--green", "red": "govuk-tag--red"}


OUTCOME_PAST = {"vary": "varied", "reduce": "reduced", "end": "ended", "reallocate": "re-allocated"}


#: For "{funder} has decided to {outcome}" while the notice is prepared.
OUTCOME_DECIDED = {"vary": "vary your funding", "reduce": "reduce your funding", "end": "end your funding",
                   "reallocate": "re-allocate your funding"}


#: Each state's sentence frame for {outcome}: "funding will {outcome}" unless named here.
_OUTCOME_FRAMES = {"closed_changed": OUTCOME_PAST, "notice_pending": OUTCOME_DECIDED}


@dataclass(frozen=True, slots=True)
class Tag:
    """A stage as a coloured GOV.UK tag."""
    text: str
    classes: str


def tag(case: Case) -> Tag:
    return _tag(case.workflow, case.status)


@lru_cache(maxsize=None)
def _tag(workflow: str, status: str) -> Tag:
    info = WORKFLOWS[workflow].info[status]
    return Tag(info.tag, COLOURS[info.colour])


@dataclass
class DueText:
    label: str
    due_on: date | None
    days_left: int | None
    overdue: bool
    paused: bool
    acting: list[str]
    on_the_day: bool = False   # a date something happens on, not a date to act by

    @property
    def text(self) -> str:
        if self.on_the_day and not self.paused:
            left = "" if self.overdue else f" ({self.days_left} working day{'s' if self.days_left != 1 else ''} left)"
            return f"on {long_date(self.due_on)}{left}"
        if self.paused and self.on_the_day:
            return f"paused: later than {long_date(self.due_on)} by each day it stays paused"
        if self.paused:
            return f"paused with {self.days_left} working days left"
        if self.overdue:
            return f"was due on {long_date(self.due_on)}"
        if self.days_left == 0:
            return f"by {long_date(self.due_on)} (today)"
        return f"by {long_date(self.due_on)} ({self.days_left} working day{'s' if self.days_left != 1 else ''} left)"


#: The notice's deadline falls due the day before the effective date (so the case closes on
#: it); people read it as the day funding changes, in the case page's words.
NOTICE_EFFECTIVE_LABEL = "The notice period ends"


def due_text(row: Deadline, today: date, calendar: cal.WorkingCalendar | None = None) -> DueText:
    """`calendar` must be the service's: only it knows the one-off bank holidays."""
    if row.label == NOTICE_EFFECTIVE_LABEL and row.due_on and row.status != DeadlineStatus.PAUSED:
        changes_on = row.due_on + timedelta(days=1)
        left = 0 if changes_on <= today else cal.working_days_between(today, changes_on, calendar=calendar)
        return DueText("Funding changes", changes_on, left, False, False, list(row.acting_roles), on_the_day=True)
    if row.label == NOTICE_EFFECTIVE_LABEL and row.due_on and row.status == DeadlineStatus.PAUSED:
        # A calendar period: it has no working days left to show, only a date that moves later.
        return DueText("Funding changes", row.due_on + timedelta(days=1), None, False, True, list(row.acting_roles),
                       on_the_day=True)
    if row.status == DeadlineStatus.PAUSED:
        return DueText(row.label, None, row.paused_remaining or 0, False, True, list(row.acting_roles))
    overdue = row.due_on < today
    left = 0 if overdue else cal.working_days_between(today, row.due_on, calendar=calendar)
    return DueText(row.label, row.due_on, left, overdue, False, list(row.acting_roles))


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """A row of a table of deadlines: the case, its stage, what is due and when."""
    case: CaseLine
    href: str
    tag: Tag
    label: str
    due: DueText


def deadline_items(lines: list[DeadlineLine], today: date, calendar: cal.WorkingCalendar | None,
                   case_url: Callable[[int], str]) -> list[DeadlineItem]:
    items = []
    for line in lines:
        due = due_text(line, today, calendar)
        items.append(DeadlineItem(line.case, case_url(line.case.id), tag(line.case), due.label, due))
    return items


#: The sentence to use instead when the person a stage's sentence names is not assigned yet:
#: (workflow, status) -> (the role, the sentence).
UNASSIGNED = {
    ("dispute", "informal_resolution"): (CaseRole.RESPONDENT_OFFICER, "{respondent} will respond in writing by {due}."),
    ("dispute", "senior_review"): (CaseRole.SENIOR_REVIEWER, "{respondent} must assign a senior reviewer, who was not involved before, by {due}."),
    ("dispute", "in_mediation"): (CaseRole.MEDIATOR, "BVSC will appoint a mediator. Session by {due}."),
    ("dispute", "panel_findings_issued"): (CaseRole.DECISION_MAKER, "A decision-maker at {respondent} must respond to the findings by {due}."),
    ("funding_change", "decision_pending"): (CaseRole.DECISION_MAKER, "A decision-maker at {funder} must decide by {due}, taking {org}'s response fully into account."),
}


def stage_words(case: Case, viewer: Person, deadlines: list[Deadline], today: date,
                notice_months: int | None = None, calendar: cal.WorkingCalendar | None = None) -> str:
    """The current stage's sentence for this reader, with names and dates filled in."""
    info = WORKFLOWS[case.workflow].info[case.status]
    funder_view = sees_funder_view(viewer, case) or case.workflow == "dispute"
    template = info.funder if funder_view else info.organisation
    role, instead = UNASSIGNED.get((case.workflow, case.status), (None, ""))
    if role and case.assignee(role) is None:
        template = instead
    deemed = as_date(((case.data or {}).get("notice") or {}).get("deemed_given_on"))
    if case.status == "notice_period" and funder_view and deemed:
        template = template.replace("Notice given on", "Notice counts as given on" if deemed <= today
                                    else "Notice will count as given on")
    later = _LATER_IN_STAGE.get(case.status) if case.workflow == "dispute" else None
    happened_on = as_date((case.data or {}).get(later[0])) if later else None
    when = booked(case, later[3], happened_on) if happened_on else None
    if happened_on:
        template = later[2] if happened_on <= today else later[1]
    first = next((d for d in deadlines if d.due_on), None)
    values = _placeholders(case, first, today, notice_months, calendar) | {"on": long_date(happened_on),
                                                                             "booked": when or ""}
    words = template.format_map(defaultdict(str, values))
    return Linked(words[:1].upper() + words[1:], when.link if when else None)


#: Dispute stages whose sentence moves on once something in the stage has a date (the data
#: key): the sentence before that date ({booked}: its day, start time and place), and from
#: it; then the booking's kind. {due} is then the stage's next deadline.
_LATER_IN_STAGE = {
    "in_mediation": ("mediation_session_on", "{mediator} is mediating. The session is on {booked}.",
                     "{mediator} held the mediation session on {on}. The written outcome is due by {due}.",
                     "mediation_session"),
    "panel_hearing": ("hearing_on", "The hearing is on {booked}. Its findings are due by {due}.",
                      "The panel heard the dispute on {on}. Its findings are due by {due}.", "panel_hearing"),
}


def _earliest_effective(case: Case, today: date, months: int | None, calendar: cal.WorkingCalendar | None) -> str:
    """The earliest effective date if it is known; otherwise how it is worked out."""
    notice = (case.data or {}).get("notice") or {}
    if as_date(notice.get("deemed_given_on")) and months:
        return long_date(cal.earliest_effective_date(as_date(notice["deemed_given_on"]), months, calendar=calendar))
    if not months:
        return "the day after the minimum notice period ends"
    if_today = cal.earliest_effective_date(today, months, calendar=calendar)
    return (f"the day after the minimum notice period of {months} months ends, counted from the day the notice "
            f"counts as given (if it counts as given today, {long_date(if_today)})")


def _placeholders(case: Case, first: Deadline | None, today: date, notice_months: int | None = None,
                  calendar: cal.WorkingCalendar | None = None) -> dict[str, str]:
    data = case.data or {}
    notice, decision = data.get("notice") or {}, data.get("decision") or {}
    proposal = dict(PROPOSALS).get((data.get("resource_change") or {}).get("proposal", ""), "")
    person = lambda role: (case.assignee(role).name if case.assignee(role) else "the person assigned")  # noqa: E731
    closing = next((data.get(k) for k in ("withdrawal", "acceptance", "closure", "resolution") if data.get(k)), {}) or {}
    return {
        "org": case.vco.name if case.vco else "", "funder": case.funder.name if case.funder else "",
        "programme": case.title, "due": long_date(first.due_on) if first else "the date shown below",
        "date": long_date((case.closed_at and cal.local_date(case.closed_at))
                          or as_date((data.get("concern") or {}).get("raised_on"))),
        "plan_end": long_date(as_date(data.get("plan_end"))),
        "proposal": _in_a_sentence((data.get("consultation") or {}).get("proposal"))
        or proposal.lower() or "a change to funding",
        "decision_maker": person(CaseRole.DECISION_MAKER),
        "earliest_effective": _earliest_effective(case, today, notice_months, calendar),
        "outcome": _OUTCOME_FRAMES.get(case.status, OUTCOME_WORDS).get(decision.get("outcome", ""), "change"),
        "deemed_given": long_date(as_date(notice.get("deemed_given_on"))),
        "effective": long_date(as_date(notice.get("effective_on"))),
        "reason": closing.get("reason", ""), "summary": closing.get("comments") or "see the timeline",
        "respondent": case.respondent_org.name if case.respondent_org else "",
        "complainant": case.complainant_org.name if case.complainant_org else "",
        "officer": person(CaseRole.RESPONDENT_OFFICER), "reviewer": person(CaseRole.SENIOR_REVIEWER),
        "mediator": person(CaseRole.MEDIATOR),
        "notice_to_do": _notice_to_do(notice),
    }


def _notice_to_do(notice: dict) -> str:
    """What the organisation still has to do about a notice, as a sentence (or nothing)."""
    acknowledged, planned = bool(notice.get("acknowledged_on")), bool(notice.get("exit_plan"))
    if acknowledged and planned:
        return ""
    if acknowledged:
        return "Send your plan for the end of funding. "
    if planned:
        return "Acknowledge the notice. "
    return "Acknowledge it and send your plan for the end of funding. "


#: Words a typed proposal usually starts with: verbs, read "{funder} proposes to reduce ...".
_PROPOSAL_VERBS = frozenset({"end", "reduce", "vary", "re-allocate", "reallocate", "stop", "cut", "change",
                             "withdraw", "cease", "decrease", "move", "transfer", "replace", "close", "merge"})


def _in_a_sentence(proposal: str | None) -> str:
    """A typed proposal as the end of "{funder} proposes ...": "Reduce the grant by 40%."
    reads "to reduce the grant by 40%", "A cut of 40%." reads "a cut of 40%" (the sentence
    has its own full stop); anything else as typed."""
    text = (proposal or "").strip().rstrip(".").strip()
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first.isupper():   # an acronym: "NHS ..."
        return text
    if first.lower() in _PROPOSAL_VERBS:
        return " ".join(part for part in ("to", first.lower(), rest) if part)
    if first.lower() in ("a", "an", "the", "to"):
        return " ".join(part for part in (first.lower(), rest) if part)
    return text


def actions_for(case: Case, viewer: Person, offered_only: bool = True,
                separated: frozenset[int] = frozenset(), today: date | None = None) -> list[Transition]:
    """The actions this person may take on the case now (one per trigger, no system ones).
    `separated`: on a dispute, the officers of its linked funding case, who may not act for
    the respondent on it (`casework.separation.linked_case_officers`); `today`: leave out
    those that become possible only on a later day."""
    roles = case_roles(case, viewer)
    return [t for t in WORKFLOWS[case.workflow].available(case.status)
            if not t.is_system and roles & t.who and (not offered_only or offered(t, case, viewer, today))
            and (t.trigger not in FOR_THE_RESPONDENT or can_act_for_respondent(viewer, case, separated))]


def possible_later(case: Case, viewer: Person, today: date) -> list[str]:
    """For each action this person could take here on a later day, a sentence saying from
    when: "You can issue findings from 23 December 2026, the day of the hearing." (Actions
    declared as the same thing, such as both outcomes of mediation, share one sentence.)"""
    sentences: dict[str, None] = {}
    for t in actions_for(case, viewer, offered_only=False):
        first = not_before(t, case, today)
        if first is not None and offered(t, case, viewer):
            what = t.possible_as or t.button[:1].lower() + t.button[1:]
            sentences[f"You can {what} from {long_date(first[0])}, {first[1]}."] = None
    return list(sentences)


def not_yet_possible(case: Case, viewer: Person) -> list[tuple[str, list[str]]]:
    """The actions this person could take here once their checklist is done: each button's
    words and what is still needed, so a page says why the button is not there yet."""
    return [(t.button, needed) for t in actions_for(case, viewer, offered_only=False)
            if (needed := still_needed(t, case))]


ROUTES = {"performance": "Performance concern", "resource": "Change to resources"}


ROLE_WORDS = {"decision_maker": "Decision-maker"}


def case_summary(case: Case) -> list[tuple[str, str]]:
    """The case page's summary: the organisations, the route, who is assigned, what is booked
    (a `Linked` value: its link a link on the page), when it opened."""
    if case.workflow == "funding_change":
        rows = [("Funded organisation", case.vco.name if case.vco else ""),
                ("Funder", case.funder.name if case.funder else ""),
                ("Route", ROUTES.get(case.route, "Not chosen yet"))]
    else:
        rows = [("Raised by", case.complainant_org.name if case.complainant_org else ""),
                ("About", case.respondent_org.name if case.respondent_org else "")]
    seats = _panel_seats(case)
    rows += [(seats.get(a.person_id) if a.role == CaseRole.PANEL_MEMBER and a.person_id in seats
              else ROLE_WORDS.get(a.role, a.role.replace("_", " ").capitalize()), a.person.name)
             for a in case.assignments]
    return rows + booking_rows(case) + [("Opened", local_date(case.opened_at))]


def _panel_seats(case: Case) -> dict[int, str]:
    """Each panel member's seat as people read it ("Panel chair"), by person id."""
    panel = (case.data or {}).get("panel") or {}
    return {int(panel[seat]): f"Panel: {words.lower()}" if seat != "chair" else "Panel chair"
            for seat, words in PANEL_SEATS if re.fullmatch(r"[0-9]+", str(panel.get(seat) or ""))}
