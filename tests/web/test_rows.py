"""The rows of the home page's tables, of the case list and of a case's timeline are built in
Python (web/rows.py) rather than by Jinja loops: byte for byte, they must be what the loops
wrote, escaping included."""
from datetime import date

import pytest
from jinja2 import Environment
from markupsafe import Markup

from casework.queries import CaseLine
from web import rows
from web.presenters import DeadlineItem, DueText, Tag, TimelineItem

#: The loops the rows replaced, as the templates had them.
DEADLINE_LOOP = """\
  {% for item in items %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ item.href }}">{{ item.case.ref }}<span class="govuk-visually-hidden">: </span></a><br><span class="govuk-body-s">{{ item.case.title }}</span></td>
      <td class="govuk-table__cell"><strong class="govuk-tag {{ item.tag.classes }}">{{ item.tag.text }}</strong></td>
      <td class="govuk-table__cell">{{ item.label }}</td>
      {% if who %}<td class="govuk-table__cell">{{ item.case.acting or "" }}</td>{% endif %}
      <td class="govuk-table__cell">{% if item.due.overdue %}<strong class="govuk-tag govuk-tag--red">Overdue</strong><span class="govuk-visually-hidden">:</span> {% endif %}{{ item.due.text }}</td>
    </tr>
  {% endfor %}
"""
CASE_LOOP = """\
  {% for case in items %}{% set t = tag(case) %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ case_url(case.id) }}">{{ case.ref }}</a></td>
      <td class="govuk-table__cell">{{ case.title }}</td>
      <td class="govuk-table__cell">{{ case.vco_name or "" }}</td>
      <td class="govuk-table__cell"><strong class="govuk-tag {{ t.classes }}">{{ t.text }}</strong></td>
    </tr>
  {% endfor %}
"""
TIMELINE_MACRO = """\
{% macro timeline(items, heading_level=2, classes="") -%}
<div class="moj-timeline {{- ' ' ~ classes if classes }}">
  {%- for item in items %}
  <div class="moj-timeline__item">
    <div class="moj-timeline__header">
      <h{{ heading_level }} class="moj-timeline__title">{{ item.title }}</h{{ heading_level }}>
      {% if item.byline %}
      <p class="moj-timeline__byline">by {{ item.byline }}</p>
      {% endif %}
    </div>
    {% if item.date_text %}
    <p class="moj-timeline__date">
      {%- if item.datetime %}<time datetime="{{ item.datetime }}">{{ item.date_text }}</time>
      {%- else %}{{ item.date_text }}{% endif -%}
    </p>
    {% endif %}
    {% if item.html %}
    <div class="moj-timeline__description">{{ item.html | safe }}</div>
    {% elif item.text %}
    <div class="moj-timeline__description app-multiline">{{ item.text | trim }}</div>
    {% endif %}
  </div>
  {%- endfor %}
</div>
{%- endmacro %}{{ timeline(items, heading_level, classes) }}"""

ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
AWKWARD = "O'Brien & \"Sons\" <b>Trust</b>"


def loop_output(loop: str, **context) -> str:
    """What a loop wrote between <tbody> and </tbody>, less the line break the template adds."""
    return ENV.from_string(loop).render(**context).removesuffix("\n")


def deadline_items() -> list[DeadlineItem]:
    return [
        DeadlineItem(CaseLine(7, "funding_change", "consultation", AWKWARD, acting=AWKWARD), "/cases/7",
                     Tag("Consultation", "govuk-tag--blue"), "Respond <now>",
                     DueText("Respond", date(2026, 5, 1), 0, True, False, [])),
        DeadlineItem(CaseLine(12, "dispute", "raised", "Plain title"), "/cases/12", Tag("Raised", "govuk-tag--grey"),
                     "Acknowledge", DueText("Acknowledge", date(2026, 5, 11), 3, False, False, [])),
    ]


@pytest.mark.parametrize("who", [True, False])
def test_deadline_rows_are_what_the_loop_wrote(who):
    items = deadline_items()
    assert str(rows.deadline_rows(items, who)) == loop_output(DEADLINE_LOOP, items=items, who=who)


def test_case_rows_are_what_the_loop_wrote():
    from web.presenters import tag
    lines = [CaseLine(3, "funding_change", "consultation", AWKWARD, AWKWARD), CaseLine(40, "dispute", "raised", "Plain")]
    url = "/cases/{}".format
    assert str(rows.case_rows(lines, url)) == loop_output(CASE_LOOP, items=lines, case_url=url, tag=tag)


@pytest.mark.parametrize("classes", ["", "app-extra"])
def test_the_timeline_is_what_the_macro_wrote(classes):
    items = [TimelineItem(AWKWARD, AWKWARD, "2026-05-01T09:00:00+00:00", "1 May 2026, 10:00", f"  {AWKWARD}\nline two \n"),
             TimelineItem("No byline", "", "", "2 May 2026", ""),
             TimelineItem("No date", "Someone", "", "", "text", html="<strong>trusted</strong>")]
    for given in (items, []):
        expected = ENV.from_string(TIMELINE_MACRO).render(items=given, heading_level=3, classes=classes)
        assert str(rows.timeline(given, heading_level=3, classes=classes)) == expected


def test_markup_given_as_a_value_is_not_escaped_twice():
    items = [TimelineItem(Markup("Notice <em>issued</em>"), "A &amp; B", "", "", "")]
    expected = ENV.from_string(TIMELINE_MACRO).render(items=items, heading_level=2, classes="")
    assert str(rows.timeline(items, heading_level=2)) == expected
    assert "<em>issued</em>" in expected and "A &amp;amp; B" in expected
