"""aiosqlite persistence: the source of truth. Numbered migrations, group commit. Never calls upward.

Writes are queued and committed in batches by one writer task: every caller's future resolves only after
the transaction holding its write has committed, so "a 201 means it is stored" while hundreds of
concurrent requests share one fsync (in WAL mode) and one thread hop.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
from importlib import resources
from typing import Any, Callable, Iterable, Sequence

import aiosqlite

log = logging.getLogger(__name__)

Op = tuple[str, Sequence[Any]]  # (sql, parameters)


class Store:
    def __init__(self, path: str = ":memory:", on_error: Callable[[str], None] = lambda what: None):
        self.path = path
        self._on_error = on_error
        self._db: aiosqlite.Connection | None = None
        self._pending: list[tuple[tuple[Op, ...], asyncio.Future]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------
    async def open(self) -> None:
        self._db = await aiosqlite.connect(self.path, isolation_level=None)  # we issue BEGIN/COMMIT ourselves
        if self.path != ":memory:":
            await self._db.execute("PRAGMA journal_mode=WAL")
            await self._db.execute("PRAGMA synchronous=NORMAL")
        await self._run(_migrate)
        self._writer = asyncio.create_task(self._write_loop(), name="store-writer")

    async def close(self) -> None:
        if self._writer:
            await self.flush()
            self._writer.cancel()
            try:
                await self._writer
            except asyncio.CancelledError:
                pass
            self._writer = None
        if self._db:
            await self._db.close()
            self._db = None

    async def wipe(self) -> None:
        """Delete every row of every table (reset to the start-up state)."""
        await self.flush()
        await self._run(_wipe)

    async def flush(self) -> None:
        """Wait until every write queued so far is committed."""
        await self.write()

    # -- writing ------------------------------------------------------------------------------------------
    def write(self, *ops: Op) -> asyncio.Future:
        """Queue `ops` to commit atomically together; the returned future resolves once committed."""
        fut = asyncio.get_running_loop().create_future()
        self._pending.append((ops, fut))
        self._wake.set()
        return fut

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            try:
                results = await self._run(_commit_batch, [ops for ops, _ in batch])
            except Exception as exc:  # the connection itself failed: every write in the batch fails
                log.exception("store: batch of %d writes failed", len(batch))
                self._on_error(f"store batch: {exc!r}")
                results = [exc] * len(batch)
            for (_, fut), result in zip(batch, results):
                if fut.done():
                    continue
                if isinstance(result, Exception):
                    fut.set_exception(result)
                else:
                    fut.set_result(None)

    # -- reading ------------------------------------------------------------------------------------------
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await self._run(_fetchall, sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def _run(self, fn, *args):
        assert self._db is not None, "store is not open"
        # aiosqlite runs fn(*args) on its connection thread: one hop for a whole batch or query.
        return await self._db._execute(fn, self._db._conn, *args)


def _fetchall(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
    conn.row_factory = sqlite3.Row
    return conn.execute(sql, params).fetchall()


def _commit_batch(conn: sqlite3.Connection, groups: list[tuple[Op, ...]]) -> list[Exception | None]:
    """Commit every group in one transaction; if that fails, retry group by group so that one bad write
    fails alone and the others still land."""
    try:
        conn.execute("BEGIN")
        _execute_runs([op for ops in groups for op in ops], conn)
        conn.execute("COMMIT")
        return [None] * len(groups)
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    results: list[Exception | None] = []
    for ops in groups:
        try:
            conn.execute("BEGIN")
            _execute_runs(list(ops), conn)
            conn.execute("COMMIT")
            results.append(None)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            results.append(exc)
    return results


def _execute_runs(ops: list[Op], conn: sqlite3.Connection) -> None:
    """Execute in order, one executemany per run of the same statement (far less Python per row)."""
    i = 0
    while i < len(ops):
        sql = ops[i][0]
        j = i + 1
        while j < len(ops) and ops[j][0] == sql:  # identical string objects compare by identity first
            j += 1
        if j - i == 1:
            conn.execute(sql, ops[i][1])
        else:
            conn.executemany(sql, [params for _, params in ops[i:j]])
        i = j


def _wipe(conn: sqlite3.Connection) -> None:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%'")]
    conn.execute("BEGIN")
    for table in tables:
        conn.execute(f"DELETE FROM {table}")
    conn.execute("COMMIT")


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply schema/NNNN_*.sql files above PRAGMA user_version, in order (Mailpit-style migrations)."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    files = sorted(f for f in resources.files(__package__).joinpath("schema").iterdir() if f.name.endswith(".sql"))
    for f in files:
        version = int(f.name.split("_", 1)[0])
        if version <= current:
            continue
        conn.executescript("BEGIN;" + f.read_text() + f";PRAGMA user_version={version};COMMIT;")
        log.debug("store: migrated to schema %d", version)


def rows_in(values: Iterable[Any]) -> str:
    return ",".join("?" for _ in values)
