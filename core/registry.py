"""One shape for what the apps contribute to each other's pages.

An extension point (the menu, the home page's cards, the resident page's timeline and buttons,
the visit form, the right-of-access export) holds a `Registry`. An app adds its contributions
from its AppConfig.ready()::

    from residents import timeline

    timeline.sources.register(stay_entries)

The same rules hold everywhere:

- a contribution has a name: its `name` attribute, else the function's dotted path;
- registering a name again replaces the earlier contribution in its place (a `ready()` that runs
  twice changes nothing; a test can stand in for a contribution);
- contributions come out in the order they were registered, unless the extension point gives
  an order (the menu's and the cards' order is written in one list, core.navigation);
- `temporarily(item)` registers a contribution for the length of a `with` block, for tests;
- `version` changes with every change of the contributions, for whoever keeps what it derived
  from them (the menu of each set of roles).

Real events (a stay started or ended) are Django signals, not registries: see placements.signals.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


def contribution_name(item) -> str:
    name = getattr(item, "name", None)
    if isinstance(name, str) and name:
        return name
    return f"{item.__module__}.{item.__qualname__}"


class Registry(Generic[T]):
    def __init__(self, what: str, *, order: Callable[[str], object] | None = None):
        self.what = what
        self._order = order
        self._items: dict[str, T] = {}
        self.version = 0

    def register(self, item: T) -> T:
        self._items[contribution_name(item)] = item
        self.version += 1
        return item

    def unregister(self, item_or_name) -> None:
        name = item_or_name if isinstance(item_or_name, str) else contribution_name(item_or_name)
        self._items.pop(name, None)
        self.version += 1

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def names(self) -> list[str]:
        return [contribution_name(item) for item in self]

    def __iter__(self) -> Iterator[T]:
        if self._order is None:
            return iter(list(self._items.values()))
        ordered = sorted(self._items.items(), key=lambda pair: self._order(pair[0]))
        return iter([item for _name, item in ordered])

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Registry of {self.what}: {', '.join(self._items)}>"

    @contextmanager
    def temporarily(self, item: T) -> Iterator[T]:
        """Register `item` inside the block only; what it replaced comes back afterwards."""
        saved = dict(self._items)
        self.register(item)
        try:
            yield item
        finally:
            self._items = saved
            self.version += 1
