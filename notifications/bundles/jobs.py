"""Asking for a bundle and building it. A request finds the bundle of the case's inputs as they
stand (their fingerprint) or queues a new one; the scheduler's `build_due` (or the request
itself, for a small case) claims it, as the sweep claims deadlines, builds it outside any
transaction with its progress written as it goes, keeps the files under the bundle folder
named by their SHA-256, and marks it ready. A builder that dies leaves a lease that runs out,
and the next one starts again."""
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from casework.bundles import (Bundle, BundleSource, BundleStatus, Papers, bundle_for, mark_removed, papers_fingerprint,
                              papers_of, superseded_files)
from casework.cases import Case, load_case
from casework.persistence import unit_of_work
from casework.persistence.claims import claim_rows
from notifications.bundles.assemble import build
from notifications.bundles.contents import CaseRecord

log = logging.getLogger(__name__)

#: A case with at most this many documents, this large in all, is built while its requester
#: waits (a few seconds); a larger one is queued for the scheduler and its page shows progress.
SMALL_DOCUMENTS = 5
SMALL_BYTES = 5 * 1024 * 1024
DEFAULT_LEASE = timedelta(minutes=10)
#: Progress is written at most this often (in percent), each write its own short transaction.
PROGRESS_STEP = 10

#: The case as its bundle tells it, from the web's presenters (handed in by the composition root).
Describe = Callable[[Session, Case, datetime], CaseRecord]
Documents = Callable[[Session, Case], list[BundleSource]]


@dataclass(frozen=True)
class BundleWork:
    """What building bundles needs, wired once by the composition root."""

    factory: sessionmaker[Session]
    folder: Path
    describe: Describe
    documents: Documents     # `casework.bundles.documents_from(store)`
    lease: timedelta = DEFAULT_LEASE


@dataclass(frozen=True)
class Requested:
    bundle: Bundle
    small: bool


def request_bundle(work: BundleWork, case_id: int, person_id: int | None, now: datetime) -> Requested:
    """The bundle of the case as it stands: the one already built or queued for these inputs,
    or a new one queued (a failed one is queued again)."""
    for attempt in range(2):
        try:
            with unit_of_work(work.factory) as session:
                case = load_case(session, case_id)
                papers = papers_of(session, case, work.documents)
                bundle = _queued(session, case, papers_fingerprint(session, papers), person_id, now)
                return Requested(bundle, _small(papers.every_document))
        except IntegrityError:   # asked for at the same moment by someone else: theirs is ours
            if attempt:
                raise
    raise AssertionError("unreachable")


def _queued(session: Session, case: Case, digest: str, person_id: int | None, now: datetime) -> Bundle:
    bundle = bundle_for(session, case.id, digest)
    if bundle is None:
        bundle = Bundle(case_id=case.id, fingerprint=digest, status=BundleStatus.QUEUED, progress=0,
                        requested_at=now, requested_by_id=person_id)
        session.add(bundle)
        session.flush()
    elif bundle.status == BundleStatus.FAILED:
        bundle.status, bundle.progress, bundle.error, bundle.requested_at = BundleStatus.QUEUED, 0, None, now
    return bundle


def _small(documents: list[BundleSource]) -> bool:
    return len(documents) <= SMALL_DOCUMENTS and sum(d.size or 0 for d in documents) <= SMALL_BYTES


def build_due(work: BundleWork, now: datetime, worker_id: str, limit: int = 5) -> int:
    """Build queued bundles (and any whose builder's lease ran out), oldest first; returns how many."""
    built = 0
    for _ in range(limit):
        ids = claim_rows(work.factory, Bundle, Bundle.status.in_([BundleStatus.QUEUED, BundleStatus.BUILDING]),
                         Bundle.requested_at, now, worker_id, batch=1, lease=work.lease)
        if not ids:
            break
        built += _build_claimed(work, ids[0], now, worker_id)
    return built


def build_now(work: BundleWork, bundle_id: int, now: datetime, worker_id: str) -> bool:
    """Build this bundle now, unless someone else is building it; True when this call built it."""
    with unit_of_work(work.factory) as session:
        claimed = session.execute(
            update(Bundle).where(Bundle.id == bundle_id, Bundle.status == BundleStatus.QUEUED, Bundle.lease_until.is_(None))
            .values(claimed_by=worker_id, lease_until=now + work.lease)).rowcount
    return bool(claimed) and bool(_build_claimed(work, bundle_id, now, worker_id))


def _build_claimed(work: BundleWork, bundle_id: int, now: datetime, me: str) -> int:
    mine = (Bundle.id == bundle_id, Bundle.claimed_by == me)
    _set(work, mine, status=BundleStatus.BUILDING, started_at=now, progress=0)
    try:
        with work.factory() as session:
            bundle = session.get(Bundle, bundle_id)
            case = load_case(session, bundle.case_id)
            papers = papers_of(session, case, work.documents)
            if papers_fingerprint(session, papers) != bundle.fingerprint:
                _set(work, mine, status=BundleStatus.FAILED, claimed_by=None, lease_until=None,
                     error="The case changed while its bundle was waiting. Ask for the bundle again.")
                return 0
            record = work.describe(session, case, now)
        built = build(record, papers.documents, _progress(work, mine), linked_documents=_linked(papers))
        pdf_name, pdf_sha = _keep(work.folder, built.pdf, "pdf")
        zip_name, zip_sha = _keep(work.folder, built.zip, "zip") if built.zip else (None, None)
    except Exception:  # noqa: BLE001 - any failure is shown on the bundle's page; asking again retries
        log.exception("Bundle %s could not be built", bundle_id)
        _set(work, mine, status=BundleStatus.FAILED, claimed_by=None, lease_until=None,
             error="The bundle could not be made. Try again; if it fails again, tell an administrator.")
        return 0
    _set(work, mine, status=BundleStatus.READY, progress=100, built_at=now, sha256=pdf_sha, pages=built.pages,
         pdf_path=pdf_name, zip_path=zip_name, zip_sha256=zip_sha, claimed_by=None, lease_until=None)
    return 1


def _linked(papers: Papers) -> list[BundleSource]:
    return papers.linked.documents if papers.linked is not None else []


def _set(work: BundleWork, where: tuple, **values) -> None:
    with unit_of_work(work.factory) as session:
        session.execute(update(Bundle).where(*where).values(**values))


def _progress(work: BundleWork, where: tuple) -> Callable[[int], None]:
    last = {"shown": 0}

    def progress(percent: int) -> None:
        if percent - last["shown"] >= PROGRESS_STEP:
            last["shown"] = percent
            _set(work, where, progress=percent)
    return progress


def _keep(folder: Path, body: bytes, suffix: str) -> tuple[str, str]:
    """Write the file under its SHA-256 (atomically: never half a file under that name)."""
    digest = hashlib.sha256(body).hexdigest()
    name = f"{digest}.{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).exists():
        fd, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / name)
    return name, digest


def bundle_file(work: BundleWork, name: str) -> Path:
    """A kept file of a bundle, by the name on its row."""
    return work.folder / Path(name).name


def remove_superseded(work: BundleWork, now: datetime) -> int:
    """Delete the files of bundles superseded for more than a day (a newer bundle of the case
    is ready), keeping their rows, marked removed, for the audit; returns how many. Files go
    first: a crash in between leaves a row whose files are gone, removed again next time."""
    with work.factory() as session:
        ids, names = superseded_files(session, now)
    for name in names:
        bundle_file(work, name).unlink(missing_ok=True)
    with unit_of_work(work.factory) as session:
        mark_removed(session, ids)
    return len(ids)
