"""The activity log: every line written once, in order, each behind its HH:MM:SS stamp, with or without a loop."""
from __future__ import annotations

import asyncio
import io
import re

from twilio_emulator.engine.activity import ActivityLog

STAMPED = re.compile(r"^\d\d:\d\d:\d\d (.*)$")


def _texts(output: str) -> list[str]:
    lines = output.splitlines()
    assert all(STAMPED.match(line) for line in lines), lines
    return [STAMPED.match(line).group(1) for line in lines]


async def test_lines_from_line_and_lines_come_out_in_order_each_stamped():
    stream = io.StringIO()
    log = ActivityLog(stream)
    log.line("one")
    log.lines(["two", "three"])
    log.lines([])
    log.line("four")
    await asyncio.sleep(0)  # nothing written before the flush delay: lines wait in the buffer
    assert stream.getvalue() == ""
    log.flush()
    log.line("five")  # a new buffer after a flush
    log.close()
    assert _texts(stream.getvalue()) == ["one", "two", "three", "four", "five"]


def test_without_a_loop_a_line_is_written_at_once():
    stream = io.StringIO()
    log = ActivityLog(stream)
    log.line("alone")
    log.lines(["a", "b"])
    log.close()
    assert _texts(stream.getvalue()) == ["alone", "a", "b"]


def test_a_disabled_log_keeps_nothing():
    log = ActivityLog(None)
    assert not log.enabled
    log.line("dropped")
    log.flush()
    log.close()
    assert log._groups == []


def test_what_is_summed_up_is_written_at_close_with_its_counts():
    stream = io.StringIO()
    log = ActivityLog(stream, summary_above=10)
    log.summarizing = True
    log.counted_calls[("POST", "/2010-04-01/Accounts/{AccountSid}/Messages.json", 201)] = 1200
    log.counted_calls[("GET", "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", 200)] = 3
    log.count_changes(["sending", "sent", "sending", "delivered"])  # no loop: summed up at once
    log.counted_calls[("POST", "/x", 201)] = 2
    log.close()
    assert _texts(stream.getvalue()) == [
        "since the last summary, 1,203 API calls: POST /2010-04-01/Accounts/{AccountSid}/Messages.json -> 201 "
        "×1,200, GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json -> 200 ×3; 4 status changes: "
        "-> sending ×2, -> sent ×1, -> delivered ×1",
        "since the last summary, 2 API calls: POST /x -> 201 ×2"]


async def test_without_a_threshold_the_log_never_looks_at_the_rate():
    stream = io.StringIO()
    log = ActivityLog(stream, summary_above=0)
    log.calls = 1_000_000
    log.line("one")
    assert log._timer is None and not log.summarizing
    log.close()
    assert _texts(stream.getvalue()) == ["one"]


def test_a_summary_names_the_five_busiest_kinds_of_call_and_counts_the_rest():
    stream = io.StringIO()
    log = ActivityLog(stream, summary_above=10)
    for i in range(7):
        log.counted_calls[("GET", f"/r{i}", 200)] = 10 + i
    log.close()
    assert _texts(stream.getvalue()) == [
        "since the last summary, 91 API calls: GET /r6 -> 200 ×16, GET /r5 -> 200 ×15, GET /r4 -> 200 ×14, "
        "GET /r3 -> 200 ×13, GET /r2 -> 200 ×12, 2 more kinds ×21"]
