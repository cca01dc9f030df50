"""Every exit has its reason, every transfer its own, once 0004 has mapped the existing exits.

Apart from 0004 so that the rows it updated (and the history rows their triggers wrote) are
committed before the table is altered.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0004_exit_reason_apart_from_destination"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("end__isnull", True), ("exit_reason", ""), ("transfer_reason", "")),
                    models.Q(
                        ("end__isnull", False),
                        ("exit_destination", "transfer"),
                        ("exit_reason", ""),
                        models.Q(("transfer_reason", ""), _negated=True),
                    ),
                    models.Q(
                        ("end__isnull", False),
                        ("transfer_reason", ""),
                        models.Q(("exit_destination", "transfer"), _negated=True),
                        models.Q(("exit_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="placement_exit_has_reason",
                violation_error_message="An exit needs its reason, a transfer its own reason, an ongoing stay neither.",
            ),
        ),
    ]
