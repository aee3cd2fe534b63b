"""Owners: the file (and its errors), routing to exactly one owner, and `/lastmile owners`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.answering import KnowledgeBase
from bot.answering.offline import OfflineAnswerer
from bot.clock import ManualClock
from bot.owners import OwnersFileError, load_owners_file, route_owner, sync_owners
from storage import Store
from tests.fakes import payloads
from tests.fakes.digest_data import OWNERS_TOML, install_owners
from tests.fakes.slack_app import running_app


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "owners.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[owner]]\nslack = "U1ABC"\n', "owners.toml:1: owner #1: missing name"),
        (
            '[[owner]]\nname = "A"\nslack = "U1ABC"\n\n[[owner]]\nname = "B"\n',
            "owners.toml:5: owner #2 'B': missing slack id",
        ),
        (
            '[[owner]]\nname = "A"\nslack = "U1ABC"\ndefault = true\n'
            '[[owner]]\nname = "B"\nslack = "C1ABC"\ndefault = true\n',
            "more than one default owner: A, B",
        ),
        ('[[owner]]\nname = "A"\nslack = "U1ABC"\ntopics = "pay"\n', "topics must be a list"),
        ("[[owner]\n", "not valid TOML"),
        ("title = 'x'\n", "no [[owner]] entries"),
    ],
)
def test_bad_owners_files_say_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(OwnersFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_owners_file(_write(tmp_path, text))


STRICT_CASES = [
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\nchanels = ["C0HR"]\n',
        "owners.toml:4: owner #1 'HR': unknown key 'chanels'; did you mean 'channels'?",
        id="misspelt-channels",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\ntopic = ["pay"]\n',
        "owners.toml:4: owner #1 'HR': unknown key 'topic'; did you mean 'topics'?",
        id="topic-singular",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\nchannels = ["C0OK", "#hr-help"]\n',
        "owners.toml:4: owner #1 'HR': channels: '#hr-help' is a channel name, but a channel id "
        "is needed; use the channel id (C... or G...)",
        id="hash-channel-name",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\nchannels = [\n  "C0OK",\n  "hr-help",\n]\n',
        "owners.toml:6: owner #1 'HR': channels: 'hr-help' is a channel name",
        id="bare-channel-name-on-its-own-line",
    ),
    pytest.param(
        '# owners\n[[owner]]\nname = "HR"\nslack = "jane@example.com"\n',
        "owners.toml:4: owner #1 'HR': invalid slack id: 'jane@example.com' is an email address, "
        "but a user id is needed; use the member id (U...)",
        id="email-as-slack",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "#hr-help"\n',
        "owners.toml:3: owner #1 'HR': invalid slack id: '#hr-help' is a channel name, but a "
        "channel id is needed",
        id="channel-name-as-slack",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\nmembers = ["Jane Doe"]\n',
        "owners.toml:4: owner #1 'HR': members: 'Jane Doe' is a name, but a user id is needed",
        id="name-as-member",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\nmembers = ["C0HR"]\n',
        "owners.toml:4: owner #1 'HR': members: 'C0HR' is a channel id, but a user id is needed",
        id="channel-as-member",
    ),
    pytest.param(
        '[[owner]]\nname = "HR"\nslack = "U0HR"\nchannels = ["C0SHARED"]\n\n'
        '[[owner]]\nname = "IT"\nslack = "U0IT"\nchannels = ["C0IT", "C0SHARED"]\n',
        "owners.toml:9: owner #2 'IT': channel C0SHARED is already claimed by owner #1 'HR' "
        "(line 4); a channel has one owner, so remove it from one of them",
        id="channel-claimed-twice",
    ),
    pytest.param(
        '[owner]\nname = "HR"\nslack = "U0HR"\n',
        "owners.toml:1: write [[owner]] (two brackets) above each owner, not [owner]",
        id="single-brackets",
    ),
    pytest.param(
        '[[owners]]\nname = "HR"\nslack = "U0HR"\n',
        "owners.toml:1: unknown key 'owners' (did you mean [[owner]]?)",  # then: no entries
        id="owners-plural",
    ),
]


@pytest.mark.parametrize(("text", "message"), STRICT_CASES)
def test_strict_owners_file_names_owner_line_and_fix(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(OwnersFileError) as caught:
        load_owners_file(_write(tmp_path, text))
    assert caught.value.problems[0].startswith(f"{tmp_path}/{message}")


def test_every_problem_of_a_file_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    text = (
        '[[owner]]\nname = "HR"\nslack = "hr@example.com"\nchanels = ["C0HR"]\n\n'
        '[[owner]]\nname = "IT"\nslack = "U0IT"\nmembers = ["@jane"]\n'
    )
    with pytest.raises(OwnersFileError) as caught:
        load_owners_file(_write(tmp_path, text))
    lines = [problem.split(": ", 1)[0].rsplit(":", 1)[1] for problem in caught.value.problems]
    assert lines == ["3", "4", "9"]
    assert str(caught.value).count("\n") == 2


def test_valid_ids_of_every_kind_are_accepted(tmp_path: Path) -> None:
    text = (
        '[[owner]]  # people\nname = "HR"\nslack = "W0GRIDUSER"\nchannels = ["C0HR", "G0PRIV"]\n'
        'members = ["U0ONE", "W0TWO"]\n\n[[owner]]\nname = "IT"\nslack = "G0ITPRIV"\n'
    )
    specs = load_owners_file(_write(tmp_path, text))
    assert [(s.name, s.slack_id, s.channels) for s in specs] == [
        ("HR", "W0GRIDUSER", ("C0HR", "G0PRIV")),
        ("IT", "G0ITPRIV", ()),
    ]


def test_routing_prefers_channel_then_topic_then_default(store: Store, tmp_path: Path) -> None:
    install_owners(store, tmp_path)

    def owner(channel: str, question: str) -> str | None:
        found = route_owner(store, channel, question)
        return found.name if found else None

    assert owner("C0PEOPLE", "How do I reset the VPN?") == "People team"
    assert owner("C0OTHER", "How many Vacations do I have left?") == "People team"
    assert owner("C0OTHER", "When does PAYROLL run?") == "People team"
    assert owner("C0OTHER", "How do I pay for lunch at the location?") == "AI platform"
    assert owner("", "") == "AI platform"


def test_without_a_default_unmatched_failures_have_no_owner(store: Store, tmp_path: Path) -> None:
    text = OWNERS_TOML.replace("default = true", "default = false")
    install_owners(store, tmp_path, text)
    assert route_owner(store, "C0OTHER", "VPN?") is None


def test_sync_upserts_by_name(store: Store, tmp_path: Path) -> None:
    first = install_owners(store, tmp_path)
    changed = OWNERS_TOML.replace('"U0OWNER1"', '"U0NEWLEAD"')
    second = sync_owners(store, load_owners_file(_write(tmp_path, changed)))
    assert [o.id for o in second] == [first["People team"].id, first["AI platform"].id]
    assert [o.slack_id for o in store.list_owners()] == ["U0NEWLEAD", "C0PLATFORM"]


def test_owners_command_for_admins_only(store: Store, clock: ManualClock, tmp_path: Path) -> None:
    install_owners(store, tmp_path)
    with running_app(
        store, answerer=OfflineAnswerer(), knowledge=KnowledgeBase.load(None), clock=clock
    ) as h:
        h.runtime.settings = dataclasses.replace(h.runtime.settings, admins=("UADMIN",))

        def run(text: str, user: str = "UADMIN") -> str:
            reply = h.sender.send_command(payloads.slash_command("/lastmile", text, user=user))
            assert reply.status == 200
            return reply.body

        assert run("owners list", user="U0NOBODY").startswith("Sorry, only lastmile admins")
        assert "*People team* → `U0OWNER1`" in run("owners list")
        assert run('owners add "Finance" C0FIN channels=C0MONEY topics=expenses,invoice') == (
            "Added owner *Finance* → `C0FIN`."
        )
        assert route_owner(store, "C0X", "Where do expenses go?").name == "Finance"  # type: ignore[union-attr]
        with_group = OWNERS_TOML.replace('members = ["U0OWNER2"]', 'usergroups = ["S0PEOPLE"]')
        install_owners(store, tmp_path, with_group)
        assert run('owners add "People team" U0OWNER1 topics=vacation') == (
            "Updated owner *People team* → `U0OWNER1`."
        )
        updated = store.owner_by_name("People team")
        assert updated is not None and updated.member_groups == ["S0PEOPLE"]  # kept, not cleared
        assert run('owners default "Finance"') == "*Finance* is now the default owner."
        assert [o.name for o in store.list_owners() if o.is_default] == ["Finance"]
        assert run('owners remove "People team"') == "Removed *People team*."
        assert [o.name for o in store.list_owners()] == ["AI platform", "Finance"]
        assert "'not-an-id' is a channel name, but a channel id" in run("owners add Bad not-an-id")
        # The owners file's rules hold in Slack too: ids, not names, and one owner per channel.
        named = run('owners add "HR" jane@example.com channels=#hr-help')
        assert "'jane@example.com' is an email address, but a user id is needed" in named
        assert "'#hr-help' is a channel name, but a channel id is needed" in named
        taken = run('owners add "Money" C0MONEY2 channels=C0MONEY')
        assert "C0MONEY is already claimed by owner 'Finance'" in taken
        assert [o.name for o in store.list_owners()] == ["AI platform", "Finance"]
        assert run("owners frobnicate").startswith("Usage:")


def test_lastmile_without_a_subcommand_answers_with_help(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    kb = KnowledgeBase.load(None)
    with running_app(store, answerer=OfflineAnswerer(), knowledge=kb, clock=clock) as harness:
        for text in ("", "help", "ownres"):
            reply = harness.sender.send_command(payloads.slash_command("/lastmile", text))
            assert reply.status == 200, text
            assert "/ask <question>" in reply.body and "/lastmile owners" in reply.body
