"""The choice of a resident, shared by the forms of the material and of the other
harm-reduction work."""

import datetime

from django.db.models import Q
from django.utils import timezone

from placements.models import Placement
from residents.models import Resident

# The people offered in the forms: housed now or lately. Anyone else is recorded anonymously (or
# from their file, which preselects them): at the scale of the whole scheme, a list of every file
# ever opened would weigh more than the rest of the page.
RECENTLY_HOUSED = datetime.timedelta(days=90)


def _residents(include: int | None = None):
    since = timezone.localdate() - RECENTLY_HOUSED
    recent = Placement.objects.filter(Q(end__isnull=True) | Q(end__gt=since)).values("resident_id")
    return (
        Resident.objects.active()
        .filter(Q(pk__in=recent) | Q(pk=include or 0))
        .order_by("nickname", "pk")
    )


class ResidentChoiceMixin:
    """A `resident` field offering the people housed lately, plus `resident_id` if given."""

    def __init__(self, *args, resident_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = _residents(include=resident_id)
