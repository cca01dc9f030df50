"""Who may do what with notes, steps and referrals (see accounts.policy).

What each one reads is filtered by the querysets' `visible_to(user)` (support.models), from the
permissions below.
"""

from accounts.policy import declare
from accounts.roles import CARE_TEAM, MEDICAL_TEAM, STAFF, Role

declare(
    "support",
    # Everyone on staff: social notes, the shared summaries of medical notes, steps, referrals.
    read=STAFF,
    # The care team writes social notes, steps and referrals, follows steps and appointments.
    edit=CARE_TEAM,
    # The nurse writes nursing notes.
    write_nursing_note={Role.NURSE},
    # The psychiatrist writes psychiatric notes.
    write_psychiatric_note={Role.PSYCHIATRIST},
    # The medical team alone reads medical notes' text, medical referrals' service and notes.
    read_medical=MEDICAL_TEAM,
    # The manager follows the consumption outcomes of the last twelve months (home page).
    read_outcomes={Role.MANAGER},
)
