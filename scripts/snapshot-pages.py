"""Save every page each demo login can reach, to show that a change leaves what people see
as it was:

    .venv/bin/python scripts/snapshot-pages.py --out /tmp/pages-before     # before the change
    .venv/bin/python scripts/snapshot-pages.py --compare /tmp/pages-before # after: differences, exit 1 if any

How: the demo database (what `casework demo --reset` makes, built through the same Python
calls: web.demo.seed after the Alembic upgrade) in a new SQLite file in a temporary folder,
with the clock fixed at FIXED_NOW for both the demo data and the app (the demo's dates are
relative to "today", so a fixed clock makes two runs, on any day, the same). Each demo login
signs in through Flask's test client and, in a fixed order, reads its home page and every
page reachable from it by links (`<a href>` within the service: case lists and their pages,
every case it may see, every action page offered there, notifications, emails, help, the
timeline, admin pages for the administrator), plus pages only a form reaches (case-list
filters, the timeline's other routes, page numbers out of range) and two addresses that do
not exist (404). The same for someone not signed in (folder `signed-out`), from the sign-in
page. Redirects are recorded, not followed.

Not saved: static files and GOV.UK assets, downloads that are not text (letters, documents,
bundles, spreadsheets: listed in `index.txt` with their status and type, not compared),
and signing out. Nothing but signing in is sent with POST, so every login sees the same data.

Output: one folder per login (its email), one file per page named by its path and query
(`/cases/3/actions/raise_concern` -> `cases~3~actions~raise_concern.html`; `?` becomes
`@`), and `index.txt` listing every address read with its status (and where it redirects).

Normalised (and only this, because it differs between runs or browsers by design): CSRF
tokens (the `<meta name="csrf-token">` content and every hidden `csrf_token` input's
value), replaced by `CSRF`; and the authenticator set-up page's new secret (its key, hidden
copy and QR code), replaced by `SECRET` and `QR`. The pages carry no nonces and no session identifiers; the
temporary folder's name never appears in a page (checked: two runs are byte-identical)."""
import argparse
import difflib
import re
import sys
import tempfile
from collections import deque
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: "Today" for the demo data and the app, in both runs.
FIXED_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
#: Addresses not worth reading: files, not pages, and the way out.
SKIP = re.compile(r"^/(static|assets)/|^/sign-out|^/cases/\d+/letters/")
#: Pages a person reaches through a form (GET) rather than a link, for every login.
EXTRA = ("/cases?due=overdue", "/cases?due=week", "/cases?stage=funding_change:consultation",
         "/cases?stage=dispute:in_mediation", "/cases?stage=funding_change:notice_period&due=week",
         "/cases?organisation={kitchen}", "/cases?page=2", "/cases?page=99",
         "/timeline?route=resource&start=2026-12-01", "/timeline?route=dispute&start=2027-03-25",
         "/timeline?start=not-a-date", "/help", "/accessibility", "/notifications", "/mail",
         "/no-such-page", "/cases/999999")
#: Where someone who has not signed in starts (links from there are followed too).
SIGNED_OUT = ["/sign-in", "/", "/cases/1", "/help", "/accessibility", "/no-such-page"]
CSRF = [(re.compile(r'(<meta name="csrf-token" content=")[^"]*(")'), r"\1CSRF\2"),
        (re.compile(r'(<input\b[^>]*\bname="csrf_token"[^>]*\bvalue=")[^"]*(")'), r"\1CSRF\2"),
        (re.compile(r'(<input\b[^>]*\bvalue=")[^"]*("[^>]*\bname="csrf_token")'), r"\1CSRF\2"),
        # A new authenticator secret is made for each visit of the set-up page, by design:
        # its key, its hidden copy and its QR code.
        (re.compile(r'(id="secret-key">)[^<]*(<)'), r"\1SECRET\2"),
        (re.compile(r'(<input\b[^>]*\bname="secret"[^>]*\bvalue=")[^"]*(")'), r"\1SECRET\2"),
        (re.compile(r'(<path class="qrline"[^>]*\bd=")[^"]*(")'), r"\1QR\2")]


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def normalised(html: str) -> str:
    for pattern, replacement in CSRF:
        html = pattern.sub(replacement, html)
    return html


def file_name(address: str) -> str:
    """A file name for an address: readable and one-to-one."""
    path, _, query = address.partition("?")
    name = quote(path.strip("/"), safe="") .replace("%2F", "~") or "home"
    if query:
        name += "@" + quote(query, safe="=&:")
    return name + ".html"


def build_app(folder: Path):
    """The demo database, as `casework demo --reset` makes it, and the app on it, both on the fixed clock."""
    from casework.clock import FixedClock
    from casework.persistence.migrate import upgrade
    from web import create_app
    from web.composition import build
    from web.config import Settings
    from web.demo import seed
    settings = Settings(env="development", database_url=f"sqlite:///{folder / 'casework.db'}")
    container = build(settings, clock=FixedClock(FIXED_NOW))
    upgrade(container.engine)
    seed(container.service, container.clock.now())
    return create_app(settings, container), container


def sign_in(app, email: str, password: str):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"', page)
    response = client.post("/sign-in", data={"email": email, "password": password,
                                             "csrf_token": token.group(1) or token.group(2)})
    if response.status_code != 302:
        raise SystemExit(f"{email} could not sign in ({response.status_code})")
    return client


def within(href: str, base: str) -> str | None:
    """The address (path and query) a link goes to, if it is a page of the service to read."""
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.netloc != "localhost" or SKIP.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, folder: Path, start: list[str]) -> int:
    folder.mkdir(parents=True)
    queue, seen, index = deque(start), set(start), []
    while queue:
        address = queue.popleft()
        response = client.get(address)
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            index.append(f"{address} {status} -> {response.headers.get('Location')}")
            continue
        index.append(f"{address} {status} {response.mimetype}")
        if not response.mimetype.startswith("text/"):
            continue  # downloads (documents, bundles, spreadsheets, PDFs): listed, not compared
        text = response.get_data(as_text=True)
        (folder / file_name(address)).write_text(normalised(text), encoding="utf-8")
        if response.mimetype != "text/html":
            continue
        for href in Links(text).hrefs:
            target = within(href, address)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    (folder / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    return len(index)


def snapshot(out: Path) -> None:
    from sqlalchemy import select

    from casework.organisations import Organisation
    from web.demo import ORGANISATIONS, logins
    with tempfile.TemporaryDirectory(prefix="casework-snapshot-") as tmp:
        app, container = build_app(Path(tmp))
        with container.factory() as db:
            kitchen = db.scalar(select(Organisation.id).where(Organisation.name == ORGANISATIONS["kitchen"][0]))
        extra = [address.format(kitchen=kitchen) for address in EXTRA]
        total = crawl(app.test_client(), out / "signed-out", SIGNED_OUT)
        for _, email, password in logins():
            total += crawl(sign_in(app, email, password), out / email, ["/", *extra])
        container.engine.dispose()
    print(f"Saved {total} addresses for {len(logins())} logins and someone signed out in {out}")


def compare(before: Path, after: Path) -> int:
    """Print what differs (a unified diff per file); the number of files that differ."""
    names = sorted({p.relative_to(before) for p in before.rglob("*") if p.is_file()}
                   | {p.relative_to(after) for p in after.rglob("*") if p.is_file()})
    differing = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            differing += 1
            print(f"only in {after if b.exists() else before}: {name}")
            continue
        old, new = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
        if old != new:
            differing += 1
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                                       f"{before}/{name}", f"{after}/{name}"))
    print(f"{differing} of {len(names)} files differ")
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder to save pages in (must not exist); default: a temporary one")
    parser.add_argument("--compare", type=Path, metavar="DIR", help="an earlier snapshot to compare with")
    args = parser.parse_args()
    if args.out is not None and args.out.exists():
        raise SystemExit(f"{args.out} exists: choose a new folder")
    with tempfile.TemporaryDirectory(prefix="pages-") as tmp:
        out = args.out or Path(tmp) / "pages"
        snapshot(out)
        if args.compare is not None:
            sys.exit(1 if compare(args.compare, out) else 0)


if __name__ == "__main__":
    main()
