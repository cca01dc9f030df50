from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    """Give the role groups their permissions on the reports models (accounts.roles)."""

    dependencies = [
        ("accounts", "0002_role_groups"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
