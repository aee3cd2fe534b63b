"""The daily thumbs-down chart (PNG), drawn with matplotlib's object API on the Agg canvas."""

from __future__ import annotations

import io

from bot.digest.model import Digest


def daily_chart_png(digest: Digest) -> bytes:
    """A small bar chart of the thumbs-down rate per day of the period, as PNG bytes."""
    # Figure + FigureCanvasAgg instead of pyplot: no global state, safe in a worker thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 2.4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    days = [f"{day.day:%a}" for day in digest.daily]
    rates = [day.rate * 100 for day in digest.daily]
    axes.bar(days, rates, color="#d9534f")
    axes.set_ylim(0, max([*rates, 10.0]) * 1.2)
    axes.set_ylabel("% thumbs down")
    axes.set_title(f"Thumbs-down rate, {digest.period.key}", fontsize=10)
    for position, day in enumerate(digest.daily):
        axes.annotate(str(day.votes), (position, rates[position]), ha="center", va="bottom",
                      fontsize=7, color="#555555")  # fmt: skip
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
