"""Who may bring the team's spreadsheets into Ancrage (see accounts.policy)."""

from accounts.policy import declare
from accounts.roles import Role

declare(
    "imports",
    # The coordinator, who keeps the files, places and waiting list, and the administrator who
    # sets Ancrage up: download the templates, preview and record an import.
    run={Role.COORDINATOR, Role.ADMIN},
)
