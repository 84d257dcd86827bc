"""Time limits: the spec's defaults, held as configuration and never as literals in the
workflow code. A deployment overrides them with CASEWORK_LIMIT_<NAME> environment variables
or an administrator's settings rows."""
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

#: The fewest working days a consultation may stay open, whatever the configuration says.
CONSULTATION_FLOOR_WD = 10
#: The shortest written notice, in calendar months, whatever the configuration says (less
#: only through the exceptional-circumstances route: category, justification, DM sign-off).
NOTICE_FLOOR_MONTHS = 3
#: Floors the Compact sets, which configuration can raise but never lower (processes.md,
#: "Clocks"), with what each means in words.
FLOORS = {
    "notice_months": (NOTICE_FLOOR_MONTHS, f"written notice is at least {NOTICE_FLOOR_MONTHS} calendar months"),
    "consultation_min_wd": (CONSULTATION_FLOOR_WD, f"a consultation is at least {CONSULTATION_FLOOR_WD} working days"),
    "consultation_wd": (CONSULTATION_FLOOR_WD, f"a consultation is at least {CONSULTATION_FLOOR_WD} working days"),
}
#: Ceilings that keep a typing slip (100000000 months) from breaking date arithmetic.
MAX_WORKING_DAYS = 520
MAX_MONTHS = 60


class BelowFloor(ValueError):
    """A limit set below a floor of the Compact: which limit, and the value refused."""

    def __init__(self, name: str, value: int, message: str) -> None:
        super().__init__(message)
        self.name, self.value = name, value

    @property
    def words(self) -> str:
        return FLOORS[self.name][1]


def below_floor(name: str, value: int) -> bool:
    """Whether this value of this limit is below the Compact's floor for it."""
    return name in FLOORS and value < FLOORS[name][0]


@dataclass(frozen=True)
class TimeLimits:
    """Every default time limit of both processes. wd = working days, months = calendar months."""

    reminder_wd: int = 2                  #: reminders go this many working days before a due date
    concern_ack_wd: int = 5               #: the organisation acknowledges a concern
    plan_agree_wd: int = 20               #: both sides agree a plan, counted from the concern
    plan_period_months: int = 3           #: default length of an improvement plan
    review_wd: int = 10                   #: performance review after the plan ends
    consultation_wd: int = 20             #: default consultation response window
    consultation_min_wd: int = 10         #: shortest window a funder officer may set
    decision_wd: int = 20                 #: decision after the consultation closes
    notice_months: int = 3                #: minimum written notice
    notice_ack_wd: int = 5                #: the organisation acknowledges the notice
    dispute_ack_wd: int = 5               #: the respondent acknowledges a dispute
    informal_response_wd: int = 10        #: informal written response
    informal_extension_max_wd: int = 10   #: one extension of the informal stage, at most
    escalation_months: int = 1            #: window to escalate after a response or outcome
    review_ack_wd: int = 5                #: a senior reviewer is assigned
    review_outcome_wd: int = 20           #: the senior review outcome
    review_extension_max_wd: int = 20     #: one extension of the senior review, at most
    mediation_agree_wd: int = 10          #: both sides agree to mediate
    mediation_session_wd: int = 20        #: the mediation session takes place
    mediation_outcome_wd: int = 5         #: written mediation outcome after the session
    panel_referral_months: int = 1        #: window to refer to the Compact panel
    panel_hearing_wd: int = 30            #: panel hearing after referral
    panel_papers_wd: int = 5              #: papers shared before the hearing
    panel_findings_wd: int = 10           #: findings after the hearing
    findings_response_wd: int = 20        #: decision-maker's written response to findings
    dispute_pauses_notice: int = 0        #: 1 where the funding code says a dispute pauses notice

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Time limit {f.name} must be a whole number of 0 or more.")
            ceiling = MAX_MONTHS if f.name.endswith("_months") else MAX_WORKING_DAYS
            if value > ceiling:
                raise ValueError(f"Time limit {f.name} must be {ceiling} or less.")
        for name, (floor, words) in FLOORS.items():
            if getattr(self, name) < floor:
                unit = "calendar months" if name.endswith("_months") else "working days"
                raise BelowFloor(name, getattr(self, name),
                                 f"{name} cannot be below {floor} {unit}: {words} under the Compact.")
        if self.consultation_wd < self.consultation_min_wd:
            raise ValueError("consultation_wd cannot be shorter than consultation_min_wd.")

    def with_overrides(self, overrides: Mapping[str, int | str]) -> "TimeLimits":
        """A copy with some limits changed; unknown names and non-numbers are refused."""
        known = {f.name for f in fields(self)}
        changes: dict[str, int] = {}
        for name, raw in overrides.items():
            if name not in known:
                raise ValueError(f"Unknown time limit {name!r}.")
            try:
                changes[name] = int(raw)
            except (TypeError, ValueError):
                raise ValueError(f"Time limit {name} must be a whole number, not {raw!r}.") from None
        return replace(self, **changes)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], prefix: str = "CASEWORK_LIMIT_") -> "TimeLimits":
        """Defaults overridden by CASEWORK_LIMIT_<NAME> variables (e.g. CASEWORK_LIMIT_NOTICE_MONTHS)."""
        overrides = {k[len(prefix):].lower(): v for k, v in environ.items() if k.startswith(prefix)}
        return cls().with_overrides(overrides)


DEFAULT_LIMITS = TimeLimits()
