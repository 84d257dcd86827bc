"""Dispute metrics: disputes raised (M13), escalation (M14), outcomes (M15), time per stage
(M16), remedies (M17) and learning actions (M18), from each dispute's audit trail."""
from datetime import date

from workflows.definitions import as_date
from workflows.dispute_rules import REMEDIES
from workflows.limits import TimeLimits
from workflows.reporting.history import CaseFacts, History
from workflows.reporting.metric import RATE_COLUMNS, Metric, col, rate_cells, table
from workflows.reporting.period import STATUTORY, VCO, Period
from workflows.reporting.rates import Rate, median
from workflows.undertakings import UNDERTAKINGS

STAGES = {"informal_resolution": 1, "informal_response_given": 1, "senior_review": 2, "review_outcome_given": 2,
          "mediation_requested": 3, "in_mediation": 3, "no_agreement": 3, "panel_referred": 4, "panel_hearing": 4,
          "panel_findings_issued": 4}
STAGE_WORDS = {0: "Raised, not yet acknowledged", 1: "D1 informal resolution", 2: "D2 senior review",
               3: "D3 mediation", 4: "D4 Compact panel"}
TERMINAL = (("resolved", "Resolved"), ("closed", "Closed"), ("withdrawn", "Withdrawn"))
#: Remedies a linked funding case shows were applied, and the actions that apply them.
APPLIED_BY = {"reconsult": ("open_consultation", "reopen_consultation"),
              "redecide": ("decide_change", "decide_no_change"), "extend_notice": ("extend_notice",)}
REMEDY_WORDS = dict(REMEDIES)


def stage_reached(case: CaseFacts) -> int:
    return case.once("stage_reached", _stage_reached)


def _stage_reached(case: CaseFacts) -> int:
    return max((STAGES.get(s, 0) for e in case.entries for s in (e.from_state, e.to_state)), default=0)


def disputes_raised(h: History, p: Period) -> Metric:
    m = Metric("m13", "Disputes raised", "Disputes raised in the period, by the side that raised them and "
               "whether linked to a funding case; by Compact undertaking named (each counted once per "
               "dispute, so the total can exceed the disputes).")
    raised = [c for c in h.disputes() if (e := c.first("raise_dispute")) is not None and e.day in p]
    m.count = len(raised)
    by_side = [(side, sum(_side(h, c.complainant_org_id) == side for c in raised)) for side in (STATUTORY, VCO)]
    linked = sum(c.linked_case_id is not None for c in raised)
    m.headline = f"{len(raised)} raised; {linked} about a funding case"
    m.tables.append(table("m13_disputes_raised", "Disputes raised", f"Disputes raised, {p.label()}",
                          (col("group", "Group"), col("disputes", "Disputes", True)),
                          [*((f"Raised by a {s.lower()}", n) for s, n in by_side),
                           ("About a funding case", linked), ("Not about a funding case", len(raised) - linked),
                           ("All disputes", len(raised))]))
    named = {key: 0 for key, _ in UNDERTAKINGS}
    for c in raised:
        for key in set((c.first("raise_dispute").data or {}).get("undertakings") or ()):
            named[key] = named.get(key, 0) + 1
    m.tables.append(table("m13_undertakings", "Compact undertakings named in disputes",
                          f"Disputes raised by undertaking named, {p.label()}",
                          (col("undertaking", "Undertaking"), col("disputes", "Disputes", True)),
                          [(words, named[key]) for key, words in UNDERTAKINGS if named.get(key)]))
    return m


def _side(h: History, org_id: int | None) -> str:
    return STATUTORY if h.org_kinds.get(org_id) == "statutory" else VCO


#: (from, to, the outcome that opens the choice, the state the choice is made in, the move to the next stage)
ESCALATIONS = (("D1", "D2", ("give_informal_response",), "informal_response_given", "escalate_to_review"),
               ("D2", "D3", ("give_review_outcome",), "review_outcome_given", "request_mediation"),
               ("D3", "D4", ("record_agreement", "record_no_agreement"), "no_agreement", "refer_to_panel"))


def escalation(h: History, p: Period) -> Metric:
    m = Metric("m14", "Escalation rates", "Of disputes given a stage's outcome in the period whose choice to "
               "escalate had closed by the run date, the share that went on to the next stage (D1 to D2, D2 to "
               "D3, D3 to D4).")
    rows, reached = [], {}
    for low, high, outcomes, waiting, onward in ESCALATIONS:
        decided = went = 0
        for c in h.disputes():
            outcome = c.first(*outcomes)
            if outcome is None or outcome.day not in p:
                continue
            left = next((e for e in c.entries if e.at >= outcome.at and e.from_state == waiting
                         and e.to_state != waiting), None)
            if outcome.trigger == "record_agreement" or left is not None:
                decided += 1
                went += left is not None and left.trigger == onward
        rate = Rate(went, decided)
        rows.append((f"{low} to {high}", *rate_cells(rate)))
        reached[high] = rate
    m.count = sum(r[2] for r in rows)
    m.headline = "; ".join(f"{r[0]}: {reached[r[0][-2:]].words()}" for r in rows)
    m.tables.append(table("m14_escalation", "Disputes that went on to the next stage",
                          f"Stage outcomes with the choice to escalate closed, {p.label()}",
                          (col("step", "Step"), *RATE_COLUMNS), rows, chart="bar",
                          overview=f"Of disputes decided after D1, {reached['D2'].words()} went to senior review."))
    return m


def outcomes(h: History, p: Period) -> Metric:
    m = Metric("m15", "Dispute outcomes", "Disputes concluded in the period by the last stage reached; upheld "
               "rate: upheld or partly upheld, out of senior review (D2) outcomes in the period; breach-found "
               "rate: panel findings of a breach, out of findings issued in the period.")
    concluded, final = [], dict(TERMINAL)
    for c in h.disputes():
        end = next((e for e in c.entries if e.to_state in final and e.from_state not in final), None)
        if end is not None and end.day in p:
            concluded.append((c, end))
    rows = []
    for stage, words in STAGE_WORDS.items():
        counts = [sum(1 for c, e in concluded if stage_reached(c) == stage and e.to_state == state)
                  for state, _ in TERMINAL]
        rows.append((words, *counts, sum(counts)))
    review = [e for c in h.disputes() for e in c.entries if e.trigger == "give_review_outcome" and e.day in p]
    upheld = Rate(sum(e.data.get("outcome") in ("upheld", "partly_upheld") for e in review), len(review))
    findings = [e for c in h.disputes() for e in c.entries if e.trigger == "issue_findings" and e.day in p]
    breach = Rate(sum(e.data.get("finding") == "breach" for e in findings), len(findings))
    m.count = len(concluded) + len(review) + len(findings)
    m.headline = f"{len(concluded)} concluded; upheld {upheld.words()}; breach found {breach.words()}"
    m.tables.append(table("m15_concluded_by_stage", "How disputes ended, by the last stage reached",
                          f"Disputes concluded, {p.label()}",
                          (col("last_stage", "Last stage reached"), *(col(s, w, True) for s, w in TERMINAL),
                           col("total", "All", True)), rows))
    m.tables.append(table("m15_rates", "Upheld and breach-found rates", f"Outcomes issued, {p.label()}",
                          (col("rate", "Rate"), *RATE_COLUMNS),
                          [("Upheld or partly upheld at senior review (D2)", *rate_cells(upheld)),
                           ("Breach found by the Compact panel (D4)", *rate_cells(breach))]))
    return m


def stage_times(h: History, p: Period, limits: TimeLimits) -> tuple[Metric, list[tuple]]:
    m = Metric("m16", "Time per dispute stage", "Stages completed in the period, in working days net of pauses: "
               "D1 acknowledgement to response, D2 reviewer assigned to outcome, D3 request to written outcome, "
               "D4 referral to findings; median, longest and share within the limit.")
    spans = (("D1 informal resolution", ("acknowledge_dispute",), ("give_informal_response",), limits.informal_response_wd),
             ("D2 senior review", ("assign_reviewer",), ("give_review_outcome",), limits.review_outcome_wd),
             ("D3 mediation", ("request_mediation",), ("record_agreement", "record_no_agreement"),
              limits.mediation_agree_wd + limits.mediation_session_wd + limits.mediation_outcome_wd),
             ("D4 Compact panel", ("refer_to_panel",), ("issue_findings",), limits.panel_hearing_wd + limits.panel_findings_wd))
    rows, within, total = [], 0, 0
    for words, starts, ends, limit in spans:
        days = []
        for c in h.disputes():
            end = c.first(*ends)
            start = c.last(*starts, before=end.at) if end is not None else None
            if end is not None and start is not None and end.day in p:
                days.append(h.case_wd(c, start.day, end.day))
        rate = Rate(sum(d <= limit for d in days), len(days))
        within, total = within + rate.n, total + rate.of
        rows.append((words, len(days), median(days), max(days, default=None), *rate_cells(rate)[:2],
                     rate.percent if rate.rated else None))
    m.rate, m.count = Rate(within, total), total
    m.headline = f"Within the limit: {m.rate.words()}"
    m.tables.append(table("m16_time_per_stage", "Working days per dispute stage", f"Dispute stages completed, "
                          f"{p.label()}", (col("stage", "Stage"), col("n", "Number", True),
                                           col("median_wd", "Median working days", True),
                                           col("max_wd", "Longest, working days", True),
                                           col("within_limit", "Within the limit", True),
                                           col("denominator", "Out of", True),
                                           col("percent_within", "Per cent within", True)), rows, chart="bar",
                          overview=f"{m.rate.words()} dispute stages finished within their time limit."))
    return m, rows


def _remedies(h: History):
    """(dispute, review outcome entry, remedy, agreed date or None) for every remedy named."""
    for c in h.disputes():
        for e in c.entries:
            if e.trigger == "give_review_outcome":
                for remedy in e.data.get("remedies") or ():
                    yield c, e, remedy, as_date(e.data.get("remedies_by"))


def remedies(h: History, p: Period) -> Metric:
    m = Metric("m17", "Remedies implemented", "Remedies with an agreed date in the period that the linked "
               "funding case shows applied by that date, out of those remedies. Only remedies a funding case "
               "shows (consult again, decide again, extend the notice) can be checked; an apology or a process "
               "fix is listed, not rated.")
    applied, due, listed = 0, 0, []
    for c, outcome, remedy, by in _remedies(h):
        if by is None or by not in p:
            continue
        linked = h.cases.get(c.linked_case_id) if c.linked_case_id else None
        if remedy not in APPLIED_BY:
            listed.append((c.ref, REMEDY_WORDS.get(remedy, remedy), by, "Not shown on a funding case"))
            continue
        due += 1
        done = linked is not None and any(x.trigger in APPLIED_BY[remedy] and outcome.at < x.at and x.day <= by
                                          for x in linked.entries)
        applied += done
        if not done:
            listed.append((c.ref, REMEDY_WORDS.get(remedy, remedy), by,
                           "Outstanding" if by >= h.today else "Not applied by the agreed date"))
    rate = Rate(applied, due)
    m.rate, m.count = rate, due + len(listed)
    m.headline = f"{rate.words()} applied by the agreed date"
    m.tables.append(table("m17_remedies", "Remedies applied by their agreed date", f"Remedies due, {p.label()}",
                          RATE_COLUMNS, [rate_cells(rate)]))
    m.tables.append(table("m17_outstanding", "Remedies not shown as applied", f"Remedies due and not shown as "
                          f"applied, {p.label()}", (col("case_reference", "Dispute"), col("remedy", "Remedy"),
                                                    col("agreed_date", "Agreed date"), col("status", "Status")),
                          listed))
    return m


def learning(h: History, p: Period) -> Metric:
    m = Metric("m18", "Learning actions", "Process-fix remedies and Compact panel recommendations issued in "
               "the period, each with its status.")
    rows = []
    for c, outcome, remedy, by in _remedies(h):
        if remedy == "process_fix" and outcome.day in p:
            status = "Agreed" if by is None or by >= h.today else "Agreed date passed; completion not recorded"
            rows.append((c.ref, "Fix the process (senior review)", outcome.day, by, status,
                         str(outcome.data.get("reasons") or "")))
    for c in h.disputes():
        for e in c.entries:
            if e.trigger == "issue_findings" and e.day in p:
                answered = c.first("respond_to_findings", after=e.at)
                late = any(r.kind == "findings_response" and r.breached_at for r in h.rows_of(c.id))
                status = "Agreed (response given)" if answered else "Overdue" if late else "Awaiting the response"
                rows.append((c.ref, "Compact panel recommendation", e.day, None, status,
                             str(e.data.get("recommendations") or "")))
    rows.sort(key=lambda r: (r[2], r[0]))
    m.count = len(rows)
    m.headline = f"{len(rows)} learning actions"
    m.tables.append(table("m18_learning_actions", "Learning actions", f"Learning actions issued, {p.label()}",
                          (col("case_reference", "Dispute"), col("source", "Source"), col("issued_on", "Issued"),
                           col("agreed_date", "Agreed date"), col("status", "Status"), col("action", "Action")),
                          rows))
    return m
