from celery import shared_task


@shared_task
def ping() -> str:
    """Answer "pong": proves a worker takes messages from the broker and stores results."""
    return "pong"
