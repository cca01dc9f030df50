import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from residents.models import Resident
from tests.factories import ResidentFactory

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("birth_date", "birth_year", "minimum_age"),
    [
        (datetime.date(TODAY.year - 18, 1, 1), None, 18),
        (None, TODAY.year - 18, 17),  # born in that year: 17 until the birthday
        (None, TODAY.year - 19, 18),
        (None, None, None),
    ],
)
def test_it_computes_the_youngest_possible_age(birth_date, birth_year, minimum_age):
    resident = Resident(
        birth_date=birth_date, birth_year=birth_year or getattr(birth_date, "year", None)
    )
    assert (
        resident.minimum_age(TODAY.replace(month=12, day=31) if birth_date else TODAY)
        == minimum_age
    )


@pytest.mark.django_db
def test_the_database_keeps_the_year_and_the_date_of_birth_together():
    with pytest.raises(IntegrityError):
        ResidentFactory(birth_year=1980, birth_date=datetime.date(1981, 5, 1))


@pytest.mark.django_db
def test_it_keeps_a_search_text_without_accents_or_case():
    resident = ResidentFactory(nickname="Dédé", first_name="Hélène", last_name="LEFÈVRE")
    resident.refresh_from_db()
    assert resident.search_text == "dede helene lefevre"
