"""Who may do what with the activity reports (see accounts.policy)."""

from accounts.policy import declare
from accounts.roles import Role

declare(
    "reports",
    # The manager, and the coordinator who prepares the activity review: read and download reports.
    read={Role.MANAGER, Role.COORDINATOR},
    # The manager alone generates a report, or builds a failed one again.
    generate={Role.MANAGER},
)
