"""Buttons other apps add to the resident page ("assign a place", "write a note"…).

A provider is a function `(resident, user) -> list[ResidentAction]`, registered from its app's
AppConfig.ready() with `providers.register(Provider(function))` (a core.registry.Registry). It
returns only the actions `user` may take, in a fixed number of queries (usually none).
"""

from collections.abc import Callable
from dataclasses import dataclass

from core.registry import Registry, contribution_name


@dataclass(frozen=True)
class ResidentAction:
    label: str
    url: str
    icon: str = "plus-lg"


@dataclass(frozen=True)
class Provider:
    """`function`'s buttons go on the page of open files, and of archived ones too if
    `on_archived` (an action that changes nothing in the file, such as an export)."""

    function: Callable[..., list[ResidentAction]]
    on_archived: bool = False

    @property
    def name(self) -> str:
        return contribution_name(self.function)


# The right of access, which every file keeps, comes after the file's own actions.
LAST = ["residents.exports.right_of_access_actions"]
providers: Registry[Provider] = Registry("resident page buttons", order=lambda name: name in LAST)


def actions_for(resident, user) -> list[ResidentAction]:
    return [
        action
        for provider in providers
        if provider.on_archived or not resident.is_archived
        for action in provider.function(resident, user)
    ]
