"""Sending a period's digests to Slack: behind the scheduler and `lastmile digest --send`."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.digest.delivery import Delivery, deliver_all
from bot.digest.knowledge_to_fix import knowledge_dates
from bot.digest.labeling import theme_labeler
from bot.digest.period import Period
from bot.digest.theme_review import reviewed, theme_reviewer
from bot.digest.themes import Clusterer, default_clusterer
from bot.runtime import Runtime
from handlers.digest.poster import SlackPoster


def send_digests(
    runtime: Runtime,
    client: WebClient,
    period: Period,
    *,
    clusterer: Clusterer = default_clusterer,
    chart: bool = True,
) -> list[Delivery]:
    """Post every owner's digest for `period` exactly once (claimed in the database).

    With a model provider, new themes get model-written labels and borderline theme pairs a
    model review (one labeler and one reviewer per run, so their budgets and
    give-up-after-a-failure apply to this run only).
    """
    poster = SlackPoster(client, chart=chart)
    reviewer = theme_reviewer(runtime.answerer, runtime.prompts["theme_review"])
    return deliver_all(
        runtime.store, poster, period, instance_id=runtime.instance_id,
        clusterer=reviewed(clusterer, reviewer),
        labeler=theme_labeler(runtime.answerer, runtime.prompts["theme_label"]),
        knowledge=knowledge_dates(runtime.knowledge, runtime.settings.stale_after_days),
        trace_link=runtime.settings.traces.link,
    )  # fmt: skip
