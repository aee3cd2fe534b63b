"""Who may act for an owner: listed members, members of its user groups (cached, with a safe
fallback), and the doctor's warning when nobody could act on a channel owner's digest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.doctor.digest import check_owners
from bot.doctor.report import render
from bot.owners import CachedGroupMembers, OwnersFileError, can_act, load_owners_file, sync_owners
from storage import Store

OWNERS = """
[[owner]]
name = "People team"
slack = "C0PEOPLE"
members = ["U0LEAD"]
usergroups = ["S0PEOPLE"]

[[owner]]
name = "IT"
slack = "C0ITDESK"
default = true
"""


def _file(tmp_path: Path, text: str = OWNERS) -> Path:
    path = tmp_path / "owners.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_usergroups_are_read_and_stored_with_the_owner(store: Store, tmp_path: Path) -> None:
    [people, it] = sync_owners(store, load_owners_file(_file(tmp_path)))
    assert (people.members, people.member_groups) == (["U0LEAD"], ["S0PEOPLE"])
    assert it.member_groups == []
    stored = store.owner_by_name("People team")
    assert stored is not None and stored.member_groups == ["S0PEOPLE"]


def test_a_usergroup_that_is_not_a_group_id_is_named_with_its_fix(tmp_path: Path) -> None:
    text = OWNERS.replace('"S0PEOPLE"', '"@people-team"')
    with pytest.raises(OwnersFileError) as error:
        load_owners_file(_file(tmp_path, text))
    [problem] = error.value.problems
    assert (
        problem.startswith("owners.toml:6: owner #1 'People team': usergroups:")
        or (":6: owner #1 'People team': usergroups: '@people-team' is a name, but a user group id")
        in problem
    )
    assert "Copy group ID" in problem


class Groups:
    """A Slack stand-in for `usergroups.users.list`: counts calls, can fail."""

    def __init__(self, members: dict[str, Sequence[str]]) -> None:
        self.members = members
        self.calls: list[str] = []
        self.failing = False

    def __call__(self, group_id: str) -> Sequence[str]:
        self.calls.append(group_id)
        if self.failing:
            raise RuntimeError("missing_scope")
        return self.members[group_id]


def test_group_members_may_act_and_are_asked_once_per_ttl(
    store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    [people, _] = sync_owners(store, load_owners_file(_file(tmp_path)))
    slack = Groups({"S0PEOPLE": ["U0GROUPIE"]})
    groups = CachedGroupMembers(slack, clock, ttl_s=300)
    assert can_act(people, "U0GROUPIE", (), groups=groups)
    assert can_act(people, "U0GROUPIE", (), groups=groups)
    assert not can_act(people, "U0STRANGER", (), groups=groups)
    assert slack.calls == ["S0PEOPLE"]  # cached
    assert not can_act(people, "U0GROUPIE", ())  # without groups: listed members only
    assert can_act(people, "U0LEAD", ()) and can_act(people, "U0ADMIN", ("U0ADMIN",))
    assert not can_act(people, "C0PEOPLE", ())  # a channel is where it posts, not a person
    slack.members["S0PEOPLE"] = []
    clock.advance(timedelta(seconds=301))
    assert not can_act(people, "U0GROUPIE", (), groups=groups)  # removed: asked again
    assert slack.calls == ["S0PEOPLE", "S0PEOPLE"]


def test_a_failed_group_lookup_is_logged_and_falls_back_to_listed_members(
    store: Store, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    [people, _] = sync_owners(store, load_owners_file(_file(tmp_path)))
    slack = Groups({"S0PEOPLE": ["U0GROUPIE"]})
    slack.failing = True
    groups = CachedGroupMembers(slack, clock)
    with caplog.at_level(logging.WARNING, logger="bot.owners.members"):
        assert not can_act(people, "U0GROUPIE", (), groups=groups)
    assert "S0PEOPLE: members unknown (missing_scope); listed members only" in caplog.text
    assert can_act(people, "U0LEAD", (), groups=groups)
    slack.failing = False
    assert can_act(people, "U0GROUPIE", (), groups=groups)  # a failure is not cached


def test_doctor_warns_when_nobody_could_act_on_a_channel_owner(tmp_path: Path) -> None:
    checks, _ = check_owners(_file(tmp_path), [])
    lines = [line for check in checks for line in render(check)]
    warned = [line for line in lines if line.startswith("[warn] owners: IT posts in C0ITDESK")]
    assert len(warned) == 1, lines
    assert not any("People team posts in" in line for line in lines)  # it has people
    fixed = OWNERS.replace('slack = "C0ITDESK"', 'slack = "C0ITDESK"\nusergroups = ["S0IT"]')
    checks, _ = check_owners(_file(tmp_path, fixed), [])
    assert not any("posts in" in line for check in checks for line in render(check))
