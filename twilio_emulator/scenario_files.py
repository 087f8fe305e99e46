"""Reading scenario files (fixtures/*.toml, *.json) for the CLI and the pytest plugin: the file parsed into the
document engine.scenarios applies, and errors that name the file, the line and what is wrong.

Standard library only (tomllib, json): no new dependency.
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path


class ScenarioFileError(Exception):
    """`path:line: what is wrong` (line 0 when it cannot be told)."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


_VARIABLE = re.compile(r"\$\{(\w+)\}")


def read(path: str | Path, variables: dict[str, str] | None = None) -> dict:
    """The scenario in a .toml or .json file, with every ${NAME} in its strings replaced by `variables[NAME]`
    or else the environment variable NAME (e.g. sms_url = "${APP_URL}/sms"). ScenarioFileError for a missing
    file, one that does not parse, or an undefined variable."""
    path = Path(path)
    doc = _parse(path)
    values = {**os.environ, **(variables or {})}

    def expand(value):
        if isinstance(value, str):
            for name in _VARIABLE.findall(value):
                if name not in values:
                    line = _line_of(path, "${" + name + "}")
                    raise ScenarioFileError(str(path), line, f"undefined variable ${{{name}}} (set it in the "
                                                             "environment or pass it when loading)")
            return _VARIABLE.sub(lambda m: values[m.group(1)], value)
        if isinstance(value, list):
            return [expand(v) for v in value]
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        return value
    return expand(doc)


def _line_of(path: Path, text: str) -> int:
    """The first line where `text` is in a value, not in a comment (TOML: after an unquoted #)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        at = line.find(text)
        if at < 0:
            continue
        before = line[:at]
        hash_at = before.find("#")
        if hash_at >= 0 and before[:hash_at].count('"') % 2 == 0 and before[:hash_at].count("'") % 2 == 0:
            continue  # a comment mentions it
        return i + 1
    return 0


def _parse(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioFileError(str(path), 0, f"cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ScenarioFileError(str(path), 0, "not UTF-8 text") from None
    if path.suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise ScenarioFileError(str(path), int(found.group(1)) if found else 0,
                                    f"not valid TOML: {message}") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioFileError(str(path), exc.lineno, f"not valid JSON: {exc.msg}") from None
    raise ScenarioFileError(str(path), 0, "a scenario file ends in .toml or .json")


def locate(path: str | Path, where: str) -> int:
    """The line of the entry `where` ("numbers[1].sms_url") names, found in the file's text; 0 if not found.
    TOML: the (i+1)-th [[numbers]] header, then the field's line in that table. JSON: the section's key, then
    the (i+1)-th occurrence of the field after it. A best effort at pointing at a mistake, not a parser."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    found = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?", where)
    if not found:
        return 0
    section, index, field = found.group(1), int(found.group(2) or 0), found.group(3)
    if str(path).endswith(".toml"):
        headers = [i for i, line in enumerate(lines) if re.match(rf"^\s*\[\[\s*{section}\s*\]\]", line)]
        if index >= len(headers):
            return 0
        start = headers[index]
        end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s*\[", lines[i])), len(lines))
        for i in range(start + 1, end):
            if field and re.match(rf"^\s*{field}\s*=", lines[i]):
                return i + 1
        return start + 1
    key = next((i for i, line in enumerate(lines) if f'"{section}"' in line), None)
    if key is None:
        return 0
    if field:
        hits = [i for i in range(key, len(lines)) if f'"{field}"' in lines[i]]
        if index < len(hits):
            return hits[index] + 1
    return key + 1
