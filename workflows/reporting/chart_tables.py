"""The tables behind the report's six charts (reporting.md section 6, "Charts"), each the
chart's visible table: read from a built `Report` (and the trend), never from the database.

- case flow (M1): the month-by-month table as M1 gives it;
- deadline compliance (M3, M4): M3's table sorted by the share met, rated rows first;
- trend (M3, M9, M16): `workflows.reporting.trend`;
- notice length (M11): M11's bands;
- dispute escalation (M13, M14): how many disputes reached each stage, D1 to D4;
- time per stage (M6, M16): the decision and the four dispute stages, with each one's limit."""
from workflows.limits import TimeLimits
from workflows.reporting.metric import col, table
from workflows.reporting.report import Report
from workflows.reporting.tables import ReportTable

STAGES = ("D1", "D2", "D3", "D4")


def find(report: Report, key: str) -> ReportTable:
    return next(t for m in report.metrics for t in m.tables if t.key == key)


def values(t: ReportTable, row: tuple) -> dict:
    """A row as {column key: value}."""
    return {c.key: v for c, v in zip(t.columns, row)}


def case_flow(report: Report) -> ReportTable:
    return find(report, "m1_case_flow_by_month")


def deadline_compliance(report: Report) -> ReportTable:
    """M3 by deadline type and side, the best met first; rows not rated (fewer than 5) last."""
    t = find(report, "m3_deadline_compliance")
    i = [c.key for c in t.columns].index("percent_met")
    rows = sorted(t.rows, key=lambda r: (r[i] is None, -(r[i] or 0), r[0], r[1]))
    m3 = report.metric("m3")
    target = report.targets.get("m3")
    return table("chart_deadline_compliance", "Deadlines met, by type and by who owes them",
                 f"Deadlines due, met and breached, by type, {report.period.label()}", t.columns, rows, chart="bar",
                 overview=f"{m3.rate.words()} deadlines due in the period were met"
                          + (f", against a target of {target}%." if target is not None else "."))


def notice_length(report: Report) -> ReportTable:
    return find(report, "m11_notice_length")


def escalation(report: Report) -> ReportTable:
    """How many disputes reached each stage: D1, those raised in the period (M13); D2 to D4,
    those that went on from the stage before (M14), with the share of the disputes decided
    at the stage before whose choice to go on had closed."""
    raised = find(report, "m13_disputes_raised")
    total = next(values(raised, r)["disputes"] for r in raised.rows if r[0] == "All disputes")
    steps = find(report, "m14_escalation")
    rows = [("D1 informal resolution", total, None, None)]
    words = {"D2": "D2 senior review", "D3": "D3 mediation", "D4": "D4 Compact panel"}
    for row in steps.rows:
        v = values(steps, row)
        rows.append((words[v["step"][-2:]], v["n"], v["denominator"], v["percent"]))
    return table("chart_dispute_escalation", "Disputes reaching each stage",
                 f"Disputes raised (D1) and going on to each later stage, {report.period.label()}",
                 (col("stage", "Stage"), col("reached", "Reached", True),
                  col("decided_before", "Decided at the stage before", True),
                  col("of_previous_percent", "Per cent of those decided at the stage before", True)), rows,
                 chart="bar", overview=f"{total} disputes were raised; {rows[-1][1]} went on to the Compact panel.")


def stage_limits(limits: TimeLimits) -> dict[str, int]:
    """Each stage's limit in working days, as M6 and M16 rate against it."""
    return {"Decision": limits.decision_wd, "D1 informal resolution": limits.informal_response_wd,
            "D2 senior review": limits.review_outcome_wd,
            "D3 mediation": limits.mediation_agree_wd + limits.mediation_session_wd + limits.mediation_outcome_wd,
            "D4 Compact panel": limits.panel_hearing_wd + limits.panel_findings_wd}


def stage_times(report: Report, limits: TimeLimits) -> ReportTable:
    """Median working days of the funding decision (M6) and of each dispute stage (M16)."""
    limit = stage_limits(limits)
    rows = []
    for key in ("m6_decision_timeliness", "m16_time_per_stage"):
        t = find(report, key)
        for row in t.rows:
            v = values(t, row)
            name = "Decision" if key.startswith("m6") else v["stage"]
            rows.append(("Funding decision" if name == "Decision" else name, v["median_wd"], v["max_wd"],
                         limit.get(name), v["percent_within"], v["n"]))
    m16 = report.metric("m16")
    return table("chart_time_per_stage", "Working days per stage, against each stage's limit",
                 f"Funding decisions and dispute stages completed, {report.period.label()}",
                 (col("stage", "Stage"), col("median_wd", "Median working days", True),
                  col("max_wd", "Longest, working days", True), col("limit_wd", "Limit, working days", True),
                  col("percent_within", "Per cent within the limit", True), col("n", "Number", True)), rows,
                 chart="bar", overview=f"Dispute stages within their limit: {m16.rate.words()}. Funding decisions "
                                       f"within theirs: {report.metric('m6').rate.words()}.")


def chart_tables(report: Report, trend: ReportTable, limits: TimeLimits) -> dict[str, ReportTable]:
    """The six chart tables by chart: flow, deadlines, trend, notice, escalation, stage_times."""
    return {"flow": case_flow(report), "deadlines": deadline_compliance(report), "trend": trend,
            "notice": notice_length(report), "escalation": escalation(report),
            "stage_times": stage_times(report, limits)}
