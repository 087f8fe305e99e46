"""A/B of Messages.create: a base revision against the working tree, in one run, with the bare aiohttp handler.

Builds BASE into a scratch virtualenv (a git worktree, pip-installed), serves both emulators and the bare handler
(benchmarks/bare_server.py) side by side, and measures them in interleaved rounds with wrk (one thread, 32
connections, every answer must be a 201), each round with fresh processes (one process can be a few percent
faster or slower than the next for its whole life: memory layout, hash seeds). For each server: req/s, p50/p99,
and the CPU time its process spent per request (from /proc: the machine's slow and fast moments move req/s by
tens of percent, CPU per request less). The verdict compares the two emulators round by round (each pair
measured seconds apart): the median paired change, with the distribution-free confidence interval of that
median (~90 % or more, from the order statistics: no assumption about the machine's noise); a change is
reported when the whole interval is beyond 2 %, and no verdict is given from fewer than five rounds. With
--others, the other benchmarks (inbound conversations, the plugin's reset) run from each tree with its own
interpreter.

Usage: python benchmarks/bench_ab.py [--base REV] [--rounds 10] [--seconds 3] [--others]
(make bench-ab BASE=REV). BASE defaults to the latest tag, else the merge base with origin/main, else HEAD~1.
"""
from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_create import FROM, LUA, SID, TOKEN, cpu_seconds, median_interval, start, wrk  # noqa: E402

OTHERS = ("bench_inbound.py", "bench_plugin.py")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def default_base() -> str:
    """The latest tag; else the merge base with origin/main when it is not HEAD; else HEAD~1."""
    for attempt in (("describe", "--tags", "--abbrev=0"), ("merge-base", "HEAD", "origin/main")):
        try:
            rev = git(*attempt)
        except subprocess.CalledProcessError:
            continue
        if rev and git("rev-parse", rev) != git("rev-parse", "HEAD"):
            return rev
    return "HEAD~1"


def build(rev: str, workdir: Path, extras: bool) -> Path:
    """BASE's interpreter: a worktree of `rev` installed into a scratch virtualenv (with its test extras for the
    other benchmarks, which use pytest)."""
    tree, venv = workdir / "base", workdir / "base-venv"
    git("worktree", "add", "--detach", "--force", str(tree), rev)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = f"{tree}[test]" if extras else str(tree)
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", target], capture_output=True, text=True)
    if pip.returncode:
        raise SystemExit(f"installing {rev} failed:\n{pip.stderr[-2000:]}")
    return python


def cleanup(workdir: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(workdir / "base")], cwd=ROOT, capture_output=True)
    shutil.rmtree(workdir, ignore_errors=True)


def emulator(python: Path, tree: Path) -> tuple[list[str], Path]:
    """The serve command of the tree's emulator, and the directory to run it in: its own tree. `python -m` puts
    the current directory first on sys.path, so run from another tree it would import that tree's package."""
    cmd = [str(python), "-m", "twilio_emulator", "serve", "--port", "0", "--account-sid", SID, "--auth-token", TOKEN]
    where = subprocess.run([str(python), "-c", "import twilio_emulator; print(twilio_emulator.__file__)"],
                           capture_output=True, text=True, cwd=tree).stdout.strip()
    if not Path(where).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{python} run in {tree} imports {where}, not that tree's package")
    helptext = subprocess.run([*cmd[:4], "--help"], capture_output=True, text=True, cwd=tree).stdout
    return cmd + [flag for flag in ("--no-throughput", "--quiet") if flag in helptext], tree


def serve(commands: dict[str, tuple[list[str], Path]]) -> dict:
    """All the servers up at once (idle ones cost nothing), each emulator with the benchmark's number."""
    servers: dict = {}
    try:
        for name, (cmd, cwd) in commands.items():
            servers[name] = start(cmd, cwd)
        import requests
        for name, (_, url) in servers.items():
            if name != "bare":
                requests.post(f"{url}/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json", auth=(SID, TOKEN),
                              data={"PhoneNumber": FROM}, timeout=30).raise_for_status()
    except BaseException:
        stop(servers)
        raise
    return servers


def stop(servers: dict) -> None:
    for proc, _ in servers.values():
        proc.send_signal(signal.SIGINT)
    for proc, _ in servers.values():
        proc.wait(60)


def measure(commands: dict[str, tuple[list[str], Path]], rounds: int, seconds: int, connections: int,
            script: Path) -> dict[str, list[dict]]:
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    names = list(commands)
    for i in range(rounds):
        servers = serve(commands)  # fresh processes every round
        try:
            for name, (_, url) in servers.items():
                wrk(url, 1, connections, script)  # warm up
            # Interleaved, in turn forwards and backwards: no server is always measured first.
            for name in (names if i % 2 == 0 else names[::-1]):
                proc, url = servers[name]
                before = cpu_seconds(proc.pid)
                run = wrk(url, seconds, connections, script)
                run["cpu_us"] = (cpu_seconds(proc.pid) - before) * 1e6 / max(1, run["total"])
                runs[name].append(run)
        finally:
            stop(servers)
    return runs


def verdict(base: list[dict], new: list[dict], key: str, higher_is_better: bool) -> tuple[float, tuple, str]:
    """(median paired change %, its confidence interval and that interval's coverage, words) for one figure.
    No verdict from fewer rounds than give a ~90 % interval (five): two rounds' range covers the median only
    half the time."""
    changes = [100 * (n[key] / b[key] - 1) for b, n in zip(base, new)]
    median = statistics.median(changes)
    low, high, coverage = median_interval(changes)
    worse, better = (high < -2.0, low > 2.0) if higher_is_better else (low > 2.0, high < -2.0)
    words = "too few rounds for a verdict" if coverage < 0.9 else "REGRESSION beyond the noise" if worse else \
        "better, beyond the noise" if better else "no change beyond the noise"
    return median, (low, high, coverage), words


def others(python_of: dict[str, Path], tree_of: dict[str, Path]) -> None:
    for script in OTHERS:
        for side in ("base", "new"):
            path = tree_of[side] / "benchmarks" / script
            if not path.exists():
                print(f"{script} ({side}): not in that tree")
                continue
            out = subprocess.run([str(python_of[side]), str(path)], capture_output=True, text=True, cwd=tree_of[side])
            lines = [line for line in out.stdout.splitlines() if line.strip()]
            print(f"{script} ({side}):" + ("\n  " + "\n  ".join(lines[-6:]) if out.returncode == 0
                                         else f" failed ({out.stderr.strip()[-300:]})"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=None, help="the git revision to compare with (default: see above)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--others", action="store_true", help="also run the other benchmarks on both sides")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    base = args.base or default_base()
    label = f"{base} ({git('rev-parse', '--short', base)})"
    workdir = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    script = workdir / "create.lua"
    script.write_text(LUA.format(auth=base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()))
    try:
        base_python = build(base, workdir, args.others)
        commands = {"base": emulator(base_python, workdir / "base"), "new": emulator(Path(sys.executable), ROOT),
                    "bare": ([sys.executable, str(HERE / "bare_server.py")], ROOT)}
        runs = measure(commands, args.rounds, args.seconds, args.connections, script)
    finally:
        if not args.others:
            cleanup(workdir)
    errors = {name: sum(r["errors"] for r in rs) for name, rs in runs.items()}
    print(f"Messages.create, base {label} vs the working tree: wrk -t1 -c{args.connections}, {args.rounds} "
          f"interleaved rounds of {args.seconds} s; {os.cpu_count()} cores")
    for i in range(args.rounds):
        print(f"round {i + 1}: " + "  ".join(f"{name} {runs[name][i]['rps']:,.0f} req/s {runs[name][i]['cpu_us']:.0f} "
                                             f"us CPU/req" for name in runs))
    print(f"{'server':<6}{'req/s':>9}{'(min-max)':>17}{'p50':>9}{'p99':>9}{'CPU/req':>10}{'ratio':>7}{'non-2xx':>9}")
    bare = statistics.median(r["rps"] for r in runs["bare"])
    for name, rs in runs.items():
        mid = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
        rps = statistics.median(r["rps"] for r in rs)
        spread = f"({min(r['rps'] for r in rs):,.0f}-{max(r['rps'] for r in rs):,.0f})"
        print(f"{name:<6}{rps:>9,.0f}{spread:>17}{mid['latency'].get('50', '-'):>9}{mid['latency'].get('99', '-'):>9}"
              f"{statistics.median(r['cpu_us'] for r in rs):>8.0f}us{rps / bare:>7.2f}{errors[name]:>9}")
    for key, higher, what in (("rps", True, "req/s"), ("cpu_us", False, "CPU per request")):
        change, (low, high, coverage), words = verdict(runs["base"], runs["new"], key, higher)
        print(f"{what}: {change:+.1f} % against {label} (median of the rounds' pairs; {coverage:.0%} interval "
              f"{low:+.1f} to {high:+.1f} %): {words}")
    if any(errors.values()):
        print(f"NOT EVERY ANSWER WAS A 201: {errors}")
    if args.others:
        try:
            others({"base": workdir / "base-venv" / "bin" / "python", "new": Path(sys.executable)},
                   {"base": workdir / "base", "new": ROOT})
        finally:
            cleanup(workdir)
    if any(errors.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
