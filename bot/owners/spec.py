"""An owner as the file writes it, and syncing owners into the Owner table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: reading owners must not load the ORM
    from storage.models import Owner


@dataclass(frozen=True)
class OwnerSpec:
    """One `[[owner]]` entry as written in the file."""

    name: str
    slack_id: str
    channels: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    member_groups: tuple[str, ...] = ()  # `usergroups`: their members may act too
    helpers: str | None = None  # who "Get help from a person" asks (S..., C... or U...)
    is_default: bool = False


class OwnerStore(Protocol):
    """What syncing and routing need from the Store."""

    def list_owners(self) -> list[Owner]: ...

    def upsert_owner(self, spec: OwnerSpec) -> Owner: ...


def sync_owners(store: OwnerStore, specs: Sequence[OwnerSpec]) -> list[Owner]:
    """Upsert every owner of the file by name (owners added by /lastmile owners are kept)."""
    return [store.upsert_owner(spec) for spec in specs]
