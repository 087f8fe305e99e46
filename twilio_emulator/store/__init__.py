"""aiosqlite persistence: the source of truth. Numbered migrations, group commit. Never calls upward.

Writes are queued and committed in batches by one writer task: every caller's future resolves only after
the transaction holding its write has committed, so "a 201 means it is stored" while hundreds of
concurrent requests share one fsync (in WAL mode) and one statement.

The in-memory database (the default) is used on the event loop's own thread: its statements never wait
for a disk, and a worker thread would cost more than it saves (below, Store.open). A file database is used
through aiosqlite's worker thread, where SQLite may wait for the disk without holding up the event loop.

A file database runs in WAL mode, and its checkpoints (copying the log into the database file, with an
fsync) run on a second connection, in the background, so that commits never wait for one; the writer's own
checkpoint is kept only as a backstop, should the log grow past INLINE_CHECKPOINT_PAGES.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
from importlib import resources
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence

import aiosqlite

log = logging.getLogger(__name__)

# A None parameter binds as NULL after sqlite3 looks for an adapter: with none registered for it, it asks for
# __adapt__ and __conform__ and formats two AttributeErrors it drops (CPython 3.11: ~270 ns a None, and a message
# row has several). An adapter that returns None, a dict's get (no Python frame), keeps it NULL for a third of
# that. sqlite3's adapters are process-wide: for every other user of sqlite3 too, None still binds as NULL.
sqlite3.register_adapter(type(None), {}.get)

Op = tuple[str, Sequence[Any]]  # (sql, parameters)

CHECKPOINT_EVERY = 0.5  # seconds between background checkpoints of a file database (when something changed)
RESTART_PAGES = 16000  # 64 MB of log: the background checkpointer makes the log start again
INLINE_CHECKPOINT_PAGES = 32000  # SQLite's default is 1000 (4 MB): at that size it checkpoints in the commit


class Store:
    def __init__(self, path: str = ":memory:", on_error: Callable[[str], None] = lambda what: None):
        self.path = path
        self._on_error = on_error
        self._db: aiosqlite.Connection | None = None  # a file database's connection, on its worker thread
        self._memory: sqlite3.Connection | None = None  # the in-memory database's, on the event loop's thread
        self._pending: list[tuple[tuple[Op, ...], asyncio.Future]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task | None = None
        self._checkpointer: asyncio.Task | None = None
        self._changed = False  # committed since the last background checkpoint
        self.batches = 0  # batches the writer has taken (each one transaction)
        self._checkpoint_conn: aiosqlite.Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it was opened on, which every write is on

    # -- lifecycle ---------------------------------------------------------------------------------------
    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        # isolation_level=None: we issue BEGIN/COMMIT ourselves
        if self.path == ":memory:":
            # On the loop's thread, not a worker's. Why: an in-memory statement is CPU work that holds the GIL
            # between its SQLite steps anyway, so a worker thread runs it no sooner; what the thread costs is a
            # hand-over of the GIL and a wake-up of the loop per batch and per query (~0.1 ms each on a VM).
            # Messages.create took about a sixth less CPU time per request this way (docs/benchmarks.md). The price:
            # a slow query (a large page of a list) holds the loop while it runs, as any CPU work would.
            self._memory = _open_memdb()
        else:
            self._db = await _connect(self.path, isolation_level=None)
            await self._db.execute("PRAGMA journal_mode=WAL")
            await self._db.execute("PRAGMA synchronous=NORMAL")
            await self._db.execute(f"PRAGMA wal_autocheckpoint={INLINE_CHECKPOINT_PAGES}")
            await self._db.execute("PRAGMA journal_size_limit=67108864")  # a log grown large shrinks back to 64 MB
        await self._run(_migrate)
        self._writer = asyncio.create_task(self._write_loop(), name="store-writer")
        if self.path != ":memory:":
            self._checkpoint_conn = await _connect(self.path, isolation_level=None)
            self._checkpointer = asyncio.create_task(self._checkpoint_loop(), name="store-checkpointer")

    async def _checkpoint_loop(self) -> None:
        """Every CHECKPOINT_EVERY seconds in which something was committed, one checkpoint() round."""
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY)
            if self._changed:
                self._changed = False
                try:
                    await self.checkpoint()
                except sqlite3.Error as exc:  # e.g. busy: the next round tries again, and the backstop remains
                    log.warning("store: background checkpoint failed: %r", exc)

    async def checkpoint(self) -> tuple[int, int]:
        """One background checkpoint round of a file database, on the checkpointer's own connection (its own
        aiosqlite thread; SQLite does the I/O without the GIL). A PASSIVE checkpoint copies what it can without
        blocking the writer; under steady writes the log then never empties, so once it holds RESTART_PAGES,
        a RESTART checkpoint copies the little left, holding the writer for that long, and the log starts
        again from its beginning. Returns (pages in the log, pages copied) after the round."""
        conn = self._checkpoint_conn
        if conn is None:
            return 0, 0
        async with conn.execute("PRAGMA wal_checkpoint(PASSIVE)") as cursor:
            _, pages, copied = await cursor.fetchone()
        if pages >= RESTART_PAGES:
            async with conn.execute("PRAGMA wal_checkpoint(RESTART)") as cursor:
                _, pages, copied = await cursor.fetchone()
        return pages, copied

    async def close(self) -> None:
        await _stop(self._checkpointer)
        self._checkpointer = None
        if self._checkpoint_conn:  # closed first: the writer's connection, closing last, empties the log
            await self._checkpoint_conn.close()
            self._checkpoint_conn = None
        if self._writer:
            await self.flush()
            await _stop(self._writer)
            self._writer = None
        if self._db:
            await self._db.close()
            self._db = None
        if self._memory is not None:
            self._memory.close()
            self._memory = None

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
        # The loop kept at open(): asking asyncio for the running loop costs a getpid() system call each time.
        fut = (self._loop or asyncio.get_running_loop()).create_future()
        self._pending.append((ops, fut))
        self._wake.set()
        return fut

    async def _write_loop(self) -> None:
        busy = False  # the last batch held more than one write
        while True:
            await self._wake.wait()
            if busy:
                # Under load, one pass of the event loop more before taking the batch: the wake-up came from
                # the first write of this pass, and the requests after it in the same pass add theirs. Batches
                # about twice as large, half as many thread hops, each costing the loop's thread a GIL
                # hand-over (see MAX_ROWS). Not when writes come one at a time: that pass would only add
                # latency to each.
                await asyncio.sleep(0)
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            busy = len(batch) > 1
            try:
                results = await self._run(_commit_batch, [ops for ops, _ in batch])
            except Exception as exc:  # the connection itself failed: every write in the batch fails
                log.exception("store: batch of %d writes failed", len(batch))
                self._on_error(f"store batch: {exc!r}")
                results = [exc] * len(batch)
            self._changed = True
            self.batches += 1
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
        if self._memory is not None:
            return fn(self._memory, *args)
        assert self._db is not None, "store is not open"
        # aiosqlite runs fn(*args) on its connection thread: one hop for a whole batch or query.
        return await self._db._execute(fn, self._db._conn, *args)


def _open_memdb() -> sqlite3.Connection:
    """The in-memory database, on SQLite's memdb VFS (a private "file" in memory) rather than ":memory:".

    Why: a ":memory:" database lives entirely in the page cache, and at every transaction's end SQLite walks
    that cache's hash table, so that each commit costs time in proportion to the database's size: inserts with
    a random key (our SIDs' UNIQUE index) slowed from ~5 to ~15 µs a row over the first 400,000 messages and
    Messages.create throughput fell by a fifth over a minute of load. On memdb the page cache is an ordinary
    bounded one over the in-memory file, and the cost per row stays nearly flat (tests/test_store.py).
    memdb needs SQLite >= 3.36; with an older one, ":memory:" as before."""
    try:
        # No leading "/" in the name: the database is private to this connection, as ":memory:" is.
        return sqlite3.connect("file:twilio-emulator?vfs=memdb", uri=True, isolation_level=None)
    except sqlite3.OperationalError:  # "no such vfs: memdb"
        return sqlite3.connect(":memory:", isolation_level=None)


def _connect(database: str, **kwargs) -> aiosqlite.Connection:
    """aiosqlite.connect, with its worker thread a daemon: a connection that a signal interrupted before it was
    kept (cancelled mid-open) must not keep a finished process alive at interpreter exit. Closing stays the way
    every connection ends (Store.close); a daemon thread ended at exit is a crash to SQLite, which loses nothing
    committed. aiosqlite 0.2x starts the thread when the connection is awaited."""
    connection = aiosqlite.connect(database, **kwargs)
    connection._thread.daemon = True
    return connection


async def _stop(task: asyncio.Task | None) -> None:
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass


def _fetchall(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
    conn.row_factory = sqlite3.Row
    return conn.execute(sql, params).fetchall()


def _commit_batch(conn: sqlite3.Connection, groups: list[tuple[Op, ...]]) -> list[Exception | None]:
    """Commit every group in one transaction; if that fails, retry group by group so that one bad write
    fails alone and the others still land.

    Whatever a statement raises (sqlite3.Error, or e.g. UnicodeEncodeError when a value cannot be bound),
    the transaction is rolled back before anything else runs on the connection: a transaction left open
    would take every later write into it, and a later rollback would lose them all (issue 13)."""
    ops = [op for group in groups for op in group]
    try:
        if _one_statement(ops):  # atomic on its own: no BEGIN and COMMIT steps (see _insert_rows)
            _execute_runs(ops, conn)
            return [None] * len(groups)
        conn.execute("BEGIN")
        _execute_runs(ops, conn)
        conn.execute("COMMIT")
        return [None] * len(groups)
    except Exception as exc:
        _rollback(conn)
        if len(groups) == 1:  # that was the one write: it fails alone already
            return [exc]
    results: list[Exception | None] = []
    for group in groups:
        try:
            conn.execute("BEGIN")
            _execute_runs(list(group), conn)
            conn.execute("COMMIT")
            results.append(None)
        except Exception as exc:
            _rollback(conn)
            results.append(exc)
    return results


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _execute_runs(ops: list[Op], conn: sqlite3.Connection) -> None:
    """Execute in order: a run of the same INSERT as multi-row INSERTs (_insert_rows), a run of any other
    statement as one executemany."""
    i = 0
    while i < len(ops):
        sql = ops[i][0]
        j = i + 1
        while j < len(ops) and ops[j][0] == sql:  # identical string objects compare by identity first
            j += 1
        if j - i == 1:
            conn.execute(sql, ops[i][1])
        elif _row_group(sql) is not None:
            _insert_rows(conn, sql, ops[i:j])
        else:
            conn.executemany(sql, [params for _, params in ops[i:j]])
        i = j


# Why multi-row INSERTs: Python's sqlite3 lets go of the GIL around every sqlite3_step and must take it back
# after, and each time it does so while the event loop's thread holds the GIL, that thread soon has to wait
# for it in turn (a block and a wake-up, ~0.1 ms on a VM). One statement per batch instead of one step per
# row (and no BEGIN/COMMIT steps around a single statement) keeps those hand-overs few per batch.
MAX_ROWS = 64  # rows per multi-row INSERT (SQLite >= 3.32 takes 32766 parameters; 3.8.8+ multi-row VALUES)
_GROUPS: dict[str, tuple[str, str] | None] = {}


def _row_group(sql: str) -> tuple[str, str] | None:
    """`INSERT … VALUES (…)` split into its head and its one row group; None for any other statement."""
    if sql not in _GROUPS:
        head, sep, group = sql.rpartition(" VALUES ")
        _GROUPS[sql] = (head + sep, group) if sep and sql.startswith("INSERT") and group.startswith("(") \
            and group.endswith(")") else None
    return _GROUPS[sql]


def _one_statement(ops: list[Op]) -> bool:
    """Whether `ops` run as at most one statement: none, one, or one run of the same INSERT that fits one."""
    if len(ops) <= 1:
        return True
    sql = ops[0][0]
    return len(ops) <= MAX_ROWS and _row_group(sql) is not None and all(map(sql.__eq__, map(_sql, ops)))  # in C


def _insert_rows(conn: sqlite3.Connection, sql: str, ops: list[Op]) -> None:
    """A run of the same INSERT as `INSERT … VALUES (…), (…), …` of up to MAX_ROWS rows each."""
    head, group = _GROUPS[sql]
    per_row = max(1, len(ops[0][1]))
    size = max(1, min(MAX_ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // per_row))
    for i in range(0, len(ops), size):
        chunk = ops[i:i + size]
        if len(chunk) == 1:
            conn.execute(sql, chunk[0][1])
        else:
            conn.execute(_rows_sql(sql, len(chunk)), list(chain.from_iterable(map(_params, chunk))))


_sql, _params = itemgetter(0), itemgetter(1)
_ROWS_SQL: dict[tuple[str, int], str] = {}


def _rows_sql(sql: str, rows: int) -> str:
    """The INSERT of `rows` rows, the same string object each time: sqlite3 finds its prepared statement by the
    text, and a string built anew is hashed anew (a 64-row INSERT of messages is ~5 KB)."""
    found = _ROWS_SQL.get((sql, rows))
    if found is None:
        head, group = _GROUPS[sql]
        found = _ROWS_SQL[(sql, rows)] = head + ", ".join([group] * rows)
    return found


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
