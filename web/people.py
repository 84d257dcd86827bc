"""The person behind a server-side session, for the check every signed-in request makes: the
session row, the person's row, organisation, roles and the header's count of unread
notifications read in one statement and built into a detached Person for this request alone,
so that a page does not load them through the ORM again (nor open a second connection for
the badge). Each request reads them afresh, so a role granted or an account deactivated
counts on the next request."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from casework.logins import LoginSession, token_digest
from casework.organisations import Organisation, Person, PersonRole
from notifications.inapp import unread_count_of

#: The header's badge counts unread notifications no further than this ("99+" beyond).
UNREAD_CAP = 100

_PERSON = Person.__table__
#: The header's badge, read as a column of the session's statement.
_UNREAD = unread_count_of(_PERSON.c.id, UNREAD_CAP)
_SESSION = (select(LoginSession.last_seen_at, LoginSession.ended_at, LoginSession.created_at, _PERSON, Organisation.name, Organisation.kind,
                   _UNREAD, PersonRole.id, PersonRole.role)
            .join(_PERSON, _PERSON.c.id == LoginSession.person_id)
            .outerjoin(Organisation, Organisation.id == _PERSON.c.organisation_id)
            .outerjoin(PersonRole, PersonRole.person_id == _PERSON.c.id)
            .where(LoginSession.token == bindparam("token")).order_by(PersonRole.id))
_COLUMNS = [column.key for column in _PERSON.columns]



@dataclass(frozen=True, slots=True)
class SessionPerson:
    """A session as the check on every request reads it."""
    last_seen_at: datetime
    ended_at: datetime | None
    person: Person
    unread: int
    created_at: datetime  # the person's unread notifications, counted up to UNREAD_CAP


def session_person(conn: Connection, token: str) -> SessionPerson | None:
    """The session with this token and its person, or None if there is none."""
    rows = conn.execute(_SESSION, {"token": token_digest(token)}).all()
    if not rows:
        return None
    person_row = tuple(rows[0][3:len(_COLUMNS) + 5])  # the person's columns, their organisation's name and kind
    roles = tuple((row[-2], row[-1]) for row in rows if row[-2] is not None)
    return SessionPerson(rows[0][0], rows[0][1], _detached(person_row, roles), rows[0][len(_COLUMNS) + 5],
                         rows[0][2])


def _detached(person_row: tuple, roles: tuple[tuple[int, str], ...]) -> Person:
    """A Person with its organisation and roles, as if loaded by a session that has closed."""
    configure_mappers()  # a no-op once done; building instances below does not do it for us
    values = dict(zip(_COLUMNS, person_row))
    person = _loaded(Person, values)
    if values["organisation_id"] is not None:
        name, kind = person_row[len(_COLUMNS):]
        set_committed_value(person, "organisation",
                            _loaded(Organisation, {"id": values["organisation_id"], "name": name, "kind": kind}))
    set_committed_value(person, "role_rows", [_loaded(PersonRole, {"id": role_id, "person_id": values["id"], "role": role})
                                              for role_id, role in roles])
    return person


def _loaded(model, values: dict):
    """An instance holding these column values as the ORM's loading leaves them (unchanged, no
    events fired), detached: it costs a fraction of the constructor's setting each attribute."""
    instance = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    return instance
