"""Hand-offs: one per answer, each copy of its message, and the claim/resolve transitions.

Every transition is one conditional UPDATE (`WHERE status = ...`), so two helpers clicking at
once, or two replicas handling one click, leave exactly one winner.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select

from bot.vocabulary import HandoffStatus
from storage.models import Handoff, HandoffPost
from storage.queries.base import StoreBase

IN_FLIGHT = ""
"""`channel_id` of a copy being posted right now."""


class HandoffQueries(StoreBase):
    """Queries on `handoff` and `handoff_post`."""

    def open_handoff(self, row: Handoff) -> tuple[Handoff, bool]:
        """Store a new hand-off, or return the answer's existing one; (row, created)."""
        existing = select(Handoff).where(Handoff.answer_id == row.answer_id)
        return self.insert_once(row, existing)

    def get_handoff(self, handoff_id: int) -> Handoff | None:
        """One hand-off by id."""
        with self.session() as session:
            return session.get(Handoff, handoff_id)

    def handoff_posts(self, handoff_id: int) -> list[HandoffPost]:
        """Every copy of the hand-off's message (posted or still to post), in order."""
        with self.session() as session:
            query = select(HandoffPost).where(HandoffPost.handoff_id == handoff_id)
            return list(session.exec(query.order_by(col(HandoffPost.id))).all())

    def plan_handoff_posts(self, handoff_id: int, recipients: Sequence[str]) -> list[HandoffPost]:
        """Record who gets a copy (once each, whatever retries do); every post row after."""
        for recipient in recipients:
            self.try_insert(HandoffPost(handoff_id=handoff_id, recipient=recipient))
        return self.handoff_posts(handoff_id)

    def take_handoff_post(self, post_id: int) -> bool:
        """Mark one unposted copy as being posted (`channel_id = ""`); False if another click
        or replica has it, so a copy is posted once."""
        with self.session() as session:
            result = session.exec(
                update(HandoffPost)
                .where(col(HandoffPost.id) == post_id, col(HandoffPost.channel_id).is_(None))
                .values(channel_id=IN_FLIGHT)
            )
            return bool(result.rowcount == 1)

    def release_handoff_post(self, post_id: int) -> None:
        """A failed post: the copy is unposted again, for the next click."""
        with self.session() as session:
            session.exec(
                update(HandoffPost)
                .where(col(HandoffPost.id) == post_id, col(HandoffPost.channel_id) == IN_FLIGHT)
                .values(channel_id=None)
            )

    def set_handoff_post(self, post_id: int, channel_id: str, message_ts: str) -> None:
        """Where one copy landed."""
        with self.session() as session:
            session.exec(
                update(HandoffPost)
                .where(col(HandoffPost.id) == post_id)
                .values(channel_id=channel_id, message_ts=message_ts)
            )

    def handoff_by_post(self, channel_id: str, message_ts: str) -> Handoff | None:
        """The hand-off a helper's copy (channel + ts) belongs to."""
        with self.session() as session:
            query = (
                select(Handoff)
                .join(HandoffPost, col(HandoffPost.handoff_id) == col(Handoff.id))
                .where(HandoffPost.channel_id == channel_id, HandoffPost.message_ts == message_ts)
            )
            return session.exec(query).first()

    def claim_handoff(self, handoff_id: int, user_id: str) -> bool:
        """Open -> claimed by `user_id`; False if someone got there first."""
        return self._move(
            handoff_id,
            (HandoffStatus.OPEN,),
            status=HandoffStatus.CLAIMED,
            claimed_by=user_id,
            claimed_at=self.now(),
        )

    def resolve_handoff(self, handoff_id: int, user_id: str) -> bool:
        """Open or claimed -> resolved by `user_id`; False if it was resolved already."""
        return self._move(
            handoff_id,
            (HandoffStatus.OPEN, HandoffStatus.CLAIMED),
            status=HandoffStatus.RESOLVED,
            resolved_by=user_id,
            resolved_at=self.now(),
        )

    def set_handoff_correction(self, handoff_id: int, feedback_id: int) -> bool:
        """Link the correction proposed from it; False if one was linked already."""
        with self.session() as session:
            result = session.exec(
                update(Handoff)
                .where(col(Handoff.id) == handoff_id, col(Handoff.correction_feedback_id).is_(None))
                .values(correction_feedback_id=feedback_id)
            )
            return bool(result.rowcount == 1)

    def handoffs_for_answers(self, answer_ids: Sequence[int]) -> list[Handoff]:
        """The hand-offs of these answers (for the digest's per-theme counts)."""
        if not answer_ids:
            return []
        with self.session() as session:
            query = select(Handoff).where(col(Handoff.answer_id).in_(list(answer_ids)))
            return list(session.exec(query).all())

    def _move(self, handoff_id: int, sources: Sequence[str], **values: object) -> bool:
        with self.session() as session:
            result = session.exec(
                update(Handoff)
                .where(col(Handoff.id) == handoff_id, col(Handoff.status).in_(list(sources)))
                .values(**values)
            )
            return bool(result.rowcount == 1)
