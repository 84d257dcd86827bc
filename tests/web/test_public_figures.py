"""The published compliance figures: not found until an administrator publishes them (a
security event records who did); then open without signing in, page and CSV alike, and on the
demo data they never show a count from 1 to 4, an organisation's name or a case reference."""
import csv
import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from casework.cases import Case
from casework.clock import FixedClock
from casework.organisations import Organisation, Person
from casework.persistence import unit_of_work
from casework.security_events import SecurityEvent
from tests.conftest import built_once
from tests.web.conftest import make_app
from tests.web.helpers import Page, email_of, page
from web.demo import seed
from workflows.reporting.public import set_public_figures

#: Column words (page) and keys (CSV) of figures that are not counts: rates, medians, spans.
NOT_COUNTS = re.compile(r"per cent|median|longest|shortest|target|limit|days|^percent|^min|^max", re.I)
SMALL = {"1", "2", "3", "4", "1.0", "2.0", "3.0", "4.0"}


def test_the_figures_are_not_found_until_an_administrator_publishes_them(client, signed_in, factory):
    assert client.get("/public/compact-figures").status_code == 404
    assert client.get("/public/compact-figures.csv").status_code == 404
    admin = signed_in("admin")
    assert page(admin.get("/admin/public-figures")).value("publish") == "no"
    refused = admin.submit("/admin/public-figures", {})
    assert refused.status_code == 400 and "Select yes to publish the compliance figures" in page(refused).text
    assert admin.submit("/admin/public-figures", {"publish": "yes"}).status_code == 302
    shown = client.get("/public/compact-figures")           # nobody signed in
    assert shown.status_code == 200 and "Compact compliance figures" in page(shown).text
    assert client.get("/public/compact-figures.csv").status_code == 200
    assert admin.submit("/admin/public-figures", {"publish": "no"}).status_code == 302
    assert client.get("/public/compact-figures").status_code == 404
    with factory() as db:
        said = db.execute(select(SecurityEvent.kind, SecurityEvent.detail, Person.email)
                          .join(Person, Person.id == SecurityEvent.actor_id)
                          .where(SecurityEvent.detail.like("Compliance figures published%"))
                          .order_by(SecurityEvent.id)).all()
    assert said == [("setting_changed", "Compliance figures published: yes", email_of("admin")),
                    ("setting_changed", "Compliance figures published: no", email_of("admin"))]


@pytest.fixture
def demo_app(engine, service, factory):
    """The app on the demo data, as at 15 February 2027 (mid H2 2026/27), figures published.
    The tests only read it, so the demo is seeded once per worker and database and copied into
    each later test's database."""
    now = datetime(2027, 2, 15, 10, tzinfo=timezone.utc)

    def build() -> None:
        seed(service, now)
        with unit_of_work(factory) as db:
            set_public_figures(db, True, None, now)
    built_once(engine, "test_public_figures.demo_app", build)
    return make_app(engine, service, FixedClock(now))


@pytest.mark.parametrize("period", ["current_half", "previous_half"])
def test_the_public_figures_never_show_a_small_count_a_name_or_a_case_reference(demo_app, factory, period):
    client = demo_app.test_client()
    html = client.get(f"/public/compact-figures?period={period}").get_data(as_text=True)
    data = client.get(f"/public/compact-figures.csv?period={period}").get_data(as_text=True)
    with factory() as db:
        names = db.scalars(select(Organisation.name)).all() + db.scalars(select(Person.name)).all()
        refs = [f"{'FC' if w == 'funding_change' else 'DS'}-{i:04d}" for i, w in db.execute(select(Case.id, Case.workflow))]
        titles = [t for t in db.scalars(select(Case.title)) if len(t) > 12]
    main = html[html.index("<main"):html.index("</main>")]   # the header names the council publishing them
    assert "London Borough of Bexley" not in data
    for text in (main, data):
        assert [n for n in names if n in text] == []
        assert [r for r in refs if r in text] == [] and not re.search(r"\b(FC|DS)-\d{4}\b", text)
        assert [t for t in titles if t in text] == []
    shown = Page(html)
    looked_at = hidden = 0
    for caption, (header, *rows) in shown.tables.items():
        for row in rows:
            for label, cell in zip(header[1:], row[1:]):
                if not NOTICE.search(label) and not NOT_COUNTS.search(label):
                    looked_at += 1
                    assert cell not in SMALL, f"{caption}: {label} shows {cell}"
                    hidden += cell == "fewer than 5"
    assert looked_at > 100 and (period == "previous_half" or hidden > 0)
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    figures = rows[1:rows.index([])]
    assert rows[0] == ["table", "table_title", "row", "measure", "measure_label", "value"]
    counts = [r for r in figures if not NOT_COUNTS.search(r[3])]
    assert [r for r in counts if r[5] in SMALL] == []
    assert period == "previous_half" or any(r[5] == "[c]" for r in counts)
    assert not {"m5_breach_log", "m17_outstanding", "m18_learning_actions"} & {r[0] for r in figures}
    meta = dict(r for r in rows[rows.index([]) + 2:] if len(r) == 2)
    assert "[c]" in meta["Suppression applied"]


#: Row-naming columns whose words are not figures ("Status", "Owed by", a month's name...).
NOTICE = re.compile(r"^(status|owed by|deadline|stage|step|rate|what|group|window|change|band|length|route|"
                    r"outcome|category|undertaking|month|metric|last stage|source)", re.I)
