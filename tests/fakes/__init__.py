"""Local fake servers for tests. The Slack ones (the LLM fakes are separate modules):

- `FakeSlackApi` (slack_api): HTTP Web API for `WebClient(base_url=fake.api_url)`; records
  calls, keeps messages/views/files, injects faults.
- `FakeSocketModeServer` (socket_mode): WebSocket server that `SocketModeHandler` connects to.
- `SlackSender`, `sign` (signing): signed Events/interactivity/command requests over HTTP.
- `serve_wsgi` (wsgi_server): run Bolt's WSGI adapter on a real local port.
- `payloads`: captured Slack payloads with fields overridden.
Bot identity everywhere: user `UBOT`, bot `BBOT`, team `T111`, app `A111`.
"""

from . import payloads
from .signing import SlackReply, SlackSender, sign
from .slack_api import FakeSlackApi, RecordedCall
from .slack_messages import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID
from .socket_mode import FakeSocketModeServer
from .wsgi_server import serve_wsgi

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "FakeSlackApi",
    "FakeSocketModeServer",
    "RecordedCall",
    "SlackReply",
    "SlackSender",
    "payloads",
    "serve_wsgi",
    "sign",
]
