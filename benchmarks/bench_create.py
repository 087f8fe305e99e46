"""Messages.create throughput: the emulator vs a bare aiohttp handler, in one run, driven by wrk.

Both servers run as separate processes on 127.0.0.1; wrk (C, one thread) is the load generator, so the
Python servers, not the client, are the bottleneck. Prints requests/s, latency percentiles, the servers'
peak memory, the ratio, and checks afterwards that every 201 is a stored message.
Usage: python benchmarks/bench_create.py [--seconds 10] [--connections 32]
"""
from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SID, TOKEN = "AC" + "a" * 32, "0123456789abcdef0123456789abcdef"
FROM = "+14155550100"

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic {auth}"
wrk.body = "To=%2B14155550199&From=%2B14155550100&Body=Benchmark+message+%C3%A9"
"""


def start(cmd: list[str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in proc.stderr:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            # Drain the rest of stderr in the background so that a chatty server never blocks on a full pipe.
            subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
            return proc, found.group(1)
    raise SystemExit(f"{cmd} did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk(url: str, seconds: int, connections: int, script: Path) -> dict:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"{url}/2010-04-01/Accounts/{SID}/Messages.json"], capture_output=True, text=True,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    lat = {p: m for p, m in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    return {"rps": rps, "total": total, "errors": int(non2xx.group(1)) if non2xx else 0, "latency": lat}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian: apt-get install wrk); a Python load generator would be the "
                         "bottleneck at ~2,400 req/s on 2 cores")
    workdir = Path(tempfile.mkdtemp(prefix="bench-create-"))
    script = workdir / "create.lua"
    script.write_text(LUA.format(auth=base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()))
    db = workdir / "bench.db"
    results = {}

    bare, bare_url = start([sys.executable, str(HERE / "bare_server.py")])
    try:
        wrk(bare_url, 2, args.connections, script)  # warm-up
        results["bare aiohttp handler"] = wrk(bare_url, args.seconds, args.connections, script)
        results["bare aiohttp handler"]["rss"] = peak_rss_mb(bare.pid)
    finally:
        bare.send_signal(signal.SIGINT)
        bare.wait(30)

    configs = {
        "emulator (default)": [],  # in-memory SQLite, activity log on: what `twilio-emulator serve` does
        "emulator --db FILE": ["--db", str(db)],
        "emulator --quiet": ["--quiet"],
    }
    lost = []
    for name, extra in configs.items():
        emu, emu_url = start([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--account-sid", SID,
                              "--auth-token", TOKEN, *extra])
        try:
            import requests
            requests.post(f"{emu_url}/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json", auth=(SID, TOKEN),
                          data={"PhoneNumber": FROM}).raise_for_status()
            warm = wrk(emu_url, 2, args.connections, script)
            results[name] = wrk(emu_url, args.seconds, args.connections, script)
            results[name]["rss"] = peak_rss_mb(emu.pid)
        finally:
            emu.send_signal(signal.SIGINT)
            emu.wait(60)
        if extra[:1] == ["--db"]:  # every 201 must be a stored message
            stored = sqlite3.connect(db).execute("SELECT count(*) FROM messages").fetchone()[0]
            answered = sum(r["total"] - r["errors"] for r in (warm, results[name]))
            lost.append((stored, answered))
    shutil.rmtree(workdir, ignore_errors=True)

    print(f"Messages.create over HTTP, wrk -t1 -c{args.connections} -d{args.seconds}s on {os.cpu_count()} cores, "
          f"realistic timings")
    print(f"{'server':<21}{'req/s':>10}{'p50':>10}{'p90':>10}{'p99':>10}{'non-2xx':>9}{'peak RSS':>11}")
    for name, r in results.items():
        lat = r["latency"]
        print(f"{name:<21}{r['rps']:>10,.0f}{lat.get('50', '-'):>10}{lat.get('90', '-'):>10}{lat.get('99', '-'):>10}"
              f"{r['errors']:>9}{r['rss']:>9.0f} MB")
    bare_rps = results["bare aiohttp handler"]["rps"]
    for name in configs:
        print(f"ratio {name}: {results[name]['rps'] / bare_rps:.0%} of the bare handler (target >= 50%)")
    for stored, answered in lost:
        # wrk stops counting at its deadline, so a few requests answered after it are stored but not counted.
        print(f"file database: {stored:,} messages stored, {answered:,} answered 201 "
              f"({'none lost' if stored >= answered else 'LOST'})")


if __name__ == "__main__":
    main()
