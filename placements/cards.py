"""The place cards of the occupancy board and of a hotel's page, written in Python.

A board page shows about a hundred cards. As a template included once per card, with its
`{% url %}`, `{% translate %}` and `|date` tags, they cost some 0.2 ms each: more than the rest
of the page. Here the fixed words are translated once per list, each address is reversed once
(`core.links.object_url`) and each value is escaped once; the markup is the one the template
had.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from html import escape as _escape

from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from core.links import id_url, object_url
from core.templatetags.icons import icon
from placements.selectors import BoardPlace, PlaceState


def escape(value) -> str:
    """As django.utils.html.escape (which calls the same function), without its lazy-string
    wrapper, that costs more than the escaping."""
    return _escape(str(value))


@dataclass
class CardOptions:
    """What the cards offer: the same for every card of a list."""

    can_assign: bool = False  # "Assign" on free places
    manage: bool = False  # edit / out-of-service buttons on every card (the hotel page)
    show_last_visit: bool = False
    csrf_token: str = ""


class Words:
    """The cards' fixed words, icons and days, translated, formatted and escaped once for a
    page (in the language of the request, active while the page is written)."""

    def __init__(self):
        self._since: dict[int, str] = {}
        self._days: dict[datetime.date, str] = {}
        self._write_day = day_writer(get_format("SHORT_DATE_FORMAT"))
        self.states = {state: escape(label) for state, label in PlaceState.LABELS.items()}
        # A place's label: "Room %(room)s%(bed)s" translated once (`Place.label_in`).
        self.room = gettext("Room %(room)s%(bed)s")
        self.resident_url = id_url("residents:resident_detail")
        self.stay_url = id_url("placements:placement_detail")
        self.assign_url = id_url("placements:assign_candidates")
        self.outage_create_url = id_url("placements:outage_create")
        self.incident_url = id_url("placements:incident_detail")

    def day(self, value: datetime.date) -> str:
        """03/11/2026: a hundred cards share a few dozen days."""
        if value not in self._days:
            self._days[value] = self._write_day(value)
        return self._days[value]

    @cached_property
    def last_visit(self) -> str:
        return escape(gettext("Last visit:"))

    @cached_property
    def stay(self) -> str:
        return escape(gettext("Stay"))

    @cached_property
    def released(self) -> str:
        return escape(gettext("place released"))

    @cached_property
    def until_further_notice(self) -> str:
        return escape(gettext("until further notice"))

    @cached_property
    def assign(self) -> str:
        return escape(gettext("Assign"))

    @cached_property
    def put_out_of_service(self) -> str:
        return escape(gettext("Put out of service"))

    @cached_property
    def out_of_service(self) -> str:
        return escape(gettext("out of service"))

    @cached_property
    def edit(self) -> str:
        return escape(gettext("Edit"))

    @cached_property
    def change_the_dates(self) -> str:
        return escape(gettext("Change the dates"))

    @cached_property
    def back_in_service_question(self) -> str:
        return escape(gettext("Put this place back in service from today?"))

    @cached_property
    def back_in_service(self) -> str:
        return escape(gettext("Back in service"))

    @cached_property
    def return_planned(self) -> str:
        return gettext("return planned on %(date)s")

    @cached_property
    def until(self) -> str:
        return gettext("until %(end)s")

    def since(self, days: int) -> str:
        """“since %(date)s (%(days)s days)”, chosen by `ngettext` once for each number."""
        if days not in self._since:
            self._since[days] = ngettext(
                "since %(date)s (%(days)s day)", "since %(date)s (%(days)s days)", days
            )
        return self._since[days]

    @cached_property
    def walking(self) -> str:
        return icon("person-walking")

    @cached_property
    def person_plus(self) -> str:
        return icon("person-plus")

    @cached_property
    def tools(self) -> str:
        return icon("tools")

    @cached_property
    def warning(self) -> str:
        return icon("exclamation-triangle-fill")


# What Django's date format letters write that are numbers alone (django.utils.dateformat).
_NUMERIC_LETTERS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "y": "{1:02d}",
}


def day_writer(date_format: str) -> Callable[[datetime.date], str]:
    """`django.utils.dateformat.format(day, date_format)` as one `str.format` when the format
    writes only numbers and punctuation (SHORT_DATE_FORMAT: "d/m/Y", "m/d/Y"); a format with
    words in it (month names) or escapes is left to Django."""
    date_format = str(date_format)
    if "\\" in date_format or any(
        char.isalpha() and char not in _NUMERIC_LETTERS for char in date_format
    ):
        return lambda day: format_date(day, date_format)
    pattern = re.sub(
        "[a-zA-Z]",
        lambda letter: _NUMERIC_LETTERS[letter.group(0)],
        date_format.replace("{", "{{").replace("}", "}}"),
    )
    return lambda day: pattern.format(day, day.year % 100)


def place_cards(
    rows: list[BoardPlace], options: CardOptions, words: Words | None = None
) -> SafeString:
    """The cards of `rows`, one `<article>` each. `words` may be shared by the lists of a page."""
    words = words or Words()
    return mark_safe("".join(place_card(row, options, words) for row in rows))  # noqa: S308


def place_card(row: BoardPlace, options: CardOptions, words: Words) -> str:
    """One card. Every value is escaped here: the result is marked safe by `place_cards`."""
    place, stay, outage = row.place, row.stay, row.outage
    dom_id = f"place-{place.pk}"
    label = place.label_in(words.room)
    state = row.state
    html = [
        f'<article class="board-place is-{state}" id="{dom_id}" data-testid="place" '
        f'data-state="{state}" aria-labelledby="{dom_id}-label">\n'
        '  <div class="d-flex flex-wrap justify-content-between align-items-start column-gap-1">'
        f'<strong class="text-nowrap" id="{dom_id}-label">{escape(label)}</strong>'
        f' <span class="badge board-state">{words.states[state]}</span></div>\n'
    ]
    if stay is not None:
        nickname = escape(stay.resident.nickname)
        nights = row.days
        since = words.since(nights) % {"date": words.day(stay.start), "days": nights}
        resident_url = words.resident_url(stay.resident_id)
        html.append(
            f'  <div class="mt-1"><a class="fw-semibold" href="{resident_url}">{nickname}</a></div>'
            f'\n  <div class="small">{escape(since)}</div>\n'
        )
        if options.show_last_visit:
            last = escape(words.day(row.last_visit)) if row.last_visit else "—"
            html.append(
                f'  <div class="small" data-testid="last-visit">{words.last_visit} {last}</div>\n'
            )
        absence = row.absence
        if absence is not None:
            html.append(
                f'  <div class="small mt-1">{words.walking} {escape(absence.get_reason_display())}'
            )
            if absence.planned_return:
                planned = words.return_planned % {"date": words.day(absence.planned_return)}
                html.append(f", {escape(planned)}")
            if absence.released:
                html.append(f' <span class="badge text-bg-light border">{words.released}</span>')
            html.append("</div>\n")
        stay_url = words.stay_url(stay.pk)
        html.append(
            f'  <a class="small d-inline-block mt-1" href="{stay_url}">{words.stay} '
            f'<span class="visually-hidden">{nickname}</span></a>\n'
        )
    elif outage is not None:
        if outage.end:
            until = escape(words.until % {"end": words.day(outage.end)})
        else:
            until = words.until_further_notice
        html.append(
            f'  <div class="small mt-1">{escape(outage.reason_label)}</div>\n'
            f'  <div class="small">{until}</div>\n'
        )
    elif options.can_assign:
        # The place's name (`str(place)`) for screen readers.
        hidden = f'<span class="visually-hidden"> {escape(f"{place.hotel} – {label}")}</span>'
        assign_url = words.assign_url(place.pk)
        html.append(
            f'  <a class="btn btn-sm btn-success mt-2" href="{assign_url}" data-testid="assign">'
            f"{words.person_plus} {words.assign}{hidden}</a>\n"
        )
        if not options.manage:
            outage_url = words.outage_create_url(place.pk)
            html.append(
                '  <a class="btn btn-sm btn-outline-secondary mt-2" '
                f'href="{outage_url}?depuis=tableau" data-testid="outage-create">'
                f"{words.tools} {words.put_out_of_service}{hidden}</a>\n"
            )
    if stay is not None and outage is not None:
        html.append(
            f'  <div class="small text-danger-emphasis mt-1">{words.tools} '
            f"{words.out_of_service}: {escape(outage.reason_label)}</div>\n"
        )
    if row.incidents:
        html.append('  <ul class="list-unstyled small mt-1 mb-0" data-testid="place-incidents">')
        for incident in row.incidents:
            url = words.incident_url(incident.pk)
            html.append(
                f'<li><a class="text-danger-emphasis" href="{url}">{words.warning} '
                f"{escape(incident.kind_label)} "
                f"({escape(words.day(incident.occurred_on))})</a></li>"
            )
        html.append("</ul>\n")
    if options.manage:
        edit_url = object_url("placements:place_update", place.hotel_id, place.pk)
        html.append(
            '  <div class="d-flex flex-wrap gap-1 mt-2">'
            f'<a class="btn btn-sm btn-outline-secondary" href="{edit_url}">{words.edit}</a>'
        )
        if outage is not None:
            update_url = object_url("placements:outage_update", place.pk, outage.pk)
            end_url = object_url("placements:outage_end", place.pk, outage.pk)
            html.append(
                f' <a class="btn btn-sm btn-outline-secondary" href="{update_url}">'
                f"{words.change_the_dates}</a>"
                f' <form method="post" action="{end_url}" '
                f'data-confirm="{words.back_in_service_question}">'
                '<input type="hidden" name="csrfmiddlewaretoken" '
                f'value="{escape(options.csrf_token)}">'
                '<button class="btn btn-sm btn-outline-success" type="submit">'
                f"{words.back_in_service}</button></form>"
            )
        else:
            outage_url = object_url("placements:outage_create", place.pk)
            html.append(
                f' <a class="btn btn-sm btn-outline-secondary" href="{outage_url}">'
                f"{words.put_out_of_service}</a>"
            )
        html.append("</div>\n")
    html.append("</article>\n")
    return "".join(html)
