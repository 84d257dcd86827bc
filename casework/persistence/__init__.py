"""Persistence: the declarative base, engines and sessions, the unit of work, migrations."""
from casework.persistence.base import Base, UTCDateTime
from casework.persistence.session import Db, make_engine, make_session_factory, unit_of_work

__all__ = ["Base", "Db", "UTCDateTime", "make_engine", "make_session_factory", "unit_of_work"]
