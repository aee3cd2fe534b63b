"""The demo's owners: their TOML file, and what they click in their week-1 digest.

The People team approves two proposed corrections and marks their themes fixed; IT archives the
page naming the retired VPN client and marks the VPN theme fixed. Everything is a click on the
posted digest's buttons, sent over signed HTTP as Slack would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.demo.world import DemoWorld
from bot.digest.model import answer_ids_from
from bot.vocabulary import ActionId

Json = dict[str, Any]
APPROVE, MARK_FIXED = ActionId.APPROVE_CORRECTION, ActionId.MARK_FIXED
PEOPLE, IT, PLATFORM = "UPEOPLE01", "UITLEAD01", "UAIPLAT01"
APPROVE_TOPICS = ("vacation-days", "parental-leave")
ARCHIVED_PAGE = "it/vpn-setup-old.md"
FIX_TOPIC = "vpn"

OWNERS_TOML = f"""# Who reviews which failures (written by `lastmile demo`).
[[owner]]
name = "People team"
slack = "{PEOPLE}"
topics = ["vacation", "leave", "parental", "payroll", "payslip", "pay", "sick", "remote",
          "insurance", "performance review", "learning", "training", "travel", "hotel",
          "flight", "visa", "relocation"]

[[owner]]
name = "IT"
slack = "{IT}"
topics = ["vpn", "password", "laptop", "wifi", "wi-fi", "software", "print", "printing",
          "phishing", "two-factor"]

[[owner]]
name = "AI platform"
slack = "{PLATFORM}"
default = true
"""


@dataclass
class OwnerActions:
    """What the owners did after reading the week-1 digest."""

    approved: list[str] = field(default_factory=list)  # topic keys
    answered: list[str] = field(default_factory=list)  # topics answered from "Couldn't answer well"
    fixed_themes: list[int] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)


def buttons(message: Json) -> Iterator[Json]:
    """Every button of a message: section accessories and actions elements."""
    for block in message.get("blocks") or []:
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            yield accessory
        yield from block.get("elements") or []


def theme_topics(world: DemoWorld, topic_of: Mapping[int, str]) -> dict[int, Counter[str]]:
    """For each theme, the demo topics of the answers its failures were about."""
    found: dict[int, Counter[str]] = {}
    for feedback, answer, _question in world.runtime.store.export_rows(since=None, kind=None):
        if feedback.theme_id is not None and answer.id is not None and answer.id in topic_of:
            found.setdefault(feedback.theme_id, Counter())[topic_of[answer.id]] += 1
    return found


def approve_corrections(
    world: DemoWorld, owner: str, digest: Json, channel: str, topic_of: Mapping[int, str]
) -> tuple[list[str], set[int]]:
    """Approve one proposed correction per wanted topic; returns topics and their themes."""
    store = world.runtime.store
    clicker = {"id": owner, "username": "people-lead", "name": "People team lead"}
    approved: list[str] = []
    themes: set[int] = set()
    for button in buttons(digest):
        if button.get("action_id") != APPROVE:
            continue
        feedback = store.get_feedback(int(str(button.get("value"))))
        topic = topic_of.get(feedback.answer_id) if feedback is not None else None
        if feedback is None or topic not in APPROVE_TOPICS or topic in approved:
            continue
        action = {"action_id": APPROVE, "block_id": "fix", "type": "button"}
        modal = world.press(clicker, channel, digest, action | {"value": button["value"]})
        if not modal:
            continue
        # The owner keeps the proposed text and every flagged wording of the theme ticked.
        world.submit_as_prefilled(clicker, modal)
        approved.append(str(topic))
        if feedback.theme_id is not None:
            themes.add(feedback.theme_id)
    return approved, themes


def mark_fixed(world: DemoWorld, owner: str, digest: Json, channel: str, theme_id: int) -> bool:
    """Click "Mark fixed" on a theme, read the check, and confirm it; False without a button."""
    for button in buttons(digest):
        if button.get("action_id") == MARK_FIXED and str(button.get("value")) == str(theme_id):
            clicker = {"id": owner, "username": owner.lower(), "name": owner}
            action = {"action_id": MARK_FIXED, "block_id": f"act:{theme_id}", "type": "button"}
            world.press(clicker, channel, digest, action | {"value": str(theme_id)})
            check = world.ephemeral_with(owner, ActionId.CONFIRM_FIXED)
            if check is None:
                return False
            message, confirm = check
            world.press(clicker, channel, message, confirm | {"type": "button"})
            return True
    return False


def themes_about(topics: Mapping[int, Counter[str]], topic: str) -> list[int]:
    """Themes whose failures are mostly about `topic`."""
    return [theme for theme, seen in topics.items() if seen.most_common(1)[0][0] == topic]


def propose_answers(
    world: DemoWorld, owner: str, digest: Json, channel: str, answers: Mapping[str, str],
    topic_of: Mapping[int, str],
) -> list[str]:  # fmt: skip
    """Click "Propose an answer" on each unflagged theme whose newest question is about a topic
    in `answers`, and submit the topic's answer with every offered wording ticked."""
    clicker = {"id": owner, "username": "people-lead", "name": "People team lead"}
    answered: list[str] = []
    for block in digest.get("blocks") or []:
        button = block.get("accessory") or {}
        if button.get("action_id") != ActionId.PROPOSE_ANSWER:
            continue
        ids = answer_ids_from(button.get("value"))
        topic = topic_of.get(ids[0]) if ids else None
        if topic is None or topic not in answers or topic in answered:
            continue
        action = {"type": "button", "block_id": block.get("block_id"), **button}
        modal = world.press(clicker, channel, digest, action)
        if modal:
            world.submit_prefilled_with(clicker, modal, answers[topic])
            answered.append(topic)
    return answered
