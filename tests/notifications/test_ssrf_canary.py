"""Security test plan row 13 (PDF injection and SSRF): a canary HTTP server on loopback counts
every request it gets. Letters are rendered with every field a person types pointing at it in
every way HTML and CSS can name a URL; the canary must get 0 requests, and no socket may be
opened at all. A control render with WeasyPrint's own fetcher proves the canary counts.

Which features fetch URLs at all: only the letter renderer (WeasyPrint, through
`BundledAssetFetcher`). The only other outbound connection is mail, to the SMTP server the
settings name; the last test holds the product code to that."""
import ast
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from notifications.letters import render_letter
from notifications.letters.rendering import RefusedURL, html_to_pdf
from tests.notifications.test_letters import make_context, pdf_text

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("concern", "consultation", "decision", "notice", "notice_moved", "dispute_outcome")
#: Fields chosen from a list, not typed: the letter refuses anything else in them.
CHOSEN = {"outcome", "channel", "stage", "case_ref", "dispute_ref"}


class Canary(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.hits: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def _count(self) -> None:
        self.server.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.end_headers()
        self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')

    do_GET = do_POST = do_HEAD = _count

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def canary():
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def payloads(url: str) -> list[str]:
    """Every way we know for HTML or CSS in a letter to make the renderer fetch a URL."""
    return [
        f'<img src="{url}/img">', f'<link rel="stylesheet" href="{url}/css">',
        f"<style>@import url({url}/import);</style>", f'<p style="background: url({url}/style)">x</p>',
        f'<svg><image href="{url}/svg"/></svg>', f'<object data="{url}/object"></object>',
        f'<iframe src="{url}/iframe"></iframe>', f'<embed src="{url}/embed">',
        f'<font color="[[[getattr(pow, Word(\'__globals__\'))]]]">{url}/font</font>',
        f'"><base href="{url}/base/"><img src="relative.png">', f"url({url}/bare)",
    ]


@pytest.fixture
def no_sockets(monkeypatch):
    """Every socket a render tries to open, recorded (and refused)."""
    opened = []

    def refuse(self, address):
        opened.append(address)
        raise OSError("no network in a letter render")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return opened


def test_the_canary_counts_a_fetch_by_weasyprint_left_to_itself(canary):
    # The control: without our fetcher, WeasyPrint does fetch, and the canary sees it.
    from weasyprint import HTML
    HTML(string=f'<img src="{canary.url}/control">').write_pdf()
    assert canary.hits == ["GET /control"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_letter_fetches_nothing_that_a_person_typed(canary, kind, no_sockets):
    typed = " ".join(payloads(canary.url))
    context = make_context(kind)
    hostile = {name: typed for name, value in context.items() if isinstance(value, str) and name not in CHOSEN}
    assert hostile, "every letter has typed text"

    letter = render_letter(kind, {**context, **hostile})

    assert canary.hits == [] and no_sockets == []
    assert f"{canary.url}/font" in pdf_text(letter.pdf), "the text is shown as text"


@pytest.mark.parametrize("element", payloads("http://127.0.0.1:{port}"))
def test_raw_markup_naming_the_canary_is_refused_before_any_request(canary, element, no_sockets):
    # Even markup that reached the renderer unescaped (a template bug) fetches nothing: the
    # fetcher refuses the URL and the render stops, or the element loads nothing at all.
    html = f"<!DOCTYPE html><html><head></head><body>{element.replace('{port}', str(canary.server_address[1]))}" \
           f"<p>x</p></body></html>"
    try:
        html_to_pdf(html)
    except RefusedURL:
        pass
    assert canary.hits == [] and no_sockets == []


NETWORK_MODULES = {"socket", "smtplib", "http.client", "urllib.request", "ftplib", "requests", "httpx", "aiohttp",
                   "urllib3", "telnetlib", "xmlrpc.client"}
#: (file, module, name imported) -> what it is used for. Anything else fails the test.
ALLOWED_NETWORK_USES = {
    ("notifications/transports.py", "smtplib", ""): "mail, to settings.smtp_host:smtp_port (web.composition)",
    ("notifications/letters/rendering.py", "urllib.request", "url2pathname"): "a file path from a file:// URL",
    ("web/composition.py", "socket", ""): "socket.gethostname() for the scheduler's name",
    ("casework/clamav.py", "socket", ""): "the virus scanner, clamd, at settings.clamd_socket (web.composition)",
}


def network_imports() -> set[tuple[str, str, str]]:
    found = set()
    for package in ("casework", "workflows", "notifications", "web"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                rel = str(path.relative_to(ROOT))
                if isinstance(node, ast.Import):
                    found |= {(rel, a.name, "") for a in node.names if a.name in NETWORK_MODULES}
                elif isinstance(node, ast.ImportFrom) and node.module in NETWORK_MODULES:
                    found |= {(rel, node.module, a.name) for a in node.names}
    return found


def test_the_only_outbound_connection_is_mail_to_the_configured_server():
    assert network_imports() == set(ALLOWED_NETWORK_USES)
    composition = (ROOT / "web/composition.py").read_text(encoding="utf-8")
    assert ("SmtpTransport(settings.smtp_host, settings.smtp_port" in composition), \
        "the mail server comes from the settings (CASEWORK_SMTP_HOST, CASEWORK_SMTP_PORT)"
    assert "Clamd(settings.clamd_socket)" in composition, "clamd's socket comes from CASEWORK_CLAMD_SOCKET"
    users = {str(p.relative_to(ROOT)) for package in ("casework", "workflows", "notifications", "web")
             for p in (ROOT / package).rglob("*.py") if "SmtpTransport(" in p.read_text(encoding="utf-8")}
    assert users == {"web/composition.py"}
