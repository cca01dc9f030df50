"""The advice-topics migration (0005) runs on a database that holds advice sessions, as every
deployment's does: the sessions it links to their visit leave foreign-key checks pending, which
PostgreSQL would refuse before altering the table in the same migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from harmreduction.models import AdviceSession
from tests.factories import VisitFactory

BEFORE = [("harmreduction", "0004_delivery_batches_and_stock_alerts")]


@pytest.mark.django_db(transaction=True)
def test_the_advice_topics_migration_keeps_the_topic_and_links_the_visit():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    visit = VisitFactory(
        status="done", outcome="seen", logged_at=timezone.now(), planned_on=timezone.localdate()
    )
    with connection.cursor() as cursor:  # the table as it was: one topic per session
        cursor.execute(
            "INSERT INTO harmreduction_advicesession "
            "(resident_id, held_on, topic, setting, note, held_by_id) "
            "VALUES (%s, %s, 'overdose', 'visit', '', %s)",
            [visit.resident_id, visit.planned_on, visit.worker_id],
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    session = AdviceSession.objects.get()
    assert (session.topics, session.visit_id) == (["overdose"], visit.pk)
