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
def serve(host, port, db_path, account_sid, auth_token, timing, seed, webhook_timeout, public_url, quiet) -> None:
    """Start the emulator."""
    from .domain.sids import is_sid
    from .server import bind, run

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
                        webhook_timeout=webhook_timeout, public_url=public_url.rstrip("/") if public_url else None)
    base = f"http://{host}:{actual_port}"

    def banner() -> None:
        click.echo(f"twilio-emulator listening on {base}\n"
                   f"  account SID: {account_sid}\n"
                   f"  auth token:  {auth_token}\n"
                   f"  storage:     {'in memory' if db_path == ':memory:' else db_path}\n"
                   f"  python:      twilio_emulator.client({base!r}, {account_sid!r}, {auth_token!r})",
                   err=True)
    run(settings, sock, on_ready=banner)
