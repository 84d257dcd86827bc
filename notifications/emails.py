"""Email bodies from the Jinja templates in notifications/templates/ (text and HTML), and the
MIME message built from a stored outbox row: the same Message-ID and Date on every attempt,
the letter attached as PDF."""
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from casework.letters import Letter
from casework.messages import OutboxMessage


@cache
def environment() -> Environment:
    """Autoescaped for HTML, strict about missing names."""
    return Environment(loader=PackageLoader("notifications", "templates"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_bodies(context: dict) -> tuple[str, str]:
    """The text and HTML bodies of one email."""
    env = environment()
    return env.get_template("email.txt").render(context), env.get_template("email.html").render(context)


def case_url(base_url: str, case_id: int) -> str:
    return f"{base_url.rstrip('/')}/cases/{case_id}"


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID, fixed when the outbox row is written."""
    domain = sender.rpartition("@")[2] or "casework.invalid"
    return make_msgid(domain=domain)


def build_email(row: OutboxMessage, sender: str, letter: Letter | None = None) -> EmailMessage:
    """The MIME message for an outbox row; identical on every attempt."""
    msg = EmailMessage()
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at)
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg.set_content(row.body_text)
    msg.add_alternative(row.body_html, subtype="html")
    if letter is not None:
        msg.add_attachment(letter.pdf, maintype="application", subtype="pdf", filename=letter.filename)
    return msg
