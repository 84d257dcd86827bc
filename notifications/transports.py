"""Ways an email leaves the outbox, behind one interface: an SMTP server, GOV.UK Notify, or a
local folder that captures every email when no mail service is set up (the `make run`
default), so a person trying the demo can read what would have gone out.

A transport raises `TransportUnavailable` when the service cannot be reached (try again
later, and stop this delivery run), `PermanentFailure` when this message will never be
accepted, and `DeliveryError` for anything else worth retrying."""
import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """This attempt failed; try again later."""


class TransportUnavailable(DeliveryError):
    """The mail service cannot be reached at all; stop this run and retry later."""


class PermanentFailure(DeliveryError):
    """The service refused this message for good; retrying will not help."""


class Transport(Protocol):
    name: str

    def send(self, message: EmailMessage) -> None:
        """Hand one message over; return only once the service has accepted it."""

    def close(self) -> None:
        """Let go of any connection kept between messages of one delivery run."""


class SmtpTransport:
    """An SMTP server: STARTTLS, implicit TLS or plain, with optional login. One connection
    is kept for the messages of a delivery run and reopened after any error."""

    name = "smtp"

    def __init__(self, host: str, port: int, security: str = "starttls", user: str = "",
                 password: str = "", timeout: float = 30.0, ssl_context: ssl.SSLContext | None = None) -> None:
        if security not in ("starttls", "tls", "none"):
            raise ValueError("SMTP security must be starttls, tls or none.")
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.timeout = user, password, timeout
        self.ssl_context = ssl_context or ssl.create_default_context()  # verifies the server's certificate
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        try:
            smtp = self._connection()
        except OSError as exc:  # refused, timed out, login or TLS refused
            self.close()
            raise TransportUnavailable(f"cannot use {self.host}:{self.port}: {exc}") from exc
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            raise _by_code(min(code for code, _ in exc.recipients.values()), exc) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            self.close()
            raise _by_code(exc.smtp_code, exc) from exc
        except OSError as exc:
            self.close()
            if _timed_out(exc):  # a server too slow to answer: give it time before the next
                raise TransportUnavailable(f"{self.host}:{self.port} did not answer in time: {exc}") from exc
            # The connection broke during this message, but the server was there a moment ago:
            # this message is tried again later, and the next goes on a new connection.
            raise DeliveryError(f"the connection to {self.host}:{self.port} broke while sending: {exc}") from exc

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.ssl_context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.security == "starttls":
                    smtp.starttls(context=self.ssl_context)
                if self.user:
                    smtp.login(self.user, self.password)
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def _timed_out(exc: BaseException | None) -> bool:
    """Whether a timeout caused this (smtplib reports one as SMTPServerDisconnected)."""
    while exc is not None:
        if isinstance(exc, TimeoutError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _by_code(code: int, exc: Exception) -> DeliveryError:
    """5xx replies are final for this message; 4xx are worth another try."""
    return PermanentFailure(str(exc)) if 500 <= code < 600 else DeliveryError(str(exc))
