"""Socket Mode: `lastmile run`'s runner against a fake Socket Mode server and fake Web API."""

from __future__ import annotations

from bot.runtime import Runtime
from handlers.app import build_app
from handlers.socket_mode import SocketModeRunner
from tests.fakes import FakeSlackApi, FakeSocketModeServer, payloads
from tests.fakes.transport import Probe


class Ticks:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def start_runner(
    runtime: Runtime, server: FakeSocketModeServer, ticks: Ticks
) -> tuple[SocketModeRunner, Probe]:
    """The runner as `lastmile run` builds it (its API URL from settings), with a probe."""
    app = build_app(runtime)
    probe = Probe(runtime)
    app.use(probe)
    settings = runtime.settings
    runner = SocketModeRunner(
        app, settings.slack_app_token, api_url=settings.slack_api_url, idle_limit_s=60, clock=ticks
    )
    runner.connect()
    server.wait_for_connection()
    return runner, probe


def test_event_is_acked_and_processed_once_even_when_redelivered(
    runtime: Runtime, slack: FakeSlackApi
) -> None:
    mention = payloads.app_mention("<@UBOT> what's the wifi password?")
    with FakeSocketModeServer(slack) as server:
        runner, probe = start_runner(runtime, server, Ticks())
        first = server.push_event(mention)
        ack = server.wait_for_ack(first)
        again = server.push_event(mention, retry_attempt=1, retry_reason="timeout")
        second_ack = server.wait_for_ack(again)
        server.close_client(runner)
    assert ack["envelope_id"] == first and second_ack["envelope_id"] == again
    assert probe.done == [mention["event_id"]]
    assert [c.token for c in slack.calls_to("apps.connections.open")] == ["xapp-test"]


def test_quiet_connection_is_replaced(runtime: Runtime, slack: FakeSlackApi) -> None:
    ticks = Ticks()
    with FakeSocketModeServer(slack) as server:
        runner, probe = start_runner(runtime, server, ticks)
        ticks.now += 59
        assert runner.check_liveness() is False
        ticks.now += 2  # over a minute without a message from Slack
        assert runner.check_liveness() is True
        server.wait_for_connection(count=2)
        mention = payloads.app_mention("<@UBOT> still there?")
        server.wait_for_ack(server.push_event(mention))
        server.close_client(runner)
    assert runner.reconnects == 1
    assert len(slack.calls_to("apps.connections.open")) == 2
    assert probe.done == [mention["event_id"]]


def test_messages_from_slack_keep_the_connection(runtime: Runtime, slack: FakeSlackApi) -> None:
    ticks = Ticks()
    with FakeSocketModeServer(slack) as server:
        runner, _probe = start_runner(runtime, server, ticks)
        ticks.now += 50
        server.wait_for_ack(server.push_event(payloads.app_mention("<@UBOT> ping")))
        ticks.now += 50  # 100 s since connecting, 50 s since the last event
        assert runner.check_liveness() is False
        server.close_client(runner)
    assert server.connections_accepted == 1
