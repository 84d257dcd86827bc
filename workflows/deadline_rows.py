"""Reading a case's live deadline rows, briefly: what gates (through `workflows.context`) and
`deadlines.sync` read of each running or paused row. Apart from `deadlines.py` so that what
gates see needs nothing of the workflow vocabulary: context -> deadlines -> definitions ->
context was an import circle."""
from types import SimpleNamespace

from sqlalchemy import bindparam, or_, select

from casework.cases import CaseReading
from casework.deadlines import LIVE, Deadline
from casework.persistence import Db

TABLE = Deadline.__table__
#: Running and paused rows (an OR of equalities: an IN list is re-rendered on every execution).
IS_LIVE = or_(*(TABLE.c.status == status for status in LIVE))
#: What gates read of each live row, and `sync` (which rows to keep and which to close).
_BRIEF = select(TABLE.c.id, TABLE.c.case_id, TABLE.c.kind, TABLE.c.state, TABLE.c.status, TABLE.c.due_on,
                TABLE.c.fires_at)
_LIVE_BRIEF = _BRIEF.where(TABLE.c.case_id == bindparam("case_id"), IS_LIVE).order_by(TABLE.c.id)
_LIVE_BRIEF_OF_CASES = (_BRIEF.where(TABLE.c.case_id.in_(bindparam("case_ids", expanding=True)), IS_LIVE)
                        .order_by(TABLE.c.id))


def live_briefly(db: Db, case: CaseReading) -> list[SimpleNamespace]:
    """The case's running and paused rows, oldest first, with only what gates and `sync`
    read: id, kind, state, status, due date and when it fires."""
    return namespaces(_LIVE_BRIEF, db.execute(_LIVE_BRIEF, {"case_id": case.id}))


def live_briefly_of_cases(db: Db, case_ids: list[int]) -> dict[int, list[SimpleNamespace]]:
    """`live_briefly` for several cases in one query, by case id."""
    found: dict[int, list[SimpleNamespace]] = {case_id: [] for case_id in case_ids}
    rows = db.execute(_LIVE_BRIEF_OF_CASES, {"case_ids": sorted(found)})
    for row in namespaces(_LIVE_BRIEF_OF_CASES, rows):
        found[row.case_id].append(row)
    return found


def namespaces(query, rows) -> list[SimpleNamespace]:
    """Result rows as namespaces of the query's columns."""
    names = query.selected_columns.keys()
    return [SimpleNamespace(**dict(zip(names, row))) for row in rows]
