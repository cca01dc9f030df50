"""Questions the occupancy board asks other apps, answered by functions they register.

The board shows, for each occupied place, the day its resident was last visited. Visits belong
to another app (which depends on this one), so that app registers, from its AppConfig.ready()::

    from placements import hooks

    hooks.register_last_visit_finder(last_visit_by_resident)

where the function takes resident ids and returns ``{resident_id: date of the last visit}`` in
one query, whatever the number of ids. Until one is registered the board leaves the slot out.

Other apps also follow stays as they start and end (the visits app plans a newcomer's visits and
cancels those of someone who left). They register listeners from their AppConfig.ready()::

    hooks.register_stay_listener(on_started=plan_visits, on_ended=cancel_visits)

`placements.services` calls every `on_started(placement)` after a stay is saved (an assignment,
or the new stay of a transfer) and every `on_ended(placement)` after a stay's end is saved (an
exit, or the old stay of a transfer), inside the same transaction: a listener that raises rolls
the whole change back.
"""

import datetime
from collections.abc import Callable, Collection

LastVisitFinder = Callable[[Collection[int]], dict[int, datetime.date]]

last_visit_finder: LastVisitFinder | None = None


def register_last_visit_finder(finder: LastVisitFinder | None) -> None:
    global last_visit_finder
    last_visit_finder = finder


def last_visits(resident_ids: Collection[int]) -> dict[int, datetime.date] | None:
    """The last visit of each resident, or None when no app answers (the board hides the slot)."""
    if last_visit_finder is None:
        return None
    if not resident_ids:
        return {}
    return dict(last_visit_finder(resident_ids))


StayListener = Callable[..., None]

_stay_started: list[StayListener] = []
_stay_ended: list[StayListener] = []


def register_stay_listener(
    *, on_started: StayListener | None = None, on_ended: StayListener | None = None
) -> None:
    if on_started is not None and on_started not in _stay_started:
        _stay_started.append(on_started)
    if on_ended is not None and on_ended not in _stay_ended:
        _stay_ended.append(on_ended)


def stay_started(placement) -> None:
    for listener in _stay_started:
        listener(placement)


def stay_ended(placement) -> None:
    for listener in _stay_ended:
        listener(placement)
