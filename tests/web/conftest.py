"""Fixtures for the web tests: the app built by `create_app` on each database (SQLite and
PostgreSQL), with the test cast able to sign in, a fixed clock, notifications wired as in
production, and CSRF protection on. Letters are rendered only where a test asks for them
(`letters_app`), because WeasyPrint is slow. `signed_in` starts a server session without the
sign-in form; the tests about signing in use the form (`helpers.login`)."""
import pytest
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import update

from casework.organisations import Person
from casework.passwords import hash_password
from casework.persistence import unit_of_work
from notifications.subscribers import make_subscriber
from tests.factories import make_cast
from tests.web.helpers import PASSWORD, Browser, sign_in_directly
from web import create_app
from web.composition import Container, _hooks
from web.config import Settings
from workflows.context import Hooks
from workflows.service import CaseService

SECRET = "a-test-secret-that-is-long-enough-" + "0123456789abcdef"
BASE_URL = "http://casework.test"
SENDER = "casework@bexley.example"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """Argon2 is slow on purpose, so the cast shares one hash, made once per run."""
    return hash_password(PASSWORD)


@pytest.fixture
def service(factory, calendar):
    """The case service with in-app notifications and emails written as in production."""
    return CaseService(factory, calendar=calendar,
                       hooks=Hooks(on_events=make_subscriber(BASE_URL, SENDER, calendar)))


@pytest.fixture
def cast(factory, password_hash):
    """The test cast (tests.factories.PEOPLE), each able to sign in with PASSWORD."""
    people = make_cast(factory)
    with unit_of_work(factory) as s:
        s.execute(update(Person).values(password_hash=password_hash))
    return people


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per worker and shared by every app the tests build: compiling
    them again in each new app took about a quarter of a second a test. Jinja keys each entry
    on the template's name and checks its source; every app comes from `create_app`, so with
    the same environment options."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledTemplates()


def built_app(settings: Settings, container: Container):
    """`create_app`, with the shared compiled templates and the test client that sends CSRF tokens.
    The cache is in the Jinja environment from its creation (Flask's `jinja_options`, for this
    call only): `create_app` renders the fixed fragments (web/macro_cache.py) before it returns,
    and compiling their templates again took about 30 ms of each test's set-up."""
    options = Flask.jinja_options
    Flask.jinja_options = {**options, "bytecode_cache": TEMPLATES}
    try:
        app = create_app(settings, container)
    finally:
        Flask.jinja_options = options
    app.test_client_class = Browser
    return app


#: Production refuses the development audit key; tests of production settings use this one.
PRODUCTION_AUDIT_KEY = "a-test-audit-key-that-is-long-enough-0123456789"


def _worker_dir(kind: str) -> str:
    import tempfile
    from pathlib import Path

    from tests.conftest import worker
    return str(Path(tempfile.gettempdir()) / f"casework-test-{kind}-{worker()}")


def documents_dir() -> str:
    """Where the tests' apps keep documents: one folder per pytest-xdist worker (the store is
    content-addressed, so tests sharing it never clash)."""
    return _worker_dir("documents")


def bundles_dir() -> str:
    """Where the tests' apps keep case bundles (named by their SHA-256, like documents): never
    the repository's ./instance/bundles, where they went on PostgreSQL."""
    return _worker_dir("bundles")


def settings_for(engine, env: str = "test", secret: str = SECRET, **overrides) -> Settings:
    overrides.setdefault("documents_path", documents_dir())
    overrides.setdefault("bundle_dir", bundles_dir())
    if env == "production":
        overrides.setdefault("audit_key", PRODUCTION_AUDIT_KEY)
    return Settings(env=env, database_url=engine.url.render_as_string(hide_password=False), secret_key=secret,
                    base_url=BASE_URL, mail_sender=SENDER, **overrides)


def make_app(engine, service, clock, env: str = "test", secret: str = SECRET, **overrides):
    settings = settings_for(engine, env, secret, **overrides)
    return built_app(settings, Container(settings, engine, service.factory, service, clock))


@pytest.fixture
def app(engine, service, clock, cast):
    """The app as `create_app` builds it, CSRF protection on."""
    return make_app(engine, service, clock)


@pytest.fixture
def patient_app(engine, service, clock, cast):
    """The app with an idle timeout of a year, for tests that move the clock on by days
    while someone stays signed in."""
    return make_app(engine, service, clock, idle_timeout_minutes=365 * 24 * 60)


@pytest.fixture
def letters_app(engine, factory, calendar, clock, cast):
    """The app with the production hooks, letters included (composition._hooks)."""
    settings = settings_for(engine)
    hooks = _hooks(settings)
    service = CaseService(factory, calendar=calendar, hooks=hooks)
    return built_app(settings, Container(settings, engine, factory, service, clock))


@pytest.fixture
def client(app) -> Browser:
    return app.test_client()


@pytest.fixture
def signed_in(app):
    """signed_in("vl"): a new browser signed in as that member of the cast."""
    def sign_in(key: str) -> Browser:
        return sign_in_directly(app, app.test_client(), key)
    return sign_in
