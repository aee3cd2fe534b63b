"""`lastmile serve`: HTTP mode, for replicas behind a load balancer on one PostgreSQL."""

from __future__ import annotations

import threading

import click

from bot.cli.common import fail, load_settings
from bot.cli.run import on_stop_signals, require_slack, start_app, start_runtime


@click.command(name="serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=3000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, printed at start).",
)
def serve_command(host: str, port: int) -> None:
    """Serve Slack's Request URL over HTTP: POST /slack/events, GET /healthz and /readyz."""
    from handlers.server import EVENTS_PATH, http_server

    settings = load_settings()
    require_slack(settings, "serve", ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))
    runtime = start_runtime(settings)
    app, sweeper = start_app(runtime)
    try:
        server = http_server(runtime, app, host=host, port=port)
    except OSError as error:
        fail(f"lastmile serve: cannot listen on {host}:{port}: {error.strerror or error}")

    def stop() -> None:
        # From a signal handler: stop from another thread, never inside the event loop's lock.
        threading.Thread(target=server.stop, daemon=True).start()

    on_stop_signals(stop)
    click.echo(f"lastmile serving Slack at {server.url}{EVENTS_PATH}", err=True)
    server.serve_forever()
    sweeper.stop()
