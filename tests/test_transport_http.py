"""HTTP mode: signed requests over real HTTP to the real app served by `lastmile serve`'s code."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.clock import ManualClock
from bot.runtime import Runtime
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.signing import FORM_TYPE, JSON_TYPE, sign
from tests.fakes.transport import SECRET, AckOnly, http_get, serving, transport_runtime


def test_url_verification_answers_the_challenge(runtime: Runtime) -> None:
    with serving(runtime) as served:
        reply = served.sender.send_event(payloads.url_verification("challenge-42"))
    assert reply.status == 200
    assert json.loads(reply.body) == {"challenge": "challenge-42"}


def test_forged_signature_is_refused_with_401(runtime: Runtime) -> None:
    with serving(runtime) as served:
        body = json.dumps(payloads.app_mention("<@UBOT> hi")).encode()
        headers = {"Content-Type": JSON_TYPE} | sign(body, "not-the-secret", int(time.time()))
        reply = served.sender.send_raw(body, headers)
    assert reply.status == 401
    assert served.probe.seen == []


def test_stale_timestamp_is_refused_with_401(runtime: Runtime) -> None:
    with serving(runtime) as served:
        served.sender.clock = lambda: time.time() - 600  # signed correctly, 10 minutes ago
        reply = served.sender.send_event(payloads.app_mention("<@UBOT> hi"))
    assert reply.status == 401
    assert served.probe.seen == []


@pytest.mark.parametrize("timestamp", ["not-a-number", "1.5e9", "", "1700000000abc"])
def test_malformed_timestamp_gets_400_never_500(runtime: Runtime, timestamp: str) -> None:
    with serving(runtime) as served:
        body = json.dumps(payloads.app_mention("<@UBOT> hi")).encode()
        headers = {"Content-Type": JSON_TYPE, "X-Slack-Request-Timestamp": timestamp}
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
        reply = served.sender.send_raw(body, headers)
    assert reply.status == 400
    assert served.probe.seen == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b'{"type": "event_callback", "event": ', JSON_TYPE), (b"payload=%7Bbad", FORM_TYPE)],
    ids=["broken-json", "broken-form-payload"],
)
def test_signed_but_malformed_body_gets_400_never_500(
    runtime: Runtime, body: bytes, content_type: str
) -> None:
    with serving(runtime) as served:
        headers = {"Content-Type": content_type} | sign(body, SECRET, int(time.time()))
        reply = served.sender.send_raw(body, headers)
    assert reply.status == 400 and "malformed body" in reply.body


def test_failed_verification_never_logs_the_body(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    secret_words = "my-salary-is-12345"
    with serving(runtime) as served:
        # As if LASTMILE_LOG_LEVEL=DEBUG had made every logger talkative.
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="slack_bolt.RequestVerification")
        body = json.dumps(payloads.app_mention(f"<@UBOT> {secret_words}")).encode()
        headers = {"Content-Type": JSON_TYPE} | sign(body, "forged", int(time.time()))
        reply = served.sender.send_raw(body, headers)
    assert reply.status == 401
    assert secret_words not in caplog.text
    assert "xoxb-test" not in caplog.text


def test_retried_delivery_is_acked_and_processed_once(runtime: Runtime) -> None:
    mention = payloads.app_mention("<@UBOT> how do I expense a taxi?")
    with serving(runtime) as served:
        first = served.sender.send_event(mention)
        retries = [served.sender.send_event(mention, retry_num=n) for n in (1, 2, 3)]
    assert [first.status, *[r.status for r in retries]] == [200, 200, 200, 200]
    assert served.probe.seen == [mention["event_id"]]
    assert served.probe.done == [mention["event_id"]]
    row = runtime.store.get_event(mention["event_id"])
    assert row is not None and (row.status, row.kind, row.attempts) == ("done", "app_mention", 1)


def test_same_event_at_two_replicas_is_processed_once(
    database_url: str, clock: ManualClock, slack: FakeSlackApi
) -> None:
    one = transport_runtime(database_url, clock, slack.api_url)
    two = transport_runtime(database_url, clock, slack.api_url)
    mention = payloads.app_mention("<@UBOT> where is the VPN guide?")
    with serving(one) as first, serving(two) as second:
        replies = [first.sender.send_event(mention), second.sender.send_event(mention)]
    assert [r.status for r in replies] == [200, 200]
    assert first.probe.done + second.probe.done == [mention["event_id"]]
    assert len(first.probe.seen + second.probe.seen) == 1
    one.store.engine.dispose()
    two.store.engine.dispose()


@pytest.mark.parametrize(
    "payload_file", ["events/message_bot_message.json", "events/message_from_bot_no_subtype.json"]
)
def test_messages_from_bots_are_ignored(runtime: Runtime, payload_file: str) -> None:
    body = payloads.load(payload_file)
    with serving(runtime) as served:
        reply = served.sender.send_event(body)
    assert reply.status == 200
    assert served.probe.seen == []
    assert runtime.store.get_event(body["event_id"]) is None


def test_our_own_messages_are_ignored(runtime: Runtime) -> None:
    ours = payloads.dm("Here is your answer", user="UBOT")
    with serving(runtime) as served:
        reply = served.sender.send_event(ours)
    assert reply.status == 200
    assert served.probe.seen == []


def test_stored_payload_has_no_token(runtime: Runtime) -> None:
    mention = payloads.app_mention("<@UBOT> hi")
    assert "token" in mention
    # Acked, not yet processed: the only state that keeps a payload (finishing drops it).
    with serving(runtime, probe=AckOnly(runtime)) as served:
        served.sender.send_event(mention)
    row = runtime.store.get_event(mention["event_id"])
    assert row is not None and "token" not in row.payload
    assert row.payload["event"]["text"] == "<@UBOT> hi"


def test_app_rate_limited_is_acknowledged_with_a_warning(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    with serving(runtime) as served, caplog.at_level(logging.WARNING):
        reply = served.sender.send_event(payloads.load("events/app_rate_limited.json"))
    assert reply.status == 200
    assert "rate limiting events" in caplog.text


def test_healthz_and_readyz_answer_200_when_the_database_is_up(runtime: Runtime) -> None:
    with serving(runtime) as served:
        assert http_get(served.url + "/healthz") == (200, '{"status": "ok"}')
        status, body = http_get(served.url + "/readyz")
        assert (status, json.loads(body)["database"]) == (200, "ok")
        assert http_get(served.url + "/nope")[0] == 404
        assert http_get(served.url + "/slack/events")[0] == 405


def test_oversized_body_is_refused_with_413(runtime: Runtime) -> None:
    with serving(runtime) as served:
        body = b"x" * 1_000_001
        headers = {"Content-Type": JSON_TYPE} | sign(body, SECRET, int(time.time()))
        reply = served.sender.send_raw(body, headers)
    assert reply.status == 413
