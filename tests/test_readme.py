"""The README is the front door: short, the two commands first, no project history, links that lead somewhere;
its first-message examples (curl, Python, Node) print what they say, in order against one real `twilio-emulator
serve`. (tests/test_docs.py runs every fenced example of the README and of docs/.)"""
import contextlib
import io
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner

from tests.test_cli import Serve
from twilio_emulator.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
DOCS = README.parent / "docs"
DOCUMENTED = "http://127.0.0.1:4010"


def section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", text, re.S)


def test_the_readme_is_a_front_door():
    text = README.read_text()
    assert len(text.splitlines()) <= 250
    first_fence = re.search(r"```\w*\n(.*?)```", text, re.S).group(1)
    assert first_fence.startswith("make serve") and "make test" in first_fence  # the two commands come first
    history = re.findall(r"(?i)\bissues? \d+|\bbefore issue|\bafter issue|§\s?\d", text)
    assert history == [], history


def test_the_docs_tell_no_project_history():
    found = {p.name: re.findall(r"(?i)\bissues? \d+|§\s?\d+", p.read_text()) for p in DOCS.glob("*.md")}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_readmes_links_lead_to_pages_that_exist():
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README.read_text())
    assert "docs/coverage.md" in links
    missing = [link for link in links if not link.startswith("http") and not (README.parent / link).exists()]
    assert missing == []


def test_the_first_message_examples_run_as_written_in_order(node_twilio):
    examples = blocks(section("Your first message"))
    assert [lang for lang, _ in examples] == ["sh", "python", "js"]
    with Serve("--timing", "instant", "--quiet") as serve:
        def here(code: str) -> str:
            assert DOCUMENTED in code
            return code.replace(DOCUMENTED, serve.base_url)

        (_, sh), (_, python), (_, js) = examples
        shell = subprocess.run(["bash", "-euo", "pipefail", "-c", here(sh)], capture_output=True, text=True,
                               timeout=60)
        assert shell.returncode == 0, shell.stderr
        assert '"phone_number": "+14155550100"' in shell.stdout and '"status": "queued"' in shell.stdout
        assert '"more_info"' not in shell.stdout, shell.stdout  # no Twilio error

        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(here(python), "README.md", "exec"), {})
        assert re.fullmatch(r"SM[0-9a-f]{32} queued\n", printed.getvalue())

        script = node_twilio / "first.js"
        script.write_text(here(js))
        node = subprocess.run(["node", str(script)], cwd=node_twilio, capture_output=True, text=True, timeout=60)
        assert node.returncode == 0, node.stderr
        assert re.fullmatch(r"SM[0-9a-f]{32} queued\n", node.stdout), node.stdout + node.stderr

        listed = CliRunner().invoke(main, ["messages", "list", "--url", serve.base_url])
        bodies = [line.rsplit(": ", 1)[-1] for line in listed.output.splitlines()[1:]]
        assert bodies == ["'Hello from Node'", "'Hello from Python'", "'Hello'"], listed.output


def test_the_readme_node_recipe_reaches_every_product(node_twilio):
    """The README's RequestClient keeps each *.twilio.com host in X-Forwarded-Host, so Lookup (its own
    product) and Calls answer through it as through the Python SDK."""
    js = next(code for lang, code in blocks(section("Your first message")) if lang == "js")
    recipe = js[:js.index("(async () => {")]
    with Serve("--timing", "instant", "--quiet") as serve:
        script = node_twilio / "products.js"
        script.write_text(recipe.replace(DOCUMENTED, serve.base_url) + """
(async () => {
  const lookup = await client.lookups.v2.phoneNumbers("+14155550123").fetch({ fields: "line_type_intelligence" });
  const number = await client.incomingPhoneNumbers.create({ areaCode: "415" });
  const call = await client.calls.create({ to: "+14155550197", from: number.phoneNumber,
                                          twiml: "<Response><Say>hi</Say></Response>" });
  console.log(JSON.stringify({ valid: lookup.valid, type: lookup.lineTypeIntelligence.type,
                               call: call.sid, status: call.status }));
})().catch((e) => { console.error(e); process.exit(1); });
""")
        node = subprocess.run(["node", str(script)], cwd=node_twilio, capture_output=True, text=True, timeout=60)
    assert node.returncode == 0, node.stderr
    import json
    out = json.loads(node.stdout)
    assert (out["valid"], out["type"], out["status"]) == (True, "mobile", "queued") and out["call"].startswith("CA")


def test_the_advanced_opt_out_scenario_works_as_written(server):
    """The Messaging Services page's Advanced Opt-Out scenario, loaded into a fresh account, does what it says."""
    import tomllib

    import requests

    import twilio_emulator
    toml = next(code for lang, code in blocks((DOCS / "messaging-services.md").read_text())
                if lang == "toml" and "advanced_opt_out" in code)
    main_client = twilio_emulator.client(server.base_url)
    sub = main_client.api.v2010.accounts.create(friendly_name="readme acme")
    for n in main_client.incoming_phone_numbers.list(phone_number="+14155550301"):
        n.delete()  # another test of this session may hold it
    loaded = requests.post(f"{server.base_url}/_emulator/v1/scenario", timeout=10, json={
        "scenario": tomllib.loads(toml), "account_sid": sub.sid})
    assert loaded.status_code == 201, loaded.text

    def text(from_, body):
        answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
            "From": from_, "To": "+14155550301", "Body": body, "wait": True}).json()
        return [r["body"] for r in answer["outcome"]["replies"]]
    assert text("+16285550230", "baja") == ["You are unsubscribed from Acme. Reply START to rejoin."]
    assert text("+16285550231", "AYUDA") == ["Soporte de Acme: llame al 555-0100."]
    assert text("+525512345679", "HELP") == ["Acme México: llame al 55-0100."]
