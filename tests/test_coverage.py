"""docs/coverage.md is generated from Twilio's OpenAPI descriptions (twilio_emulator/coverage.py) and kept current:
it names every operation of each registered product, whether it is emulated and the twilio-python call; every
registered route matches an operation of its product's description (or is listed with its reason)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from twilio_emulator import coverage
from twilio_emulator.cli import main

PAGE = Path(__file__).resolve().parents[1] / "docs" / "coverage.md"


def test_the_committed_coverage_page_is_current(oai_dir):
    assert PAGE.read_text() == coverage.render(oai_dir), \
        "docs/coverage.md is out of date: run `make coverage` (twilio-emulator coverage --spec-dir DIR --write)"


def test_every_registered_route_matches_an_operation_of_its_spec(oai_dir):
    assert [(r.product, r.method, r.path) for r in coverage.unmatched_routes(oai_dir)] == []


def test_every_emulated_operation_has_its_sdk_call(oai_dir):
    ops = coverage.operations(oai_dir)
    assert [o.path for o in ops if o.emulated and o.sdk is None] == []
    assert sum(o.emulated for o in ops) >= 90
    create = next(o for o in ops if o.method == "POST" and o.path.endswith("/Messages.json"))
    assert create.emulated and create.sdk == "client.api.v2010.accounts(sid).messages.create()"


def test_the_cli_prints_the_page_and_writes_it(oai_dir, tmp_path, monkeypatch):
    printed = CliRunner().invoke(main, ["coverage", "--spec-dir", str(oai_dir)])
    assert printed.exit_code == 0 and printed.output == PAGE.read_text()
    monkeypatch.chdir(tmp_path)
    written = CliRunner().invoke(main, ["coverage", "--spec-dir", str(oai_dir), "--write"])
    assert written.exit_code == 0 and (tmp_path / "docs" / "coverage.md").read_text() == PAGE.read_text()


def test_matching_reads_the_routes_as_the_router_does(tmp_path):
    """Runs without Twilio's files: a small description of three operations. A route's plain {Name} stands for a
    path parameter, never a literal segment (GET /v1/Services/{Sid} is not /v1/Services/Usecases); a placeholder
    with a pattern names literal segments (the available-number types)."""
    spec = {"paths": {
        "/v1/Services": {"x-twilio": {"pathType": "list"}, "get": {"operationId": "ListService"}},
        "/v1/Services/{Sid}": {"x-twilio": {"pathType": "instance"}, "get": {"operationId": "FetchService"}},
        "/v1/Services/Usecases": {"x-twilio": {"pathType": "list"}, "get": {"operationId": "FetchUsecase"}},
    }}
    (tmp_path / "twilio_messaging_v1.json").write_text(json.dumps(spec))
    routes = [coverage.Route.of("messaging", "GET", "/v1/Services/{ServiceSid}"),
              coverage.Route.of("messaging", "GET", "/v1/Widgets")]
    ops = {o.path: o for o in coverage.operations(tmp_path, routes)}
    assert (ops["/v1/Services/{Sid}"].emulated, ops["/v1/Services/Usecases"].emulated) == (True, False)
    assert ops["/v1/Services/{Sid}"].sdk == "client.messaging.v1.services(sid).fetch()"
    assert [r.path for r in coverage.unmatched_routes(tmp_path, routes)] == ["/v1/Widgets"]
    typed = coverage.Route.of("api", "GET", "/A/{CountryCode}/{Type:Local|Mobile}.json")
    assert typed.pattern.fullmatch("/A/{CountryCode}/Local.json") and not typed.pattern.fullmatch("/A/{C}/Voip.json")


def test_a_run_without_the_specs_says_how_many_contract_tests_it_skipped_and_why(tmp_path):
    import os
    import subprocess
    import sys
    root = PAGE.parents[1]
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_coverage.py",
                           "-k", "not without_the_specs"], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TWILIO_OAI_DIR": str(tmp_path / "absent")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (f"4 contract tests skipped: Twilio's OpenAPI descriptions (twilio-oai) are not at {tmp_path / 'absent'}; "
            "set TWILIO_OAI_DIR") in done.stdout, done.stdout
