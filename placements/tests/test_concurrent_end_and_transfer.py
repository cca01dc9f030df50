"""Two coordinators end or transfer the same stay at the same moment: exactly one succeeds.

Real PostgreSQL connections, one per thread, both requests started together. Each request,
once it has read the stay and checked it is still open, waits for the other one to get as far
(half a second at most) before writing anything. With the stay's row lock, the second request
cannot read the stay before the first commits: it then finds it ended and gets the French
message. Without the lock both would read an open stay and both would write.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from placements import services
from placements.models import Placement
from tests.factories import PlaceFactory, PlacementFactory, UserFactory

TODAY = timezone.localdate()
ROUNDS = 5
ALREADY_ENDED = "Ce séjour est déjà terminé."


def _end(stay, by):
    services.placement_end(placement=stay, on=TODAY, destination="chrs", reason="move_on", by=by)


def _transfer(stay, by):
    services.placement_transfer(
        placement=stay, to_place=PlaceFactory(), on=TODAY, reason="request", by=by
    )


@pytest.fixture
def both_read_before_writing(monkeypatch):
    """Hold each request after its checks, before its first write, until both got there."""
    meeting = {"barrier": None}
    close_absences = services._close_absences

    def wait_for_the_other(placement, on):
        try:
            meeting["barrier"].wait(timeout=0.5)
        except threading.BrokenBarrierError:
            pass  # the other request is blocked on the lock, or already done
        close_absences(placement, on)

    monkeypatch.setattr(services, "_close_absences", wait_for_the_other)

    def new_round():
        meeting["barrier"] = threading.Barrier(2)

    return new_round


def _race(stay, first, second, by) -> list:
    start = threading.Barrier(2)
    outcomes: list = [None, None]

    def run(index, action):
        start.wait(5)
        try:
            action(stay, by)
            outcomes[index] = "ok"
        except ValidationError as error:
            outcomes[index] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action))
        for index, action in enumerate((first, second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "first, second",
    [(_end, _end), (_end, _transfer), (_transfer, _transfer)],
    ids=["end-end", "end-transfer", "transfer-transfer"],
)
def test_it_lets_exactly_one_of_two_simultaneous_requests_end_the_stay(
    both_read_before_writing, first, second
):
    coordinator = UserFactory()
    for _round in range(ROUNDS):
        both_read_before_writing()
        stay = PlacementFactory(start=TODAY - datetime.timedelta(days=30))

        outcomes = _race(stay, first, second, coordinator)

        assert sorted(outcomes) == sorted(["ok", ALREADY_ENDED])
        winner = (first, second)[outcomes.index("ok")]
        stay.refresh_from_db()
        stays = list(Placement.objects.filter(resident=stay.resident).order_by("start", "pk"))
        assert stay.end == TODAY
        if winner is _end:
            assert stay.exit_destination == "chrs"
            assert stays == [stay]
        else:
            assert stay.exit_destination == "transfer"
            assert [(s.start, s.end, s.previous_id) for s in stays] == [
                (stay.start, TODAY, None),
                (TODAY, None, stay.pk),
            ]
