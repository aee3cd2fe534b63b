"""`lastmile serve` started while PostgreSQL is unreachable waits for it, then serves; a cut
during operation answers 503 (Slack retries) and never kills the process.

The database is reached through `TcpProxy`, taken down and brought back as a restart would.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fakes import FakeSlackApi, SlackSender, payloads
from tests.fakes.tcp_proxy import TcpProxy
from tests.fakes.transport import SECRET, http_get
from tests.test_transport_cli import environment, read_until, start, stop


def _through(proxy: TcpProxy, url: str) -> str:
    return url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}").replace(
        "localhost:5432", f"127.0.0.1:{proxy.port}"
    )


@pytest.mark.postgres
def test_serve_waits_for_an_unreachable_database_then_serves_and_outlives_a_cut(
    postgres_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    with TcpProxy("127.0.0.1", 5432) as proxy:
        proxy.down()
        env = environment(
            _through(proxy, postgres_url),
            slack,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            LASTMILE_DATABASE_WAIT="120",
        )
        proc = start(["serve", "--host", "127.0.0.1", "--port", "0"], env, tmp_path)
        try:
            waiting = read_until(proc, "database unreachable")
            assert proc.poll() is None  # still waiting, not exited with a traceback
            proxy.up()
            line = read_until(proc, "lastmile serving Slack at ")
            events_url = line.split(" at ", 1)[1].strip()
            base = events_url.removesuffix("/slack/events")
            sender = SlackSender(events_url, SECRET)
            first = payloads.app_mention("<@UBOT> are you up?")
            assert sender.send_event(first).status == 200
            slack.wait_for("chat.startStream", 1, timeout=30)

            proxy.down()  # a cut during operation
            cut = payloads.app_mention("<@UBOT> and now?")
            started = time.monotonic()
            during = sender.send_event(cut)
            answered_in = time.monotonic() - started
            probes = (http_get(base + "/healthz")[0], http_get(base + "/readyz")[0])
            proxy.up()
            after = sender.send_event(cut, retry_num=1, retry_reason="http_error")
            slack.wait_for("chat.startStream", 2, timeout=30)
            alive = proc.poll() is None
        finally:
            code = stop(proc)
    assert "retrying in" in waiting
    assert during.status == 503 and answered_in < 3.0  # in time for Slack to retry
    assert probes == (200, 503)
    assert after.status == 200 and alive
    assert code == 0
