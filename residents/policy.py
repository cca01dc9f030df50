"""Who may do what with case files and admissions (see accounts.policy)."""

from accounts.policy import declare
from accounts.roles import CARE_TEAM, STAFF, Role

declare(
    "residents",
    # Everyone on staff: case files, their story, assessments, the waiting list, admission requests.
    read=STAFF,
    # The care team opens and updates files, assesses, records admission requests and their news.
    edit=CARE_TEAM,
    # The coordinator admits, refuses or closes admission requests, archives and reopens files.
    decide={Role.COORDINATOR},
    # The manager reads who opened each file, and the access journal of every file.
    read_access_log={Role.MANAGER},
)
