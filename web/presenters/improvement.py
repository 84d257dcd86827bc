"""A funding case's improvement history as the decision-maker reads it before deciding
(processes.md, "Decision pending"): the plan that was agreed and when it ended, the actions
done and not done, the support given, why the review found performance had not improved, and
whether the organisation disagreed with the concern. Read from the case's own record."""
from dataclasses import dataclass, field

from casework.cases import Case
from workflows.definitions import as_date
from workflows.funding_change_plans import EARLY_REVIEW_REASONS
from web.presenters.formatting import long_date

#: The actions whose pages show the improvement history: the decision-maker's.
DECISIONS = frozenset({"decide_change", "decide_no_change"})


@dataclass(frozen=True)
class PlanAction:
    """One action of the agreed plan: what, who, by when, and (once done) when and the evidence."""
    what: str
    who: str
    by: str
    done_on: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class ImprovementHistory:
    """Summary rows (label, words) and the agreed plan's actions, done and not done."""
    rows: list[tuple[str, str]] = field(default_factory=list)
    done: list[PlanAction] = field(default_factory=list)
    not_done: list[PlanAction] = field(default_factory=list)


def improvement_history(case: Case) -> ImprovementHistory | None:
    """The history of a case that went through a concern and a plan; None for a change to
    resources, which has none."""
    data = case.data or {}
    if not data.get("concern"):
        return None
    acknowledgement = data.get("concern_acknowledgement") or {}
    version = data.get("plan_agreed_version")
    actions = data["plans"][version - 1]["actions"] if version else []
    rows = [("Concern raised", long_date(as_date(data["concern"].get("raised_on")))),
            ("The organisation's disagreement with the concern",
             acknowledgement.get("disagreement") or "None given when the concern was acknowledged"),
            ("Plan agreed", f"Version {version}, agreed on {long_date(as_date(data.get('plan_agreed_on')))}"
             if version else "No plan was agreed"),
            ("Plan end date", long_date(as_date(data.get("plan_end")))),
            *(("Plan extended", f"To {long_date(as_date(e.get('new_end_date')))}: {e.get('reason', '')}")
              for e in data.get("plan_extensions") or []),
            *(("Support given", f"{long_date(as_date(s.get('when')))}: {s.get('what', '')}")
              for s in data.get("support") or []),
            *_early_review(data),
            ("Why performance has not improved", (data.get("review") or {}).get("reasons", ""))]
    return ImprovementHistory(
        [(label, words) for label, words in rows if words],
        [_action(a) for a in actions if a.get("done_on")], [_action(a) for a in actions if not a.get("done_on")])


def _action(action: dict) -> PlanAction:
    return PlanAction(action.get("what", ""), action.get("who", ""), long_date(as_date(action.get("by"))),
                      long_date(as_date(action.get("done_on"))), action.get("evidence") or "")


def _early_review(data: dict) -> list[tuple[str, str]]:
    early = data.get("early_review")
    if not early:
        return []
    reason = dict(EARLY_REVIEW_REASONS).get(early.get("reason"), early.get("reason", ""))
    return [("Review started early", f"{long_date(as_date(early.get('on')))}: {reason}. {early.get('explanation', '')}")]
