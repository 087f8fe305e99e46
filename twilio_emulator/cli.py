"""The command line: flags -> Settings -> server.run. Nothing else lives here."""
from __future__ import annotations

import logging
import sys

import click

from .config import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, TIMINGS, Settings


@click.group()
@click.version_option(package_name="twilio-emulator")
def main() -> None:
    """twilio-emulator: a local, stateful emulator of Twilio Programmable Messaging."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=4010, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--db", "db_path", default=":memory:", show_default=True,
              help="SQLite file that keeps state across restarts (default: in memory).")
@click.option("--account-sid", envvar="TWILIO_ACCOUNT_SID", default=None,
              help=f"Account SID to create at start-up [env TWILIO_ACCOUNT_SID; default {DEFAULT_ACCOUNT_SID}].")
@click.option("--auth-token", envvar="TWILIO_AUTH_TOKEN", default=None,
              help="Its auth token [env TWILIO_AUTH_TOKEN; default: the documented test token].")
@click.option("--timing", type=click.Choice(sorted(TIMINGS)), default="realistic", show_default=True,
              help="How long each delivery step takes.")
@click.option("--seed", type=int, default=None, help="Seed SIDs and generated numbers for reproducible runs.")
@click.option("--webhook-timeout", type=click.FloatRange(0.1, 60), default=15.0, show_default=True,
              help="Seconds an app has to answer a webhook (Twilio: 15).")
@click.option("--public-url", default=None,
              help="How apps reach the emulator, for inbound media URLs [default: http://HOST:PORT].")
@click.option("--quiet", is_flag=True, help="Log warnings only (no line per API call or status change).")
@click.option("--fixtures", "fixtures", default=None, type=click.Path(dir_okay=False),
              help="A scenario file (fixtures/*.toml or *.json) that is part of the start-up state.")
def serve(host, port, db_path, account_sid, auth_token, timing, seed, webhook_timeout, public_url, quiet,
          fixtures) -> None:
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
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror} "
                                   f"(is another emulator running? try --port)") from None
    actual_port = sock.getsockname()[1]
    settings = Settings(host=host, port=actual_port, db_path=db_path, account_sid=account_sid,
                        auth_token=auth_token, timing=timing, seed=seed, log_requests=not quiet,
                        webhook_timeout=webhook_timeout, public_url=public_url.rstrip("/") if public_url else None,
                        scenario=scenario)
    base = f"http://{host}:{actual_port}"

    def banner() -> None:
        click.echo(f"twilio-emulator listening on {base}\n"
                   f"  account SID: {account_sid}\n"
                   f"  auth token:  {auth_token}\n"
                   f"  storage:     {'in memory' if db_path == ':memory:' else db_path}\n"
                   f"  python:      twilio_emulator.client({base!r}, {account_sid!r}, {auth_token!r})",
                   err=True)
    try:
        run(settings, sock, on_ready=banner)
    except ScenarioError as exc:
        line = locate(fixtures, exc.where) if exc.where else 0
        raise click.ClickException(f"bad fixture file {ScenarioFileError(fixtures, line, str(exc))}") from None


def _control(url: str, method: str, path: str, body: dict | None = None) -> dict:
    """A request to a running emulator's control API; a clear ClickException when it cannot be done."""
    import json
    import urllib.error
    import urllib.request

    target = f"{url.rstrip('/')}/_emulator/v1{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(target, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("error") or exc.reason
        except ValueError:
            message = exc.reason
        raise click.ClickException(f"the emulator refused it ({exc.code}): {message}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise click.ClickException(f"cannot reach an emulator at {url}: {reason} "
                                   "(is `twilio-emulator serve` running there? see --url)") from None


URL_OPTION = click.option("--url", envvar="TWILIO_EMULATOR_URL", default="http://127.0.0.1:4010", show_default=True,
                          help="The running emulator [env TWILIO_EMULATOR_URL].")


@main.command()
@URL_OPTION
@click.option("--from", "from_", required=True, help="The handset that texts (E.164).")
@click.option("--to", required=True, help="One of the emulator's numbers.")
@click.option("--body", default="", help="The text.")
@click.option("--media-url", multiple=True, help="A media URL (repeatable, up to 10).")
@click.option("--no-wait", is_flag=True, help="Return at once instead of after the app's webhook and TwiML.")
@click.option("--json", "as_json", is_flag=True, help="Print the emulator's JSON answer.")
def send(url, from_, to, body, media_url, no_wait, as_json) -> None:
    """Inject an inbound SMS/MMS: the handset --from texts the number --to; print what happened."""
    import json

    fields = {"From": from_, "To": to, "Body": body, "MediaUrl": list(media_url), "wait": not no_wait}
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
