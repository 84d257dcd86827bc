"""The long repeated parts of pages, built as HTML here rather than by Jinja loops: the rows
of the home page's tables of deadlines (up to 75) and of the case list (25), and a case's
timeline (the MOJ pattern). Each is the markup the templates had, escaped the same way: a
Jinja loop looks up every attribute through the template engine and escapes through
markupsafe, which cost a home page about 1.5 ms for the same bytes."""
from collections.abc import Callable, Iterable

from markupsafe import Markup

from casework.queries import CaseLine
from web.presenters import DeadlineItem, TimelineItem, tag


def escape(value) -> str:
    """The text as markupsafe.escape writes it, as a plain string: building a Markup for each
    of 500 values cost more than the escaping. Markup (anything with `__html__`) is kept
    as it is, as markupsafe keeps it."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
            .replace('"', "&#34;"))


_OVERDUE = '<strong class="govuk-tag govuk-tag--red">Overdue</strong><span class="govuk-visually-hidden">:</span> '


def deadline_rows(items: Iterable[DeadlineItem], who: bool) -> Markup:
    """The <tr> elements of a table of deadlines; `who`: with the column of who must act."""
    rows = []
    for item in items:
        case, due = item.case, item.due
        acting = f'<td class="govuk-table__cell">{escape(case.acting or "")}</td>' if who else ""
        rows.append(
            f'    <tr class="govuk-table__row">\n'
            f'      <td class="govuk-table__cell"><a class="govuk-link" href="{escape(item.href)}">{escape(case.ref)}'
            f'<span class="govuk-visually-hidden">: </span></a><br><span class="govuk-body-s">{escape(case.title)}'
            f'</span></td>\n'
            f'      <td class="govuk-table__cell"><strong class="govuk-tag {escape(item.tag.classes)}">'
            f'{escape(item.tag.text)}</strong></td>\n'
            f'      <td class="govuk-table__cell">{escape(item.label)}</td>\n'
            f'{acting}      <td class="govuk-table__cell">{_OVERDUE if due.overdue else ""}{escape(due.text)}</td>\n'
            f'    </tr>')
    return Markup("\n".join(rows))


def case_rows(lines: Iterable[CaseLine], case_url: Callable[[int], str]) -> Markup:
    """The <tr> elements of the case list."""
    rows = []
    for case in lines:
        t = tag(case)
        rows.append(
            f'    <tr class="govuk-table__row">\n'
            f'      <td class="govuk-table__cell"><a class="govuk-link" href="{escape(case_url(case.id))}">'
            f'{escape(case.ref)}</a></td>\n'
            f'      <td class="govuk-table__cell">{escape(case.title)}</td>\n'
            f'      <td class="govuk-table__cell">{escape(case.vco_name or "")}</td>\n'
            f'      <td class="govuk-table__cell"><strong class="govuk-tag {escape(t.classes)}">{escape(t.text)}'
            f'</strong></td>\n'
            f'    </tr>')
    return Markup("\n".join(rows))


def timeline(items: Iterable[TimelineItem], heading_level: int = 2, classes: str = "") -> Markup:
    """The case history, newest first: the MOJ timeline's markup. An item's `html` is trusted
    markup; its `text` (trimmed, line breaks kept by the app-multiline class) is escaped."""
    h = int(heading_level)
    parts = [f'<div class="moj-timeline{" " + escape(classes) if classes else ""}">']
    for item in items:
        parts.append(f'  <div class="moj-timeline__item">\n    <div class="moj-timeline__header">\n'
                     f'      <h{h} class="moj-timeline__title">{escape(item.title)}</h{h}>\n')
        if item.byline:
            parts.append(f'      <p class="moj-timeline__byline">by {escape(item.byline)}</p>\n')
        parts.append('    </div>\n')
        if item.date_text:
            when = (f'<time datetime="{escape(item.datetime)}">{escape(item.date_text)}</time>' if item.datetime
                    else escape(item.date_text))
            parts.append(f'    <p class="moj-timeline__date">{when}</p>\n')
        if item.html:
            parts.append(f'    <div class="moj-timeline__description">{item.html}</div>\n')
        elif item.text:
            parts.append(f'    <div class="moj-timeline__description app-multiline">{escape(item.text.strip())}</div>\n')
        parts.append('  </div>')
    parts.append('</div>')
    return Markup("".join(parts))
