"""Where documents' bytes live: one file per SHA-256 under a folder of the instance
(`CASEWORK_DOCUMENTS_PATH`), so the same file uploaded twice is stored once.

The order that keeps files and rows in step, whatever crashes when:

1. `put` writes the bytes to a temporary file in the store's own `tmp/` folder, flushes and
   fsyncs it, renames it to its hash's name (atomic on one file system) and fsyncs the folder.
   A file already there is only touched (its time set to now).
2. Only then does the caller commit the document's row.
3. `sweep_orphans` (at start-up and by the scheduler) removes files that no row names and
   that have not been written or touched for an hour, and temporary files left by a crash.

So a committed row always has its file (step 1 finished first), and a crash between steps 1
and 2 leaves at most an unnamed file, removed an hour later. The hour (and touching an existing
file in step 1) keeps the sweep away from a file whose row is about to be committed."""
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ORPHAN_AGE_SECONDS = 3600
_HEX = frozenset("0123456789abcdef")


class DocumentStore:
    """Content-addressed files under `root`: `root/ab/cd/abcd...` (the full SHA-256)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError("not a SHA-256 in hex")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes durably (before any row names them); returns their SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        if final.exists():
            os.utime(final)   # fresh again, so the sweep leaves it while its new row commits
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{sha}.{os.getpid()}.{time.monotonic_ns()}"
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)   # two uploads of the same bytes at once both end with one whole file
        _fsync_dir(final.parent)
        return sha

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str):
        """The stored file, opened for reading in binary."""
        return open(self.path(sha256), "rb")

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def chunks(self, sha256: str, size: int = 64 * 1024) -> Iterator[bytes]:
        with self.open(sha256) as f:
            while part := f.read(size):
                yield part

    def stored(self) -> Iterable[tuple[str, Path]]:
        """Every stored file, by its hash."""
        for path in self.root.glob("??/??/*"):
            if path.is_file() and len(path.name) == 64:
                yield path.name, path

    def sweep_orphans(self, known: Callable[[set[str]], set[str]], now: float | None = None,
                      older_than: float = ORPHAN_AGE_SECONDS) -> list[str]:
        """Remove files no row names (`known` answers which of some hashes rows name) and left
        temporary files, once older than `older_than` seconds; returns the hashes removed."""
        now = time.time() if now is None else now
        old = {sha: path for sha, path in self.stored() if now - path.stat().st_mtime > older_than}
        removed = []
        if old:
            named = known(set(old))
            for sha, path in old.items():
                # Looked at again just before: a new upload of these bytes touches the file.
                if sha not in named and now - path.stat().st_mtime > older_than:
                    path.unlink(missing_ok=True)
                    removed.append(sha)
        for tmp in (self.root / "tmp").glob("*"):
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink(missing_ok=True)
        return removed


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
