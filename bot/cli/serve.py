"""`lastmile serve`: HTTP mode, for replicas behind a load balancer on one PostgreSQL."""

from __future__ import annotations

import click

from bot.cli.common import fail, load_settings
from bot.cli.run import refuse_without_slack, require_slack, say, start_bot


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
    from bot.composition.transports import bind_http, serve_http

    settings = load_settings()
    require_slack(settings, "serve", ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"))
    refuse_without_slack(settings, socket_mode=False)
    bot = start_bot(settings)
    try:
        server = bind_http(bot, host=host, port=port)
    except OSError as error:
        fail(f"lastmile serve: cannot listen on {host}:{port}: {error.strerror or error}")
    serve_http(bot, server, say)
