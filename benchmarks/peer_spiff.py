"""The SpiffWorkflow 3.2 lane of benchmarks/lifecycle.py: the same lifecycle as the engine's
funding-change performance route (16 transitions a case), done by a peer BPMN engine.

Adapted from the peer benchmark in /work/shared/peer-bench/ (lc_spiff.py, common.py and
lifecycle.bpmn, written for comparing this project's engine with a peer): its schema, its
audit payload and its transaction, unchanged in kind. What differs, so that the comparison is
fair to both sides:

- peer_lifecycle.bpmn has 16 sequential user tasks (the peer's had 10), one per transition
  the engine makes on the route, named after the engine's triggers;
- deadline rows follow the engine's route: a step closes the case's pending deadline rows
  where the engine closes one, and opens as many rows as the engine opens (10 a case in all;
  the peer closed one and opened one on 5 of its 10 steps);
- cases are created in blocks by `open_cases` (untimed, as the engine's opening is).

Each transition is one SQLite transaction in WAL mode with `synchronous=FULL` (the engine's
setting): BEGIN IMMEDIATE; read the case's serialized workflow and version; deserialize it;
check that the READY user task is the one asked for; run it and the engine steps after it;
serialize it again (BpmnWorkflowSerializer); UPDATE the case with an optimistic version
check; INSERT an audit row (a ~200-byte JSON payload); close and open deadline rows; COMMIT.
Needs the `bench` extra: `pip install -e '.[bench]'`.
"""
import json
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

BPMN = Path(__file__).with_name("peer_lifecycle.bpmn")
ACTOR = "officer@example.org"
#: The user tasks in order (the BPMN's), and for each the engine's deadline rows on that step:
#: (closes the pending ones, rows opened). Read from an engine run of the same route.
STEPS = (("raise_concern", False, 1), ("acknowledge_concern", True, 1), ("propose_plan", False, 0),
         ("agree_plan_funder", False, 0), ("agree_plan_vco", True, 3), ("record_support", False, 0),
         ("start_review", True, 1), ("begin_impact_assessment", True, 0), ("save_assessment", False, 0),
         ("open_consultation", False, 1), ("submit_response", True, 1), ("decide_change", True, 0),
         ("issue_notice", False, 2), ("acknowledge_notice", True, 0), ("submit_exit_plan", False, 0),
         ("notice_takes_effect", True, 0))
SCHEMA = (
    "CREATE TABLE cases (id INTEGER PRIMARY KEY, state VARCHAR(40) NOT NULL, version INTEGER NOT NULL, "
    "updated_at VARCHAR(32) NOT NULL, workflow_json TEXT)",
    "CREATE TABLE audit_events (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), "
    "from_state VARCHAR(40) NOT NULL, to_state VARCHAR(40) NOT NULL, actor VARCHAR(80) NOT NULL, "
    "at VARCHAR(32) NOT NULL, payload TEXT NOT NULL)",
    "CREATE INDEX ix_audit_case ON audit_events (case_id)",
    "CREATE TABLE deadlines (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), "
    "kind VARCHAR(40) NOT NULL, due_at VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL)",
    "CREATE INDEX ix_deadlines_case_status ON deadlines (case_id, status)",
    "CREATE INDEX ix_deadlines_status_due ON deadlines (status, due_at)",
)


def _spec():
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec("lifecycle")


def _ts(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def payload(case_id: int, step: int) -> str:
    """The peer's audit payload: about 200 bytes of compact JSON, fixed for (case, step)."""
    d = {"case_ref": f"FC-{case_id:08d}", "step": step, "trigger": STEPS[step][0],
         "reason": "Funding condition review triggered by monitoring return", "amount_gbp": 125000 + case_id,
         "ref": f"{case_id * 7919 % 1000003:07d}"}
    pad = 200 - len(json.dumps(d, separators=(",", ":"))) - len(',"notes":""')
    if pad > 0:
        d["notes"] = "x" * pad
    return json.dumps(d, separators=(",", ":"))


class SpiffLane:
    """A SQLite file with the peer's schema, and the transition as the peer does it."""

    def __init__(self, path: Path, synchronous: str = "FULL") -> None:
        self.spec, self.serializer = _spec(), BpmnWorkflowSerializer()
        tasks = [t.bpmn_id for t in self.spec.task_specs.values() if t.bpmn_id and t.__class__.__name__ == "UserTask"]
        assert sorted(tasks) == sorted(s[0] for s in STEPS), "peer_lifecycle.bpmn and STEPS disagree"
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "foreign_keys=ON", "busy_timeout=10000"):
            self.db.execute(f"PRAGMA {pragma}")
        for statement in SCHEMA:
            self.db.execute(statement)
        self.cur = self.db.cursor()

    def open_cases(self, first: int, count: int) -> None:
        """Cases first .. first+count-1, each a fresh workflow at its first user task (untimed)."""
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        start = self.serializer.serialize_json(workflow)
        now = _ts(datetime.now(timezone.utc))
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO cases (id, state, version, updated_at, workflow_json) VALUES (?, ?, 1, ?, ?)",
                            ((i, "new", now, start) for i in range(first, first + count)))
        self.db.execute("COMMIT")

    def step(self, case_id: int, n: int) -> None:
        """Transition n (0-based) of the case, in one durable transaction."""
        trigger, closes, opens = STEPS[n]
        cur = self.cur
        cur.execute("BEGIN IMMEDIATE")
        try:
            state, workflow_json, version = cur.execute(
                "SELECT state, workflow_json, version FROM cases WHERE id = ?", (case_id,)).fetchone()
            workflow = self.serializer.deserialize_json(workflow_json)
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            if task is None or task.task_spec.bpmn_id != trigger:
                raise RuntimeError(f"case {case_id}: {trigger} is not the ready task")
            task.run()
            workflow.do_engine_steps()
            now = datetime.now(timezone.utc)
            ts = _ts(now)
            cur.execute("UPDATE cases SET state = ?, version = ?, updated_at = ?, workflow_json = ? "
                        "WHERE id = ? AND version = ?",
                        (trigger, version + 1, ts, self.serializer.serialize_json(workflow), case_id, version))
            if cur.rowcount != 1:
                raise RuntimeError(f"case {case_id} was changed by someone else")
            cur.execute("INSERT INTO audit_events (case_id, from_state, to_state, actor, at, payload) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (case_id, state, trigger, ACTOR, ts, payload(case_id, n)))
            if closes:
                cur.execute("UPDATE deadlines SET status = 'done' WHERE case_id = ? AND status = 'pending'", (case_id,))
            for k in range(opens):
                cur.execute("INSERT INTO deadlines (case_id, kind, due_at, status) VALUES (?, ?, ?, 'pending')",
                            (case_id, f"{trigger}:{k}", _ts(now + timedelta(days=14 + 7 * k))))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def run(self, first: int, count: int, latencies: list[float], cpu: list[float]) -> None:
        """Open `count` cases and take each through every step; per-transition wall and CPU
        times are appended to the lists."""
        self.open_cases(first, count)
        clock, process = time.perf_counter, time.process_time
        for case_id in range(first, first + count):
            for n in range(len(STEPS)):
                t0, c0 = clock(), process()
                self.step(case_id, n)
                latencies.append(clock() - t0)
                cpu.append(process() - c0)

    def check(self, cases: int) -> None:
        """Every case finished, with its audit rows and deadline rows."""
        q = lambda sql: self.db.execute(sql).fetchall()  # noqa: E731
        assert q("SELECT state, version, count(*) FROM cases GROUP BY 1, 2") == [
            ("notice_takes_effect", len(STEPS) + 1, cases)], "a case did not finish"
        assert q("SELECT count(*) FROM audit_events") == [(len(STEPS) * cases,)]
        assert q("SELECT count(*) FROM deadlines") == [(sum(s[2] for s in STEPS) * cases,)]

    def close(self) -> None:
        self.db.close()
