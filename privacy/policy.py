"""Who may do what with the change history and the right of access (see accounts.policy).

What each table's history shows, and to whom, is declared with the table (core.audit's readers).
"""

from accounts.policy import declare
from accounts.roles import Role

declare(
    "privacy",
    # The manager and the administrator open the change history (each table to its own readers).
    read_history={Role.MANAGER, Role.ADMIN},
    # The coordinator, who answers the person, and the medical team, who alone hand over medical
    # notes, export a file (right of access); social workers pass the request on.
    export={Role.COORDINATOR, Role.NURSE, Role.PSYCHIATRIST},
    # The coordinator and the manager see every export made from a file; the others see their own.
    see_all_exports={Role.COORDINATOR, Role.MANAGER},
    # Whoever exports or sees the exports opens a person's right-of-access page.
    open_exports_page={Role.COORDINATOR, Role.NURSE, Role.PSYCHIATRIST, Role.MANAGER},
)
