"""Who may do what with hotels, places and stays (see accounts.policy)."""

from accounts.policy import declare
from accounts.roles import CARE_TEAM, STAFF, Role

declare(
    "placements",
    # Everyone on staff: the board, hotels and places, stays, the monthly statement, incidents.
    read=STAFF,
    # The coordinator assigns, ends and transfers stays, records absences, keeps hotels and outages.
    manage={Role.COORDINATOR},
    # The care team (the coordinator included) records incidents, their follow-up, and closes them.
    record_incident=CARE_TEAM,
)
