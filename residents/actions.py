"""Buttons other apps add to the resident page ("assign a place", "write a note"…).

A provider is a function `(resident, user) -> list[ResidentAction]`, registered once from its
app's AppConfig.ready() with `register(provider)`. It returns only the actions `user` may take,
in a fixed number of queries (usually none).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ResidentAction:
    label: str
    url: str
    icon: str = "plus-lg"


Provider = Callable[..., list[ResidentAction]]
# provider -> whether it also acts on an archived (read-only) file
_providers: dict[Provider, bool] = {}


def register(provider: Provider, *, on_archived: bool = False) -> Provider:
    """Add `provider`'s buttons to the page of open files, and of archived ones too if
    `on_archived` (an action that changes nothing in the file, such as an export)."""
    _providers.setdefault(provider, on_archived)
    return provider


def actions_for(resident, user) -> list[ResidentAction]:
    return [
        action
        for provider, on_archived in _providers.items()
        if on_archived or not resident.is_archived
        for action in provider(resident, user)
    ]
