"""Claiming due rows so that two workers never take the same one: read candidates (skipping
rows another PostgreSQL worker has locked), then a conditional UPDATE that sets the claim,
checked by its row count. Works on both databases; shared by the deadline sweep and the
outbox delivery."""
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from casework.persistence.session import unit_of_work


def claimable(model, ready, due_column, now: datetime):
    """Rows that are ready, due by now, and not under someone else's live lease."""
    return and_(ready, due_column <= now, or_(model.lease_until.is_(None), model.lease_until < now))


def claim_rows(factory: sessionmaker[Session], model, ready, due_column, now: datetime, worker_id: str,
               batch: int, lease: timedelta) -> list[int]:
    """Claim up to `batch` due rows for this worker, soonest first; returns their ids."""
    condition = claimable(model, ready, due_column, now)
    with unit_of_work(factory) as session:
        query = select(model.id).where(condition).order_by(due_column, model.id).limit(batch)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if not ids:
            return []
        until = now + lease
        claimed = session.execute(update(model).where(model.id.in_(ids), condition)
                                  .values(claimed_by=worker_id, lease_until=until)
                                  .execution_options(synchronize_session=False))
        if claimed.rowcount == len(ids):
            return ids
        # Someone else claimed some between our read and our write: keep only ours.
        mine = set(session.scalars(select(model.id).where(
            model.id.in_(ids), model.claimed_by == worker_id, model.lease_until == until)))
        return [i for i in ids if i in mine]
