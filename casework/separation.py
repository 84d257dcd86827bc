"""Who is kept apart on a dispute, and who judges it, read from the database: the funder
officer and decision-maker of the funding case a dispute is about (they cannot answer the
dispute informally, review it, or act for the respondent on it), and the people judging the
disputes about a funding case (who may read that case). The rules that use these are the
pure functions of `casework.permissions`; these only read the people they need."""
from sqlalchemy import Connection, bindparam, select

from casework.cases import JUDGING_ROLES, CaseAssignment, CaseLink, CaseReading, CaseRole

#: The roles on a funding case whose holders are kept apart from judging a dispute about it.
CASE_OFFICER_ROLES = frozenset({CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER})

_JUDGES = (select(CaseAssignment.person_id).join(CaseLink, CaseLink.dispute_id == CaseAssignment.case_id)
           .where(CaseLink.funding_case_id == bindparam("case_id"),
                  CaseAssignment.role.in_(sorted(JUDGING_ROLES))))
_OFFICERS = (select(CaseAssignment.person_id).join(CaseLink, CaseLink.funding_case_id == CaseAssignment.case_id)
             .where(CaseLink.dispute_id == bindparam("case_id"),
                    CaseAssignment.role.in_(sorted(CASE_OFFICER_ROLES))))


def judges_of(conn: Connection, funding_case_id: int) -> frozenset[int]:
    """The people judging (or who judged) any dispute linked to this funding case."""
    return frozenset(conn.execute(_JUDGES, {"case_id": funding_case_id}).scalars())


def linked_case_officers(conn: Connection, dispute: CaseReading) -> frozenset[int]:
    """The funder officer and decision-maker of the funding case this dispute is about."""
    if dispute.workflow != "dispute":
        return frozenset()
    return frozenset(conn.execute(_OFFICERS, {"case_id": dispute.id}).scalars())
