"""Offline theme labels a person reads: a representative question, never a bag of key terms.

Without a provider key the digest labels a theme with one of its own questions (short enough to
read whole, covering the theme's key terms best, asked most often). The label is kept week
after week, matching across weeks still goes by key terms, and a model-written label stored
before this release survives the migration that records where each label came from.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from bot.clock import ManualClock
from bot.digest import build_digest, parse_week
from bot.digest.representative import MAX_LABEL_CHARS, representative_question, tidy_question
from storage import Store, make_engine
from storage.engine import alembic_config
from tests.fakes.digest_data import VACATION, W45, W46, install_owners, seed

LONG = "vacation days " + "and also some more words about my situation " * 4 + "please?"


def test_the_question_covering_the_first_key_terms_wins() -> None:
    questions = ["Can I carry over unused vacation days?", "When is payroll day?"]
    assert representative_question(["vacation", "days"], questions) == questions[0]


def test_a_question_asked_more_often_breaks_a_tie() -> None:
    often = "how many vacation days do I get?"
    questions = ["vacation days left?", often, often]
    assert representative_question(["vacation", "days"], questions) == (
        "How many vacation days do I get?"
    )


def test_a_short_question_beats_a_long_one_covering_more() -> None:
    short = "Vacation policy?"
    assert representative_question(["vacation", "days", "situation"], [LONG, short]) == short


def test_a_long_only_question_is_cut_at_a_word_with_an_ellipsis() -> None:
    label = representative_question(["vacation"], [LONG])
    assert label is not None and len(label) <= MAX_LABEL_CHARS and label.endswith("…")
    assert label.startswith("Vacation days and also")


def test_blank_questions_give_no_label() -> None:
    assert representative_question(["vacation"], ["", "   "]) is None
    assert tidy_question("  when\nis   payday ") == "When is payday"


def test_offline_digest_labels_a_theme_with_its_question_and_keeps_it(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    people = install_owners(store, tmp_path)["People team"]
    for hour, question in enumerate(VACATION[:3]):
        seed(store, clock, W45.replace(hour=10 + hour), question, kind="report")
    [first] = build_digest(store, people, parse_week("2026-W45")).themes
    assert first.label in VACATION[:3] and " · " not in first.label
    for hour, question in enumerate(reversed(VACATION)):
        seed(store, clock, W46.replace(hour=10 + hour), question, kind="report")
    [second] = build_digest(store, people, parse_week("2026-W46")).themes
    assert (second.theme_id, second.label) == (first.theme_id, first.label)
    assert people.id is not None
    [stored] = store.themes_for_owner(people.id)
    assert (stored.label, stored.label_source) == (first.label, "question")


def test_migration_keeps_model_written_labels(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    command.upgrade(config, "0005")
    seen = datetime(2026, 11, 3, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO owner (name, slack_id, channels, topics, members, is_default, "
                "created_at) VALUES ('P', 'U1', '[]', '[]', '[]', false, :seen)"
            ),
            {"seen": seen},
        )
        owner_id = connection.execute(sa.text("SELECT id FROM owner")).scalar_one()
        insert = sa.text(
            "INSERT INTO theme (owner_id, label, key_terms, status, first_seen, last_seen) "
            "VALUES (:owner, :label, :terms, 'open', :seen, :seen)"
        )
        for label in ["days · vacation · year", "Vacation day allowance"]:
            values = {"owner": owner_id, "label": label, "seen": seen}
            connection.execute(insert, values | {"terms": '["days", "vacation", "year"]'})
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT label, label_source FROM theme ORDER BY id"))
        assert [tuple(row) for row in rows] == [
            ("days · vacation · year", "terms"),
            ("Vacation day allowance", "model"),
        ]
    engine.dispose()
