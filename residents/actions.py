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
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def actions_for(resident, user) -> list[ResidentAction]:
    return [action for provider in _providers for action in provider(resident, user)]
