"""Papers for the Compact panel: on the day that is `panel_papers_wd` working days (5 unless
changed) before the hearing, each panel member is emailed a link to the dispute's bundle
(never the bundle itself), and the bundle is asked for so that it is ready when they follow
the link. Each email's dedupe key names the hearing date, so it is sent once per hearing,
however often the scheduler looks, and again only if the hearing moves."""
from datetime import date, datetime
from functools import cache

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from casework.cases import Case, CaseRole, load_case
from casework.messages import MessageStatus, OutboxMessage
from casework.persistence import unit_of_work
from notifications.bundles.jobs import BundleWork, request_bundle
from notifications.emails import case_url, email_content, new_message_id
from notifications.letters.rendering import long_date
from workflows import calendar as cal
from workflows.definitions import as_date

HEARING_STATE = "panel_hearing"
_HEARINGS = select(Case.id).where(Case.workflow == "dispute", Case.status == HEARING_STATE).order_by(Case.id)


def papers_day(hearing_on: date, papers_wd: int, calendar: cal.WorkingCalendar) -> date:
    """The day the panel's papers go out: `papers_wd` working days before the hearing."""
    return calendar.subtract_working_days(hearing_on, papers_wd)


def bundle_url(base_url: str, case_id: int) -> str:
    return f"{case_url(base_url, case_id)}/bundle"


def send_panel_papers(work: BundleWork, now: datetime, calendar: cal.WorkingCalendar, papers_wd: int,
                      base_url: str, sender: str) -> int:
    """Email each panel member whose papers are due today (or were due and not yet sent) the
    link to the bundle, and ask for the bundle; returns how many emails were written."""
    today = cal.local_date(now)
    sent = 0
    with work.factory() as session:
        hearings = list(session.scalars(_HEARINGS))
    for case_id in hearings:
        with unit_of_work(work.factory) as session:
            case = load_case(session, case_id)
            hearing = as_date((case.data or {}).get("hearing_on"))
            if hearing is None or not papers_day(hearing, papers_wd, calendar) <= today <= hearing:
                continue
            rows = [_email(case, person, hearing, now, base_url, sender) for person in case.assignees(CaseRole.PANEL_MEMBER)]
            written = _insert_new(session.connection(), rows)
        if written:
            request_bundle(work, case_id, None, now)
            sent += written
    return sent


def _email(case: Case, person, hearing: date, now: datetime, base_url: str, sender: str) -> dict:
    on = long_date(hearing)
    subject = f"Case bundle for the Compact panel hearing on {on}: {case.ref}"
    content = email_content(
        name=person.name, subject=subject,
        happened=f"The papers for the Compact panel hearing on {on} are ready to read, in one case bundle.",
        todo=(f"Read the case bundle before the hearing on {on}.",),
        case_url=case_url(base_url, case.id), case_ref=case.ref)
    content.update(link_url=bundle_url(base_url, case.id), link_text="Download the case bundle")
    return {"dedupe_key": f"bundle:{case.id}:{hearing.isoformat()}:{person.id}", "message_id": new_message_id(sender),
            "case_id": case.id, "person_id": person.id, "to_address": person.email, "subject": subject[:300],
            "content": content, "letter_id": None, "status": MessageStatus.PENDING, "attempts": 0,
            "next_attempt_at": now, "created_at": now}


def _insert_new(connection: Connection, rows: list[dict]) -> int:
    """Insert the emails not written before (by dedupe key); returns how many were new."""
    statement = _insert_skipping_duplicates(connection.dialect.name)
    # One row a statement, counted by what it returns: a skipped row returns nothing.
    return sum(len(connection.execute(statement, row).all()) for row in rows)


@cache
def _insert_skipping_duplicates(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(OutboxMessage.__table__).on_conflict_do_nothing().returning(OutboxMessage.id)
