"""Messages.create throughput: the emulator vs a bare aiohttp handler, in one run, driven by wrk.

Both servers run as separate processes on 127.0.0.1; wrk (C, one thread) is the load generator, so the
Python servers, not the client, are the bottleneck. Each round starts every server afresh and measures them in
turn. Prints requests/s, latency percentiles, the servers' peak memory, each emulator's ratio to the bare handler
(the median of the rounds' pairs, with its confidence interval), and checks afterwards that every 201 is a
stored message.
With --sustained N: N seconds of creates against one emulator (in memory, --quiet), back to back in 5-second
windows, to see whether throughput stays flat as the store grows (the last window against the first).
With --loop uvloop: every server, the bare handler too, on uvloop's event loop (serve --loop uvloop).
Usage: python benchmarks/bench_create.py [--rounds 9] [--seconds 4] [--connections 32] [--sustained 30]
       [--loop uvloop]
"""
from __future__ import annotations

import argparse
import base64
import math
import os
import re
import shutil
import signal
import sqlite3
import statistics
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


def start(cmd: list[str], cwd: Path | None = None) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=cwd)
    for line in proc.stderr:
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            # Drain the rest of stderr in the background so that a chatty server never blocks on a full pipe.
            subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
            return proc, found.group(1)
    raise SystemExit(f"{cmd} did not start")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def sustained(seconds: int, connections: int, script: Path, loop: str) -> None:
    """Creates for `seconds` in 5-second windows against one emulator: is the last as fast as the first, with the
    store `seconds` times 5,000-odd messages bigger? After each window, 2 s of the bare handler: its CPU per request
    is the machine's speed at that moment, and the emulator's relative to it cancels the machine's drift."""
    proc, url = start([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--account-sid", SID,
                       "--auth-token", TOKEN, "--no-throughput", "--quiet", "--loop", loop])
    bare, bare_url = start([sys.executable, str(HERE / "bare_server.py"), "--loop", loop])
    try:
        import requests
        requests.post(f"{url}/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json", auth=(SID, TOKEN),
                      data={"PhoneNumber": FROM}, timeout=30).raise_for_status()
        wrk(bare_url, 1, connections, script)  # warm up
        windows = []
        for _ in range(max(2, seconds // 5)):
            window = measured(proc, url, 5, connections, script)
            window["bare_cpu_us"] = measured(bare, bare_url, 2, connections, script)["cpu_us"]
            windows.append(window)
    finally:
        for each in (proc, bare):
            each.send_signal(signal.SIGINT)
        for each in (proc, bare):
            each.wait(60)
    total = sum(w["total"] for w in windows)
    relative = [w["cpu_us"] / w["bare_cpu_us"] for w in windows]
    print(f"Sustained Messages.create: {len(windows)} windows of 5 s, wrk -t1 -c{connections}, emulator --quiet in "
          f"memory; {total:,} messages")
    print("  " + "  ".join(f"{w['rps']:,.0f}" for w in windows) + " req/s")
    print("  " + "  ".join(f"{w['cpu_us']:,.0f}" for w in windows) + " us of CPU per request")
    print("  " + "  ".join(f"{r:.2f}" for r in relative) + " x the bare handler's CPU per request, measured after it")
    change = windows[-1]["rps"] / windows[0]["rps"] - 1
    print(f"  last window against the first: {change:+.1%} req/s, {relative[-1] / relative[0] - 1:+.1%} CPU per "
          f"request relative to the bare handler (target: within 10 %); non-2xx: "
          f"{sum(w['errors'] for w in windows)}")


def measured(proc: subprocess.Popen, url: str, seconds: int, connections: int, script: Path) -> dict:
    """One wrk run, with the CPU time the server's process spent per request in it."""
    before = cpu_seconds(proc.pid)
    run = wrk(url, seconds, connections, script)
    run["cpu_us"] = (cpu_seconds(proc.pid) - before) * 1e6 / max(1, run["total"])
    return run


def median_interval(values: list[float], coverage: float = 0.9) -> tuple[float, float, float]:
    """A distribution-free confidence interval for the median of `values`: (the k-th smallest, the k-th largest,
    the interval's coverage) for the largest k whose coverage, from the binomial distribution of how many values
    fall below the median, is at least `coverage`. With too few values for that, the whole range, and its own
    coverage, which is then less than asked (two values: 50 %)."""
    ordered, n = sorted(values), len(values)

    def covered(k: int) -> float:  # P(the k-th smallest <= median <= the k-th largest)
        return 1 - 2 * sum(math.comb(n, j) for j in range(k)) / 2 ** n

    k = 1
    while k + 1 <= n // 2 and covered(k + 1) >= coverage:
        k += 1
    return ordered[k - 1], ordered[n - k], covered(k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=9, help="rounds, each with fresh processes; medians are reported")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--sustained", type=int, default=0, help="seconds of sustained creates (see above)")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio",
                        help="the event loop of every server, the bare handler's too")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian: apt-get install wrk); a Python load generator would be the "
                         "bottleneck at ~2,400 req/s on 2 cores")
    workdir = Path(tempfile.mkdtemp(prefix="bench-create-"))
    script = workdir / "create.lua"
    script.write_text(LUA.format(auth=base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()))
    if args.sustained:
        sustained(args.sustained, args.connections, script, args.loop)
        shutil.rmtree(workdir, ignore_errors=True)
        return
    # --no-throughput: tens of thousands of creates from one long code would fill its queue (21611) and
    # measure the refusal; the create path is what is measured (bench_queue.py measures the queues).
    emulator = [sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--account-sid", SID,
                "--auth-token", TOKEN, "--no-throughput", "--loop", args.loop]
    commands = {
        "bare aiohttp handler": [sys.executable, str(HERE / "bare_server.py"), "--loop", args.loop],
        "emulator (default)": emulator,  # in-memory SQLite, activity log on: what `twilio-emulator serve` does
        "emulator --db FILE": [*emulator, "--db"],  # a new file each round (below)
        "emulator --quiet": [*emulator, "--quiet"],
    }
    names = list(commands)
    runs: dict[str, list[dict]] = {name: [] for name in names}
    rss = dict.fromkeys(names, 0.0)
    answered = 0
    import requests
    for i in range(args.rounds):
        # Fresh processes every round: one process can be a few percent faster or slower than the next for its
        # whole life (memory layout, hash seed), and a ratio from one pair of processes would carry that.
        db = workdir / f"bench-{i}.db"
        servers = {name: start([*cmd, str(db)] if cmd[-1] == "--db" else cmd)  # all up at once; idle ones cost
                   for name, cmd in commands.items()}  # nothing
        try:
            for name, (_, url) in servers.items():
                if name.startswith("emulator"):
                    requests.post(f"{url}/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json", auth=(SID, TOKEN),
                                  data={"PhoneNumber": FROM}).raise_for_status()
                warm = wrk(url, 2, args.connections, script)
                if name == "emulator --db FILE":
                    answered += warm["total"] - warm["errors"]
            # Interleaved, in turn forwards and backwards, so that the machine's slow and fast moments fall on
            # every server alike and none is always measured first.
            for name in (names if i % 2 == 0 else names[::-1]):
                run = wrk(servers[name][1], args.seconds, args.connections, script)
                runs[name].append(run)
                if name == "emulator --db FILE":
                    answered += run["total"] - run["errors"]
            for name, (proc, _) in servers.items():
                rss[name] = max(rss[name], peak_rss_mb(proc.pid))
        finally:
            for proc, _ in servers.values():
                proc.send_signal(signal.SIGINT)
            for proc, _ in servers.values():
                proc.wait(60)
    stored = sum(sqlite3.connect(db).execute("SELECT count(*) FROM messages").fetchone()[0]
                 for db in workdir.glob("bench-*.db"))
    shutil.rmtree(workdir, ignore_errors=True)

    print(f"Messages.create over HTTP: wrk -t1 -c{args.connections}, {args.rounds} rounds of {args.seconds} s "
          f"(fresh processes each round, servers interleaved), medians; {os.cpu_count()} cores; emulator timings "
          f"realistic; {args.loop}'s event loop")
    print(f"{'server':<21}{'req/s':>9}{'(min-max)':>16}{'p50':>9}{'p90':>9}{'p99':>9}{'non-2xx':>9}{'peak RSS':>10}")
    for name, rs in runs.items():
        mid = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
        lat = mid["latency"]
        spread = f"({min(r['rps'] for r in rs):,.0f}-{max(r['rps'] for r in rs):,.0f})"
        print(f"{name:<21}{statistics.median(r['rps'] for r in rs):>9,.0f}{spread:>16}{lat.get('50', '-'):>9}"
              f"{lat.get('90', '-'):>9}{lat.get('99', '-'):>9}{sum(r['errors'] for r in rs):>9}{rss[name]:>8.0f} MB")
    # The ratio of each round's pair (the emulator and the bare handler, measured seconds apart), not of the
    # medians: the machine's speed, which moves req/s by tens of percent between minutes here, cancels in a pair.
    for name in names[1:]:
        ratios = [r["rps"] / b["rps"] for r, b in zip(runs[name], runs[names[0]])]
        low, high, coverage = median_interval(ratios)
        print(f"ratio {name}: {statistics.median(ratios):.0%} of the bare handler (median of the rounds' pairs; "
              f"{coverage:.0%} interval {low:.0%}-{high:.0%}; target >= 55%)")
    # wrk stops counting at its deadline, so a few requests answered after it are stored but not counted.
    print(f"file database: {stored:,} messages stored, {answered:,} answered 201 "
          f"({'none lost' if stored >= answered else 'LOST'})")


if __name__ == "__main__":
    main()
