"""GOV.UK Notify, councils' standard way to send email, as a transport. Off unless an API key
is configured. The Notify template must use the placeholders ((subject)), ((body)) and
((link_to_file)); the letter is uploaded with the email so the reader gets a download link."""
from email.message import EmailMessage
from io import BytesIO

from notifications_python_client import NotificationsAPIClient, prepare_upload
from notifications_python_client.errors import APIError

from notifications.transports import DeliveryError, PermanentFailure, TransportUnavailable

#: Notify answers these when the request itself is wrong, so sending it again cannot work.
PERMANENT_STATUSES = frozenset({400, 403})


class NotifyTransport:
    """Sends through the GOV.UK Notify API (or anything that speaks it at `base_url`)."""

    name = "notify"

    def __init__(self, api_key: str, template_id: str, base_url: str, timeout: float = 30.0) -> None:
        if not template_id:
            raise ValueError("GOV.UK Notify needs a template id (CASEWORK_NOTIFY_TEMPLATE_ID).")
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        self.template_id = template_id

    def send(self, message: EmailMessage) -> None:
        try:
            self.client.send_email_notification(
                email_address=str(message["To"]), template_id=self.template_id,
                personalisation=personalisation(message), reference=str(message["Message-ID"]))
        except APIError as exc:
            if exc.response is None:  # the client turns a refused or timed-out request into an APIError
                raise TransportUnavailable(f"cannot reach GOV.UK Notify: {exc.__cause__ or exc}") from exc
            if exc.status_code in PERMANENT_STATUSES:
                raise PermanentFailure(str(exc)) from exc
            raise DeliveryError(str(exc)) from exc

    def close(self) -> None:
        self.client.request_session.close()  # it reconnects by itself on the next send


def personalisation(message: EmailMessage) -> dict:
    """The template's fields: subject, plain-text body, and the letter as a file upload."""
    body = message.get_body(("plain",))
    fields = {"subject": str(message["Subject"]), "body": body.get_content() if body else "",
              "link_to_file": ""}
    for part in message.iter_attachments():
        if part.get_content_type() != "application/pdf":
            continue   # Notify sends files of a few kinds; a calendar invitation is not one of them
        fields["link_to_file"] = prepare_upload(BytesIO(part.get_content()), filename=part.get_filename(),
                                                confirm_email_before_download=True)
        break
    return fields
