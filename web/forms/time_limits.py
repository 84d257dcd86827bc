"""The time limits page: each limit in its own box, with its words, checked against the rules
of workflows.limits (floors included)."""
from dataclasses import dataclass
from dataclasses import fields as dc_fields

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovRadioInput, GovSubmitInput, GovTextInput)
from wtforms import (RadioField, StringField, SubmitField)
from wtforms.validators import StopValidation

from workflows.limits import (CONSULTATION_FLOOR_WD, DEFAULT_LIMITS, MAX_MONTHS, MAX_WORKING_DAYS, NOTICE_FLOOR_MONTHS,
                             TimeLimits)
from web.forms.inputs import choice_list, whole_number

@dataclass(frozen=True)
class LimitWords:
    """How the time limits page names one limit, and what it says about it."""

    label: str
    hint: str = ""


#: Each time limit as administrators read it, under the heading it is shown with. A limit
#: missing here is still shown, under its own name (see limit_groups).
LIMIT_WORDS = {
    "Reminders": {
        "reminder_wd": LimitWords("Time between a reminder and its due date",
                                  "Reminders are sent this many working days before each due date."),
    },
    "Funding-change cases": {
        "concern_ack_wd": LimitWords("Time to acknowledge a concern", "The organisation acknowledges a concern."),
        "plan_agree_wd": LimitWords("Time to agree a plan", "Counted from when the concern was raised."),
        "plan_period_months": LimitWords("Usual length of an improvement plan",
                                         "A funder officer can set another length for each plan."),
        "review_wd": LimitWords("Time to review performance", "Counted from the end of the plan."),
        "consultation_wd": LimitWords("Usual length of a consultation",
                                      "How long the organisation has to respond, unless the funder officer sets "
                                      "another time."),
        "consultation_min_wd": LimitWords("Shortest consultation",
                                          f"The shortest time a funder officer may give. A floor set by the "
                                          f"Compact: it can never be less than "
                                          f"{CONSULTATION_FLOOR_WD} working days."),
        "decision_wd": LimitWords("Time to decide", "Counted from when the consultation closes."),
        "notice_months": LimitWords("Shortest written notice",
                                    f"A floor set by the Compact. It can never be less than {NOTICE_FLOOR_MONTHS} "
                                    "calendar months. Shorter notice needs exceptional circumstances approved by "
                                    "the decision-maker on the case."),
        "notice_ack_wd": LimitWords("Time to acknowledge written notice", "The organisation acknowledges the notice."),
    },
    "Disputes": {
        "dispute_ack_wd": LimitWords("Time to acknowledge a dispute",
                                     "The organisation the dispute is about acknowledges it."),
        "informal_response_wd": LimitWords("Time to respond informally",
                                           "A written response at the informal stage."),
        "informal_extension_max_wd": LimitWords("Longest extension of the informal stage"),
        "escalation_months": LimitWords("Time to ask for the next stage",
                                        "Counted from a response or a review outcome."),
        "review_ack_wd": LimitWords("Time to assign a senior reviewer"),
        "review_outcome_wd": LimitWords("Time to give a senior review outcome"),
        "review_extension_max_wd": LimitWords("Longest extension of a senior review"),
        "mediation_agree_wd": LimitWords("Time to agree to mediation", "Both sides say whether they agree."),
        "mediation_session_wd": LimitWords("Time to hold mediation"),
        "mediation_outcome_wd": LimitWords("Time to write up mediation",
                                           "The written outcome, counted from the session."),
        "panel_referral_months": LimitWords("Time to refer to the Compact panel"),
        "panel_hearing_wd": LimitWords("Time to hold the panel hearing", "Counted from the referral."),
        "panel_papers_wd": LimitWords("Time before the hearing to share papers",
                                      "Papers reach the panel this many working days before the hearing."),
        "panel_findings_wd": LimitWords("Time to issue panel findings", "Counted from the hearing."),
        "findings_response_wd": LimitWords("Time to respond to panel findings",
                                           "The decision-maker's written response."),
        "dispute_pauses_notice": LimitWords("Does raising a dispute pause written notice?",
                                            "Yes if your funding code says that notice stops while a dispute "
                                            "is settled."),
    },
}
#: Limits that are a yes (1) or no (0), not a length of time, with what to say if neither is chosen.
YES_OR_NO_LIMITS = {"dispute_pauses_notice": "Select yes if raising a dispute pauses written notice"}


def limit_words(name: str) -> LimitWords:
    """How the page names a limit: from LIMIT_WORDS, or made from its name if it is new."""
    found = next((words[name] for words in LIMIT_WORDS.values() if name in words), None)
    return found or LimitWords(name.removesuffix("_wd").removesuffix("_months").replace("_", " ").capitalize())


def limit_unit(name: str) -> str:
    return "calendar months" if name.endswith("_months") else "working days"


def limit_groups() -> list[tuple[str, list[tuple[str, str | None]]]]:
    """(heading, [(limit name, its unit, or None for a yes-or-no limit)]) in the order the page
    shows them; every limit is in one."""
    names = [f.name for f in dc_fields(TimeLimits)]
    grouped = [(heading, [n for n in words if n in names]) for heading, words in LIMIT_WORDS.items()]
    others = [n for n in names if not any(n in words for words in LIMIT_WORDS.values())]
    grouped += [("Other time limits", others)] if others else []
    return [(heading, [(n, None if n in YES_OR_NO_LIMITS else limit_unit(n)) for n in group])
            for heading, group in grouped]


def limit_values(limits: TimeLimits) -> dict[str, str]:
    """The form's data for these limits (a yes-or-no limit above 1 reads as yes)."""
    return {name: str(min(value, 1) if name in YES_OR_NO_LIMITS else value) for name, value in vars(limits).items()}


def _check_limit(form, field) -> None:
    """One limit's box against workflows.limits' rules for it: a whole number from 0 to its
    ceiling, so that the page names each problem on its own box."""
    label, unit, text = limit_words(field.name).label, limit_unit(field.name), (field.data or "").strip()
    ceiling = MAX_MONTHS if field.name.endswith("_months") else MAX_WORKING_DAYS
    if not text:
        raise StopValidation(f"Enter the {label[0].lower()}{label[1:]}")
    if text.startswith("-") and whole_number(text[1:]) is not None:
        raise StopValidation(f"{label} must be 0 {unit} or more")
    if whole_number(text) is None:
        raise StopValidation(f"{label} must be a whole number of {unit}, like {getattr(DEFAULT_LIMITS, field.name, 5)}")
    if len(text) > len(str(ceiling)) or int(text) > ceiling:
        raise StopValidation(f"{label} must be {ceiling} {unit} or fewer")


def _check_yes_or_no(form, field) -> None:
    if field.data not in ("0", "1"):
        raise StopValidation(YES_OR_NO_LIMITS[field.name])


def _limit_field(name: str):
    words = limit_words(name)
    if name in YES_OR_NO_LIMITS:
        return RadioField(words.label, choices=choice_list([("1", "Yes"), ("0", "No")]), widget=GovRadioInput(),
                          validate_choice=False, description=words.hint, validators=[_check_yes_or_no])
    return StringField(words.label, widget=GovTextInput(), description=words.hint, validators=[_check_limit])


class _TimeLimitsChecks(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        """Each box on its own, then the consultation rules that compare two of them."""
        valid = super().validate(extra_validators)
        shortest, usual = self.consultation_min_wd, self.consultation_wd
        if shortest.errors:
            return False
        notice = self.notice_months
        if not notice.errors and int(notice.data) < NOTICE_FLOOR_MONTHS:
            notice.errors = [f"{notice.label.text} must be at least {NOTICE_FLOOR_MONTHS} calendar months"]
            valid = False
        if int(shortest.data) < CONSULTATION_FLOOR_WD:
            shortest.errors = [f"{shortest.label.text} must be at least {CONSULTATION_FLOOR_WD} working days"]
        elif not usual.errors and int(usual.data) < int(shortest.data):
            usual.errors = [f"{usual.label.text} must be at least as long as the shortest consultation "
                            f"({int(shortest.data)} working days)"]
        return valid and not (shortest.errors or usual.errors)

    def limits(self) -> dict[str, int]:
        """The limits as numbers, once the form is valid."""
        return {f.name: int(self[f.name].data) for f in dc_fields(TimeLimits)}


#: Every time limit, each in a box of its own (a yes-or-no one as radios), in the order of
#: workflows.limits.TimeLimits. A limit left out of a submission keeps the value the form was
#: made with; one sent blank is refused.
TimeLimitsForm = type("TimeLimitsForm", (_TimeLimitsChecks,), {
    **{f.name: _limit_field(f.name) for f in dc_fields(TimeLimits)},
    "submit": SubmitField("Save time limits", widget=GovSubmitInput())})
