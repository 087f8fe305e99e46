"""The README's Python example runs as written (so that the README stays true)."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_emulator_thread_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example = next(b for b in blocks if "EmulatorThread" in b)
    exec(compile(example, "README.md", "exec"), {})


def test_readme_names_the_two_commands():
    text = README.read_text()
    assert "make serve" in text and "make test" in text
