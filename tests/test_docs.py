"""Every fenced example of the README and of docs/ runs, as a reader would run it (so that the docs stay true):

- `python`: executed against a real `twilio-emulator serve` (one per page, default timing, as `make serve`
  starts it; the blocks of a page run in order, like a reader following it). A block followed by "prints"
  and a `text` block must print exactly that.
- `sh`: run by bash against the same emulator, with the package's commands on PATH.
- `js`: run by Node with twilio-node from the npm registry and this repository's Node package (skipped only
  where Node.js is missing).
- `toml`: a scenario file, loaded into the emulator after a reset (`${NAME}` variables given a URL).
- `text`: output or a listing, not an example.
- any block may say why it does not run, on the line before its fence: `<!-- not run: reason -->`; a
  `python` block marked `<!-- pytest: … -->` is a test file, run by pytest with the plugin.
The emulator's documented address (http://127.0.0.1:4010) is replaced with the one the test started."""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.test_cli import Serve
from twilio_emulator import scenario_files

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCUMENTED = "http://127.0.0.1:4010"
RUNNABLE = {"python", "sh", "js", "toml"}
MARKER = re.compile(r"<!-- (not run|pytest): (.+?) -->")


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    code: str
    marker: str | None = None  # "not run" or "pytest"
    reason: str | None = None
    prints: str | None = None  # the output a python block must print

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    lines = page.read_text().split("\n")
    found: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            start, lang = i, lines[i][3:].strip()
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
            marked = MARKER.fullmatch(before.strip())
            block = Block(page, start + 1, lang, "\n".join(lines[start + 1:end]) + "\n",
                          marked and marked[1], marked and marked[2])
            if lang == "text" and before.strip() == "prints" and found and found[-1].lang == "python":
                found[-1].prints = block.code
            found.append(block)
            i = end
        i += 1
    return found


ALL = [b for page in PAGES for b in blocks(page)]


def test_every_fenced_block_runs_or_says_why_not():
    unlabelled = [b.where for b in ALL if not b.lang]
    assert unlabelled == [], "label each fence: an example's language, or text for output"
    silent = [f"{b.where} ({b.lang})" for b in ALL if b.lang not in RUNNABLE | {"text"} and b.marker != "not run"]
    assert silent == [], "a block in a language the suite cannot run needs <!-- not run: reason -->"
    assert all(len(b.reason) > 10 for b in ALL if b.marker), "a marker needs its reason"
    assert sum(b.lang in RUNNABLE and not b.marker for b in ALL) >= 10  # the runner finds the examples


def run_python(block: Block, url: str) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.code.replace(DOCUMENTED, url), block.where, "exec"), {"__name__": "__docs__"})
    if block.prints is not None:
        assert printed.getvalue() == block.prints, f"{block.where} printed otherwise"


def run_sh(block: Block, url: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "TWILIO_EMULATOR_URL": url}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.code.replace(DOCUMENTED, url)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, f"{block.where}:\n{done.stdout}\n{done.stderr}"
    assert '"more_info"' not in done.stdout, f"{block.where} got a Twilio error: {done.stdout}"


def run_js(block: Block, url: str, where: Path) -> None:
    script = where / f"example_{block.line}.js"
    script.write_text(block.code.replace(DOCUMENTED, url))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}  # twilio-emulator
    done = subprocess.run(["node", str(script)], cwd=where, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, f"{block.where}:\n{done.stdout}\n{done.stderr}"


def run_toml(block: Block, url: str, tmp_path: Path) -> None:
    path = tmp_path / f"example_{block.line}.toml"
    path.write_text(block.code)
    variables = {name: "http://127.0.0.1:9" for name in re.findall(r"\$\{(\w+)\}", block.code)}
    scenario = scenario_files.read(path, variables)
    assert requests.post(f"{url}/_emulator/v1/reset", timeout=30).status_code == 200
    loaded = requests.post(f"{url}/_emulator/v1/scenario", json={"scenario": scenario}, timeout=30)
    assert loaded.status_code == 201, f"{block.where}: {loaded.text}"


def run_pytest(block: Block, tmp_path: Path) -> None:
    test_file = tmp_path / f"test_example_{block.line}.py"
    test_file.write_text(block.code)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{block.where}:\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("page", [p for p in PAGES if any(b.lang in RUNNABLE and b.marker != "not run"
                                                          for b in blocks(p))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_examples_of_a_page_run_in_order(page, request, tmp_path):
    examples = [b for b in blocks(page) if b.lang in RUNNABLE and b.marker != "not run"]
    with Serve("--quiet") as serve:
        for block in examples:
            if block.marker == "pytest":
                run_pytest(block, tmp_path)
            elif block.lang == "python":
                run_python(block, serve.base_url)
            elif block.lang == "sh":
                run_sh(block, serve.base_url)
            elif block.lang == "js":
                run_js(block, serve.base_url, request.getfixturevalue("node_twilio"))
            elif block.lang == "toml":
                run_toml(block, serve.base_url, tmp_path)
