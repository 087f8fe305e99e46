"""The store's group commit: many writes in one batch, as multi-row INSERTs, each write's future resolving
only once it is committed, and one bad write failing alone. Real SQLite (memory, on the loop's thread, and a
file, through aiosqlite)."""
from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from twilio_emulator.domain.messages import Message, Step
from twilio_emulator.store import MAX_ROWS, Store
from twilio_emulator.store import messages as rows
from twilio_emulator.store import records


def _message(i: int) -> Message:
    now = 1_800_000_000.0 + i
    msg = Message(sid=f"SM{i:032x}", account_sid="AC" + "a" * 32, to="+14155550199", from_="+14155550100",
                  body=f"body {i} ' \" é 😀", status="queued", direction="outbound-api", date_created=now,
                  date_updated=now, num_segments=1 + i % 3, num_media=0)
    msg.timeline = [Step(now + 0.1, "sending"), Step(now + 0.5, "sent"),
                    Step(now + 2.0, "undelivered", 30003, "Unreachable destination handset")]
    return msg


@pytest.fixture(params=["memory", "file"])
async def store(request, tmp_path):
    s = Store(":memory:" if request.param == "memory" else str(tmp_path / "store.db"))
    await s.open()
    yield s
    await s.close()


async def test_a_batch_larger_than_one_statement_lands_whole_and_in_order(store):
    count = 2 * MAX_ROWS + 7  # three multi-row statements, the last a short one
    written = [_message(i) for i in range(count)]
    # All queued in the same loop iteration: one batch, mixed with another table's writes in between.
    futures = [store.write(*rows.insert(m)) for m in written[:count // 2]]
    futures.append(store.write(records.mark("test", "key")))
    futures += [store.write(*rows.insert(m)) for m in written[count // 2:]]
    await asyncio.gather(*futures)
    got = await store.fetchall("SELECT sid FROM messages ORDER BY seq")
    assert [r["sid"] for r in got] == [m.sid for m in written]
    for m in (written[0], written[MAX_ROWS], written[-1]):  # every column written, at each chunk's edge
        back = await rows.get(store, m.account_sid, m.sid)
        assert (back.body, back.num_segments, back.timeline) == (m.body, m.num_segments, m.timeline)
    assert await records.marked(store, "test", "key")


async def test_one_bad_write_in_a_batch_fails_alone(store):
    await store.write(*rows.insert(_message(5)))
    batch = [store.write(*rows.insert(_message(i))) for i in range(10)]  # _message(5) again: not unique
    results = await asyncio.gather(*batch, return_exceptions=True)
    assert [i for i, r in enumerate(results) if isinstance(r, sqlite3.IntegrityError)] == [5]
    assert all(r is None for i, r in enumerate(results) if i != 5)
    assert (await store.fetchone("SELECT count(*) AS n FROM messages"))["n"] == 10


async def test_none_is_stored_as_null(store):
    """The store registers an adapter for None (a cheaper way through sqlite3's binding): still SQL NULL."""
    m = _message(1)
    assert m.error_code is None and m.messaging_service_sid is None
    await store.write(*rows.insert(m))
    row = await store.fetchone("SELECT error_code IS NULL AS a, messaging_service_sid IS NULL AS b, "
                               "typeof(error_message) AS t FROM messages")
    assert (row["a"], row["b"], row["t"]) == (1, 1, "null")
    assert (await rows.get(store, m.account_sid, m.sid)).error_code is None


async def test_the_in_memory_store_runs_on_the_loops_thread():
    """No worker thread for the in-memory database: its statements are run where they are awaited."""
    before = set(threading.enumerate())
    s = Store(":memory:")
    await s.open()
    try:
        await s.write(*rows.insert(_message(1)))
        assert (await s.fetchone("SELECT count(*) AS n FROM messages"))["n"] == 1
        # No thread that was not there before (one of an earlier test's file store may end meanwhile).
        assert set(threading.enumerate()) - before == set()
    finally:
        await s.close()


async def test_flush_with_nothing_queued(store):
    await store.flush()
    await store.write()


async def test_a_file_database_is_checkpointed_off_the_writer_and_its_log_starts_again(tmp_path, monkeypatch):
    from twilio_emulator import store as store_module
    path = tmp_path / "store.db"
    s = Store(str(path))
    await s.open()
    try:
        await asyncio.gather(*(s.write(*rows.insert(_message(i))) for i in range(300)))
        pages, copied = await s.checkpoint()  # PASSIVE, nothing writing meanwhile: the whole log is copied
        assert pages > 0 and copied == pages
        monkeypatch.setattr(store_module, "RESTART_PAGES", 1)  # the RESTART round too
        await s.write(*rows.insert(_message(300)))
        again, copied = await s.checkpoint()
        assert copied == again and 0 < again < pages  # all copied before it: the write started the log again
    finally:
        await s.close()
    assert not (tmp_path / "store.db-wal").exists()  # the last connection to close empties the log
    reopened = Store(str(path))
    await reopened.open()
    try:
        assert (await reopened.fetchone("SELECT count(*) AS n FROM messages"))["n"] == 301
    finally:
        await reopened.close()


async def test_in_memory_stores_are_on_memdb_and_private_to_each_store():
    # memdb, not ":memory:": a ":memory:" database's commits cost time in proportion to its size (store's
    # _connect_memdb; the figures are benchmarks/bench_create.py's). Two emulators in one process (parallel
    # test fixtures) must still never see each other's rows.
    first, second = Store(), Store()
    await first.open()
    await second.open()
    try:
        on = await first.fetchall("PRAGMA database_list")
        assert [(r["name"], r["file"]) for r in on] == [("main", "twilio-emulator")]
        await first.write(*rows.insert(_message(1)))
        assert (await first.fetchone("SELECT count(*) AS n FROM messages"))["n"] == 1
        assert (await second.fetchone("SELECT count(*) AS n FROM messages"))["n"] == 0
    finally:
        await first.close()
        await second.close()


def _write_in_one_pass(store: Store, first: int, count: int) -> list[asyncio.Future]:
    """`count` writes: the first now, the others from callbacks later in the same pass of the loop, as other
    requests' handlers write."""
    futures = [store.write(*rows.insert(_message(first)))]
    for i in range(first + 1, first + count):
        asyncio.get_running_loop().call_soon(lambda i=i: futures.append(store.write(*rows.insert(_message(i)))))
    return futures


async def test_under_load_writes_queued_in_one_loop_pass_share_a_batch(store):
    await asyncio.gather(*[store.write(*rows.insert(_message(i))) for i in range(3)])  # one batch of three: load
    before = store.batches
    futures = _write_in_one_pass(store, 10, 5)
    await asyncio.sleep(0)  # the pass in which the writer wakes and the callbacks run
    await asyncio.gather(*futures)
    # The writer, woken by the first, waited for the pass to end: all five in one batch.
    assert len(futures) == 5 and store.batches == before + 1


async def test_writes_one_at_a_time_are_taken_at_once(store):
    await store.write(*rows.insert(_message(0)))  # a batch of one: no load
    before = store.batches
    futures = _write_in_one_pass(store, 10, 5)
    await asyncio.sleep(0)
    await asyncio.gather(*futures)
    # The writer took the first without waiting for the rest of the pass, then the four others together.
    assert len(futures) == 5 and store.batches == before + 2


def _poisoned(i: int) -> Message:
    """A message whose body SQLite cannot bind (a lone surrogate: not encodable as UTF-8). Such text is refused
    at the input edge; the store must still let the write fail alone if one ever gets this far."""
    msg = _message(i)
    msg.body = "\ud800"
    return msg


async def test_a_write_raising_a_non_sqlite_error_fails_alone_and_leaves_no_transaction_open(store):
    # Issue 13: the batch commit caught only sqlite3.Error; a UnicodeEncodeError after BEGIN left the
    # transaction open, later writes landed inside it and a later batch rolled them all back.
    batch = [store.write(*rows.insert(_poisoned(i) if i == 3 else _message(i))) for i in range(8)]
    results = await asyncio.gather(*batch, return_exceptions=True)
    assert [i for i, r in enumerate(results) if isinstance(r, Exception)] == [3]
    assert isinstance(results[3], UnicodeEncodeError)
    # Writes after it, one by one (single statements: no BEGIN of their own) and in batches, all survive.
    for i in range(10, 20):
        await store.write(*rows.insert(_message(i)))
    bad_alone = store.write(*rows.insert(_poisoned(30)))
    with pytest.raises(UnicodeEncodeError):
        await bad_alone
    await asyncio.gather(*[store.write(*rows.insert(_message(i))) for i in range(40, 50)])
    got = {r["sid"] for r in await store.fetchall("SELECT sid FROM messages")}
    expected = {_message(i).sid for i in [*range(8), *range(10, 20), *range(40, 50)] if i != 3}
    assert got == expected
    # And they are committed for good: a second connection on a file database sees them too.
    if store.path != ":memory:":
        other = sqlite3.connect(store.path)
        assert other.execute("SELECT count(*) FROM messages").fetchone()[0] == len(expected)
        other.close()
