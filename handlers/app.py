"""Build the Bolt app: one App, every listener package registered with the same Runtime."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import ParamSpec, TypeVar

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.runtime import Runtime
from handlers import ask, digest, feedback, handoff, home, middleware

P = ParamSpec("P")
T = TypeVar("T")


class InlineExecutor(Executor):
    """Runs each submitted call at once in the caller's thread (lazy listeners included)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run `fn` now; its result or exception is in the returned, completed future."""
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # a Future carries any failure, as a pool's would
            future.set_exception(error)
        return future


def make_client(runtime: Runtime) -> WebClient:
    """A Web API client on SLACK_API_URL that honours 429 Retry-After and retries 5xx once."""
    return WebClient(
        token=runtime.settings.slack_bot_token or None,
        base_url=runtime.settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=1),
            ConnectionErrorRetryHandler(max_retry_count=1),
        ],
    )


def build_app(
    runtime: Runtime,
    *,
    client: WebClient | None = None,
    synchronous: bool = False,
    hand_off: Callable[[], None] | None = None,
) -> App:
    """The Bolt app for both Socket Mode and HTTP mode.

    `synchronous=True` runs every listener, lazy ones included, inside `dispatch`: the event
    workers (handlers/workers.py) need to know when an event has been handled. `hand_off`
    (the workers' `notify`) makes Events API deliveries recorded and acked only, for the
    workers to run; without it their listeners run here.
    """
    settings = runtime.settings
    app = App(
        client=client or make_client(runtime),
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        token_verification_enabled=False,
        process_before_response=synchronous,
        listener_executor=InlineExecutor() if synchronous else None,
    )
    # The exactly-once middleware must come before any listener package's middleware.
    middleware.register(app, runtime, hand_off)
    ask.register(app, runtime)
    feedback.register(app, runtime)
    handoff.register(app, runtime)
    digest.register(app, runtime)
    home.register(app, runtime)
    middleware.register_fallback(app, runtime)  # last: catches only what nothing else took
    return app
