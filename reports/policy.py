"""Who may do what with the activity reports (see accounts.policy)."""

from accounts.policy import declare
from accounts.roles import Role

declare(
    "reports",
    # The manager, and the coordinator who prepares the activity review: read and download reports.
    read={Role.MANAGER, Role.COORDINATOR},
    # The manager alone generates a report, or builds a failed one again.
    generate={Role.MANAGER},
    # The manager alone writes the team's commentary and finalises a report.
    finalise={Role.MANAGER},
    # The manager alone sets the organisation printed on the reports (name, FINESS, logo…).
    configure={Role.MANAGER},
)
