"""Browser tests: the real app on a loopback port with demo data in a fresh SQLite file,
driven by Debian's Chromium through Playwright's sync API. A failing test leaves a
screenshot of every page it had open in test-artifacts/."""
import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000


@dataclasses.dataclass
class LiveServer:
    url: str
    container: object
    ids: dict[str, int]

    def case_id(self, title: str, workflow: str | None = None, status: str | None = None) -> int:
        """The id of a demo case, by title, or a dispute by its parties ("X and Y", which end
        its title), and by workflow and status when titles repeat."""
        from sqlalchemy import or_, select
        from casework.cases import Case
        query = select(Case.id).where(or_(Case.title == title, Case.title.endswith(f"({title})")))
        if workflow:
            query = query.where(Case.workflow == workflow)
        if status:
            query = query.where(Case.status == status)
        with self.container.factory() as db:
            return db.scalars(query.order_by(Case.id)).first()


def _seed(container) -> dict[str, int]:
    """`casework demo --reset` on an empty file, without rendering the demo cases' PDF letters
    (about 20 s of WeasyPrint); cases the tests walk through the UI get real letters."""
    from casework.persistence.migrate import upgrade
    from web.demo import seed
    from workflows.service import CaseService
    upgrade(container.engine)
    service = container.service
    quiet = CaseService(service.factory, limits=service.limits, calendar=service.calendar,
                        hooks=dataclasses.replace(service.hooks, render_letter=None))
    return seed(quiet, container.clock.now())


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line per request only slows the suite
        pass


@pytest.fixture(scope="session")
def live_server(request, tmp_path_factory) -> Iterator[LiveServer]:
    from tests.clamav import clamd_binary
    from web import create_app
    from web.composition import build
    from web.config import Settings
    db = tmp_path_factory.mktemp("browser") / "casework.db"
    # The tests' own clamd scans uploads, as production's would (none where it is not installed).
    scanner = request.getfixturevalue("clamd_socket") if clamd_binary() else ""
    settings = Settings(env="development", database_url=f"sqlite:///{db}", clamd_socket=scanner)
    container = build(settings)
    ids = _seed(container)
    app = create_app(settings, container)
    # Let each browser context cache the CSS and scripts instead of revalidating them on
    # every page (the app leaves static caching to the production web server).
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", container, ids)
    server.shutdown()
    thread.join(timeout=5)
    container.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it).")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def sign_in(request, browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """sign_in(email) -> a page signed in as that person, in a browser context of its own."""
    opened: list[tuple[str, Page]] = []
    problems: list[str] = []

    def open_page(email: str | None = None, *, password: str | None = None, clock: bool = False) -> Page:
        from web.demo import PASSWORD
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"{email}: script error: {exc}"))
        page.on("console", lambda msg: problems.append(f"{email}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        if clock:
            page.clock.install()
        opened.append((email or "signed-out", page))
        if email is not None:
            page.goto("/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(password or PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, "))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for n, (who, page) in enumerate(opened, start=1):
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.nodeid}-{n}-{who}")
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"Could not save a screenshot of {who}'s page: {exc}")
    for _, page in opened:
        page.context.close()
    if problems and not failed:
        pytest.fail("Scripts failed or were blocked in the browser:\n" + "\n".join(problems))

