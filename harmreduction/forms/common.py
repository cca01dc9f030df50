"""The choice of a resident, shared by the forms of the material and of the other
harm-reduction work."""

import datetime

from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.params import parse_id
from placements.models import Placement
from residents.models import Resident, normalised

# The people offered in the forms: housed now or lately. Anyone else is recorded anonymously (or
# from their file, which preselects them): at the scale of the whole scheme, a list of every file
# ever opened would weigh more than the rest of the page.
RECENTLY_HOUSED = datetime.timedelta(days=90)
# The most people a search shows: more letters narrow it down.
SEARCH_LIMIT = 20
MAX_SEARCH = 80  # characters: a name is shorter
CHOICE_FIELDS = ("pk", "nickname", "birth_year")  # what a choice shows


def residents_offered(include: int | None = None):
    """The people a form accepts: housed now or lately, or `include` (preselected)."""
    since = timezone.localdate() - RECENTLY_HOUSED
    recent = Placement.objects.filter(Q(end__isnull=True) | Q(end__gt=since)).values("resident_id")
    return (
        Resident.objects.active()
        .filter(Q(pk__in=recent) | Q(pk=include or 0))
        .order_by("nickname", "pk")
    )


def residents_matching(text: str, *, include: int | None = None) -> list[Resident]:
    """The people a form offers (housed lately, or `include`) whose nickname or name holds
    `text`, accents and case aside: at most SEARCH_LIMIT + 1, so that the caller knows there
    are more. One query."""
    text = text.replace("\x00", "").strip()[:MAX_SEARCH]  # PostgreSQL refuses NUL
    if not text:
        return []
    found = residents_offered(include=include).filter(search_text__contains=normalised(text))
    return list(found.only(*CHOICE_FIELDS)[: SEARCH_LIMIT + 1])


class ResidentSearchWidget(forms.Widget):
    """A search box that lists the matching people (htmx, `harmreduction:resident_search`) as
    radio buttons named like the field, with "anonymous" first; the field still checks the
    person chosen against its queryset. Where hundreds are housed, a `<select>` of all of them
    weighed more than the rest of the form."""

    template_name = "harmreduction/widgets/resident_search.html"

    def __init__(self, *, empty_label: str, attrs=None):
        super().__init__(attrs)
        self.empty_label = empty_label
        self.queryset = Resident.objects.none()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = parse_id(str(value)) if value not in (None, "") else None
        person = None
        if chosen is not None:
            person = self.queryset.filter(pk=chosen).only(*CHOICE_FIELDS).first()
        context["widget"].update(
            {
                "people": [person] if person else [],
                "chosen": str(chosen or ""),
                "empty_label": self.empty_label,
                "search_url": reverse("harmreduction:resident_search"),
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, which the forms' default renderer does not search.
        context = self.get_context(name, value, self.build_attrs(self.attrs, attrs))
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308


class ResidentChoiceMixin:
    """A `resident` field offering the people housed lately, plus `resident_id` if given."""

    def __init__(self, *args, resident_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        field.queryset = residents_offered(include=resident_id)
        if isinstance(field.widget, ResidentSearchWidget):
            field.widget.queryset = field.queryset
