"""Messages.create counted in instructions: the emulator's (and the bare handler's) CPU instructions per request,
under valgrind's callgrind.

Timing on a shared machine moves by several percent from one minute to the next; an instruction count repeats
to a few tenths of a percent, so a change of one percent on the create path shows. Each server runs under
`valgrind --tool=callgrind --instr-atstart=no`; once it is warm, counting is switched on (callgrind_control -i
on), a fixed number of creates is sent over 32 keep-alive connections, counting is switched off, and the count
is divided by the requests. What it misses: cache misses (an INSERT into a cold page costs two to three times
its count in the running server), and callgrind slows the server fifty-fold, so work the emulator buckets by
time (the activity log's status lines) is counted at its unbucketed cost. Timing (bench_create.py, bench_ab.py)
stays the measure; this one sees the small steps.

Usage: python benchmarks/bench_instructions.py [--requests 1000] [--rev REV]   (make bench-instructions)
With --rev, REV's emulator is counted too (a worktree installed in a scratch virtualenv, as bench_ab.py does).
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_create import FROM, SID, TOKEN  # noqa: E402

AUTH = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
BODY = b"To=%2B14155550199&From=%2B14155550100&Body=Benchmark+message+%C3%A9"
CREATE = (f"POST /2010-04-01/Accounts/{SID}/Messages.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          f"Authorization: Basic {AUTH}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          f"Content-Length: {len(BODY)}\r\n\r\n").encode() + BODY


async def send(port: int, count: int, connections: int = 32) -> dict[int, int]:
    """`count` creates over `connections` keep-alive connections, each waiting for its answer; {status: n}."""
    left, statuses = [count], {}

    async def connection() -> None:
        for _ in range(600):  # under valgrind the server takes a while to listen
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise SystemExit(f"nothing listens on port {port}")
        while left[0] > 0:
            left[0] -= 1
            writer.write(CREATE)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            statuses[status] = statuses.get(status, 0) + 1
            await reader.readexactly(int(re.search(rb"content-length: (\d+)", head, re.I).group(1)))
        writer.close()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return statuses


def count(cmd: list[str], cwd: Path, requests: int, emulator: bool) -> float:
    """Instructions per create of the server `cmd` (run under callgrind, from `cwd`)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    out = workdir / "callgrind.out"
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                             *cmd], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=cwd)
    try:
        for line in proc.stderr:
            found = re.search(r"listening on http://[\d.]+:(\d+)", line)
            if found:
                break
        else:
            raise SystemExit(f"{cmd} did not start")
        subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)  # drain the log
        port = int(found.group(1))
        if emulator:
            asyncio.run(send(port, 0, 1))  # listening now
            urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{port}/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json",
                data=f"PhoneNumber={FROM.replace('+', '%2B')}".encode(),
                headers={"Authorization": f"Basic {AUTH}"}), timeout=120).read()
        asyncio.run(send(port, 300))  # warm: imports done, caches filled
        subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], capture_output=True, check=True)
        statuses = asyncio.run(send(port, requests))
        subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], capture_output=True, check=True)
        if statuses.get(201, 0) != requests:
            raise SystemExit(f"{cmd}: not every answer was a 201: {statuses}")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(120)
    total = sum(int(re.search(r"^totals: (\d+)", f.read_text(), re.M).group(1)) for f in workdir.glob("callgrind.out*"))
    shutil.rmtree(workdir, ignore_errors=True)
    return total / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rev", default=None, help="also count this git revision's emulator")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (Debian: apt-get install valgrind)")
    serve = ["-m", "twilio_emulator", "serve", "--port", "0", "--account-sid", SID, "--auth-token", TOKEN,
             "--no-throughput"]
    servers = {"bare aiohttp handler": ([sys.executable, str(HERE / "bare_server.py")], ROOT, False),
               "emulator (default)": ([sys.executable, *serve], ROOT, True),
               "emulator --quiet": ([sys.executable, *serve, "--quiet"], ROOT, True)}
    scratch = None
    if args.rev:
        from bench_ab import build, cleanup
        scratch = Path(tempfile.mkdtemp(prefix="bench-instructions-rev-"))
        python = build(args.rev, scratch, extras=False)
        servers[f"{args.rev} --quiet"] = ([str(python), *serve, "--quiet"], scratch / "base", True)
    try:
        print(f"Messages.create in CPU instructions (callgrind), {args.requests:,} creates over 32 connections, "
              "after 300 to warm up")
        bare = None
        for name, (cmd, cwd, emulator) in servers.items():
            per = count(cmd, cwd, args.requests, emulator)
            bare = bare or per
            print(f"{name:<24}{per:>12,.0f} instructions a request   ({per / bare:.2f} x the bare handler's)",
                  flush=True)
    finally:
        if scratch is not None:
            cleanup(scratch)


if __name__ == "__main__":
    main()
