"""The compliance report's metrics against hand-built scenarios (reporting.md section 6). Each
scenario is driven through the real workflows with explicit times; every expected figure is
worked out by hand in the comments, never with the report code or the project's calendar.

Bank holidays used: Fri 25 Dec 2026, Mon 28 Dec 2026, Fri 1 Jan 2027."""
from datetime import date, datetime, timezone

import pytest

from tests.factories import dispute_at, funding_case_at, open_case, raise_dispute
from workflows.journeys import CONCERN, FUNDING_PERFORMANCE
from workflows.reporting.period import Filters, Period
from workflows.reporting.report import build_report
from workflows.sweep import sweep_due

UTC = timezone.utc


def at(clock, y: int, m: int, d: int, hour: int = 10) -> datetime:
    # October to March below (and 28-30 September): London is GMT in winter; in September
    # (BST) 10:00 UTC is 11:00 London, the same day.
    clock.current = datetime(y, m, d, hour, tzinfo=UTC)
    return clock.now()


def report(service, start: date, end: date, as_at: datetime, **filters):
    with service.factory() as db:
        return build_report(db, Filters(Period(start, end), **filters), as_at, calendar=service.calendar,
                            limits=service.limits)


def rows(metric, key: str) -> list[tuple]:
    return list(next(t for t in metric.tables if t.key == key).rows)


def concern(now: datetime) -> dict:
    return {**CONCERN, "letter_date": now.date()}


def test_case_flow_and_outcomes_across_the_period_boundary(service, cast, clock):
    at(clock, 2026, 9, 28)
    before = open_case(service, cast, clock)                          # started 30 Sep, closed 2 Oct
    service.fire(before.id, "raise_concern", cast["fo"], concern(at(clock, 2026, 9, 30)), clock.now())
    service.fire(before.id, "resolve_concern", cast["fo"], {"reason": "Improved."}, at(clock, 2026, 10, 2))
    at(clock, 2026, 9, 30)
    withdrawn = open_case(service, cast, clock)                       # started 5 Oct, withdrawn 6 Oct
    service.fire(withdrawn.id, "raise_concern", cast["fo"], concern(at(clock, 2026, 10, 5)), clock.now())
    service.fire(withdrawn.id, "withdraw", cast["fo"], {"reason": "Wrong programme."}, at(clock, 2026, 10, 6))
    at(clock, 2026, 10, 5)
    open_case(service, cast, clock)                                    # a draft: never started
    draft_withdrawn = open_case(service, cast, clock)                  # withdrawn as a draft: never started
    service.fire(draft_withdrawn.id, "withdraw", cast["fo"], {"reason": "Duplicate."}, at(clock, 2026, 10, 6))
    at(clock, 2026, 10, 9)
    running = open_case(service, cast, clock)                          # started 10 Oct, still open
    service.fire(running.id, "raise_concern", cast["fo"], concern(at(clock, 2026, 10, 10)), clock.now())

    r = report(service, date(2026, 10, 1), date(2026, 10, 31), at(clock, 2026, 11, 20), compare=True)
    # October: started = the withdrawn one (5 Oct) and the running one (10 Oct) = 2; closed =
    # resolved 2 Oct and withdrawn 6 Oct = 2; open on 31 Oct = only the running one.
    assert rows(r.metric("m1"), "m1_case_flow")[-1] == ("All routes", 2, 2, 1)
    assert rows(r.metric("m1"), "m1_case_flow")[0] == ("Performance", 2, 2, 1)
    # The previous period of the same length (31 days: 31 Aug-30 Sep): started 30 Sep, open at its end.
    assert r.comparison_period == Period(date(2026, 8, 31), date(2026, 9, 30))
    assert rows(r.comparison[0], "m1_case_flow")[-1] == ("All routes", 1, 0, 1)
    # Two closed in October: one resolved, one withdrawn: 50% each.
    outcomes = dict((o, (n, p)) for o, n, p in rows(r.metric("m2"), "m2_outcome_mix"))
    assert outcomes["Resolved (performance improved)"] == (1, 50.0)
    assert outcomes["Withdrawn"] == (1, 50.0)
    assert outcomes["Funding changed"] == (0, 0.0)
    # Re-run later as at the same time: the same numbers; as at 3 Oct only the first case had closed.
    again = report(service, date(2026, 10, 1), date(2026, 10, 31), at(clock, 2026, 11, 20))
    assert again.metric("m1").headline == r.metric("m1").headline
    early = report(service, date(2026, 10, 1), date(2026, 10, 31), datetime(2026, 10, 3, 12, tzinfo=UTC))
    assert rows(early.metric("m1"), "m1_case_flow")[-1] == ("All routes", 0, 1, 0)


def test_deadline_cohort_with_pause_extension_breach_and_withdrawal(service, cast, clock):
    disputes = {}
    for name in ("x", "y", "z", "w"):
        at(clock, 2026, 12, 1)
        disputes[name] = raise_dispute(service, cast, clock)   # acknowledge by Tue 8 Dec (2,3,4,7,8 Dec)
    ack = {"officer": cast["officer"]}
    # X: acknowledged 3 Dec; the response is due 10 WD later, Thu 17 Dec (4,7,...,17 Dec); the
    # officer extends it on 10 Dec to Wed 23 Dec: 4 working days added (18, 21, 22, 23 Dec);
    # answered 22 Dec: met.
    service.fire(disputes["x"].id, "acknowledge_dispute", cast["fo"], ack, at(clock, 2026, 12, 3))
    service.fire(disputes["x"].id, "extend_informal", cast["officer"], {"reason": "Papers.", "new_date": date(2026, 12, 23)},
                 at(clock, 2026, 12, 10))
    service.fire(disputes["x"].id, "give_informal_response", cast["officer"], {"response": "Answer."},
                 at(clock, 2026, 12, 22))
    # Z: withdrawn on 2 Dec, so its acknowledgement is cancelled, not breached.
    service.fire(disputes["z"].id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, at(clock, 2026, 12, 2))
    # W: acknowledged on the due day, 8 Dec: met. Its response is due 10 WD later, 22 Dec: not given.
    service.fire(disputes["w"].id, "acknowledge_dispute", cast["fo"], ack, at(clock, 2026, 12, 8))
    # A funding case: concern raised 1 Dec, acknowledgement due 8 Dec; paused 3 Dec with 3 working
    # days left (4, 7, 8 Dec); resumed Mon 7 Dec, so due 3 working days later, Thu 10 Dec. It
    # stood paused for 2 working days (Fri 4 and Mon 7 Dec). Acknowledged 9 Dec: met.
    at(clock, 2026, 12, 1, 9)
    case = open_case(service, cast, clock)
    service.fire(case.id, "raise_concern", cast["fo"], concern(at(clock, 2026, 12, 1, 11)), clock.now())
    service.fire(case.id, "pause", cast["fo"], {"reason": "Illness."}, at(clock, 2026, 12, 3))
    service.fire(case.id, "resume", cast["fo"], {"reason": "Back."}, at(clock, 2026, 12, 7))
    # The scheduler runs on 9 Dec: Y's acknowledgement (due 8 Dec) is recorded as breached.
    sweep_due(service.factory, at(clock, 2026, 12, 9), "test", service.calendar, service.limits, service.hooks)
    service.fire(case.id, "acknowledge_concern", cast["vl"], {"comments": "OK."}, at(clock, 2026, 12, 9, 11))
    # Y: acknowledged 10 Dec, two working days late (9, 10 Dec); its response falls due 24 Dec.
    service.fire(disputes["y"].id, "acknowledge_dispute", cast["fo"], ack, at(clock, 2026, 12, 10))

    r = report(service, date(2026, 12, 1), date(2026, 12, 31), datetime(2026, 12, 31, 12, tzinfo=UTC))
    # D(December): X ack (met), X response (met, extended), Y ack (breached, met late), Y response
    # (due 24 Dec, open, no breach recorded yet), W ack (met), W response (due 22 Dec, open),
    # the concern acknowledgement (met, paused) and the plan agreement (due 20 WD from 1 Dec: 31 Dec,
    # open). Z's acknowledgement is excluded. Met 4, breached 1: 4 of 5 = 80%, rated; the target
    # is 95%, more than 10 points away: "Well below target".
    m3 = r.metric("m3")
    assert (m3.rate.n, m3.rate.of) == (4, 5)
    assert r.rag(m3) == "Well below target"
    assert m3.count == 8
    sides = {row[0]: row[1:] for row in rows(m3, "m3_by_side")}
    assert sides["Statutory body"] == (3, 1, 4, None)         # 4 rated: per cent "not rated"
    assert sides["Voluntary organisation"] == (1, 0, 1, None)
    ack_row = next(row for row in rows(m3, "m3_deadline_compliance") if row[0] == "Acknowledge the dispute")
    assert ack_row[2:6] == (2, 1, None, 1)                      # met 2, breached 1, not rated, 1 met late
    # M4: 1 of 8 extended (12.5%), by 4 working days; 1 of 8 paused (12.5%), for 2 working days.
    assert rows(r.metric("m4"), "m4_extensions_and_pauses") == [
        ("Extended at least once", 1, 8, 12.5, 4), ("Paused at least once", 1, 8, 12.5, 2)]
    # M5: one breach recorded in December: Y's acknowledgement, due 8 Dec, met 2 working days late.
    log = rows(r.metric("m5"), "m5_breach_log")
    assert len(log) == 1
    assert log[0][0] == disputes["y"].ref and log[0][3] == date(2026, 12, 8) and log[0][5:7] == (2, "Met late")


def test_decision_consultation_window_and_response_with_an_extension(service, cast, clock):
    at(clock, 2026, 9, 1)
    case = funding_case_at(service, cast, clock, "impact_assessment")   # about 40 days of steps: mid-October
    steps = {s.trigger: s for s in FUNDING_PERFORMANCE}
    clock.advance(days=1)
    service.fire(case.id, "save_assessment", cast["fo"], steps["save_assessment"].data_for(clock.now(), cast.ids),
                 clock.now())
    # Consultation opened Mon 2 Nov 2026 (London is on GMT), to be answered by Mon 30 Nov:
    # working days after 2 Nov up to 30 Nov: 3-6 Nov (4), 9-13, 16-20, 23-27 (15), 30 Nov (1) = 20.
    service.fire(case.id, "open_consultation", cast["fo"],
                 {**steps["open_consultation"].data_for(at(clock, 2026, 11, 2), cast.ids),
                  "respond_by": date(2026, 11, 30)}, clock.now())
    # The organisation asks for more time on 10 Nov and is given it on 11 Nov, to Mon 7 Dec:
    # the final window is 20 + 1-4 Dec (4) + 7 Dec (1) = 25 working days.
    more_time = {"reason": "Our trustees meet in December.", "new_date": date(2026, 12, 7)}
    service.fire(case.id, "request_extension", cast["vl"], more_time, at(clock, 2026, 11, 10))
    service.fire(case.id, "grant_extension", cast["fo"], more_time, at(clock, 2026, 11, 11))
    # It responds on Thu 3 Dec: 20 + 1, 2, 3 Dec = 23 working days after the opening.
    service.fire(case.id, "submit_response", cast["vl"], {"response": "A second minibus run."}, at(clock, 2026, 12, 3))
    # The decision on Thu 17 Dec: working days after 3 Dec up to 17 Dec: 4 Dec (1), 7-11 Dec (5),
    # 14-17 Dec (4) = 10, within the 20 working days allowed.
    service.fire(case.id, "decide_change", cast["dm"], steps["decide_change"].data_for(at(clock, 2026, 12, 17), cast.ids),
                 clock.now())

    r = report(service, date(2026, 11, 1), date(2026, 12, 31), datetime(2027, 1, 5, 12, tzinfo=UTC))
    # M6: one decision, 10 working days (median and longest), 1 of 1 within the limit, not rated.
    assert rows(r.metric("m6"), "m6_decision_timeliness") == [("Decision", 1, 10, 10, 1, 1, None)]
    # M7: one consultation: initial window 20, final 25; one request for more time, one granted.
    m7 = r.metric("m7")
    assert rows(m7, "m7_consultation_window") == [("Initial", 1, 20, 20), ("Final", 1, 25, 25)]
    assert rows(m7, "m7_extensions") == [("Initial window at the standard or longer", 1),
                                         ("Extension requests made", 1), ("Extensions granted", 1)]
    # M8: one consultation closed, answered, after 23 working days.
    assert rows(r.metric("m8"), "m8_response_rate") == [(1, 1, None, 23)]
    # In October nothing of this happened.
    before = report(service, date(2026, 10, 1), date(2026, 10, 31), datetime(2027, 1, 5, 12, tzinfo=UTC))
    assert (before.metric("m6").count, before.metric("m7").count, before.metric("m8").count) == (0, 0, 0)


def test_notices_minimum_exceptional_length_and_changes(service, cast, clock):
    made = []
    for _ in range(3):
        at(clock, 2026, 10, 1)
        made.append(funding_case_at(service, cast, clock, "notice_pending"))
    # Each notice is emailed on Tue 12 Jan 2027 at 10:00, a working day before 17:00, so it is
    # deemed given that day; 3 months on is 12 Apr 2027, so the earliest lawful effective date
    # is Tue 13 Apr 2027.
    sent = at(clock, 2027, 1, 12)
    service.fire(made[0].id, "issue_notice", cast["fo"], {"channel": "email", "sent_at": sent,
                                                         "effective_on": date(2027, 4, 13)}, sent)
    service.fire(made[1].id, "sign_off_exception", cast["dm"], {"category": "safeguarding",
                                                               "justification": "Children at risk."}, sent)
    service.fire(made[1].id, "issue_notice", cast["fo"], {"channel": "email", "sent_at": sent,
                                                         "effective_on": date(2027, 3, 1)}, sent)
    service.fire(made[2].id, "issue_notice", cast["fo"], {"channel": "email", "sent_at": sent,
                                                         "effective_on": date(2027, 7, 1)}, sent)
    # The first notice is extended on 20 Jan to 20 April.
    service.fire(made[0].id, "extend_notice", cast["fo"], {"reason": "More time.", "new_effective_on": date(2027, 4, 20)},
                 at(clock, 2027, 1, 20))

    r = report(service, date(2027, 1, 1), date(2027, 1, 31), at(clock, 2027, 2, 1))
    # M9: 13 Apr and 1 Jul are on or after 13 Apr; 1 Mar is not: 2 of 3, not rated (fewer than 5).
    m9 = r.metric("m9")
    assert (m9.rate.n, m9.rate.of, m9.rate.rated) == (2, 3, False)
    assert r.rag(m9) == "Not rated"
    # M10: 1 of 3 shortened, safeguarding; 1 Mar to 13 Apr is 43 days short (31 to 1 Apr, 12 more).
    m10 = r.metric("m10")
    assert (m10.rate.n, m10.rate.of) == (1, 3)
    assert ("Safeguarding", 1) in rows(m10, "m10_exceptions_by_category")
    assert rows(m10, "m10_days_short")[0][3:] == (43, 43)
    # M11: bands: 1 Mar is short; 13 Apr within a month of 13 Apr; 1 Jul is more than a month over.
    assert [n for _, n, _ in rows(r.metric("m11"), "m11_notice_length")] == [1, 1, 1]
    # M12: three notices in force in January; one extended in it.
    m12 = r.metric("m12")
    assert (m12.rate.n, m12.rate.of) == (1, 3)
    assert ("Extended", 1) in rows(m12, "m12_post_notice_changes")


def test_disputes_escalated_through_every_stage(service, cast, clock):
    # The full dispute, raised 1 Dec 2026, a day per step (tests.factories, DISPUTE_TO_PANEL):
    # acknowledged Wed 2 Dec, answered Thu 3 Dec, escalated Fri 4 Dec, reviewer assigned Sat 5,
    # partly upheld Sun 6 Dec, mediation asked Mon 7 Dec, ... no agreement Sat 12 Dec, referred
    # Sun 13 Dec, hearing set Tue 15 Dec, findings ("breach") Wed 30 Dec, response Thu 31 Dec: closed.
    at(clock, 2026, 12, 1)
    full = dispute_at(service, cast, clock, "closed")
    at(clock, 2026, 12, 1)
    accepted = dispute_at(service, cast, clock, "resolved")    # raised 1, ack 2, answered 3, accepted 4 Dec
    at(clock, 2026, 12, 1)
    withdrawn = dispute_at(service, cast, clock, "withdrawn")  # raised 1, withdrawn 2 Dec
    assert (full.status, accepted.status, withdrawn.status) == ("closed", "resolved", "withdrawn")

    r = report(service, date(2026, 12, 1), date(2026, 12, 31), datetime(2027, 1, 5, 12, tzinfo=UTC))
    # M13: 3 raised, all by the voluntary organisation, none linked; both undertakings named 3 times.
    m13 = dict(rows(r.metric("m13"), "m13_disputes_raised"))
    assert m13["Raised by a voluntary organisation"] == 3 and m13["About a funding case"] == 0
    assert all(n == 3 for _, n in rows(r.metric("m13"), "m13_undertakings"))
    # M14: D1 to D2: of the two answered in December (both decided), one escalated; D2 to D3 1 of 1;
    # D3 to D4 1 of 1.
    assert rows(r.metric("m14"), "m14_escalation") == [("D1 to D2", 1, 2, None), ("D2 to D3", 1, 1, None),
                                                       ("D3 to D4", 1, 1, None)]
    # M15: concluded in December: closed at D4, resolved at D1, withdrawn before acknowledgement;
    # upheld 1 of 1 (partly upheld); breach found 1 of 1.
    by_stage = {row[0]: row[1:] for row in rows(r.metric("m15"), "m15_concluded_by_stage")}
    assert by_stage["D4 Compact panel"] == (0, 1, 0, 1)
    assert by_stage["D1 informal resolution"] == (1, 0, 0, 1)
    assert by_stage["Raised, not yet acknowledged"] == (0, 0, 1, 1)
    assert rows(r.metric("m15"), "m15_rates") == [("Upheld or partly upheld at senior review (D2)", 1, 1, None),
                                                  ("Breach found by the Compact panel (D4)", 1, 1, None)]
    # M16 in working days: D1 2 Dec -> 3 Dec = 1 (both disputes); D2 Sat 5 -> Sun 6 Dec = 0;
    # D3 Mon 7 -> Sat 12 Dec = 4 (8, 9, 10, 11 Dec); D4 Sun 13 -> Wed 30 Dec = 11 (14-18, 21-24,
    # 29, 30 Dec; 25 and 28 Dec are holidays). All within their limits: 5 of 5, on target (90%).
    stages = {row[0]: row[1:] for row in rows(r.metric("m16"), "m16_time_per_stage")}
    assert stages["D1 informal resolution"][:3] == (2, 1, 1)
    assert stages["D2 senior review"][:3] == (1, 0, 0)
    assert stages["D3 mediation"][:3] == (1, 4, 4)
    assert stages["D4 Compact panel"][:3] == (1, 11, 11)
    assert (r.metric("m16").rate.n, r.metric("m16").rate.of) == (5, 5)
    assert r.rag(r.metric("m16")) == "On target"
    # M18: the panel's recommendation, issued 30 Dec, answered 31 Dec.
    learning = rows(r.metric("m18"), "m18_learning_actions")
    assert [(x[0], x[2], x[4]) for x in learning] == [(full.ref, date(2026, 12, 30), "Agreed (response given)")]


def test_a_case_closed_before_the_period_still_counts_its_deadline_due_in_it(service, cast, clock):
    # The report reads whole trails only of cases that can have an event in the period; one
    # closed before it still brings the deadline rows due in it.
    at(clock, 2026, 9, 28)
    case = open_case(service, cast, clock)
    # Concern raised Mon 28 Sep 2026: acknowledgement due 5 working days later (29, 30 Sep,
    # 1, 2, 5 Oct): Mon 5 Oct, in October. Acknowledged 29 Sep (met), withdrawn 30 Sep.
    service.fire(case.id, "raise_concern", cast["fo"], concern(at(clock, 2026, 9, 28)), clock.now())
    service.fire(case.id, "acknowledge_concern", cast["vl"], {}, at(clock, 2026, 9, 29))
    service.fire(case.id, "withdraw", cast["fo"], {"reason": "Funding ended elsewhere."}, at(clock, 2026, 9, 30))
    r = report(service, date(2026, 10, 1), date(2026, 10, 31), at(clock, 2026, 11, 20))
    # October's cohort: that acknowledgement only (the improvement plan's row was cancelled by
    # the withdrawal): 1 met out of 1.
    assert (r.metric("m3").rate.n, r.metric("m3").rate.of) == (1, 1)
    assert rows(r.metric("m3"), "m3_deadline_compliance")[0][:4] == ("Acknowledge the concern", "Voluntary organisation", 1, 0)


def test_a_period_after_the_as_at_time_counts_what_was_open_then(service, cast, clock):
    # Started 28 Sep 2026 (concern raised), withdrawn 5 Oct. As at 29 Sep the case was open,
    # and nothing recorded later is known: November's "open at the end" is 1, whatever
    # happened in October.
    at(clock, 2026, 9, 28)
    case = open_case(service, cast, clock)
    service.fire(case.id, "raise_concern", cast["fo"], concern(at(clock, 2026, 9, 28)), clock.now())
    service.fire(case.id, "withdraw", cast["fo"], {"reason": "Funding ended elsewhere."}, at(clock, 2026, 10, 5))
    r = report(service, date(2026, 11, 1), date(2026, 11, 30), datetime(2026, 9, 29, 12, tzinfo=UTC))
    assert rows(r.metric("m1"), "m1_case_flow")[-1] == ("All routes", 0, 0, 1)
