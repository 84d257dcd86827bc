"""A case's timeline: its audit entries, newest first, in words, with what was said."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from casework.audit import AuditEntry
from casework.cases import Case
from workflows import calendar as cal
from workflows.registry import WORKFLOWS
from web.presenters.formatting import date_and_time, long_date, readable


TRIGGER_WORDS = {"open_case": "Case opened", "raise_dispute": "Dispute raised", "deadline_moved": "Deadline moved",
                 "add_documents": "Documents added", "withdraw_document": "Document withdrawn",
                 "quarantine_document": "File quarantined: the virus scanner found a virus"}


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """An entry of the MOJ timeline (`moj_timeline` in web/templates/_timeline.html)."""
    title: str
    byline: str
    datetime: str
    date_text: str
    text: str
    html: str | None = None
    #: The documents added with this entry: (name, link, or None when this person may not open it).
    documents: tuple[tuple[str, str | None], ...] = ()


def timeline_items(entries: list[AuditEntry], case: Case,
                   calendar: cal.WorkingCalendar | None = None,
                   documents: dict[int, list[tuple[str, str | None]]] | None = None) -> list[TimelineItem]:
    """Audit entries, newest first, as timeline items with what was said and, by entry
    number, the documents added with them."""
    workflow = WORKFLOWS[case.workflow]
    items = []
    for entry in reversed(entries):
        title = TRIGGER_WORDS.get(entry.trigger) or _button_words(workflow.key).get(
            entry.trigger, entry.trigger.replace("_", " ").capitalize())
        if entry.from_state != entry.to_state and entry.to_state in workflow.info:
            title += f" — Now: {workflow.info[entry.to_state].tag}"
        local = entry.at.astimezone(cal.LONDON)
        details = _details(entry.data, _choice_words(workflow.key, entry.trigger), _field_words(workflow.key, entry.trigger),
                           _readings(workflow.key, entry.trigger))
        if entry.trigger == "issue_notice":
            details += _deemed_given(entry.data or {}, calendar)
        items.append(TimelineItem(
            title, entry.actor_name, entry.at.isoformat(), date_and_time(local),
            "\n".join(f"{k}: {v}" if k else v for k, v in details), documents=tuple((documents or {}).get(entry.seq, ()))))
    return items


def _deemed_given(data: dict, calendar: cal.WorkingCalendar | None) -> list[tuple[str, str]]:
    """The day a notice counts as given, which the timeline shows next to its sending time."""
    try:
        sent_at = datetime.fromisoformat(str(data["sent_at"]))
        return [("Counts as given on", long_date(cal.deemed_given(sent_at, data["channel"], calendar=calendar)))]
    except (KeyError, ValueError, TypeError):
        return []


@lru_cache(maxsize=None)
def _field_words(workflow_key: str, trigger: str) -> dict[str, str]:
    """The question's label for each field of the action, as the timeline's labels."""
    from workflows.opening import DISPUTE_FIELDS, FUNDING_CASE_FIELDS
    fields = {"open_case": FUNDING_CASE_FIELDS, "raise_dispute": DISPUTE_FIELDS}.get(trigger) or next(
        (t.fields for t in WORKFLOWS[workflow_key].rows(trigger)), ())
    return {f.name: f.label for f in fields}


@lru_cache(maxsize=None)
def _readings(workflow_key: str, trigger: str) -> dict[str, Callable[[Any], str]]:
    """The fields of the action that say how the timeline writes their answer (`Field.reads`)."""
    return {f.name: f.reads for f in next((t.fields for t in WORKFLOWS[workflow_key].rows(trigger)), ())
            if f.reads is not None}


@lru_cache(maxsize=None)
def _button_words(workflow_key: str) -> dict[str, str]:
    return {t.trigger: t.button for t in WORKFLOWS[workflow_key].transitions}


@lru_cache(maxsize=None)
def _choice_words(workflow_key: str, trigger: str) -> dict[str, dict[str, str]]:
    """The words for each choice the action asked for, by field: people read those, not codes."""
    from workflows.opening import DISPUTE_FIELDS, FUNDING_CASE_FIELDS
    fields = {"open_case": FUNDING_CASE_FIELDS, "raise_dispute": DISPUTE_FIELDS}.get(trigger) or next(
        (t.fields for t in WORKFLOWS[workflow_key].rows(trigger)), ())
    return {f.name: dict(f.choices) for f in fields if f.choices}


HIDDEN_KEYS = {"documents", "sha256", "vco", "decision_maker", "person", "officer", "chair", "statutory_member", "vcs_member",
               "respondent", "linked_case", "confirm"}


def _details(data: dict, choices: dict[str, dict[str, str]] | None = None,
             labels: dict[str, str] | None = None,
             readings: dict[str, Callable[[Any], str]] | None = None) -> list[tuple[str, str]]:
    """Each answer as (label, words); a label of "" when the words are a whole line."""
    out = []
    for key, value in (data or {}).items():
        if value in (None, "", [], {}) or key in HIDDEN_KEYS or f"{key}_name" in data:
            continue   # an id is shown by the name recorded beside it
        if key in (readings or {}):
            try:
                out.append(("", readings[key](value)))
                continue
            except (KeyError, TypeError, ValueError):   # recorded in an older shape: shown as it was
                pass
        words = (choices or {}).get(key, {})
        if words:
            value = [words.get(str(v), v) for v in value] if isinstance(value, list) else words.get(str(value), value)
        label = (labels or {}).get(key) or (labels or {}).get(key.removesuffix("_name"))
        key = key.removesuffix("_name")
        if key == "letter":
            out.append(("Letter", str(value.get("filename"))))
        elif key == "deadlines_moved":
            out += [("Deadline moved", f"{m['deadline']}: {readable(m['from'])} to {readable(m['to'])} ({m['reason']})") for m in value]
        elif isinstance(value, list):
            out.append((label or key.replace("_", " ").capitalize(), "; ".join(
                ", ".join(readable(v) for v in item.values()) if isinstance(item, dict) else str(item) for item in value)))
        else:
            out.append((label or key.replace("_", " ").capitalize(), readable(value)))
    return out
