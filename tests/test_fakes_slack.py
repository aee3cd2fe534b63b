"""The Slack fakes work with real clients: slack_sdk's WebClient, Bolt over HTTP, Socket Mode."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest, Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.fakes import (
    FakeSlackApi,
    FakeSocketModeServer,
    SlackSender,
    payloads,
    serve_wsgi,
    sign,
)

SECRET = "test-signing-secret"
THREAD = "1600000000.000100"


def test_sign_reproduces_slack_docs_example() -> None:
    example = payloads.load("signing/docs_signature_example.json")
    timestamp = int(example["headers"]["X-Slack-Request-Timestamp"])
    headers = sign(example["raw_body"].encode(), example["signing_secret"], timestamp)
    assert headers == example["headers"]


def test_post_message_is_recorded_and_stored_in_thread(slack: FakeSlackApi) -> None:
    response = slack.client().chat_postMessage(channel="C111", text="hi", thread_ts=THREAD)
    [call] = slack.wait_for("chat.postMessage")
    assert call.params == {"channel": "C111", "text": "hi", "thread_ts": THREAD}
    assert call.token == "xoxb-test" and call.headers["Authorization"] == "<redacted>"
    assert response["ts"] == "1700000000.000200"
    assert [m["text"] for m in slack.messages("C111", thread_ts=THREAD)] == ["hi"]
    assert slack.messages("C111") == []  # a reply is not a top-level message


def test_rate_limit_is_retried_after_retry_after(slack: FakeSlackApi) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = slack.client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    assert client.chat_postMessage(channel="C111", text="x")["ok"]
    limited, retried = slack.calls_to("chat.postMessage")
    assert (limited.status, limited.response_headers) == (429, {"Retry-After": "0"})
    assert limited.response == {"ok": False, "error": "ratelimited"}
    assert retried.status == 200 and retried.params == limited.params


def test_server_error_surfaces_as_slack_api_error(slack: FakeSlackApi) -> None:
    slack.fail_next("chat.update", status=500)
    with pytest.raises(SlackApiError) as raised:
        slack.client().chat_update(channel="C111", ts=THREAD, text="x")
    assert raised.value.response.status_code == 500


def test_ok_false_error_applies_once_then_answers_normally(slack: FakeSlackApi) -> None:
    slack.fail_next("auth.test", error="invalid_auth")
    with pytest.raises(SlackApiError) as raised:
        slack.client().auth_test()
    assert raised.value.response["error"] == "invalid_auth"
    assert slack.client().auth_test()["user_id"] == "UBOT"


def test_unknown_method_and_missing_token(slack: FakeSlackApi) -> None:
    with pytest.raises(SlackApiError, match="unknown_method"):
        slack.client().api_call("nope.never")
    with pytest.raises(SlackApiError, match="not_authed"):
        slack.client(token="").chat_postMessage(channel="C1", text="x")


def test_delay_makes_a_client_time_out(slack: FakeSlackApi) -> None:
    slack.delay("users.info", 30)
    with pytest.raises(TimeoutError):
        slack.client(timeout=0.2).users_info(user="U1")


def test_wait_for_fails_with_what_was_called(slack: FakeSlackApi) -> None:
    slack.client().auth_test()
    with pytest.raises(AssertionError, match=r"chat.update.*auth.test"):
        slack.wait_for("chat.update", timeout=0.05)


def test_chat_stream_builds_one_message_with_blocks(slack: FakeSlackApi) -> None:
    streamer = slack.client().chat_stream(
        channel="C111",
        thread_ts=THREAD,
        recipient_team_id="T111",
        recipient_user_id="U222",
        buffer_size=1,
    )
    streamer.append(markdown_text="Hello ")
    streamer.append(markdown_text="world")
    streamer.stop(blocks=[{"type": "divider"}])
    methods = [c.method for c in slack.calls]
    assert methods == ["chat.startStream", "chat.appendStream", "chat.stopStream"]
    [message] = slack.messages("C111", thread_ts=THREAD)
    assert message["text"] == "Hello world" and message["blocks"] == [{"type": "divider"}]


def test_streaming_rules_and_disabled_streaming(slack: FakeSlackApi) -> None:
    client = slack.client()
    with pytest.raises(SlackApiError, match="missing_recipient_team_id"):
        client.chat_startStream(channel="C111", thread_ts=THREAD)
    assert client.chat_startStream(channel="D111", thread_ts=THREAD)["ok"]  # DMs need none
    slack.disable_streaming()
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        client.chat_startStream(channel="D111", thread_ts=THREAD)


def test_files_upload_v2_uploads_and_shares_in_thread(slack: FakeSlackApi) -> None:
    client = slack.client()
    done = client.files_upload_v2(
        content=b"png-bytes", filename="chart.png", channel="C111", thread_ts=THREAD
    )
    file_id = done["file"]["id"]
    assert slack.uploaded_files() == {file_id: b"png-bytes"}
    [message] = slack.messages("C111", thread_ts=THREAD)
    assert message["files"][0]["id"] == file_id


def test_views_open_update_and_hash_conflict(slack: FakeSlackApi) -> None:
    client = slack.client()
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Fix"}, "blocks": []}
    opened = client.views_open(trigger_id="111.1.xxx", view=modal)["view"]
    updated = client.views_update(view_id=opened["id"], view=modal, hash=opened["hash"])
    assert updated["view"]["id"] == opened["id"] and updated["view"]["hash"] != opened["hash"]
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=opened["id"], view=modal, hash=opened["hash"])


def test_payload_builders_override_real_payloads() -> None:
    first = payloads.app_mention("<@UBOT> hi", user="U9", thread_ts=THREAD)
    second = payloads.app_mention("<@UBOT> again")
    assert first["event_id"] != second["event_id"] and first["event"]["ts"] != second["event"]["ts"]
    assert first["event"]["user"] == "U9" and first["event"]["thread_ts"] == THREAD
    assert first["event"]["client_msg_id"] == "f0582a78-72db-4feb-b2f3-1e47d66365c8"  # kept
    click = payloads.block_action("feedback", "down", action_type="feedback_buttons")
    assert (
        click["actions"][0]["type"] == "feedback_buttons" and click["actions"][0]["value"] == "down"
    )
    assert payloads.slash_command("/ask", "vpn")["command"] == "/ask"


def _bolt_app(slack: FakeSlackApi) -> App:
    app = App(client=slack.client(), signing_secret=SECRET)

    @app.event("app_mention")
    def on_app_mention(event: dict[str, Any], say: Say, request: BoltRequest) -> None:
        retry = request.headers.get("x-slack-retry-num", ["none"])[0]
        say(text=f"answer (retry {retry})", thread_ts=event.get("thread_ts") or event["ts"])

    @app.action("feedback")
    def on_feedback(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        value = body["actions"][0]["value"]
        client.chat_postEphemeral(
            channel=body["channel"]["id"], user=body["user"]["id"], text=value
        )

    @app.command("/ask")
    def on_ask(ack: Ack) -> None:
        ack("thinking")

    return app


def test_bolt_over_http_answers_signed_requests(slack: FakeSlackApi) -> None:
    with serve_wsgi(SlackRequestHandler(_bolt_app(slack))) as base_url:
        sender = SlackSender(base_url + "/slack/events", SECRET, clock=time.time)
        mention = payloads.app_mention("<@UBOT> where is the VPN guide?", channel="C42")
        assert sender.send_event(mention).status == 200
        assert sender.send_event(mention, retry_num=1, retry_reason="http_timeout").status == 200
        first, retry = slack.wait_for("chat.postMessage", count=2)
        assert first.params["channel"] == "C42"
        assert first.params["thread_ts"] == mention["event"]["ts"]
        assert sorted([first.params["text"], retry.params["text"]]) == [
            "answer (retry 1)",
            "answer (retry none)",
        ]
        click = payloads.block_action("feedback", "down", user="U7", channel="C42")
        assert sender.send_interactive(click).status == 200
        [ephemeral] = slack.wait_for("chat.postEphemeral")
        assert ephemeral.params["user"] == "U7" and ephemeral.params["text"] == "down"
        command = sender.send_command(payloads.slash_command("/ask", "vpn"))
        assert (command.status, command.body) == (200, "thinking")
        challenge = sender.send_event(payloads.url_verification("abc"))
        assert (challenge.status, json.loads(challenge.body)) == (200, {"challenge": "abc"})


def test_bolt_over_http_refuses_a_forged_signature(slack: FakeSlackApi) -> None:
    with serve_wsgi(SlackRequestHandler(_bolt_app(slack))) as base_url:
        forger = SlackSender(base_url + "/slack/events", "not-the-secret", clock=time.time)
        assert forger.send_event(payloads.app_mention("<@UBOT> hi")).status == 401
        stale = SlackSender(base_url + "/slack/events", SECRET, clock=lambda: time.time() - 301)
        assert stale.send_event(payloads.app_mention("<@UBOT> hi")).status == 401
        unsigned = {"Content-Type": "application/json"}
        assert stale.send_raw(b'{"type": "event_callback"}', unsigned).status == 401
    assert slack.calls_to("chat.postMessage") == []


def _routing_app(slack: FakeSlackApi) -> App:
    """Bolt answers 404 when no listener matches, so a 200 proves the payload routed."""
    app = App(client=slack.client(), signing_secret=SECRET)

    def acknowledge(ack: Ack) -> None:
        ack()

    for event_type in ("message", "assistant_thread_started", "app_home_opened"):
        app.event(event_type)(acknowledge)
    app.event("reaction_added")(acknowledge)
    app.event("reaction_removed")(acknowledge)
    app.shortcut("report")(acknowledge)
    app.view("fix")(acknowledge)
    app.view_closed("fix")(acknowledge)
    return app


BUILT: dict[str, tuple[str, dict[str, Any]]] = {
    "dm": ("event", payloads.dm("hi")),
    "dm_in_thread": ("event", payloads.dm("hi", thread_ts=THREAD)),
    "thread_reply": ("event", payloads.thread_reply("more", thread_ts=THREAD)),
    "assistant_thread_started": ("event", payloads.assistant_thread_started()),
    "reaction_added": ("event", payloads.reaction_added("-1", item_ts=THREAD)),
    "reaction_removed": ("event", payloads.reaction_removed("-1", item_ts=THREAD)),
    "app_home_opened": ("event", payloads.app_home_opened("U5")),
    "app_home_messages": ("event", payloads.app_home_opened("U5", tab="messages")),
    "message_shortcut": ("interactive", payloads.message_shortcut("report")),
    "view_submission": ("interactive", payloads.view_submission("fix", {"b": {}}, user="U5")),
    "view_closed": ("interactive", payloads.view_closed("fix")),
}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_every_builder_routes_to_its_bolt_listener(slack: FakeSlackApi, name: str) -> None:
    kind, body = BUILT[name]
    with serve_wsgi(SlackRequestHandler(_routing_app(slack))) as base_url:
        sender = SlackSender(base_url + "/slack/events", SECRET, clock=time.time)
        send = sender.send_event if kind == "event" else sender.send_interactive
        assert send(body).status == 200


def test_socket_mode_delivers_envelopes_and_gets_acks(slack: FakeSlackApi) -> None:
    with FakeSocketModeServer(slack) as socket_mode:
        handler = SocketModeHandler(_bolt_app(slack), app_token="xapp-test")
        handler.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
        try:
            event_id = socket_mode.push_event(payloads.app_mention("<@UBOT> hi"))
            assert socket_mode.wait_for_ack(event_id) == {"envelope_id": event_id}
            # Bolt turns the envelope's retry_attempt into X-Slack-Retry-Num, 0 here
            assert slack.wait_for("chat.postMessage")[0].params["text"] == "answer (retry 0)"
            command_id = socket_mode.push_command(payloads.slash_command("/ask", "vpn"))
            assert socket_mode.wait_for_ack(command_id)["payload"] == {"text": "thinking"}
            click_id = socket_mode.push_interactive(payloads.block_action("feedback", "up"))
            socket_mode.wait_for_ack(click_id)
            assert slack.wait_for("chat.postEphemeral")[0].params["text"] == "up"
        finally:
            socket_mode.close_client(handler)
    assert slack.calls_to("apps.connections.open")[0].token == "xapp-test"
