"""The demo stays' drawing: the same seed draws the same stays.

Apart from `test_demo.py`, whose tests share stays already seeded: this one draws on a programme
without any.
"""

import random

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from placements import demo
from residents import demo as residents_demo

TODAY = timezone.localdate()


@pytest.mark.django_db
def test_it_draws_the_same_stays_from_the_same_seed(db):
    accounts_demo.seed(rng=random.Random(1), scale="demo")
    demo.seed(rng=random.Random(2), scale="demo")
    residents_demo.seed(rng=random.Random(3), scale="demo")
    people, places = demo._people_to_house(), demo._places_to_fill()

    def draw() -> list[tuple]:
        rng = random.Random(4)
        _decided, segments = demo._draw_segments(rng, people, TODAY, 63, len(places))
        demo._allocate(rng, segments, places, TODAY)
        return [
            (s.person, s.place.pk if s.place else None, s.start, s.end)
            for first in segments
            for s in demo._chain(first)
        ]

    first = draw()
    assert first == draw()
    assert len({person for person, *_rest in first}) > 90
