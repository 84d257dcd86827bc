"""Files sent with a form: each is checked by its content and stored before anything else
happens, so a file that was accepted is kept when the rest of the form needs another go (or
goes through a check-your-answers page). A kept file travels as a signed token in a hidden
input (or a checkbox, to take it off again); the token names its stored hash and the person who
uploaded it, so nobody can attach a file they only know the hash of."""
from dataclasses import asdict, dataclass

from flask import current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import FileStorage

from casework.documents import Upload, being_checked
from casework.file_checks import FileRefused, clean_name, inspect_file
from web.composition import DocumentDesk, document_desk
from notifications.document_scans import scan_document
from web.context import container
from workflows.documents import Attachments

FILES, KEPT, DESCRIPTION = "documents", "kept_documents", "documents_description"


@dataclass(frozen=True)
class Kept:
    """A file accepted and stored, carried to the next page by its token."""

    token: str
    upload: Upload

    @property
    def size_text(self) -> str:
        return size_words(self.upload.size)


def desk() -> DocumentDesk:
    return document_desk(container())


def allow_large_request() -> None:
    """Let this request carry files (the app's limit for other forms stays small)."""
    request.max_content_length = desk().max_request_bytes


def init_app(app) -> None:
    """Before the CSRF check reads the form: raise the size limit for the pages that take files."""
    from workflows.registry import WORKFLOWS
    takes = {t.trigger for w in WORKFLOWS.values() for t in w.transitions if t.accepts_documents}

    @app.before_request
    def allow_files() -> None:
        if request.endpoint in ("documents.add", "start.new_dispute") or (
                request.endpoint == "cases.action" and (request.view_args or {}).get("trigger") in takes):
            allow_large_request()


def max_mb() -> int:
    return desk().limits.max_bytes // (1024 * 1024)


def receive(form) -> list[Kept]:
    """Check and store the files chosen in `form.documents`, with those kept from before;
    puts a problem naming each refused file on the field. Returns every file now kept."""
    d = desk()
    kept = [k for k in (_from_token(t, d) for t in request.form.getlist(KEPT)) if k is not None]
    problems: list[str] = []
    chosen = [f for f in request.files.getlist(FILES) if isinstance(f, FileStorage) and f.filename]
    if len(kept) + len(chosen) > d.max_files:
        problems.append(f"Select {d.max_files} files or fewer at a time")
        chosen = []
    for storage in chosen:
        try:
            kept.append(_store(storage, d))
        except FileRefused as exc:
            problems.append(str(exc).replace("The selected file", f"‘{_shown(storage.filename)}’", 1))
    if problems:
        form[FILES].errors = list(form[FILES].errors) + problems
    return list({k.upload.sha256 + k.upload.original_name: k for k in kept}.values())


def attachments(form, kept: list[Kept]) -> Attachments | None:
    """The kept files as the engine records them, with the description typed."""
    if not kept:
        return None
    return Attachments(tuple(k.upload for k in kept), (form[DESCRIPTION].data or "") if DESCRIPTION in form else "",
                       desk().first_status)


def _store(storage: FileStorage, d: DocumentDesk) -> Kept:
    try:
        data = storage.stream.read(d.limits.max_bytes + 1)
    finally:
        storage.close()   # a large upload is spooled to a temporary file
    kind = inspect_file(data, d.limits)
    sha = d.store.put(data)
    name = storage.filename or "document"
    upload = Upload(original_name=name[:1000], stored_name=clean_name(name), sha256=sha, size=len(data),
                    content_type=kind.mime)
    return Kept(_serializer().dumps({"by": current_user.id, **asdict(upload)}), upload)


def _from_token(token: str, d: DocumentDesk) -> Kept | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.pop("by", None) != current_user.id:
        return None
    try:
        upload = Upload(**value)
    except TypeError:
        return None
    return Kept(token, upload) if d.store.exists(upload.sha256) else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kept-documents")


def _shown(name: str) -> str:
    """A file name as a message shows it: one line, not too long (escaped when rendered)."""
    one_line = " ".join("".join(ch if ch.isprintable() else " " for ch in name).split())
    return one_line if len(one_line) <= 80 else one_line[:77] + "…"


def size_words(n: int) -> str:
    """A size as people read it: 820 bytes, 14 KB, 2.3 MB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n // 1024} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def scan_case(case_id: int) -> None:
    """Scan the files of the case waiting for their first check (those an action just added)."""
    with container().factory() as db:
        ids = being_checked(db, case_id)
    scan_now(ids)


def scan_now(document_ids: list[int]) -> None:
    """Scan the files just added, before the page answers (the scheduler retries any the
    scanner could not take)."""
    c, d = container(), desk()
    for document_id in document_ids:
        scan_document(c.factory, d.store, d.scanner, document_id, c.clock.now(),
                      base_url=c.settings.base_url, sender=c.settings.mail_sender)
