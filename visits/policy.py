"""Who may do what with home visits (see accounts.policy).

Which follow-ups reach whose dashboard, and who closes them, is visits.models.FOLLOW_UP_ROLES.
"""

from accounts.policy import declare
from accounts.roles import CARE_TEAM, STAFF, Role

declare(
    "visits",
    # Everyone on staff: the roster, rounds and their sheets, visits, the follow-up per person.
    read=STAFF,
    # The care team logs visits (planned or not), works through its day and its alerts.
    log=CARE_TEAM,
    # The coordinator plans: the roster, moving and cancelling visits, availabilities and leave.
    plan={Role.COORDINATOR},
    # The coordinator and the manager read the figures per worker and the team's availabilities.
    supervise={Role.COORDINATOR, Role.MANAGER},
)
