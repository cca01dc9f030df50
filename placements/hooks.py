"""Questions the occupancy board asks other apps, answered by functions they register.

The board shows, for each occupied place, the day its resident was last visited. Visits belong
to another app (which depends on this one), so that app registers, from its AppConfig.ready()::

    from placements import hooks

    hooks.register_last_visit_finder(last_visit_by_resident)

where the function takes resident ids and returns ``{resident_id: date of the last visit}`` in
one query, whatever the number of ids. Until one is registered the board leaves the slot out.

Stays that start and end are events, not questions: see placements.signals.
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
