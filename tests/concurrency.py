"""Racing real transactions in tests: one thread per request, each with its own connection.

For tests marked `@pytest.mark.django_db(transaction=True)`: the rows a test creates beforehand
are committed, so every thread sees them, and each thread's request commits or rolls back on its
own connection, as two gunicorn workers would.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


class Rendezvous:
    """A point the racing threads reach together before going on, such as the INSERT.

    A `threading.Barrier` that gives up waiting after `timeout`: once the code takes a lock
    earlier on, only one thread at a time gets this far, and it goes on alone after the wait.
    """

    def __init__(self, parties: int, timeout: float = 0.3):
        self.barrier = threading.Barrier(parties)
        self.timeout = timeout

    def wait(self) -> None:
        try:
            self.barrier.wait(self.timeout)
        except threading.BrokenBarrierError:
            pass


def run_at_once(*calls: Callable[[], Any], timeout: float = 30) -> list[Any]:
    """Start every call in its own thread and return, in order, what each returned or raised."""
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            outcomes[index] = call()
        except BaseException as error:  # reported to the test, which asserts there is none
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing request never finished"
    return outcomes
