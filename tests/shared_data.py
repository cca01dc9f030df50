"""Test data built once for all the tests of a module, as Django's `TestCase.setUpTestData` builds
it once for all the tests of a class.

The rows are created in a transaction that stays open while the module's tests run, and is
rolled back after the last one. Each test runs in a savepoint of it (pytest-django's `db`),
rolled back after the test, so what one test writes is never seen by the next; each test also
gets its own copy of the Python objects (`copy.deepcopy`, as `setUpTestData`'s `TestData` does),
so changing an attribute in one test changes nothing in the next.

Only for modules whose tests use `db`: a transactional test (`transaction=True`) would empty the
tables inside the open transaction.
"""

import copy
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import connection, transaction

T = TypeVar("T")


def built_once_for_the_module(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture: `yield from built_once_for_the_module(blocker, build)`."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def copy_for_one_test(data: T) -> T:
    """For the function-scoped fixture that hands the module's data to one test (using `db`)."""
    assert connection.in_atomic_block, "the module's data exists only inside its transaction"
    return copy.deepcopy(data)
