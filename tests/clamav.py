"""A real ClamAV daemon for tests: Debian's `clamd` on a private unix socket in a temporary
folder, with a signature database built here (one MD5 hash signature, for the EICAR test
file), so no freshclam and no network. Production keeps its database fresh with freshclam."""
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from casework.clamav import Clamd

#: The EICAR anti-virus test file: harmless, and detected by every scanner given its signature.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if os.path.exists(p)), None)


class ClamdProcess:
    """One clamd, started in `folder` and stopped (or killed) on request."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = str(folder / "clamd.sock")
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> "ClamdProcess":
        db = self.folder / "db"
        db.mkdir(parents=True, exist_ok=True)
        # A hash signature: md5:size:name (clamd's .hdb format).
        (db / "eicar.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{SIGNATURE}\n")
        conf = self.folder / "clamd.conf"
        conf.write_text("\n".join([
            f"LocalSocket {self.socket}", f"DatabaseDirectory {db}", "Foreground yes",
            f"LogFile {self.folder / 'clamd.log'}", f"PidFile {self.folder / 'clamd.pid'}",
            f"TemporaryDirectory {self.folder}", "StreamMaxLength 100M", "MaxFileSize 100M", "MaxScanSize 400M",
            # clamd switches to this user when started as root; as anyone else it runs as them.
            f"User {_user()}", "AllowSupplementaryGroups yes", ""]))
        log = open(self.folder / "clamd.out", "ab")
        self.process = subprocess.Popen([clamd_binary(), "-c", str(conf)], stdout=log, stderr=log,
                                        stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd stopped at start: {(self.folder / 'clamd.out').read_text()[-2000:]}")
            if os.path.exists(self.socket) and Clamd(self.socket, timeout=5).ping():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("clamd did not start in time")

    def kill(self) -> None:
        """Stop it at once (SIGKILL), as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if os.path.exists(self.socket):
            os.unlink(self.socket)


def _user() -> str:
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name
