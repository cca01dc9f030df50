"""Who may do what with the change history and the right of access (see accounts.policy).

What each table's history shows, and to whom, is declared with the table (core.audit's readers).
A social worker passes a right-of-access request on; the manager oversees the exports made but
exports aggregates only.
"""

from accounts.policy import declare
from accounts.roles import Role

declare(
    "privacy",
    # The manager and the administrator open the change history (each table to its own readers).
    read_history={Role.MANAGER, Role.ADMIN},
    # The coordinator and the medical team (alone to hand over medical notes) export a file.
    export={Role.COORDINATOR, Role.NURSE, Role.PSYCHIATRIST},
    # The coordinator and the manager see every export made from a file; the others see their own.
    see_all_exports={Role.COORDINATOR, Role.MANAGER},
    # Whoever exports or sees the exports opens a person's right-of-access page.
    open_exports_page={Role.COORDINATOR, Role.NURSE, Role.PSYCHIATRIST, Role.MANAGER},
)
