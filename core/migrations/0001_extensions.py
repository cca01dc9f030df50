from django.contrib.postgres.operations import (
    BtreeGistExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL extensions the apps rely on: exclusion constraints, accent- and typo-tolerant search."""

    dependencies = []

    operations = [BtreeGistExtension(), UnaccentExtension(), TrigramExtension()]
