"""What an email says, kept on its outbox row when the message is composed, and the MIME
message built from that row when it is sent: text and HTML bodies from the Jinja templates in
notifications/templates/, the same Message-ID and Date on every attempt, the letter attached
as PDF and a booking's calendar invitation (or cancellation) as text/calendar. The same row always gives the
same bytes, so a retry sends the same email.

Header values are made safe here, whatever reached the row: a subject or file name is put on
one line (every control character, CR, LF and NUL included, becomes a space), and a
recipient's address with a control character in it is refused (`UnsafeHeader`), since no
rewriting of an address can be trusted to reach the right person."""
import unicodedata
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select

from casework.letters import Letter
from casework.messages import OutboxMessage
from casework.persistence import Db


@cache
def environment() -> Environment:
    """Autoescaped for HTML, strict about missing names."""
    return Environment(loader=PackageLoader("notifications", "templates"),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def email_content(*, name: str, subject: str, happened: str, todo: tuple[str, ...], case_url: str,
                  case_ref: str) -> dict:
    """What an email says, as stored on its outbox row (JSON) until it is sent."""
    return {"name": name, "subject": subject, "happened": happened, "todo": list(todo), "case_url": case_url,
            "case_ref": case_ref}


def render_bodies(content: dict, letter_name: str | None = None) -> tuple[str, str]:
    """The text and HTML bodies of one email, from its stored content and the attached letter's name."""
    env, context = environment(), {**content, "letter_name": letter_name}
    for single in ("name", "subject"):  # a greeting and a title: one line each
        if isinstance(context.get(single), str):
            context[single] = one_line(context[single])
    return env.get_template("email.txt").render(context), env.get_template("email.html").render(context)


def text_body(db: Db, row: OutboxMessage) -> str:
    """The plain-text body of an outbox email, as it is sent (for the page that shows emails)."""
    letter_name = db.scalar(select(Letter.filename).where(Letter.id == row.letter_id)) if row.letter_id else None
    return render_bodies(row.content, letter_name)[0]


def case_url(base_url: str, case_id: int) -> str:
    return f"{base_url.rstrip('/')}/cases/{case_id}"


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID, fixed when the outbox row is written."""
    domain = sender.rpartition("@")[2] or "casework.invalid"
    return make_msgid(domain=domain)


class UnsafeHeader(ValueError):
    """A header value that cannot be sent as it is (an address with a line break in it)."""


def _unsafe(ch: str) -> bool:
    """Control characters (C0, DEL, C1) and Unicode's line and paragraph separators."""
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def has_control_characters(text: str) -> bool:
    return any(_unsafe(ch) for ch in text)


def one_line(text: str) -> str:
    """Text as a safe header value: each control character becomes a space, spaces run
    together, no outer spaces."""
    return " ".join("".join(" " if _unsafe(ch) else ch for ch in text).split())


def _address(address: str) -> str:
    if has_control_characters(address):
        raise UnsafeHeader(f"the recipient's address {address!r} contains a line break or control character")
    return address


def build_email(row: OutboxMessage, sender: str, letter: Letter | None = None) -> EmailMessage:
    """The MIME message for an outbox row; identical on every attempt. Raises UnsafeHeader
    (or another error) for a row no email can be built from."""
    msg = EmailMessage()
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at)
    msg["From"] = _address(sender)
    msg["To"] = _address(row.to_address)
    msg["Subject"] = one_line(row.subject)
    filename = one_line(letter.filename) if letter is not None else None
    text, html = render_bodies(row.content, filename)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if letter is not None:
        msg.add_attachment(letter.pdf, maintype="application", subtype="pdf", filename=filename)
    invitation = (row.content or {}).get("invitation")
    if invitation:   # a booking's calendar invitation or its cancellation (notifications.invitations)
        msg.add_attachment(invitation["text"], subtype="calendar", filename=one_line(invitation["filename"]),
                           params={"method": invitation.get("method", "REQUEST")})
    return msg
