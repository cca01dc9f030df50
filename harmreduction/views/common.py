"""Who may do what on the pages of vouchers and supplies."""

from accounts.roles import CARE_TEAM, STAFF, Role

# Everyone on staff reads; the care team (coordinator included) hands out and counts; the
# coordinator manages the catalogue, the locations, receipts, transfers, adjustments, thresholds.
READ = STAFF
GIVE = CARE_TEAM
MANAGE = frozenset({Role.COORDINATOR})
