"""Whose answer is it: the owner of an answer's subject, and who may act on the answer."""

from __future__ import annotations

from bot.owners import GroupMembers, can_act, owner_people, route_owner
from bot.runtime import Runtime
from storage.models import Answer, Owner


def answer_owner(runtime: Runtime, answer: Answer) -> Owner | None:
    """The owner the answer's question routes to (its channel, then its topic, then default)."""
    question = runtime.store.get_question(answer.question_id)
    return route_owner(runtime.store, answer.channel_id, question.text if question else "")


def may_act_on_answer(
    runtime: Runtime, answer: Answer, user_id: str, groups: GroupMembers | None
) -> bool:
    """The clicker is one of the owner's people, or an admin; nobody else, whatever they saw."""
    owner = answer_owner(runtime, answer)
    admins = runtime.settings.admins
    return can_act(owner, user_id, admins, groups) if owner else user_id in admins


def people_for_question(
    runtime: Runtime, channel_id: str, question: str, groups: GroupMembers | None
) -> tuple[str, ...]:
    """Who sees the owner-only controls on an answer to `question` in `channel_id`."""
    owner = route_owner(runtime.store, channel_id, question)
    return owner_people(owner, runtime.settings.admins, groups)
