"""The chart macros write SVG that parses, with bars, columns and points placed in proportion
to the values, labelled directly, with a title and description for screen readers, the
visible table directly below, and the same chart in a WeasyPrint PDF."""
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pypdf import PdfReader

from web.presenters import charts
from workflows.reporting.tables import Column, ReportTable

SVG = "{http://www.w3.org/2000/svg}"
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"

COMPLIANCE = ReportTable(
    key="m3_deadline_compliance", title="Most deadlines were met on time", caption="Deadlines met, by type",
    columns=(Column("deadline_type", "Deadline type"), Column("met", "Met", numeric=True),
             Column("rate", "% met", numeric=True)),
    rows=(("Consultation response", 18, 90.0), ("Decision", 9, 45.0), ("Notice <given> & \"deemed\"", 3, 22.5),
          ("Plan review", 0, 0)),
    chart="bar", overview="Consultation responses met their deadline most often.")
FLOW = ReportTable(
    key="m1_case_flow", title="More cases closed than started", caption="Case flow by month",
    columns=(Column("month", "Month"), Column("started", "Started", numeric=True),
             Column("closed", "Closed", numeric=True), Column("open", "Open at month end", numeric=True)),
    rows=(("Oct 2026", 4, 2, 10), ("Nov 2026", 2, 6, 6), ("Dec 2026", 0, 1, 5)), chart="column",
    overview="Closures overtook new cases in November.")
TREND = ReportTable(
    key="trend", title="Compliance has risen", caption="Rates by half-year",
    columns=(Column("period", "Period"), Column("m3", "Deadlines met", numeric=True),
             Column("m9", "Notice met", numeric=True), Column("n", "Cases", numeric=True)),
    rows=(("H1 2025-26", 80.0, 100.0, 12), ("H2 2025-26", 85.5, 100.0, 15), ("H1 2026-27", 90.0, 99.0, 9),
          ("H2 2026-27", None, None, 0)), chart="line", overview="Both rates stayed above 80%.")


@pytest.fixture(scope="module")
def macros():
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    charts.register(env)
    return env.get_template("charts/_charts.html").module


def svg_of(html: str) -> ET.Element:
    found = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(found) == 1
    return ET.fromstring(found[0])


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_bar_lengths_are_in_proportion_to_the_values(macros):
    svg = svg_of(str(macros.bar_chart(COMPLIANCE, "rate", target=95, unit="%", as_at="1 December 2026")))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert len(widths) == 4 and widths[-1] == 0
    # 90 : 45 : 22.5 is 4 : 2 : 1.
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.02) == pytest.approx(4 * widths[2], abs=0.02)
    # The target (95) is the longest thing drawn: its line stands at 95/90 of the longest bar.
    marker = next(line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray"))
    left = float(next(svg.iter(f"{SVG}rect")).get("x"))
    assert float(marker.get("x1")) - left == pytest.approx(widths[0] * 95 / 90, abs=0.1)


def test_bars_are_labelled_directly_with_their_category_and_value(macros):
    svg = svg_of(str(macros.bar_chart(COMPLIANCE, "rate", target=95, unit="%")))
    words = texts(svg)
    for label, value in (("Consultation response", "90%"), ("Decision", "45%"),
                         ('Notice <given> & "deemed"', "22.5%"), ("Plan review", "0%")):
        assert label in words and value in words
    assert "Target: 95%" in words


def test_a_chart_has_a_title_a_description_and_a_role_for_screen_readers(macros):
    html = str(macros.bar_chart(COMPLIANCE, "met", subtitle="Deadlines due 1 Oct 2026 to 31 Mar 2027", n=30,
                                as_at="1 December 2026 at 10:30am"))
    svg = svg_of(html)
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Most deadlines were met on time"
    assert "Consultation responses met their deadline most often." in desc.text
    assert '<h3 class="govuk-heading-m app-chart__title"' in html
    assert "Deadlines due 1 Oct 2026 to 31 Mar 2027" in html
    assert "Source: Compact Casework, as at 1 December 2026 at 10:30am. n = 30." in html


def test_the_table_comes_directly_below_the_chart_with_a_caption_and_numbers_on_the_right(macros):
    html = str(macros.bar_chart(COMPLIANCE, "rate", csv_url="/reports/m3.csv"))
    after = html.split("</svg>", 1)[1]
    assert after.index("<table") < after.index("Download this table as CSV")
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Deadlines met, by type</caption>' in after
    assert after.count("govuk-table__cell--numeric") == 2 * len(COMPLIANCE.rows)
    assert 'href="/reports/m3.csv"' in after
    assert "Notice &lt;given&gt; &amp; &#34;deemed&#34;" in after, "text is escaped"
    assert "<script" not in html


def test_columns_are_clustered_by_month_with_heights_in_proportion(macros):
    svg = svg_of(str(macros.column_chart(FLOW, ["started", "closed"], as_at="1 December 2026")))
    rects = list(svg.iter(f"{SVG}rect"))
    assert len(rects) == 6
    heights = {(round(float(r.get("x"))), float(r.get("height"))) for r in rects}
    by_x = [h for _, h in sorted(heights)]
    # Oct started 4, closed 2; Nov 2, 6; Dec 0, 1: the tallest (6) sets the scale.
    assert by_x[0] / by_x[3] == pytest.approx(4 / 6, rel=1e-3) and by_x[1] / by_x[3] == pytest.approx(2 / 6, rel=1e-3)
    assert by_x[4] == 0
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in rects}
    assert len(bottoms) == 1, "every column stands on the same baseline"
    words = texts(svg)
    assert {"Started", "Closed", "Oct 2026", "Nov 2026", "Dec 2026", "4", "6", "0"} <= set(words)


def test_lines_are_labelled_at_their_ends_and_points_in_proportion(macros):
    svg = svg_of(str(macros.line_chart(TREND, ["m3", "m9"], unit="%")))
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    points = [[tuple(map(float, p.split(","))) for p in line.get("points").split()] for line in lines]
    assert len(points[0]) == 3, "a period with no data has no point"
    base = float(next(svg.iter(f"{SVG}line")).get("y1"))
    heights = [base - y for _, y in points[0]]
    assert heights[0] / heights[2] == pytest.approx(80 / 90, rel=1e-3)
    words = texts(svg)
    assert {"Deadlines met", "Notice met", "80%", "85.5%", "99%", "H2 2026-27"} <= set(words)
    ends = [float(t.get("y")) for t in svg.iter(f"{SVG}text") if "".join(t.itertext()) in ("Deadlines met", "Notice met")]
    assert abs(ends[0] - ends[1]) >= 16, "the two lines' names do not overlap"


def test_series_colours_stand_out_from_the_background():
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    for colour in charts.COLOURS:
        assert (1.05) / (luminance(colour) + 0.05) >= 3, colour


def test_a_chart_prints_in_a_weasyprint_pdf(macros):
    from weasyprint import HTML
    html = f"<html><head><title>Report</title></head><body>{macros.bar_chart(COMPLIANCE, 'rate', unit='%')}" \
           f"{macros.line_chart(TREND, ['m3'], unit='%')}</body></html>"
    pdf = HTML(string=html).write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Most deadlines were met on time" in text
    assert "Consultation response" in text and "90%" in text, "the SVG's labels are in the PDF"


STAGES = ReportTable(
    key="chart_time_per_stage", title="Most stages finished within their limit", caption="Stages completed",
    columns=(Column("stage", "Stage"), Column("owner", "Owed by"), Column("median_wd", "Median", numeric=True),
             Column("limit_wd", "Limit", numeric=True)),
    rows=(("D1", "Council", 5, 10), ("D4", "Panel", 20, 40), ("D2", "Council", None, 20)), chart="bar")


def test_each_bar_can_be_marked_at_its_own_limit_and_named_by_two_columns(macros):
    svg = svg_of(str(macros.bar_chart(STAGES, "median_wd", label=["stage", "owner"], limit="limit_wd",
                                      missing="None completed")))
    words = texts(svg)
    assert ["D1, Council", "D4, Panel", "D2, Council"] == [w for w in words if ", " in w]
    assert "None completed" in words and {"Limit 10", "Limit 40", "Limit 20"} <= set(words)
    left = float(next(svg.iter(f"{SVG}rect")).get("x"))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    limits = [float(line.get("x1")) - left for line in svg.iter(f"{SVG}line") if line.get("class") == "app-chart__limit"]
    # The longest limit (40) sets the scale: D1's bar (5) is an eighth of it, its limit (10) a quarter.
    assert limits[1] == pytest.approx(8 * widths[0], abs=0.1) and limits[0] == pytest.approx(2 * widths[0], abs=0.1)
    assert limits[2] == pytest.approx(limits[1] / 2, abs=0.1) and widths[2] == 0
