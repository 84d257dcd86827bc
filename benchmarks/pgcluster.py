"""A throwaway PostgreSQL cluster for a benchmark, started as scripts/test.sh starts the test
suite's (initdb in a temporary PGDATA, on a free loopback port, as the postgres user when run
as root) but with PostgreSQL's durable defaults: fsync, synchronous_commit and
full_page_writes on, as in production. Stopped and deleted on exit."""
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit("No PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql), "
                         "or pass --database-url")
    return found[-1]


@contextmanager
def throwaway_postgres(database: str = "casework_bench") -> Iterator[str]:
    """Yields the SQLAlchemy URL of an empty database on a new, durable cluster."""
    pg = _bin()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = Path(tempfile.mkdtemp(prefix="casework-bench-pg-"))
    as_pg: list[str] = []
    if os.getuid() == 0:
        as_pg = ["runuser", "-u", "postgres", "--"]
        shutil.chown(data, "postgres", "postgres")
    run = lambda *args: subprocess.run([*as_pg, *map(str, args)], check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    try:
        run(pg / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        run(pg / "pg_ctl", "-D", data, "-l", data / "server.log", "-w", "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on "
            f"-c full_page_writes=on -c max_connections=100", "start")
        try:
            subprocess.run([str(pg / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qc",
                            f"CREATE DATABASE {database}"], check=True, stdout=subprocess.DEVNULL)
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
        finally:
            run(pg / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(data, ignore_errors=True)
