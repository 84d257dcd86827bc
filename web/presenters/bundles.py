"""A case as its bundle tells it (`CaseRecord`): the summary and timeline in the words of its
page, and its letters as sent. Handed to the bundle builder by the composition root."""
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.bundles import linked_funding_case
from casework.cases import Case
from casework.letters import Letter
from casework.queries import audit_trail
from notifications.bundles.contents import CaseRecord, LetterPart, TimelineEntry
from notifications.bundles.jobs import Describe
from web.presenters.stages import case_summary
from web.presenters.timeline import timeline_items
from workflows import calendar as cal

KINDS = {"funding_change": "Funding case", "dispute": "Compact dispute"}


def describe(session: Session, case: Case, now: datetime, *, organisation: str,
             calendar: cal.WorkingCalendar | None = None, with_linked: bool = True) -> CaseRecord:
    """The case's record for its bundle, built at `now`; a dispute's with the record of the
    funding case it is about (`linked`)."""
    linked = linked_funding_case(session, case) if with_linked else None
    timeline = timeline_items(audit_trail(session, case.id), case, calendar)
    letters = session.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id))
    return CaseRecord(
        ref=case.ref, title=case.title, kind=KINDS.get(case.workflow, "Case"), organisation=organisation,
        summary=[(label, str(value)) for label, value in case_summary(case)],
        timeline=[TimelineEntry(item.title, item.byline, item.date_text, item.text) for item in reversed(timeline)],
        letters=[LetterPart(letter.kind, letter.filename, letter.created_at, letter.pdf) for letter in letters],
        built_at=now,
        linked=describe(session, linked, now, organisation=organisation, calendar=calendar, with_linked=False)
        if linked is not None else None)


def describer(organisation: str, calendar: cal.WorkingCalendar | None = None) -> Describe:
    """`describe` for this deployment's organisation name and calendar."""
    return partial(describe, organisation=organisation, calendar=calendar)
