"""Whether two versions of the code give the same compliance report on the same database:
every table of the report and of its comparison period, and the trend over four half-years
the page and its downloads show with it, for a few filter sets, as at a fixed time. Run the dump from each version's worktree, then compare:

    .venv/bin/python benchmarks/report_figures.py dump URL before.pickle      (old code's worktree)
    .venv/bin/python benchmarks/report_figures.py dump URL after.pickle       (new code's worktree)
    .venv/bin/python benchmarks/report_figures.py compare before.pickle after.pickle
"""
import pickle
import sys
import time
from datetime import date, datetime, timezone

AS_AT = datetime(2026, 12, 8, 0, 0, tzinfo=timezone.utc)


def dump(url: str, out: str) -> None:
    sys.path.insert(0, ".")
    from sqlalchemy import text
    from web.composition import build
    from web.config import Settings
    from workflows import calendar as cal
    from workflows.reporting.period import Filters, Period, half_year_of
    from workflows.reporting.report import build_report
    from workflows.reporting.trend import trend
    c = build(Settings(database_url=url))
    half = half_year_of(cal.local_date(AS_AT))
    with c.engine.connect() as conn:
        org = conn.execute(text("SELECT vco_org_id FROM cases WHERE vco_org_id IS NOT NULL GROUP BY vco_org_id "
                                "ORDER BY count(*) DESC LIMIT 1")).scalar()
    variants = {"current half, compared": Filters(half, compare=True),
                "previous half, compared": Filters(half.previous(), compare=True),
                "last 6 months, one organisation, statutory side": Filters(
                    Period(date(2026, 6, 8), cal.local_date(AS_AT)), organisations=(org,), owed_by=("Statutory body",))}
    found = {}
    for name, f in variants.items():
        started = time.process_time()
        with c.factory() as s:
            r = build_report(s, f, AS_AT, calendar=c.service.calendar, limits=c.service.limits)
            over_time = trend(s, f, AS_AT, calendar=c.service.calendar, limits=c.service.limits, reuse=r)
        found[name] = {
            "tables": [(t.key, t.title, t.caption, [x.key for x in t.columns], [tuple(row) for row in t.rows])
                       for t in r.tables()],
            "comparison": [(m.id, m.headline, m.count, [(t.key, [tuple(row) for row in t.rows]) for t in m.tables])
                           for m in (r.comparison or [])],
            "headlines": [(m.id, m.headline, m.count, (m.rate.n, m.rate.of) if m.rate else None) for m in r.metrics],
            "trend": [(over_time.key, over_time.caption, [tuple(row) for row in over_time.rows])]}
        print(f"{name}: {time.process_time() - started:.1f} s CPU", flush=True)
    c.engine.dispose()
    with open(out, "wb") as f:
        pickle.dump(found, f)


def compare(before: str, after: str) -> int:
    with open(before, "rb") as f:
        a = pickle.load(f)
    with open(after, "rb") as f:
        b = pickle.load(f)
    differences = 0
    for name, x in a.items():
        y = b[name]
        for part in ("tables", "comparison", "headlines", "trend"):
            for p, q in zip(x.get(part, ()), y.get(part, ())):
                if p == q:
                    continue
                if part == "tables" and p[:4] == q[:4] and sorted(p[4], key=repr) == sorted(q[4], key=repr):
                    print(f"same rows in another order: {name}, table {p[0]}")
                    continue
                differences += 1
                print(f"DIFFERENT: {name}, {part}:\n  before {str(p)[:500]}\n  after  {str(q)[:500]}")
            if len(x.get(part, ())) != len(y.get(part, ())):
                differences += 1
                print(f"DIFFERENT: {name}, {part}: {len(x[part])} against {len(y[part])}")
        n = len(x["tables"]) + sum(len(m[3]) for m in x["comparison"])
        print(f"{name}: {n} tables, {sum(len(t[4]) for t in x['tables'])} rows of the period: "
              f"{'identical' if x == y else 'see above'}")
    print("no differences in the figures" if differences == 0 else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(compare(sys.argv[2], sys.argv[3]))
