"""Connections and schema of the PostgreSQL + pgvector index (``retrieval.pgstore``).

``Store``: connection pools to the primary (writes) and the read DSNs (searches, round-robin),
timeouts, retries and one-line ``StoreUnavailable`` errors while the database is unreachable;
``migrate``: the versioned schema (``MIGRATIONS``, applied under an advisory lock); ``table``:
the name of a generation's table; ``live_generation``: the generation readers use. It neither
writes nor reads an index (``retrieval.pgwrite``, ``retrieval.pgstore``).
"""
from __future__ import annotations

import itertools
import logging
import threading
from typing import Any, Sequence

from .errors import UserError

log = logging.getLogger(__name__)

SCHEMA = "statementqa"
SCHEMA_VERSION = 1
CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT_MS = 10_000

# shipped, only appended to.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE EXTENSION IF NOT EXISTS vector",
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
        f"""CREATE TABLE {SCHEMA}.generations (
              id bigserial PRIMARY KEY,
              key text NOT NULL UNIQUE,
              manifest jsonb NOT NULL,
              shards int NOT NULL CHECK (shards >= 1),
              state text NOT NULL DEFAULT 'building' CHECK (state IN ('building', 'live', 'retired')),
              created timestamptz NOT NULL DEFAULT now(),
              published timestamptz)""",
        f"""CREATE TABLE {SCHEMA}.shards (
              generation bigint NOT NULL REFERENCES {SCHEMA}.generations(id) ON DELETE CASCADE,
              shard int NOT NULL, done timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (generation, shard))""",
        f"""CREATE TABLE {SCHEMA}.live (
              one boolean PRIMARY KEY DEFAULT true CHECK (one),
              generation bigint NOT NULL REFERENCES {SCHEMA}.generations(id))""",
    ]),
]


class StoreUnavailable(UserError):
    """The database cannot be reached (or timed out); the app says so and retries on the next question."""


class StoreError(UserError):
    """The database holds no usable index, or refused what we wrote."""


def check_dsn(dsn: object, name: str = "store") -> str:
    if not isinstance(dsn, str) or not dsn.startswith(("postgresql://", "postgres://")):
        raise UserError(f"{name} must be a PostgreSQL URL such as postgresql://user@host:5432/db (got {dsn!r})")
    return dsn


def _where(dsn: str) -> str:
    """host:port/db of a DSN, without the password, for messages."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        d = conninfo_to_dict(dsn)
        return f"{d.get('host', 'localhost')}:{d.get('port', 5432)}/{d.get('dbname', '')}"
    except Exception:  # noqa: BLE001 - a message helper must not fail
        return "the database"


def table(gen: int, name: str):
    from psycopg import sql

    return sql.Identifier(SCHEMA, f"g{int(gen)}_{name}")



# -- connections --------------------------------------------------------------------------------
class Store:
    """Connection pools to the primary (writes) and the read DSNs (searches, round-robin)."""

    def __init__(self, dsn: str, read_dsns: Sequence[str] = (), pool_size: int = 4, timeout: float = 5.0):
        self.dsn = check_dsn(dsn)
        self.read_dsns = [check_dsn(d, "read DSN") for d in read_dsns]
        self.timeout = timeout
        self.pool_size = pool_size
        self._pools: dict[str, Any] = {}
        self._rr = itertools.count()
        self._lock = threading.Lock()

    def _pool(self, dsn: str):
        with self._lock:
            p = self._pools.get(dsn)
            if p is None:
                try:
                    from psycopg_pool import ConnectionPool
                except ImportError:
                    raise UserError("the PostgreSQL backend needs its extra: pip install 'statementqa[postgres]'") from None

                def configure(conn):
                    from pgvector.psycopg import register_vector

                    conn.autocommit = True
                    try:
                        register_vector(conn)
                    except Exception:  # noqa: BLE001 - the extension is created by migrate() on the primary
                        pass

                p = ConnectionPool(dsn, min_size=0, max_size=self.pool_size, open=True, timeout=self.timeout,
                                   configure=configure, check=ConnectionPool.check_connection,
                                   kwargs={"connect_timeout": CONNECT_TIMEOUT_S,
                                           "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
                                           "application_name": "statementqa"},
                                   name=f"statementqa-{len(self._pools)}")
                self._pools[dsn] = p
            return p

    def connection(self, write: bool = False, dsn: str | None = None):
        """A pooled connection (autocommit) to ``dsn``, else the primary for writes, else a read DSN."""
        if dsn is None:
            if write or not self.read_dsns:
                dsn = self.dsn
            else:
                dsn = self.read_dsns[next(self._rr) % len(self.read_dsns)]
        return self._pool(dsn).connection(timeout=self.timeout)

    def writer(self):
        """A connection of its own to the primary for an index build: no statement timeout (building an
        HNSW index over 100k vectors takes minutes), closed afterwards."""
        import psycopg

        conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="statementqa-indexer")
        return conn

    def run(self, fn, write: bool = False):
        """``fn(conn)`` on a read DSN (the next one, then the primary, when one fails) or on the primary;
        connection failures become one ``StoreUnavailable`` line."""
        import psycopg
        from psycopg_pool import PoolTimeout

        order = [self.dsn] if (write or not self.read_dsns) else \
            [self.read_dsns[(next(self._rr) + i) % len(self.read_dsns)] for i in range(len(self.read_dsns))] + [self.dsn]
        last: Exception | None = None
        for dsn in order:
            try:
                with self.connection(dsn=dsn) as conn:
                    return fn(conn)
            except (psycopg.OperationalError, PoolTimeout) as e:
                last = e
                log.warning("database %s: %s", _where(dsn), str(e).splitlines()[0] if str(e) else type(e).__name__)
                self._discard(dsn)  # a fresh pool next time: no reconnect back-off after the server returns
            except psycopg.errors.UndefinedTable as e:
                # A replica that has not replayed the newest generation yet: the next one (or the primary) has it.
                last = e
        msg = str(last).splitlines()[0] if last is not None and str(last) else "no answer"
        if isinstance(last, psycopg.errors.QueryCanceled):
            raise StoreUnavailable(f"the index database {_where(order[-1])} did not answer within {STATEMENT_TIMEOUT_MS // 1000} s "
                                   "(statement timeout); it may be overloaded: try again") from None
        raise StoreUnavailable(f"the index database {_where(order[-1])} is unreachable ({msg[:160]}); "
                               "questions work again as soon as it is back") from None

    def _discard(self, dsn: str) -> None:
        with self._lock:
            p = self._pools.pop(dsn, None)
        if p is not None:
            p.close(timeout=0)

    def close(self) -> None:
        with self._lock:
            for p in self._pools.values():
                p.close()
            self._pools.clear()


def migrate(conn) -> int:
    """Apply the migrations not applied yet (idempotent, safe with concurrent writers); returns the version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('statementqa.migrate'))")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.statementqa_schema (version int PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())")
        have = conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.statementqa_schema").fetchone()[0]
        if have > SCHEMA_VERSION:
            raise StoreError(f"the database's statementqa schema is version {have}, newer than this program's "
                             f"{SCHEMA_VERSION}; upgrade statementqa")
        for version, stmts in MIGRATIONS:
            if version > have:
                for s in stmts:
                    conn.execute(s)
                conn.execute(f"INSERT INTO {SCHEMA}.statementqa_schema (version) VALUES (%s)", (version,))
    from pgvector.psycopg import register_vector

    register_vector(conn)
    return SCHEMA_VERSION



def live_generation(conn) -> tuple[int, dict] | None:
    row = conn.execute(f"SELECT g.id, g.manifest FROM {SCHEMA}.live l JOIN {SCHEMA}.generations g ON g.id = l.generation").fetchone()
    return (int(row[0]), row[1]) if row else None




def _live_if_migrated(conn):
    exists = conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.live",)).fetchone()[0]
    return live_generation(conn) if exists else None


def _raise_unavailable(e: Exception, store: Store) -> None:
    import psycopg
    from psycopg_pool import PoolTimeout

    if isinstance(e, (psycopg.OperationalError, PoolTimeout)):
        store._discard(store.dsn)
        raise StoreUnavailable(f"the index database {_where(store.dsn)} is unreachable ({str(e).splitlines()[0][:160]}); "
                               "try again when it is back") from None
