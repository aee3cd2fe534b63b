"""Slack markup in, plain text out: what the person typed, with nothing escaped twice."""

from __future__ import annotations

import pytest

from bot.mrkdwn import escape
from handlers.slack_text import plain_text


@pytest.mark.parametrize(
    ("received", "typed"),
    [
        ("R&amp;D budget &lt;2024&gt;?", "R&D budget <2024>?"),
        ("ask <@U123|ann> or <@U456>", "ask @ann or @U456"),
        ("in <#C1|general> and <#C2>", "in #general and #C2"),
        ("<!here> <!channel> <!subteam^S1|@it-team> <!subteam^S2>", "@here @channel @it-team @S2"),
        ("see <https://x.io/a?b=1&amp;c=2|the doc>", "see the doc (https://x.io/a?b=1&c=2)"),
        ("<https://x.io> or <mailto:a@b.io|a@b.io>", "https://x.io or a@b.io"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
    ],
)
def test_markup_becomes_what_was_typed(received: str, typed: str) -> None:
    assert plain_text(received) == typed


def test_round_trip_through_escape_never_pings_or_doubles() -> None:
    shown = escape(plain_text("<!channel> R&amp;D <https://evil.io|https://good.io>"))
    assert shown == "@channel R&amp;D https://good.io (https://evil.io)"
    assert "<!" not in shown and "&amp;amp;" not in shown
