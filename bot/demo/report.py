"""What the demo shows and writes: both digests, the rates on fixed themes, Markdown and a PNG."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.answering.disagreement import DISAGREE_LINE
from bot.demo.digests import PostedDigest
from bot.demo.run import AskRecord, DemoRun
from bot.digest import render_markdown
from bot.digest.silent import silent_answers
from bot.vocabulary import OWNER_ANSWER_SOURCE
from storage import Store

FLAGS = ("down", "correction", "report")


@dataclass(frozen=True)
class Rate:
    """Thumbs down and all flags per answer, for one group of questions in one week."""

    answers: int
    downs: int
    flagged: int

    @property
    def down_rate(self) -> float:
        """Share of answers that got a thumbs down."""
        return self.downs / self.answers if self.answers else 0.0

    @property
    def flag_rate(self) -> float:
        """Share of answers flagged in any way (thumbs down, correction, report)."""
        return self.flagged / self.answers if self.answers else 0.0


def rate(store: Store, records: Sequence[AskRecord]) -> Rate:
    """Rates measured from the database's feedback rows, not from the simulation's intent."""
    downs = flagged = 0
    for record in records:
        kinds = _flag_kinds(store, record.answer_id)
        downs += "down" in kinds
        flagged += bool(kinds & set(FLAGS))
    return Rate(len(records), downs, flagged)


def _flag_kinds(store: Store, answer_id: int) -> set[str]:
    """The kinds of feedback people gave the answer (an owner's own answer is not a flag)."""
    rows = store.feedback_for_answer(answer_id)
    return {row.kind for row in rows if row.source != OWNER_ANSWER_SOURCE}


def split(run: DemoRun, records: Sequence[AskRecord]) -> tuple[list[AskRecord], list[AskRecord]]:
    """(questions on fixed themes, the rest)."""
    fixed = [r for r in records if r.ask.topic.key in run.fixed_topics]
    return fixed, [r for r in records if r.ask.topic.key not in run.fixed_topics]


def verified_rate(run: DemoRun) -> tuple[int, int]:
    """Week-2 questions on a subject with an approved correction: (served verified, all)."""
    approved = [r for r in run.week2 if r.ask.topic.key in run.actions.approved]
    return sum(r.verified for r in approved), len(approved)


def write_markdown(run: DemoRun) -> list[Path]:
    """One Markdown file per week with every owner's digest; returns the paths."""
    paths = []
    for posted in (run.digests1, run.digests2):
        if not posted:
            continue
        path = run.directory / f"digest-{posted[0].digest.period.key}.md"
        path.write_text("\n\n---\n\n".join(render_markdown(p.digest) for p in posted) + "\n")
        paths.append(path)
    return paths


def chart_png(rates: dict[str, tuple[Rate, Rate]]) -> bytes:
    """Grouped bars: answers with a thumbs down in weeks 1 and 2, fixed themes against the rest."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.6), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    groups = list(rates)
    width = 0.36
    for offset, week, color in ((-width / 2, 0, "#d9534f"), (width / 2, 1, "#5cb85c")):
        values = [rates[g][week].down_rate * 100 for g in groups]
        positions = [i + offset for i in range(len(groups))]
        bars = axes.bar(positions, values, width, color=color, label=f"week {week + 1}")
        for bar, group in zip(bars, groups, strict=True):
            r = rates[group][week]
            axes.annotate(f"{r.down_rate:.0%}\n({r.downs}/{r.answers})",
                          (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=8)  # fmt: skip
    axes.set_xticks(range(len(groups)), groups)
    top = max([r.down_rate * 100 for pair in rates.values() for r in pair] + [10.0])
    axes.set_ylim(0, top * 1.35)
    axes.set_ylabel("% of answers with a thumbs down")
    axes.set_title("lastmile demo: answers with a thumbs down, before and after the fixes")
    axes.legend(loc="upper right", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def measure(run: DemoRun, store: Store) -> dict[str, tuple[Rate, Rate]]:
    """Week-1 and week-2 rates for the fixed themes, the other questions and all questions."""
    fixed1, other1 = split(run, run.week1)
    fixed2, other2 = split(run, run.week2)
    return {
        "fixed themes": (rate(store, fixed1), rate(store, fixed2)),
        "other questions": (rate(store, other1), rate(store, other2)),
        "all questions": (rate(store, run.week1), rate(store, run.week2)),
    }


@dataclass(frozen=True)
class LastMile:
    """One week's judgment and context gaps, as the askers met them."""

    confident_wrong: int  # flagged answers that had shown "Grounded"
    disagreed: int  # answers that said their sources disagree
    warned: int  # answers that carried the known-issue line
    warned_on_subject: int  # ... on a subject flagged in week 1 and not fixed since


def last_mile(run: DemoRun, store: Store, records: Sequence[AskRecord]) -> LastMile:
    """Counted from the stored answers and feedback rows, not from the simulation's intent."""
    flagged_before = {r.ask.topic.key for r in run.week1 if r.reaction in FLAGS}
    open_subjects = flagged_before - run.fixed_topics
    confident_wrong = disagreed = 0
    for record in records:
        answer = store.get_answer(record.answer_id)
        if answer is None:
            continue
        kinds = _flag_kinds(store, record.answer_id)
        grounded = answer.confidence_line.startswith("Grounded")
        confident_wrong += grounded and bool(kinds & set(FLAGS))
        disagreed += DISAGREE_LINE == answer.confidence_line
    warned = [r for r in records if r.warned]
    on_subject = sum(r.ask.topic.key in open_subjects for r in warned)
    return LastMile(confident_wrong, disagreed, len(warned), on_subject)


def silent_total(posted: Sequence[PostedDigest]) -> int:
    """Answers nobody flagged that failed, over one week's digests (their "Couldn't answer
    well" counts; each answer is routed to one owner, so they add up)."""
    return sum(item.digest.silent_count for item in posted)


@dataclass(frozen=True)
class SilentCheck:
    """One week's Couldn't-answer-well answers, judged against the demo's truth."""

    found: int  # listed under Couldn't answer well (every owner's digest)
    wrong: int  # ... whose answer did not state the current fact
    missed: int  # wrong answers nobody flagged that were not listed


def silent_check(
    store: Store, records: Sequence[AskRecord], posted: Sequence[PostedDigest]
) -> SilentCheck:
    """How many listed answers were really wrong (precision), and wrong ones not listed."""
    if not posted:
        return SilentCheck(0, 0, 0)
    period = posted[0].digest.period
    listed = {
        s.seen.answer_id
        for s in silent_answers(store.answers_seen_between(period.start, period.end))
        if s.listed
    }
    found = wrong = missed = 0
    for record in records:
        answer = store.get_answer(record.answer_id)
        if answer is None:
            continue
        is_wrong = not record.ask.topic.is_right(answer.text)
        if record.answer_id in listed:
            found += 1
            wrong += is_wrong
        elif is_wrong and record.reaction not in FLAGS:
            missed += 1
    return SilentCheck(found, wrong, missed)
