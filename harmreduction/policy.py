"""Who may do what with vouchers and harm-reduction supplies (see accounts.policy)."""

from accounts.policy import declare
from accounts.roles import CARE_TEAM, STAFF, Role

declare(
    "harmreduction",
    # Everyone on staff: the voucher sheets and stock, the supplies' stock, catalogue, activities.
    read=STAFF,
    # The care team hands out vouchers and material (also from the visit form) and counts a stock.
    give=CARE_TEAM,
    # The coordinator keeps the catalogue, locations, receipts, transfers, adjustments, thresholds.
    manage={Role.COORDINATOR},
    # The coordinator and the manager watch the stock levels below their threshold (home page).
    watch_stock={Role.COORDINATOR, Role.MANAGER},
)
