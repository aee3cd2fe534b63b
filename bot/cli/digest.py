"""`lastmile digest` (preview or send the weekly digest) and `lastmile owners` (list, check)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import fail, load_settings, open_store
from bot.digest import build_digest, parse_week, period_ended_before, render_markdown
from bot.digest.period import Period
from bot.owners import OwnersFileError, load_owners_file, sync_owners_file
from bot.settings import Settings
from storage import Store
from storage.models import Owner

EXIT_NOT_POSTED = 1
"""`digest --send` when Slack refused an owner's digest (2 is a configuration problem)."""


def _period(settings: Settings, store: Store, week: str | None) -> Period:
    if week is None:
        return period_ended_before(store.now(), settings.timezone)
    try:
        return parse_week(week, settings.timezone)
    except ValueError as error:
        fail(f"lastmile: --week {error}")


def _owners(store: Store, wanted: str | None) -> list[Owner]:
    owners = store.list_owners()
    if wanted is not None:
        owners = [o for o in owners if wanted in (str(o.id), o.name, o.slack_id)]
    if not owners:
        fail(
            f"lastmile: no owner matches {wanted!r}; see `lastmile owners`."
            if wanted
            else "lastmile: no owners yet. Set LASTMILE_OWNERS_FILE (see docs/digest.md)."
        )
    return owners


def _synced_store(settings: Settings) -> Store:
    store = open_store(settings)
    try:
        sync_owners_file(store, settings.owners_file)
    except OwnersFileError as error:
        fail(f"lastmile: {error}")
    return store


@click.command(name="digest")
@click.option("--preview", "mode", flag_value="preview", default=True, help="Show it here.")
@click.option("--send", "mode", flag_value="send", help="Post to Slack now (once per owner).")
@click.option("--owner", "owner", metavar="ID", help="Only this owner (id, name or Slack id).")
@click.option("--week", metavar="YYYY-Www", help="The ISO week (default: the one that ended).")
@click.option("--markdown", "markdown_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the preview as Markdown to this file.")  # fmt: skip
def digest_command(
    mode: str, owner: str | None, week: str | None, markdown_file: Path | None
) -> None:
    """Preview the weekly digest in the terminal, or send it to every owner in Slack."""
    settings = load_settings()
    store = _synced_store(settings)
    try:
        period = _period(settings, store, week)
        if mode == "send":
            _send(settings, period)
        else:
            _preview(settings, store, period, owner, markdown_file)
    finally:
        store.engine.dispose()  # no pooled PostgreSQL connection may outlive the command


def _preview(
    settings: Settings, store: Store, period: Period, owner: str | None, markdown_file: Path | None
) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    from bot.answering.knowledge import load_folder
    from bot.answering.prompt import load_prompt
    from bot.digest.knowledge_to_fix import knowledge_dates
    from bot.digest.labeling import theme_labeler
    from bot.digest.theme_review import reviewed, theme_reviewer
    from bot.digest.themes import default_clusterer
    from bot.runtime import answerer_from_settings

    console = Console()
    answerer = answerer_from_settings(settings)
    prompt = load_prompt("theme_label", settings.prompts_dir)
    labeler = theme_labeler(answerer, prompt)  # None offline: the representative question
    reviewer = theme_reviewer(answerer, load_prompt("theme_review", settings.prompts_dir))
    owners = _owners(store, owner)
    index = load_folder(settings.knowledge_dir).knowledge
    dates = knowledge_dates(index, settings.stale_after_days)  # stale pages, conflicts
    texts = [
        render_markdown(
            build_digest(
                store,
                o,
                period,
                clusterer=reviewed(default_clusterer, reviewer),
                labeler=labeler,
                knowledge=dates,
                trace_link=settings.traces.link,
            )
        )  # fmt: skip
        for o in owners
    ]
    for text in texts:
        console.print(Markdown(text))
    if markdown_file is not None:
        markdown_file.write_text("\n---\n\n".join(texts), encoding="utf-8")
        click.echo(f"wrote {markdown_file}")


def _send(settings: Settings, period: Period) -> None:
    if not settings.slack_bot_token:
        fail("lastmile: --send needs SLACK_BOT_TOKEN (and the bot in each owner's channel).")
    from bot.composition import send_now  # Slack is imported only when sending

    deliveries = send_now(settings, period, instance_id="lastmile-cli")
    for delivery in deliveries:
        where = f" in {delivery.channel_id} at {delivery.message_ts}" if delivery.message_ts else ""
        click.echo(f"owner {delivery.owner_id} {period.key}: {delivery.outcome}{where}")
    failed = [delivery for delivery in deliveries if delivery.outcome == "failed"]
    for delivery in failed:
        who = f"owner {delivery.owner_id} ({delivery.owner_name})"
        click.echo(f"lastmile: {who} {period.key} not posted: {delivery.error}", err=True)
    if failed:
        click.echo(f"lastmile: {len(failed)} digest(s) not posted; run again to retry.", err=True)
        sys.exit(EXIT_NOT_POSTED)


@click.command(name="owners")
@click.option("--check", "check_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Only validate this owners file; touch no database.")  # fmt: skip
@click.option("--explain", "question", metavar="QUESTION",
              help="Say which owner this question would go to, and why.")  # fmt: skip
@click.option("--channel", "channel_id", metavar="C...", default="",
              help="With --explain: the channel the question is asked in.")  # fmt: skip
def owners_command(check_file: Path | None, question: str | None, channel_id: str) -> None:
    """Sync LASTMILE_OWNERS_FILE into the database and list owners, or --check a file.

    --explain "QUESTION" [--channel C...] routes a question as the bot would (against the
    --check file alone when given) and prints the owner and the rule that chose it.
    """
    from bot.cli.owners_explain import echo_explanation

    if check_file is not None:
        try:
            specs = load_owners_file(check_file)
        except OwnersFileError as error:
            fail(f"lastmile: {error}")
        if question is not None:
            return echo_explanation(specs, question, channel_id)
        click.echo(f"{check_file}: {len(specs)} owner(s), ok")
        return
    settings = load_settings()
    if question is not None:
        return echo_explanation(_synced_store(settings).list_owners(), question, channel_id)
    for owner in _synced_store(settings).list_owners():
        scope = ", ".join([*owner.channels, *owner.topics]) or "-"
        default = " (default)" if owner.is_default else ""
        click.echo(f"{owner.id}\t{owner.name}{default}\t{owner.slack_id}\t{scope}")
