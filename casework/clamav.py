"""A small client for ClamAV's daemon (`clamd`): one INSTREAM scan over its socket.

Written here with the standard library's `socket` rather than the PyPI `clamd` package: that
package's last release (1.0.2) is from 2014, imports `pkg_resources` (deprecated, and a warning
is an error in our tests) and has no maintainer. The protocol is small: send `zINSTREAM\\0`,
then the file in chunks each led by its length as a 4-byte big-endian number, then a zero
length; clamd answers `stream: OK`, `stream: <signature> FOUND` or `... ERROR`."""
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

#: clamd's StreamMaxLength defaults to 25 MB; a chunk is well under its buffer.
CHUNK = 64 * 1024


class ScannerUnavailable(RuntimeError):
    """clamd could not be reached, or stopped before it answered: try again later."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str | None = None


@dataclass(frozen=True)
class Clamd:
    """Where clamd listens: a unix socket path, or `tcp://host:port`."""

    address: str
    timeout: float = 60.0

    def _connect(self) -> socket.socket:
        if self.address.startswith("tcp://"):
            host, _, port = self.address.removeprefix("tcp://").rpartition(":")
            return socket.create_connection((host, int(port)), timeout=self.timeout)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.address)
        except OSError:
            sock.close()
            raise
        return sock

    def ping(self) -> bool:
        """True when clamd answers PING with PONG."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zPING\0")
                return _read_reply(sock) == "PONG"
        except (OSError, ScannerUnavailable):
            return False

    def scan(self, chunks: Iterable[bytes]) -> ScanResult:
        """Stream the bytes to clamd and read its verdict; raises ScannerUnavailable when it
        cannot be reached, stops part way, or says it could not scan."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), CHUNK):
                        part = chunk[start:start + CHUNK]
                        sock.sendall(struct.pack("!L", len(part)) + part)
                sock.sendall(struct.pack("!L", 0))
                reply = _read_reply(sock)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.address}: {exc}") from None
        return _verdict(reply)


def _read_reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        data += part
    if not data.endswith(b"\0"):
        raise ScannerUnavailable("clamd closed the connection before it answered")
    return data[:-1].decode("utf-8", "replace").strip()


def _verdict(reply: str) -> ScanResult:
    body = reply.partition(": ")[2] if ": " in reply else reply
    if body == "OK":
        return ScanResult(clean=True)
    if body.endswith(" FOUND"):
        return ScanResult(clean=False, signature=body.removesuffix(" FOUND"))
    raise ScannerUnavailable(f"clamd could not scan the file: {reply}")
