"""Mail captured locally instead of sent: each email is written as an .eml file named after
its Message-ID, so a retried delivery overwrites the same file rather than adding another.
`captured_messages` reads them back for the web UI's "emails" page."""
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path


@dataclass(frozen=True)
class CapturedEmail:
    """One captured email, parsed."""

    message_id: str
    to: str
    sender: str
    subject: str
    sent_at: datetime
    text: str
    html: str
    attachments: tuple[str, ...]
    path: Path


class CaptureTransport:
    """Writes each email to a folder (instance/mail by default) instead of sending it."""

    name = "capture"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / eml_name(message["Message-ID"])
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(message.as_bytes(policy=policy.SMTP))
        os.replace(partial, path)  # appears whole or not at all

    def close(self) -> None:
        pass


def eml_name(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:24] + ".eml"


def captured_messages(directory: Path, limit: int | None = 100) -> list[CapturedEmail]:
    """Captured emails, newest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    emails = [read_captured(path) for path in directory.glob("*.eml")]
    emails.sort(key=lambda e: (e.sent_at, e.message_id), reverse=True)
    return emails[:limit] if limit is not None else emails


def captured_message(directory: Path, message_id: str) -> CapturedEmail | None:
    """One captured email by its Message-ID, or None."""
    path = Path(directory) / eml_name(message_id)
    return read_captured(path) if path.is_file() else None


def captured_attachment(directory: Path, message_id: str, filename: str) -> bytes | None:
    """The bytes of one attachment (the letter PDF) of a captured email, or None."""
    path = Path(directory) / eml_name(message_id)
    if not path.is_file():
        return None
    for part in _parse(path).iter_attachments():
        if part.get_filename() == filename:
            return part.get_content()
    return None


def read_captured(path: Path) -> CapturedEmail:
    """Parse one .eml file."""
    msg = _parse(path)
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    sent = msg["Date"]
    return CapturedEmail(
        message_id=str(msg["Message-ID"]), to=str(msg["To"]), sender=str(msg["From"]),
        subject=str(msg["Subject"]),
        sent_at=parsedate_to_datetime(str(sent)) if sent else datetime.fromtimestamp(0, timezone.utc),
        text=text.get_content() if text else "", html=html.get_content() if html else "",
        attachments=tuple(p.get_filename() or "attachment" for p in msg.iter_attachments()), path=path)


def _parse(path: Path) -> EmailMessage:
    with open(path, "rb") as f:
        return BytesParser(policy=policy.default).parse(f)
