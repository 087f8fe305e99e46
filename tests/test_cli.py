"""The CLI: `twilio-emulator serve` in a real subprocess, and its errors."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys

import pytest
import requests
from click.testing import CliRunner
from twilio.base.exceptions import TwilioRestException

import twilio_emulator
from twilio_emulator.cli import main


class Serve:
    """`python -m twilio_emulator serve …` in a subprocess; waits for its banner (no sleeping)."""

    def __init__(self, *args: str, env: dict | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", *args],
                                     stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
        self.lines: list[str] = []
        for line in self.proc.stderr:
            self.lines.append(line)
            found = re.search(r"listening on (http://\S+)", line)
            if found:
                self.base_url = found.group(1)
                break
        else:
            raise AssertionError("no banner:\n" + "".join(self.lines))
        for line in self.proc.stderr:  # the rest of the banner
            self.lines.append(line)
            if "python:" in line:
                break

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        rest = self.proc.communicate(timeout=30)[1]
        return "".join(self.lines) + rest

    def __enter__(self) -> "Serve":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.stop()


def test_serve_prints_credentials_logs_calls_and_status_changes(tmp_path):
    server = Serve("--db", str(tmp_path / "cli.db"), "--timing", "instant")
    try:
        assert f"account SID: {twilio_emulator.DEFAULT_ACCOUNT_SID}" in "".join(server.lines)
        c = twilio_emulator.client(server.base_url)
        n = c.incoming_phone_numbers.create(phone_number="+14155550170")
        m = c.messages.create(to="+14155550199", from_=n.phone_number, body="via the CLI")
        done = requests.get(f"{server.base_url}/_emulator/v1/messages/wait",
                            params={"sid": m.sid, "status": "delivered", "timeout": 30})
        assert done.status_code == 200 and done.json()["status"] == "delivered"
    finally:
        log = server.stop()
    assert re.search(rf"POST /2010-04-01/Accounts/AC\w+/Messages.json -> 201 \(\d+\.\d ms\): {m.sid} queued "
                     rf"from \+14155550170 to \+14155550199, 1 segment\(s\)", log)
    assert f"{m.sid} queued -> sending" in log

    again = Serve("--db", str(tmp_path / "cli.db"))  # restart on the same file
    try:
        assert twilio_emulator.client(again.base_url).messages(m.sid).fetch().body == "via the CLI"
    finally:
        again.stop()


def test_credentials_from_the_environment():
    sid, token = "AC" + "1" * 32, "f" * 32
    server = Serve(env={"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token})
    try:
        assert twilio_emulator.client(server.base_url, sid, token).api.v2010.accounts(sid).fetch().sid == sid
    finally:
        server.stop()


def test_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "twilio_emulator", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=60,
                                env={k: v for k, v in os.environ.items() if k != "MAKELEVEL"})
        under_make = subprocess.run([sys.executable, "-m", "twilio_emulator", "serve", "--port", str(port)],
                                    capture_output=True, text=True, timeout=60, env={**os.environ, "MAKELEVEL": "1"})
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    # Issue 14, item 11: under make, the hint is make's own way of choosing a port.
    assert "make serve PORT=" in under_make.stderr and "--port" not in under_make.stderr
    wrong_host = subprocess.run([sys.executable, "-m", "twilio_emulator", "serve", "--host", "192.0.2.1"],
                                capture_output=True, text=True, timeout=60)
    assert "192.0.2.1 is not an address of this machine" in wrong_host.stderr


def test_bad_account_sid_is_refused():
    result = CliRunner().invoke(main, ["serve", "--account-sid", "nope"])
    assert result.exit_code == 2 and "is not an Account SID" in result.output


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["--version"]])
def test_help_and_version(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and result.output


def test_send_injects_an_inbound_sms_and_prints_the_conversation(server):
    from tests.support.receiver import Receiver

    c = twilio_emulator.client(server.base_url)
    with Receiver(body="<Response><Message>pong</Message></Response>", content_type="text/xml") as app:
        number = c.incoming_phone_numbers.create(area_code="415", sms_url=app.url("/sms")).phone_number
        result = CliRunner().invoke(main, ["send", "--url", server.base_url, "--from", "+14155550181", "--to",
                                           number, "--body", "ping"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.match(rf"SM\w{{32}} received: \+14155550181 -> \{number}: 'ping'", lines[0])
    assert lines[1].startswith(f"  webhook POST {app.url('/sms')} -> 200")
    assert re.match(rf"  reply SM\w{{32}} \{number} -> \+14155550181: 'pong'", lines[2])
    as_json = CliRunner().invoke(main, ["send", "--url", server.base_url, "--from", "+14155550181", "--to", number,
                                        "--body", "again", "--json", "--no-wait"])
    assert as_json.exit_code == 0 and '"status": "receiving"' in as_json.output
    server.call(server.emulator.drain)


def test_send_errors_are_clear(server):
    refused = CliRunner().invoke(main, ["send", "--url", "http://127.0.0.1:9", "--from", "+14155550181", "--to",
                                        "+14155550100", "--body", "x"])
    assert refused.exit_code == 1 and "cannot reach an emulator at http://127.0.0.1:9" in refused.output
    unknown = CliRunner().invoke(main, ["send", "--url", server.base_url, "--from", "+14155550181", "--to",
                                        "+14155550000", "--body", "x"])
    assert unknown.exit_code == 1 and "the emulator refused it (404)" in unknown.output
    assert "not a phone number of any account" in unknown.output


def test_serve_logs_one_line_per_webhook_and_honours_public_url_and_webhook_timeout():
    from tests.support.receiver import Receiver

    server = Serve("--timing", "instant", "--public-url", "http://emulator.test:4010/", "--webhook-timeout", "0.3")
    try:
        c = twilio_emulator.client(server.base_url)
        with Receiver(routes={"/sms": (200, "<Response/>", "text/xml")}) as app, Receiver(hang=True) as slow:
            n = c.incoming_phone_numbers.create(phone_number="+14155550171", sms_url=app.url("/sms"))
            answer = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
                "From": "+14155550172", "To": n.phone_number, "MediaUrl": ["https://x.example/a.png"], "wait": True})
            c.incoming_phone_numbers(n.sid).update(sms_url=slow.url("/sms"))
            late = requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=30, json={
                "From": "+14155550172", "To": n.phone_number, "Body": "slow", "wait": True})
        form = dict(answer.json()["outcome"]["webhooks"][0]["params"])
        assert form["MediaUrl0"].startswith("http://emulator.test:4010/2010-04-01/Accounts/")
        assert [a["error_code"] for a in late.json()["outcome"]["alerts"]] == [11205]
        assert "timeout after 0.3 s" in late.json()["outcome"]["webhooks"][0]["error"]
    finally:
        log = server.stop()
    sid = answer.json()["sid"]
    assert f"{sid} received (from +14155550172 to +14155550171)" in log
    assert re.search(rf"{sid} incoming message -> POST {re.escape(app.url('/sms'))} 200 \(\d+\.\d ms\)", log)
    assert re.search(r"SM\w{32} alert 11205: HTTP connection failure: timeout", log)


def test_numbers_buy_and_list(server, account):
    sid, token = account
    creds = ["--url", server.base_url, "--account-sid", sid, "--auth-token", token]
    bought = CliRunner().invoke(main, ["numbers", "buy", *creds, "--area-code", "415", "--sms-url",
                                       "https://app.example/sms"])
    assert bought.exit_code == 0, bought.output
    number = bought.output.split()[0]
    assert re.match(r"\+1415\d{7} PN\w{32}$", bought.output.strip())
    listed = CliRunner().invoke(main, ["numbers", "list", *creds])
    assert listed.exit_code == 0 and number in listed.output and "sms_url=https://app.example/sms" in listed.output
    taken = CliRunner().invoke(main, ["numbers", "buy", *creds, "--phone-number", number])
    assert taken.exit_code == 1 and "the emulator refused it (400)" in taken.output and "21422" in taken.output
    neither = CliRunner().invoke(main, ["numbers", "buy", *creds])
    assert neither.exit_code == 2 and "give --phone-number or --area-code" in neither.output
    wrong = CliRunner().invoke(main, ["numbers", "list", "--url", server.base_url, "--account-sid", sid,
                                      "--auth-token", "wrong"])
    assert wrong.exit_code == 1 and "(401)" in wrong.output


def test_messages_list_and_tail(server, client, number, account):
    sid, token = account
    creds = ["--url", server.base_url, "--account-sid", sid, "--auth-token", token]
    sent = [client.messages.create(to="+14155550182", from_=number, body=f"m{i}") for i in range(3)]
    server.call(server.emulator.wait_for_message, sent[-1].sid, "delivered")
    listed = CliRunner().invoke(main, ["messages", "list", *creds, "--limit", "2"])
    header, *lines = listed.output.splitlines()
    assert header.split()[:4] == ["DATE", "UPDATED", "SID", "STATUS"]
    assert listed.exit_code == 0 and [line.split()[6] for line in lines] == [sent[2].sid, sent[1].sid]
    # Issue 14, item 11: a national number is read as E.164 (it used to match nothing, silently) ...
    national = CliRunner().invoke(main, ["messages", "list", *creds, "--to", "4155550182"])
    assert "(--to 4155550182 read as +14155550182)" in national.output
    assert [line.split()[6] for line in national.output.splitlines()[2:]] == [m.sid for m in sent[::-1]]
    # ... and an empty list says so.
    empty = CliRunner().invoke(main, ["messages", "list", *creds, "--to", "+14155550999"])
    assert empty.exit_code == 0 and f"no messages to +14155550999 in account {sid}" in empty.output
    bad = CliRunner().invoke(main, ["messages", "list", *creds, "--to", "12345678901234"])
    assert bad.exit_code == 2 and "is not a phone number" in bad.output
    tail = CliRunner().invoke(main, ["messages", "tail", *creds, "-n", "3"])
    assert [line.split()[6] for line in tail.output.splitlines()] == [m.sid for m in sent]  # oldest first


def test_messages_tail_follow_streams_every_status_change_as_it_happens():
    # Issue 14, item 10: streamed by the emulator (control API /messages/stream), not polled.
    with Serve("--timing", "instant", "--quiet") as serve:
        c = twilio_emulator.client(serve.base_url)
        number = c.incoming_phone_numbers.create(area_code="415").phone_number
        requests.post(f"{serve.base_url}/_emulator/v1/handsets", timeout=10, json={
            "number": "+14155550183", "delays": {"sending": 0.05, "sent": 0.05, "delivered": 0.05}})
        proc = subprocess.Popen([sys.executable, "-m", "twilio_emulator", "messages", "tail", "--follow", "-n", "0",
                                 "--url", serve.base_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert "following the messages of" in proc.stderr.readline()  # the stream is open
            m = c.messages.create(to="+14155550183", from_=number, body="followed")
            lines = []
            for line in proc.stdout:  # blocks until tail prints it: no sleeping here
                lines.append(line)
                if m.sid in line and "delivered" in line:
                    break
        finally:
            serve.stop()
            rest = proc.communicate(timeout=30)[0]  # the stream ends with the server: tail exits by itself
    assert proc.returncode == 0
    statuses = [line.split()[7] for line in lines if m.sid in line]
    assert statuses == ["queued", "sending", "sent", "delivered"], lines + [rest]
    assert "'followed'" in lines[-1]


def test_reset_wipes_a_running_emulator():
    with Serve("--timing", "instant", "--quiet") as serve:
        c = twilio_emulator.client(serve.base_url)
        c.incoming_phone_numbers.create(area_code="415")
        result = CliRunner().invoke(main, ["reset", "--url", serve.base_url])
        assert result.exit_code == 0 and f"reset {serve.base_url}" in result.output
        assert c.incoming_phone_numbers.list() == []
    wrong = CliRunner().invoke(main, ["reset", "--url", "http://127.0.0.1:9"])
    assert wrong.exit_code == 1 and "cannot reach an emulator at http://127.0.0.1:9" in wrong.output


def test_serve_with_fixtures_loads_them_and_reset_keeps_them():
    fixtures = os.path.join(os.path.dirname(__file__), "..", "fixtures", "appointment_reminders.toml")
    with Serve("--fixtures", fixtures, "--quiet") as serve:
        c = twilio_emulator.client(serve.base_url)
        assert len(c.incoming_phone_numbers.list()) == 3
        assert c.messaging.v1.services.list()[0].friendly_name == "Appointment reminders"
        CliRunner().invoke(main, ["reset", "--url", serve.base_url])
        assert len(c.incoming_phone_numbers.list()) == 3  # the fixtures are part of the start-up state


@pytest.mark.parametrize("text,expected", [
    ('[[numbers]]\nphone_number = "+14155550001"\nsms_url = \n', ":3: not valid TOML"),
    ('[[numbers]]\nphone_number = "+1415"\n', ":2: numbers[0].phone_number: PhoneNumber +1415 is invalid"),
    ('[[handsets]]\nnumber = "+14155550001"\ncolour = "red"\n', ":3: handsets[0].colour: unknown field"),
])
def test_serve_with_a_bad_fixture_file_says_where_and_what(tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = subprocess.run([sys.executable, "-m", "twilio_emulator", "serve", "--port", "0", "--fixtures",
                             str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"Error: bad fixture file {path}{expected}" in result.stderr
    missing = CliRunner().invoke(main, ["serve", "--fixtures", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 1 and "nope.toml: cannot read it" in missing.output


def test_control_calls_under_serve_log_a_line_and_keep_the_connection(tmp_path):
    # Issue 13: the access-log line read request.app[EMULATOR], which a control route's sub-application lacks:
    # every control call logged a KeyError traceback and its keep-alive connection was reset.
    server = Serve("--timing", "instant")
    try:
        session = requests.Session()
        for _ in range(3):  # one connection, kept alive across the calls
            assert session.get(f"{server.base_url}/_emulator/v1/clock", timeout=10).status_code == 200
        assert session.post(f"{server.base_url}/_emulator/v1/handsets", json={"number": 5}, timeout=10).status_code == 400
    finally:
        output = server.stop()
    assert "Traceback" not in output and "KeyError" not in output
    assert "GET /_emulator/v1/clock -> 200" in output and "POST /_emulator/v1/handsets -> 400" in output


def test_the_serve_log_names_each_refusal_and_the_service_sending_a_message():
    # Issue 14, item 10: a 4xx line names the Twilio code and message; no "accepted from None".
    server = Serve("--timing", "instant")
    try:
        c = twilio_emulator.client(server.base_url)
        with pytest.raises(TwilioRestException):
            c.messages.create(to="+14155550184", from_="+14155550999", body="from a number not ours")
        number = c.incoming_phone_numbers.create(area_code="415")
        service = c.messaging.v1.services.create(friendly_name="log")
        c.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
        m = c.messages.create(to="+14155550184", messaging_service_sid=service.sid, body="via the pool")
        requests.post(f"{server.base_url}/_emulator/v1/handsets", json={"number": 5}, timeout=10)
    finally:
        log = server.stop()
    assert re.search(r"POST /2010-04-01/Accounts/AC\w+/Messages.json -> 400 \(\d+\.\d ms\): 21606 The From phone "
                     r"number \+14155550999 is not a valid, SMS-capable inbound phone number", log), log
    assert f"{m.sid} accepted from service {service.sid} to +14155550184" in log
    assert "from None" not in log
    assert re.search(r"POST /_emulator/v1/handsets -> 400 \(\d+\.\d ms\): \S", log), log


def test_under_load_the_serve_log_sums_up_and_loses_no_call_or_status_change():
    import asyncio
    import threading

    import aiohttp

    server = Serve("--timing", "instant", "--no-throughput", "--log-summary-above", "50")
    summing, again = threading.Event(), threading.Event()

    def read() -> None:  # the log as it comes: the test waits on what it says, not on time
        for line in server.proc.stderr:
            server.lines.append(line)
            if "from here one line a second sums them up" in line:
                summing.set()
            if "a line per call and status change again" in line:
                again.set()
    reader = threading.Thread(target=read, daemon=True)
    sids: list[str] = []
    undelivered: list[str] = []
    try:
        c = twilio_emulator.client(server.base_url)
        sender = c.incoming_phone_numbers.create(phone_number="+14155550171").phone_number
        requests.post(f"{server.base_url}/_emulator/v1/handsets", timeout=10, json={
            "number": "+14155550198", "behaviour": "undelivered", "error_code": 30003}).raise_for_status()
        reader.start()
        url = f"{server.base_url}/2010-04-01/Accounts/{twilio_emulator.DEFAULT_ACCOUNT_SID}/Messages.json"
        auth = aiohttp.BasicAuth(twilio_emulator.DEFAULT_ACCOUNT_SID, twilio_emulator.DEFAULT_AUTH_TOKEN)

        async def load() -> None:  # 16 creates at a time, far above 50 a second, until 300 after the summing up
            async with aiohttp.ClientSession(auth=auth) as session:
                async def create() -> None:
                    async with session.post(url, data={"To": "+14155550199", "From": sender,
                                                       "Body": "load"}) as response:
                        assert response.status == 201
                        sids.append((await response.json())["sid"])
                after = 0
                while after < 300:
                    after += 16 if summing.is_set() else 0
                    assert len(sids) < 100_000, "the log never began to sum up"
                    await asyncio.gather(*(create() for _ in range(16)))
                async with session.post(url, data={"To": "nowhere", "From": sender, "Body": "refused"}) as refused:
                    assert refused.status == 400
                for _ in range(3):  # to a phone that is off: the failed step is a line of its own
                    async with session.post(url, data={"To": "+14155550198", "From": sender,
                                                       "Body": "lost"}) as response:
                        assert response.status == 201
                        undelivered.append((await response.json())["sid"])
        asyncio.run(load())
        for sid, status in [*((sid, "delivered") for sid in sids[-16:]), *((sid, "undelivered") for sid in undelivered)]:
            done = requests.get(f"{server.base_url}/_emulator/v1/messages/wait",
                                params={"sid": sid, "status": status, "timeout": 30}, timeout=40)
            assert done.json()["status"] == status
        assert again.wait(30), "the log did not go back to a line per call"
    finally:
        server.proc.send_signal(signal.SIGINT)
        server.proc.wait(30)
        reader.join(10)
    log = "".join(server.lines)
    total = len(sids) + len(undelivered)
    route = "POST /2010-04-01/Accounts/{AccountSid}/Messages.json -> 201"
    summed = sum(int(n.replace(",", "")) for n in re.findall(re.escape(route) + r" ×([\d,]+)", log))
    in_full = len(re.findall(r"POST /2010-04-01/Accounts/AC\w+/Messages.json -> 201 \(", log))
    assert summed >= 300 and in_full > 0 and summed + in_full == total, (summed, in_full, total)
    for status, before in (("sending", "queued"), ("sent", "sending"), ("delivered", "sent")):
        summed = sum(int(n.replace(",", "")) for n in re.findall(rf"-> {status} ×([\d,]+)", log))
        in_full = log.count(f" {before} -> {status} (from {sender}")
        assert summed + in_full == (total if status != "delivered" else len(sids)), (status, summed, in_full, total)
    # A failed step is written in full, with the status before it, while the log sums up the rest.
    for sid in undelivered:
        assert f"{sid} sent -> undelivered (from {sender} to +14155550198) error 30003" in log
    # A refused call is written in full while the log sums up the rest.
    assert re.search(r"Messages.json -> 400 \(\d+\.\d ms\): 21211 ", log)
    assert log.index("from here one line a second sums them up") < log.index("Messages.json -> 400")


def test_every_command_option_says_what_it_does():
    import click

    def commands(group, prefix=""):
        for name, command in group.commands.items():
            yield f"{prefix}{name}", command
            if isinstance(command, click.Group):
                yield from commands(command, f"{prefix}{name} ")

    missing = [f"{name} {param.opts[0]}" for name, command in commands(main) for param in command.params
               if isinstance(param, click.Option) and not param.hidden and not param.help]
    assert missing == []


def test_send_writes_on_whatsapp_and_the_reply_stays_there(server):
    from tests.support.receiver import Receiver

    c = twilio_emulator.client(server.base_url)
    with Receiver(body="<Response><Message>hi Ann</Message></Response>", content_type="text/xml") as app:
        number = c.incoming_phone_numbers.create(area_code="415").phone_number
        requests.post(f"{server.base_url}/_emulator/v1/senders", timeout=10, json={
            "sender_id": f"whatsapp:{number}", "webhook": {"callback_url": app.url("/wa")}})
        result = CliRunner().invoke(main, ["send", "--url", server.base_url, "--from", "whatsapp:+14155550183",
                                           "--to", f"whatsapp:{number}", "--body", "hello", "--profile-name", "Ann"])
        form = app.wait_for(1)[0].form
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.match(rf"SM\w{{32}} received: whatsapp:\+14155550183 -> whatsapp:\{number}: 'hello'", lines[0])
    assert re.match(rf"  reply SM\w{{32}} whatsapp:\{number} -> whatsapp:\+14155550183: 'hi Ann'", lines[2])
    assert form["ProfileName"] == ["Ann"]


def test_messages_list_takes_a_whatsapp_address(server):
    c = twilio_emulator.client(server.base_url)
    number = c.incoming_phone_numbers.create(area_code="415").phone_number
    requests.post(f"{server.base_url}/_emulator/v1/senders", json={"sender_id": f"whatsapp:{number}"}, timeout=10)
    requests.post(f"{server.base_url}/_emulator/v1/inbound", timeout=10, json={
        "From": "whatsapp:+14155550184", "To": f"whatsapp:{number}", "Body": "window", "wait": True})
    c.messages.create(from_=f"whatsapp:{number}", to="whatsapp:+14155550184", body="on WhatsApp")
    listed = CliRunner().invoke(main, ["messages", "list", "--url", server.base_url, "--to", "whatsapp:4155550184"])
    assert listed.exit_code == 0, listed.output
    assert "(--to whatsapp:4155550184 read as whatsapp:+14155550184)" in listed.output
    assert f"whatsapp:{number} -> whatsapp:+14155550184: 'on WhatsApp'" in listed.output
