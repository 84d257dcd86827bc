"""Reading pages the way a person (or a browser filling in a form) would: the visible text, the
error summary, the values in a form, the scripts a page loads; and a test client that signs in
and sends each form's CSRF token."""
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

PASSWORD = "correct-horse-battery-staple"
#: Elements whose content a person never reads as page text.
UNSEEN = {"script", "style", "head", "template", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """One HTML page, parsed once: visible text, scripts, form values, error summary."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_scripts: list[str] = []
        self.handler_attributes: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self.meta: dict[str, str] = {}
        #: caption (or "") -> rows of cell texts, for each table on the page
        self.tables: dict[str, list[list[str]]] = {}
        self._table: tuple[list[str], list[list[str]]] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._stack: list[tuple[str, dict]] = []
        self._unseen = 0
        self._textarea: str | None = None
        self._in_summary_list = 0
        self._error_item: list[str] | None = None
        self._script: list[str] | None = None
        self._option: tuple[str, bool] | None = None
        self._select: str | None = None
        self.feed(html)
        self.close()

    # --- what tests read --------------------------------------------------------------------
    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def rows(self, caption: str) -> list[str]:
        """The body rows of the table with this caption, each as one line of text."""
        return [" ".join(cells) for cells in self.tables.get(caption, [])[1:]]

    def value(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None

    @property
    def csrf_token(self) -> str | None:
        return self.meta.get("csrf-token") or self.value("csrf_token")

    # --- parsing ----------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.handler_attributes += [name for name, _ in attrs if name.startswith("on")]
        if tag == "meta" and a.get("name"):
            self.meta[a["name"]] = a.get("content") or ""
        if tag == "script":
            self.scripts.append(a)
            self._script = [] if not a.get("src") else None
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind not in ("radio", "checkbox", "submit", "button") or "checked" in a:
                self.fields.setdefault(a["name"], []).append(a.get("value") or "")
        if tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields.setdefault(self._textarea, []).append("")
        if tag == "select":
            self._select = a.get("name")
        if tag == "option" and self._select:
            self._option = (a.get("value") or "", "selected" in a)
            if self._option[1]:
                self.fields.setdefault(self._select, []).append(self._option[0])
        if tag == "table":
            self._table = ([], [])
        if self._table is not None:
            if tag == "caption":
                self._caption = []
            elif tag == "tr":
                self._table[1].append([])
            elif tag in ("td", "th"):
                self._cell = []
        if "govuk-error-summary__list" in (a.get("class") or ""):
            self._in_summary_list = 1
        elif self._in_summary_list and tag not in VOID:
            self._in_summary_list += 1
        if self._in_summary_list and tag == "li":
            self._error_item = []
        if tag in VOID:
            return
        if tag in UNSEEN:
            self._unseen += 1
        self._stack.append((tag, a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None
        if tag == "textarea":
            self._textarea = None
        if tag == "caption" and self._table is not None and self._caption is not None:
            self._table[0].append(" ".join("".join(self._caption).split()))
            self._caption = None
        if tag in ("td", "th") and self._table is not None and self._cell is not None:
            self._table[1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "table" and self._table is not None:
            caption, rows = self._table
            self.tables["".join(caption)] = [row for row in rows if row]
            self._table = None
        if tag == "select":
            self._select = None
        if tag == "li" and self._error_item is not None:
            self.errors.append(" ".join("".join(self._error_item).split()))
            self._error_item = None
        if self._in_summary_list:
            self._in_summary_list -= 1
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag in UNSEEN:
                self._unseen -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        if self._textarea is not None:
            # A browser drops one newline straight after <textarea>.
            current = self.fields[self._textarea][-1]
            self.fields[self._textarea][-1] = current + (data[1:] if not current and data.startswith("\n") else data)
            return
        if self._error_item is not None:
            self._error_item.append(data)
        for collecting in (self._caption, self._cell):
            if collecting is not None and not self._unseen:
                collecting.append(data)
        if not self._unseen:
            self.text_parts.append(data)


def page(response) -> Page:
    return Page(response.get_data(as_text=True))


class Browser(FlaskClient):
    """A test client that, like a browser with the page open, sends the form's CSRF token."""

    csrf_token: str | None = None

    def fetch_token(self) -> str:
        """The CSRF token of this session, read from a page as a browser would."""
        token = page(self.get("/help")).csrf_token
        assert token, "pages carry a CSRF token for forms and the timeout warning"
        self.csrf_token = token
        return token

    def submit(self, url: str, data=None, *, csrf: bool = True, **kwargs):
        """POST a form (a dict, or a list of pairs for repeated names) with the CSRF token."""
        form = MultiDict(data or {})
        if csrf and "csrf_token" not in form:
            form["csrf_token"] = self.csrf_token or self.fetch_token()
        return self.post(url, data=form, **kwargs)


def email_of(key: str) -> str:
    """The sign-in email of a member of the test cast (tests.factories.make_cast)."""
    return f"{key}@example.org"


def login(client: Browser, key: str, password: str = PASSWORD):
    """Sign in as a member of the cast; the client then carries the new session's CSRF token."""
    client.csrf_token = None
    response = client.submit("/sign-in", {"email": email_of(key), "password": password})
    client.csrf_token = None  # signing in starts a new session, with a new token
    return response


def sign_in_directly(app, client: Browser, key: str) -> Browser:
    """Sign a member of the cast in without the sign-in form, for tests about something else:
    a server session started as signing in starts one, its token kept where flask-login keeps
    it. The tests about signing in use `login`."""
    from sqlalchemy import select

    from casework.logins import start_session
    from casework.organisations import Person
    from casework.persistence import unit_of_work
    c = app.extensions["casework"]
    with unit_of_work(c.factory) as db:
        person = db.scalar(select(Person).where(Person.email == email_of(key)))
        assert person is not None and person.is_active, f"{key} could not sign in"
        token = start_session(db, person, c.clock.now()).secret
    with client.session_transaction() as session:
        session.clear()  # as signing in does: a new session
        session.permanent = True
        session["_user_id"], session["_fresh"] = token, True
    client.csrf_token = None
    return client


def location(response) -> str:
    """Where a redirect goes, as a path."""
    target = response.headers.get("Location", "")
    return target.removeprefix("http://localhost")


def snapshot(engine) -> dict[str, list]:
    """Every row of every table: equal snapshots mean nothing was written."""
    from sqlalchemy import select

    from casework.models import Base
    with engine.connect() as conn:
        return {t.name: conn.execute(select(t).order_by(*t.primary_key.columns)).all()
                for t in Base.metadata.sorted_tables}
