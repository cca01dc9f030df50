"""What follows saving a sample for analysis (drug checking)."""

from django.db import transaction

from harmreduction.models.activities import Sample


def sample_saved(sample: Sample) -> None:
    """After a sample is saved: an unexpected result not yet announced alerts the team, once the
    transaction has committed (the task re-reads the sample and sends at most once)."""
    if sample.result_unexpected and sample.alert_sent_at is None:
        from harmreduction.tasks import send_sample_alert

        transaction.on_commit(lambda: send_sample_alert.delay(sample.pk))
