"""The command line: flags -> Settings -> server.run. Nothing else lives here."""
from __future__ import annotations

import logging
import sys

import click

from .config import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, LOG_SUMMARY_ABOVE, LOOPS, TIMINGS, Settings


@click.group()
@click.version_option(package_name="twilio-emulator")
def main() -> None:
    """twilio-emulator: a local, stateful emulator of Twilio Programmable Messaging."""


@main.command()
@click.option("--host", envvar="TWILIO_EMULATOR_HOST", show_envvar=True, default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", envvar="TWILIO_EMULATOR_PORT", show_envvar=True, default=4010, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--db", "db_path", envvar="TWILIO_EMULATOR_DB", show_envvar=True, default=":memory:", show_default=True,
              help="SQLite file that keeps state across restarts (default: in memory).")
@click.option("--account-sid", envvar="TWILIO_ACCOUNT_SID", default=None,
              help=f"Account SID to create at start-up [env TWILIO_ACCOUNT_SID; default {DEFAULT_ACCOUNT_SID}].")
@click.option("--auth-token", envvar="TWILIO_AUTH_TOKEN", default=None,
              help="Its auth token [env TWILIO_AUTH_TOKEN; default: the documented test token].")
@click.option("--timing", envvar="TWILIO_EMULATOR_TIMING", show_envvar=True, type=click.Choice(sorted(TIMINGS)), default="realistic", show_default=True,
              help="How long each delivery step takes.")
@click.option("--seed", envvar="TWILIO_EMULATOR_SEED", show_envvar=True, type=int, default=None, help="Seed SIDs and generated numbers for reproducible runs.")
@click.option("--webhook-timeout", envvar="TWILIO_EMULATOR_WEBHOOK_TIMEOUT", show_envvar=True, type=click.FloatRange(0.1, 60), default=15.0, show_default=True,
              help="Seconds an app has to answer a webhook (Twilio: 15).")
@click.option("--public-url", envvar="TWILIO_EMULATOR_PUBLIC_URL", show_envvar=True, default=None,
              help="How apps reach the emulator, for inbound media URLs [default: http://HOST:PORT].")
@click.option("--quiet", envvar="TWILIO_EMULATOR_QUIET", show_envvar=True, is_flag=True, help="Log warnings only (no line per API call or status change).")
@click.option("--log-summary-above", "log_summary_above", envvar="TWILIO_EMULATOR_LOG_SUMMARY_ABOVE", show_envvar=True,
              type=click.IntRange(0), default=LOG_SUMMARY_ABOVE, show_default=True,
              help="Above this many API calls a second, the activity log sums them up in a line a second (refused "
                   "calls and failed messages still in full); 0: a line per call and status change always.")
@click.option("--fixtures", "fixtures", envvar="TWILIO_EMULATOR_FIXTURES", show_envvar=True, default=None, type=click.Path(dir_okay=False),
              help="A scenario file (fixtures/*.toml or *.json) that is part of the start-up state.")
@click.option("--media-fetch/--no-media-fetch", default=True, show_default=True, envvar="TWILIO_EMULATOR_MEDIA_FETCH", show_envvar=True,
              help="Download outbound media before an MMS goes, as Twilio does; --no-media-fetch takes it unread "
                   "(type from the URL's extension), for a machine without internet.")
@click.option("--throughput/--no-throughput", envvar="TWILIO_EMULATOR_THROUGHPUT", show_envvar=True, default=None,
              help="Drain each sender's queue at its rate (1 segment/s for a US long code …) [default: on with "
                   "realistic timing, off with instant].")
@click.option("--captured-also-webhook/--captured-only", envvar="TWILIO_EMULATOR_CAPTURED_ALSO_WEBHOOK",
              show_envvar=True, default=False, show_default=True,
              help="An inbound message captured by a Conversation also reaches the number's own webhook "
                   "[default: only the conversation gets it].")
@click.option("--loop", "loop_kind", envvar="TWILIO_EMULATOR_LOOP", show_envvar=True, type=click.Choice(LOOPS),
              default="asyncio", show_default=True,
              help="The event loop: uvloop (pip install 'twilio-emulator[uvloop]') takes about 6 % less CPU time "
                   "a request.")
def serve(host, port, db_path, account_sid, auth_token, timing, seed, webhook_timeout, public_url, quiet,
          log_summary_above, fixtures, media_fetch, throughput, captured_also_webhook, loop_kind) -> None:
    """Start the emulator."""
    from .domain.sids import is_sid
    from .engine.scenarios import ScenarioError
    from .scenario_files import ScenarioFileError, locate, read
    from .server import bind, run

    scenario = None
    if fixtures:
        try:
            scenario = read(fixtures)
        except ScenarioFileError as exc:
            raise click.ClickException(f"bad fixture file {exc}") from None

    if loop_kind == "uvloop":
        try:
            import uvloop  # noqa: F401  (checked before the port is taken: a missing package is a one-line error)
        except ImportError:
            raise click.ClickException("--loop uvloop needs the uvloop package: pip install "
                                       "'twilio-emulator[uvloop]' (or uvloop itself)") from None

    account_sid = account_sid or DEFAULT_ACCOUNT_SID
    auth_token = auth_token or DEFAULT_AUTH_TOKEN
    if not is_sid(account_sid, "AC"):
        raise click.BadParameter(f"{account_sid!r} is not an Account SID (AC + 32 hex digits).",
                                 param_hint="--account-sid")
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}{_bind_hint(exc, host)}") \
            from None
    actual_port = sock.getsockname()[1]
    settings = Settings(host=host, port=actual_port, db_path=db_path, account_sid=account_sid,
                        auth_token=auth_token, timing=timing, seed=seed, log_requests=not quiet,
                        log_summary_above=log_summary_above,
                        webhook_timeout=webhook_timeout, public_url=public_url.rstrip("/") if public_url else None,
                        scenario=scenario, throughput=throughput, media_fetch=media_fetch,
                        captured_also_webhook=captured_also_webhook)
    base = f"http://{host}:{actual_port}"
    loop_line = f"  event loop:  {loop_kind}\n" if loop_kind != "asyncio" else ""

    def banner() -> None:
        click.echo(f"twilio-emulator listening on {base}\n"
                   f"  inspector:   {base}/  (open it in a browser)\n"
                   f"  account SID: {account_sid}\n"
                   f"  auth token:  {auth_token}\n"
                   f"  storage:     {'in memory' if db_path == ':memory:' else db_path}\n"
                   f"{loop_line}"
                   f"  python:      twilio_emulator.client({base!r}, {account_sid!r}, {auth_token!r})",
                   err=True)
    try:
        run(settings, sock, on_ready=banner, loop_kind=loop_kind)
    except ScenarioError as exc:
        line = locate(fixtures, exc.where) if exc.where else 0
        raise click.ClickException(f"bad fixture file {ScenarioFileError(fixtures, line, str(exc))}") from None


def _bind_hint(exc: OSError, host: str) -> str:
    """What to do about a bind error, in the words of how the emulator was started (make sets MAKELEVEL)."""
    import errno
    import os
    import socket
    under_make = bool(os.environ.get("MAKELEVEL"))
    other_port = "make serve PORT=4011" if under_make else "--port 4011 (or --port 0: any free port)"
    if exc.errno == errno.EADDRINUSE:
        return f" (another emulator or program has that port: stop it, or choose another one: {other_port})"
    if exc.errno == errno.EACCES:
        return f" (ports below 1024 need privileges: choose another one: {other_port})"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f" ({host} is not an address of this machine: {'make serve HOST=127.0.0.1' if under_make else '--host 127.0.0.1'})"
    return ""


def _remote(url: str):
    from .remote import Remote
    return Remote(url)


def _call(fn, *args, url: str = "", **kwargs):
    """Run a Remote call; its errors as clear ClickExceptions (a wrong URL, a refusal with its reason)."""
    from .remote import RemoteError
    try:
        return fn(*args, **kwargs)
    except RemoteError as exc:
        if exc.status == 0:
            raise click.ClickException(f"{exc.message} (is `twilio-emulator serve` running there? see --url)"
                                       ) from None
        code = f" (Twilio error {exc.code})" if exc.code else ""
        raise click.ClickException(f"the emulator refused it ({exc.status}): {exc.message}{code}") from None


def _control(url: str, method: str, path: str, body: dict | None = None) -> dict:
    """A request to a running emulator's control API; a clear ClickException when it cannot be done."""
    return _call(_remote(url).control, method, path, body)


URL_OPTION = click.option("--url", envvar="TWILIO_EMULATOR_URL", default="http://127.0.0.1:4010", show_default=True,
                          help="The running emulator [env TWILIO_EMULATOR_URL].")


@main.command()
@URL_OPTION
@click.option("--from", "from_", required=True,
              help="The handset that texts (E.164), or writes on WhatsApp/RCS (whatsapp:+1…, rcs:+1…).")
@click.option("--to", required=True, help="One of the emulator's numbers, or a WhatsApp/RCS sender (whatsapp:+1…).")
@click.option("--body", default="", help="The text.")
@click.option("--media-url", multiple=True, help="A media URL (repeatable, up to 10; one on WhatsApp).")
@click.option("--profile-name", help="WhatsApp: the user's profile name (ProfileName).")
@click.option("--button-payload", help="WhatsApp/RCS: the payload of a tapped button (ButtonPayload).")
@click.option("--no-wait", is_flag=True, help="Return at once instead of after the app's webhook and TwiML.")
@click.option("--json", "as_json", is_flag=True, help="Print the emulator's JSON answer.")
def send(url, from_, to, body, media_url, profile_name, button_payload, no_wait, as_json) -> None:
    """Inject an inbound message: the handset --from texts the number --to (SMS/MMS), or writes to a WhatsApp
    or RCS sender; print what happened."""
    import json

    fields = {"From": from_, "To": to, "Body": body, "MediaUrl": list(media_url), "wait": not no_wait}
    fields.update({k: v for k, v in (("ProfileName", profile_name), ("ButtonPayload", button_payload)) if v})
    answer = _control(url, "POST", "/inbound", fields)
    if as_json:
        click.echo(json.dumps(answer, indent=2))
        return
    click.echo(f"{answer['sid']} {answer['status']}: {answer['from']} -> {answer['to']}: {answer['body']!r}")
    outcome = answer.get("outcome") or {}
    for hook in outcome.get("webhooks", []):
        click.echo(f"  webhook {hook['method']} {hook['url']} -> {hook['response_status'] or hook['error']} "
                   f"({hook['duration_ms']:.1f} ms)")
    for reply in outcome.get("replies", []):
        click.echo(f"  reply {reply['sid']} {reply['from']} -> {reply['to']}: {reply['body']!r}")
    for alert in outcome.get("alerts", []):
        click.echo(f"  alert {alert['error_code']} ({alert['log_level']}): {alert['alert_text']}")


ACCOUNT_OPTIONS = [
    click.option("--account-sid", envvar="TWILIO_ACCOUNT_SID", default=DEFAULT_ACCOUNT_SID, show_default=True,
                 help="Whose numbers and messages [env TWILIO_ACCOUNT_SID]."),
    click.option("--auth-token", envvar="TWILIO_AUTH_TOKEN", default=DEFAULT_AUTH_TOKEN,
                 help="Its auth token [env TWILIO_AUTH_TOKEN; default: the documented test token]."),
]


def _account_options(fn):
    for option in reversed(ACCOUNT_OPTIONS):
        fn = option(fn)
    return fn


def _rest(url: str, auth: tuple[str, str], method: str, path: str, form: dict | None = None,
          query: dict | None = None) -> dict:
    return _call(_remote(url).rest, method, f"/2010-04-01/Accounts/{auth[0]}{path}", auth, form=form, query=query)


@main.group()
def numbers() -> None:
    """The account's phone numbers: list, buy."""


@numbers.command("list")
@URL_OPTION
@_account_options
def numbers_list(url, account_sid, auth_token) -> None:
    """List the account's numbers and their SMS webhooks."""
    found = _rest(url, (account_sid, auth_token), "GET", "/IncomingPhoneNumbers.json", query={"PageSize": 1000})
    for n in found["incoming_phone_numbers"]:
        click.echo(f"{n['phone_number']:<16} {n['sid']}  {n['friendly_name']!r:<24} sms_url={n['sms_url'] or '-'}")
    if not found["incoming_phone_numbers"]:
        click.echo("no numbers (buy one: twilio-emulator numbers buy --area-code 415)", err=True)


@numbers.command("buy")
@URL_OPTION
@_account_options
@click.option("--phone-number", default=None, help="The number to buy (E.164).")
@click.option("--area-code", default=None, help="Any free number in this US/CA area code.")
@click.option("--sms-url", default=None, help="Its SMS webhook.")
@click.option("--friendly-name", default=None, help="Its name in lists (default: the number, formatted).")
def numbers_buy(url, account_sid, auth_token, phone_number, area_code, sms_url, friendly_name) -> None:
    """Buy a number (--phone-number, or any in --area-code) and print it."""
    if not phone_number and not area_code:
        raise click.UsageError("give --phone-number or --area-code")
    form = {k: v for k, v in (("PhoneNumber", phone_number), ("AreaCode", area_code), ("SmsUrl", sms_url),
                              ("FriendlyName", friendly_name)) if v}
    n = _rest(url, (account_sid, auth_token), "POST", "/IncomingPhoneNumbers.json", form=form)
    click.echo(f"{n['phone_number']} {n['sid']}")


@main.group()
def messages() -> None:
    """The account's messages: list, tail."""


def _message_line(m: dict) -> str:
    error = f" error {m['error_code']}" if m.get("error_code") else ""
    return (f"{m['date_updated']}  {m['sid']}  {m['status']:<11} {m['direction']:<14} {m['from'] or '-'} -> "
            f"{m['to']}: {m['body']!r}{error}")


def _number_option(value: str | None, name: str) -> str | None:
    """A --to/--from filter as Twilio stores it: a national US/CA number (4155550199, (415) 555-0199) becomes
    E.164, as a filter on the national form would silently match nothing; short codes and sender IDs stay; a
    channel address (whatsapp:4155550199) keeps its prefix."""
    if value is None:
        return None
    prefix, _, number = value.rpartition(":")
    if number.startswith("+") or sum(c.isdigit() for c in number) < 10:
        return value
    from .domain.numbers import parse
    parsed = parse(number, "US")
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not a phone number (give it in E.164: +14155550199)", param_hint=name)
    normalised = f"{prefix}:{parsed.e164}" if prefix else parsed.e164
    if normalised != value:
        click.echo(f"({name} {value} read as {normalised})", err=True)
    return normalised


_HEADER = f"{'DATE UPDATED':<31}  {'SID':<34}  {'STATUS':<11} {'DIRECTION':<14} FROM -> TO: BODY"


@messages.command("list")
@URL_OPTION
@_account_options
@click.option("--to", default=None, help="Only messages to this number (E.164; a US national number is read as +1…; "
                                         "whatsapp:+1… for WhatsApp).")
@click.option("--from", "from_", default=None, help="Only messages from this number, short code or sender ID.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many, at most.")
def messages_list(url, account_sid, auth_token, to, from_, limit) -> None:
    """The newest messages, newest first."""
    to, from_ = _number_option(to, "--to"), _number_option(from_, "--from")
    found = _rest(url, (account_sid, auth_token), "GET", "/Messages.json",
                  query={"To": to, "From": from_, "PageSize": limit})
    if not found["messages"]:
        which = " ".join(f"{n} {v}" for n, v in (("to", to), ("from", from_)) if v)
        click.echo(f"no messages{' ' + which if which else ''} in account {account_sid}", err=True)
        return
    click.echo(_HEADER)
    for m in found["messages"]:
        click.echo(_message_line(m))


@messages.command("tail")
@URL_OPTION
@_account_options
@click.option("--follow", "-f", is_flag=True, help="Keep printing new messages and each status change as it "
              "happens (streamed by the emulator), until interrupted.")
@click.option("--lines", "-n", default=10, show_default=True, type=click.IntRange(0, 1000),
              help="How many of the newest messages to print first.")
def messages_tail(url, account_sid, auth_token, follow, lines) -> None:
    """The last messages, oldest first; with --follow, then every new message and status change."""
    auth = (account_sid, auth_token)
    # Subscribed before the last messages are read, so that nothing between the two is missed.
    stream = _call(_remote(url).events, "/messages/stream", {"account_sid": account_sid}) if follow else ()
    shown: dict[str, str] = {}
    newest = _rest(url, auth, "GET", "/Messages.json", query={"PageSize": max(lines, 1)})["messages"]
    for m in newest[:lines][::-1]:
        shown[m["sid"]] = m["status"]
        click.echo(_message_line(m))
    if follow:
        click.echo(f"following the messages of {account_sid} (Ctrl-C to stop)", err=True)
    try:
        for _, m in stream:
            if shown.get(m["sid"]) != m["status"]:
                shown[m["sid"]] = m["status"]
                click.echo(_message_line(m))
    except KeyboardInterrupt:
        pass


@main.command()
@URL_OPTION
@click.option("--to", default=None, help="Only the verifications to this phone (E.164; a US national number is read "
                                         "as +1…).")
@click.option("--account-sid", default=None, help="Only those of this account.")
def verifications(url, to, account_sid) -> None:
    """Verify's verifications with their codes, oldest first (the code a phone was sent, without reading it)."""
    to = _number_option(to, "--to")
    query = {k: v for k, v in (("to", to), ("account_sid", account_sid)) if v}
    found = _call(_remote(url).control, "GET", "/verifications", None, query)["verifications"]
    if not found:
        click.echo("no verifications" + (f" to {to}" if to else ""), err=True)
        return
    click.echo(f"{'DATE UPDATED':<31}  {'SID':<34}  {'STATUS':<20} {'CHANNEL':<8} {'SENDS':>5} {'WRONG':>5}  TO: CODE")
    for v in found:
        click.echo(f"{v['date_updated']:<31}  {v['sid']:<34}  {v['status']:<20} {v['channel']:<8} "
                   f"{len(v['send_code_attempts']):>5} {v['wrong_checks']:>5}  {v['to']}: {v['code']}")


@main.command()
def routes() -> None:
    """List every REST route: its Twilio host, method and path."""
    from .api import route_table
    for host, method, path in route_table():
        click.echo(f"{host:<22} {method:<7} {path}")
    click.echo("\nEvery route also answers under its product's name as a path prefix (/api/2010-04-01/…, "
               "/messaging/v1/Services …):\nrewrite https://PRODUCT[.edge.region].twilio.com to "
               "http://HOST:PORT/PRODUCT and no header is needed.")


@main.command()
@click.option("--spec-dir", envvar="TWILIO_OAI_DIR", required=True, type=click.Path(file_okay=False, exists=True),
              help="Twilio's OpenAPI files (twilio-oai's spec/json: twilio_api_v2010.json …); also TWILIO_OAI_DIR.")
@click.option("--write", "write", is_flag=True, help="Write docs/coverage.md (under the current directory).")
def coverage(spec_dir, write) -> None:
    """Print which operations of Twilio's OpenAPI descriptions the emulator serves (Markdown)."""
    from pathlib import Path

    from .coverage import render
    page = render(Path(spec_dir))
    if not write:
        click.echo(page, nl=False)
        return
    target = Path("docs") / "coverage.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(page)
    click.echo(f"wrote {target}")


@main.command()
@URL_OPTION
def reset(url) -> None:
    """Wipe a running emulator back to its start-up state."""
    _control(url, "POST", "/reset")
    click.echo(f"reset {url}")
