"""The weekly digest: failures of a period, routed to owners, clustered into lasting themes.

`build_digest` makes a Slack-free `Digest`; `render_markdown` and `daily_chart_png` render it
here, handlers/digest renders Block Kit. `deliver_digest`/`deliver_all` post each owner's
digest exactly once through any `DigestPoster`.
"""

from bot.digest.build import build_digest, collect_failures, route_failures
from bot.digest.chart import daily_chart_png
from bot.digest.delivery import (
    LEASE,
    Delivery,
    DigestPoster,
    deliver_all,
    deliver_digest,
    digest_marker,
)
from bot.digest.markdown import render_markdown
from bot.digest.model import Counts, Digest, Example, ProposedCorrection, ThemeDigest
from bot.digest.period import Period, parse_week, period_ended_before, week_containing

__all__ = [
    "LEASE",
    "Counts",
    "Delivery",
    "Digest",
    "DigestPoster",
    "Example",
    "Period",
    "ProposedCorrection",
    "ThemeDigest",
    "build_digest",
    "collect_failures",
    "daily_chart_png",
    "deliver_all",
    "deliver_digest",
    "digest_marker",
    "parse_week",
    "period_ended_before",
    "render_markdown",
    "route_failures",
    "week_containing",
]
