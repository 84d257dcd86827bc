"""The data of benchmarks/scale.py, on any database: demo cases through the engine, then
copies of them in chunks with benchmarks/web.py's cloning, written with SQLAlchemy Core
`insert()` executemany (no COPY), then filler deadline rows up to a total."""
import random
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text

from benchmarks import web as webbench
from casework.audit import AuditEntry
from casework.cases import Case
from casework.deadlines import Deadline
from casework.letters import Letter
from casework.messages import Notification
from casework.models import Base
from casework.organisations import Organisation, OrganisationKind
from casework.persistence.migrate import upgrade
from tests.reliability.bulk import FILLER_COLUMNS, filler_rows
from web.config import Settings

CHUNK = 2_000          # cases cloned and written per transaction
FILLER_CHUNK = 50_000
#: Cases the action and the in-process transitions use: funding cases in their improvement
#: plan, where "Record support given" can be done again and again by the funder officer.
ACTION_STATUS = "improvement_in_progress"
ACTION_CASES = 2_000


def build_scale(url: str, n_cases: int, n_audit: int, n_deadlines: int, rng: random.Random) -> dict:
    """Returns what the run needs: counts, timings, the case whose page is measured and the
    cases the action uses."""
    from web.composition import build
    from web.demo import seed
    started = time.perf_counter()
    container = build(Settings(database_url=url))
    engine = container.engine
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    seed(container.service, container.clock.now())
    with engine.connect() as conn:
        templates = webbench._templates(conn)
        vcos = conn.scalars(select(Organisation.id).where(Organisation.kind == OrganisationKind.VCO)).all()
        names = dict(conn.execute(select(Organisation.id, Organisation.name)).all())
        orgs = {name: id_ for id_, name in names.items()}
        first_id = conn.scalar(select(func.max(Case.id))) + 1
        demo_entries = conn.scalar(select(func.count()).select_from(AuditEntry))
    seeded = time.perf_counter() - started
    n_clones = n_cases - len(templates) - 1          # and one quiet case for the filler rows
    per_clone = (n_audit - demo_entries) / max(1, n_clones)
    counts = {Case: len(templates), AuditEntry: demo_entries, Deadline: sum(len(t["deadlines"]) for t in templates),
              Letter: sum(len(t["letters"]) for t in templates),
              Notification: sum(len(t["notifications"]) for t in templates)}
    page_case, action_cases = None, []
    for start in range(0, n_clones, CHUNK):
        k = min(CHUNK, n_clones - start)
        clones = webbench._clones(templates, k, first_id + start, vcos, names, rng)
        target = round(per_clone * (start + k)) - round(per_clone * start)
        webbench._pad_audit(clones, target - sum(len(c["audit"]) for c in clones), rng)
        page_case = page_case or webbench._case_for_page(clones)
        action_cases += [c["case"]["id"] for c in clones if c["case"]["status"] == ACTION_STATUS
                         and len(action_cases) < ACTION_CASES]
        rows = webbench._rows(clones)
        with engine.begin() as conn:
            for model, batch in rows.items():
                if batch:
                    conn.execute(insert(model.__table__), batch)
                counts[model] = counts.get(model, 0) + len(batch)
    quiet = first_id + n_clones
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        # A case of an organisation nobody signed in sees, holding the filler rows (sweep.py's way).
        conn.execute(insert(Case.__table__), [{
            "id": quiet, "workflow": "funding_change", "workflow_version": 1, "status": "improvement_in_progress",
            "route": "performance", "title": "Youth outreach", "funder_org_id": orgs["NHS South East London"],
            "vco_org_id": orgs["Bexley Voluntary Service Council"], "opened_at": now - timedelta(days=60),
            "updated_at": now - timedelta(days=30), "data": {}, "version": 1}])
        if engine.dialect.name == "postgresql":  # the ids above were given, so move the sequence on
            conn.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
    counts[Case] += 1
    filler = max(0, n_deadlines - counts[Deadline])
    for start in range(0, filler, FILLER_CHUNK):
        batch = [dict(zip(FILLER_COLUMNS, row)) | {"acting_roles": [], "notify_roles": [], "basis": {}}
                 for row in filler_rows(quiet, min(FILLER_CHUNK, filler - start), now, seed=start)]
        with engine.begin() as conn:
            conn.execute(insert(Deadline.__table__), batch)
    counts[Deadline] += filler
    with engine.begin() as conn:
        webbench.refresh_report_projection(conn)
    if engine.dialect.name == "postgresql":
        # As autovacuum would have by the time a real database held this much: statistics, and
        # the visibility map that lets PostgreSQL answer counts from an index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    if not action_cases:
        raise SystemExit(f"No copied case is at {ACTION_STATUS}: use more cases")
    return {"cases": counts[Case], "audit_entries": counts[AuditEntry], "deadlines": counts[Deadline],
            "letters": counts[Letter], "notifications": counts[Notification], "seeded_seconds": round(seeded, 1),
            "build_seconds": round(time.perf_counter() - started, 1), "page_case": page_case,
            "action_cases": action_cases}
