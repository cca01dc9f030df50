import pytest
from django.core.management import call_command

from tests.factories import PlacementFactory, StaffAvailabilityFactory
from visits.models import Visit
from visits.tests.conftest import NEXT_MONDAY, WEEK


@pytest.mark.django_db
def test_it_plans_next_week_or_only_measures_it(capsys):
    StaffAvailabilityFactory()
    PlacementFactory()

    call_command("generate_roster", "--week", str(NEXT_MONDAY + WEEK), "--dry-run")
    assert "2 visits for 1 people" in capsys.readouterr().out
    assert not Visit.objects.exists()

    call_command("generate_roster")
    assert Visit.objects.in_week(NEXT_MONDAY).count() == 2
