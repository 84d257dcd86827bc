"""Where the marks of a chart go: scales and positions for the SVG chart macros
(templates/charts/_charts.html), which write every element. Bars, columns and lines only;
values are read from a ReportTable's rows by column key, and every mark carries the text
of its value so it can be labelled directly.

All lengths are in the SVG's user units; the SVG scales to its container's width."""
from dataclasses import dataclass, field

from workflows.reporting.tables import ReportTable

WIDTH = 640
#: Series colours, each at least 3:1 against the white background (WCAG 1.4.11) and told
#: apart by direct labels, never by colour alone: GOV.UK blue, purple, green and dark grey.
COLOURS = ("#1d70b8", "#912b88", "#00703c", "#505a5f")
TEXT = "#0b0c0c"


@dataclass(frozen=True)
class Mark:
    """One bar, column or point: its box (a point has no size), its value and its labels."""
    label: str
    value: float | None
    text: str
    x: float
    y: float
    width: float = 0.0
    height: float = 0.0
    colour: str = COLOURS[0]
    label_y: float = 0.0   # where its value is written, on a line chart
    limit: "Marker | None" = None   # a bar's own reference line (its stage's time limit)


@dataclass(frozen=True)
class Marker:
    """A reference line across the bars (a target or a limit), with its words."""
    x: float
    text: str


@dataclass(frozen=True)
class Series:
    """One series of a column or line chart, with its points and where its name is written."""
    name: str
    colour: str
    marks: tuple[Mark, ...]
    label_x: float = 0.0
    label_y: float = 0.0

    @property
    def points(self) -> str:
        return " ".join(f"{m.x:.1f},{m.y:.1f}" for m in self.marks if m.value is not None)


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    marks: tuple[Mark, ...] = ()
    series: tuple[Series, ...] = ()
    categories: tuple[Mark, ...] = ()   # the x axis's labels of a column or line chart
    marker: Marker | None = None
    baseline: float = 0.0
    plot: tuple[float, float, float, float] = (0, 0, 0, 0)   # left, top, right, bottom
    extra: dict = field(default_factory=dict)


def number_text(value, unit: str = "") -> str:
    """A value as its label reads: whole numbers without decimals, others to one place."""
    if value is None:
        return "No data"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}{unit}"
    return f"{int(value):,}{unit}"


def _column(table: ReportTable, key: str | None, numeric: bool | None = None) -> int:
    """The index of the column with this key, or the first (non-numeric) one."""
    for i, column in enumerate(table.columns):
        if (key is None and (numeric is None or column.numeric == numeric)) or column.key == key:
            return i
    raise KeyError(f"{table.key} has no column {key!r}")


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


BAR_ROW, BAR_HEIGHT, BAR_LEFT, BAR_RIGHT, BAR_TOP = 48, 22, 8, 88, 30


def bar(table: ReportTable, value: str, label: str | tuple[str, ...] | None = None, target: float | None = None,
        target_text: str = "Target", unit: str = "", limit: str | None = None, missing: str = "No data") -> Layout:
    """A horizontal bar per row, its category above it and its value at its end; lengths in
    proportion to the values from zero, with an optional target line. `label` may name
    several columns (their values are joined), `limit` a column whose value each bar is
    marked against, and `missing` says what a row without a value shows."""
    v = _column(table, value)
    c = [_column(table, key) for key in label] if isinstance(label, (tuple, list)) else \
        [_column(table, label, numeric=False)]
    values = [_number(row[v]) for row in table.rows]
    limits = [_number(row[_column(table, limit)]) for row in table.rows] if limit else [None] * len(values)
    top = max([x for x in values + limits if x is not None] + [target or 0, 0]) or 1
    span = WIDTH - BAR_LEFT - BAR_RIGHT
    marks = tuple(Mark(label=", ".join(str(row[i]) for i in c), value=x,
                       text=number_text(x, unit) if x is not None else missing, x=BAR_LEFT,
                       y=BAR_TOP + n * BAR_ROW + 18, width=max(0.0, (x or 0) / top * span), height=BAR_HEIGHT,
                       limit=Marker(BAR_LEFT + lim / top * span, f"Limit {number_text(lim, unit)}")
                       if lim is not None else None)
                  for n, (row, x, lim) in enumerate(zip(table.rows, values, limits)))
    marker = Marker(BAR_LEFT + target / top * span, f"{target_text}: {number_text(target, unit)}") \
        if target is not None else None
    height = BAR_TOP + len(marks) * BAR_ROW + 8
    return Layout(WIDTH, height, marks=marks, marker=marker, baseline=BAR_LEFT,
                  plot=(BAR_LEFT, BAR_TOP, WIDTH - BAR_RIGHT, height - 8))


COLUMN_WIDTH, COLUMN_GAP, CLUSTER_GAP = 40, 4, 28
COLUMN_TOP, COLUMN_BOTTOM, COLUMN_LEFT, PLOT_HEIGHT = 36, 40, 16, 220


def column(table: ReportTable, series: list[str] | tuple[str, ...], category: str | None = None,
           unit: str = "") -> Layout:
    """Clustered columns: one cluster per row (a month), one column per series, each with
    its value above it; the first cluster's columns carry their series' names."""
    c = _column(table, category, numeric=False)
    indexes = [_column(table, key) for key in series]
    values = [[_number(row[i]) for i in indexes] for row in table.rows]
    top = max([x for row in values for x in row if x is not None] + [0]) or 1
    cluster = len(indexes) * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP
    width = max(WIDTH, COLUMN_LEFT * 2 + len(table.rows) * (cluster + CLUSTER_GAP))
    # Room above the tallest column for its value and its series' name, written upwards.
    base = COLUMN_TOP + 7 * max((len(table.columns[i].label) for i in indexes), default=0) + PLOT_HEIGHT
    made, categories = [], []
    for n, (row, numbers) in enumerate(zip(table.rows, values)):
        left = COLUMN_LEFT + n * (cluster + CLUSTER_GAP)
        categories.append(Mark(label=str(row[c]), value=None, text=str(row[c]), x=left + cluster / 2, y=base + 18))
        for s, x in enumerate(numbers):
            h = max(0.0, (x or 0) / top * PLOT_HEIGHT)
            made.append((s, Mark(label=str(row[c]), value=x, text=number_text(x, unit),
                                 x=left + s * (COLUMN_WIDTH + COLUMN_GAP), y=base - h, width=COLUMN_WIDTH, height=h,
                                 colour=COLOURS[s % len(COLOURS)])))
    out = tuple(Series(name=table.columns[i].label, colour=COLOURS[s % len(COLOURS)],
                       marks=tuple(m for k, m in made if k == s)) for s, i in enumerate(indexes))
    return Layout(width, base + COLUMN_BOTTOM, series=out, categories=tuple(categories), baseline=base,
                  marks=tuple(m for _, m in made), plot=(COLUMN_LEFT, base - PLOT_HEIGHT, width - COLUMN_LEFT, base))


LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_HEIGHT, LABEL_GAP = 40, 170, 24, 220, 16


def line(table: ReportTable, series: list[str] | tuple[str, ...], period: str | None = None,
         unit: str = "", floor: float | None = 0) -> Layout:
    """A line per series over the rows (periods, oldest first), every point labelled with its
    value and each line named at its end (names moved apart so they never overlap)."""
    p = _column(table, period, numeric=False)
    indexes = [_column(table, key) for key in series]
    numbers = [x for row in table.rows for i in indexes if (x := _number(row[i])) is not None]
    low = min(numbers + ([floor] if floor is not None else [])) if numbers else 0
    high = max(numbers + [low + 1]) if numbers else 1
    step = (WIDTH - LINE_LEFT - LINE_RIGHT) / max(1, len(table.rows) - 1)
    base = LINE_TOP + LINE_HEIGHT

    def y_of(x: float) -> float:
        return base - (x - low) / (high - low) * LINE_HEIGHT

    categories = tuple(Mark(label=str(row[p]), value=None, text=str(row[p]), x=LINE_LEFT + n * step, y=base + 20)
                       for n, row in enumerate(table.rows))
    made = []
    for s, i in enumerate(indexes):
        marks = []
        for n, row in enumerate(table.rows):
            x = _number(row[i])
            y = y_of(x) if x is not None else base
            # The highest point of a period has its value above it, the others below, so the
            # values of two close lines do not overlap.
            highest = all(x is None or (_number(row[j]) or low) <= x for j in indexes[:s]) and \
                all(x is None or (_number(row[j]) or low) < x for j in indexes[s + 1:])
            marks.append(Mark(label=str(row[p]), value=x, text=number_text(x, unit), x=LINE_LEFT + n * step, y=y,
                              colour=COLOURS[s % len(COLOURS)], label_y=y - 10 if highest else y + 20))
        made.append(Series(table.columns[i].label, COLOURS[s % len(COLOURS)], tuple(marks)))
    ends = _spread([next((m.y for m in reversed(s.marks) if m.value is not None), base) for s in made])
    out = tuple(Series(s.name, s.colour, s.marks, label_x=WIDTH - LINE_RIGHT + 12, label_y=y) for s, y in zip(made, ends))
    return Layout(WIDTH, base + 36, series=out, categories=categories, baseline=base,
                  plot=(LINE_LEFT, LINE_TOP, WIDTH - LINE_RIGHT, base), extra={"low": number_text(low, unit)})


def _spread(ys: list[float]) -> list[float]:
    """The lines' end labels, moved down as little as needed to stand LABEL_GAP apart."""
    order = sorted(range(len(ys)), key=lambda n: ys[n])
    placed = list(ys)
    for before, n in zip(order, order[1:]):
        placed[n] = max(placed[n], placed[before] + LABEL_GAP)
    return placed


def register(env) -> None:
    """Give the chart macros their layouts: `chart_layout.bar(...)` and the others."""
    env.globals["chart_layout"] = {"bar": bar, "column": column, "line": line, "number_text": number_text}
