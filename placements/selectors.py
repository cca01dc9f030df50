"""Reads that need care: the occupancy board, free places, the monthly statement, incidents and
the resident timeline. Each answers in a fixed number of queries, whatever the number of places."""

import datetime
import functools
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.policy import may
from core.links import object_url
from placements import hooks, occupancy
from placements.models import (
    Absence,
    ExitDestination,
    Hotel,
    Incident,
    IncidentAction,
    Place,
    Placement,
    PlaceOutage,
)
from residents import timeline
from residents.models import Resident
from residents.timeline import Days, Rows, TimelineEntry


def _covering(on: datetime.date) -> Q:
    """Rows (stays, absences, outages) running on the night of `on`."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on))


def place_totals(
    on: datetime.date | None = None, *, totals: dict[str, int] | None = None
) -> dict[str, int]:
    """The manager's card: the board's places (see `occupancy_totals`), those out of service
    (`occupancy.out_of_service_places`) and the others. One query, none given `totals`."""
    totals = totals or occupancy_totals(on)
    return {
        "total": totals["total"],
        "out_of_service": totals[PlaceState.OUT_OF_SERVICE],
        "in_service": totals["total"] - totals[PlaceState.OUT_OF_SERVICE],
    }


def places_card(request) -> dict | None:
    if not may(request.user, "placements.read"):
        return None
    return place_totals(totals=_totals_of_the_day(request))


# --- The occupancy board --------------------------------------------------------------------------


class PlaceState:
    FREE = "free"
    OCCUPIED = "occupied"
    HELD = "held"
    OUT_OF_SERVICE = "out"

    LABELS = {
        FREE: gettext_lazy("Free"),
        OCCUPIED: gettext_lazy("Occupied"),
        HELD: gettext_lazy("Held (away)"),
        OUT_OF_SERVICE: gettext_lazy("Out of service"),
    }
    ORDER = (OCCUPIED, FREE, OUT_OF_SERVICE, HELD)


@dataclass
class BoardPlace:
    place: Place
    state: str
    stay: Placement | None = None
    absence: Absence | None = None
    outage: PlaceOutage | None = None
    incidents: list[Incident] = field(default_factory=list)
    last_visit: datetime.date | None = None
    on: datetime.date = field(default_factory=timezone.localdate)

    @property
    def days(self) -> int | None:
        """Nights in this place so far."""
        return self.stay.nights(self.on) if self.stay else None

    @property
    def state_label(self) -> str:
        return PlaceState.LABELS[self.state]

    # What the place's card shows, worked out here: a page shows a hundred cards, and these cost
    # less in Python than as template tags ({% url %}, {% blocktranslate count %}, |date).

    @property
    def dom_id(self) -> str:
        return f"place-{self.place.pk}"

    @property
    def resident_url(self) -> str:
        return object_url("residents:resident_detail", self.stay.resident_id)

    @property
    def stay_url(self) -> str:
        return object_url("placements:placement_detail", self.stay.pk)

    @property
    def assign_url(self) -> str:
        return object_url("placements:assign_candidates", self.place.pk)

    @property
    def since(self) -> str:
        """“since 03/11/2026 (30 days)”."""
        return ngettext(
            "since %(date)s (%(days)s day)", "since %(date)s (%(days)s days)", self.days
        ) % {"date": _day(self.stay.start), "days": self.days}

    @property
    def last_visit_on(self) -> str:
        return _day(self.last_visit) if self.last_visit else "—"


@dataclass
class HotelBoard:
    hotel: Hotel
    places: list[BoardPlace]
    totals: dict[str, int]
    incidents: list[Incident]  # open incidents of the hotel not tied to one place

    @property
    def open_incident_count(self) -> int:
        return len(self.incidents) + sum(len(row.incidents) for row in self.places)


def room_order(place: Place) -> tuple:
    """Rooms in the order of the corridor: 2 before 101, then by bed."""
    room = place.room.strip()
    return (
        (0, int(room), "", place.bed, place.pk)
        if room.isdigit()
        else (1, 0, room, place.bed, place.pk)
    )


def _empty_totals() -> dict[str, int]:
    return {state: 0 for state in PlaceState.ORDER} | {"total": 0}


def board_hotels(on: datetime.date | None = None) -> list[Hotel]:
    """Hotels on the board: the active ones, and any other still housing someone.

    Their id, name and arrondissement (what the board shows; the other fields are deferred),
    by name. One query, its statement built once a day (`_board_hotels_sql`)."""
    sql, params = _board_hotels_sql(on or timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Hotel.from_db(connection.alias, _HOTEL_COLUMNS, row) for row in cursor.fetchall()]


_HOTEL_COLUMNS = ("id", "name", "arrondissement")


@functools.lru_cache(maxsize=4)
def _board_hotels_sql(on: datetime.date) -> tuple[str, tuple]:
    """The SQL of `board_hotels` on `on`: only the statement is kept, never the hotels."""
    housing = Placement.objects.current(on).values("place__hotel_id")
    hotels = Hotel.objects.filter(Q(active=True) | Q(pk__in=housing)).order_by("name")
    return hotels.only(*_HOTEL_COLUMNS).values_list(*_HOTEL_COLUMNS).query.sql_with_params()


# What the cards show of each table, in the order of the model's fields (`Model.from_db` takes
# the values in that order; the fields left out are deferred, and the cards never read them).
_BOARD_COLUMNS = (
    (Place, "p", ("id", "hotel_id", "room", "bed")),
    (Placement, "s", ("id", "resident_id", "place_id", "start", "end")),
    (Resident, "r", ("id", "nickname")),
    (Absence, "a", ("id", "placement_id", "start", "end", "planned_return", "reason", "released")),
    (PlaceOutage, "o", ("id", "place_id", "start", "end", "kind", "reason")),
)


def _columns(alias: str, names: tuple[str, ...]) -> str:
    return ", ".join(f'{alias}."{name}"' for name in names)


# Each place of some hotels with what covers the night of %(on)s: its current stay and that
# stay's resident, the stay's absence, the place's outage (`_covering`, `Placement.current`).
# One row a place: the database holds at most one stay a place, one absence a stay and one
# outage a place on a day (placement_one_person_per_place, absence_no_overlap_per_stay,
# outage_no_overlap_per_place). Written once: the ORM took ~3 ms of CPU to build the querysets
# this one statement replaces, more than the database takes to answer it.
_BOARD_PLACES_SQL = f"""
    SELECT {", ".join(_columns(alias, names) for _model, alias, names in _BOARD_COLUMNS)}
    FROM placements_place p
    LEFT JOIN placements_placement s
        ON s.place_id = p.id AND s.start <= %(on)s AND (s."end" IS NULL OR s."end" > %(on)s)
    LEFT JOIN residents_resident r ON r.id = s.resident_id
    LEFT JOIN placements_absence a
        ON a.placement_id = s.id AND a.start <= %(on)s AND (a."end" IS NULL OR a."end" > %(on)s)
    LEFT JOIN placements_placeoutage o
        ON o.place_id = p.id AND o.start <= %(on)s AND (o."end" IS NULL OR o."end" > %(on)s)
    WHERE p.hotel_id = ANY(%(hotels)s)
"""  # noqa: S608 - the columns are the constants above

# The open incidents of some hotels, newest first (`Incident.Meta.ordering`), with the nickname
# of the person concerned.
_INCIDENT_COLUMNS = ("id", "hotel_id", "place_id", "resident_id", "occurred_on", "kind")
_BOARD_INCIDENTS_SQL = f"""
    SELECT {_columns("i", _INCIDENT_COLUMNS)}, r.id, r.nickname
    FROM placements_incident i
    LEFT JOIN residents_resident r ON r.id = i.resident_id
    WHERE i.closed_on IS NULL AND i.hotel_id = ANY(%(hotels)s)
    ORDER BY i.occurred_on DESC, i.id DESC
"""  # noqa: S608 - the columns are the constants above


def _board_rows(hotel_ids: list[int], on: datetime.date) -> list[tuple]:
    """(place, stay, resident, absence, outage) for each place of `hotel_ids` on `on`, as
    model instances holding the columns of `_BOARD_COLUMNS` (None where nothing covers the
    day), in no order. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_BOARD_PLACES_SQL, {"on": on, "hotels": hotel_ids})
        found = cursor.fetchall()
    db = connection.alias
    rows = []
    for values in found:
        instances, start = [], 0
        for model, _alias, names in _BOARD_COLUMNS:
            end = start + len(names)
            # The first column is the id: None when the LEFT JOIN found no row.
            part = values[start:end]
            instances.append(model.from_db(db, names, part) if part[0] is not None else None)
            start = end
        rows.append(tuple(instances))
    return rows


def _open_incidents(hotel_ids: list[int]) -> list[Incident]:
    """The open incidents of `hotel_ids` (the columns the board shows), newest first."""
    with connection.cursor() as cursor:
        cursor.execute(_BOARD_INCIDENTS_SQL, {"hotels": hotel_ids})
        found = cursor.fetchall()
    db = connection.alias
    incidents = []
    for *values, resident_id, nickname in found:
        incident = Incident.from_db(db, _INCIDENT_COLUMNS, values)
        if resident_id is not None:
            incident.resident = Resident.from_db(db, ("id", "nickname"), (resident_id, nickname))
        incidents.append(incident)
    return incidents


def hotel_boards(
    hotels: list[Hotel],
    *,
    on: datetime.date | None = None,
    state: str | None = None,
    last_visits: bool = True,
) -> list[HotelBoard]:
    """The state on `on` of every place of `hotels`, in bulk.

    Two queries whatever the number of places (the places with their current stays, residents,
    absences and outages: `_board_rows`; the open incidents), plus one if another app answers
    `placements.hooks.last_visits` (and `last_visits` is true: the hotel page does not show
    them). A place is out of service as `occupancy.out_of_service_places` says (an outage
    covers the day and no stay does). Totals count every place of a hotel; `state` only
    filters the places listed.
    """
    on = on or timezone.localdate()
    by_id = {hotel.pk: hotel for hotel in hotels}
    hotel_ids = list(by_id)
    # Sorted in Python: Place's default ordering would join the hotels to sort by name.
    found = sorted(_board_rows(hotel_ids, on), key=lambda found: room_order(found[0]))
    incidents_by_place: dict[int, list[Incident]] = defaultdict(list)
    incidents_by_hotel: dict[int, list[Incident]] = defaultdict(list)
    for incident in _open_incidents(hotel_ids):
        if incident.place_id:
            incidents_by_place[incident.place_id].append(incident)
        else:
            incidents_by_hotel[incident.hotel_id].append(incident)
    residents = {stay.resident_id for _place, stay, *_rest in found if stay is not None}
    visits = (hooks.last_visits(residents) if last_visits else None) or {}

    rows: dict[int, list[BoardPlace]] = defaultdict(list)
    totals: dict[int, dict[str, int]] = defaultdict(_empty_totals)
    for place, stay, resident, absence, outage in found:
        place.hotel = by_id[place.hotel_id]  # already loaded
        row = BoardPlace(
            place=place,
            state=PlaceState.FREE,
            stay=stay,
            outage=outage,
            incidents=incidents_by_place.get(place.pk, []),
            on=on,
        )
        if stay is not None:
            stay.resident = resident
            row.absence = absence
            row.state = PlaceState.HELD if absence else PlaceState.OCCUPIED
            row.last_visit = visits.get(stay.resident_id)
        elif outage is not None:
            # `occupancy.out_of_service_places`: an outage covers the night and no stay does.
            row.state = PlaceState.OUT_OF_SERVICE
        totals[place.hotel_id][row.state] += 1
        totals[place.hotel_id]["total"] += 1
        if state is None or row.state == state:
            rows[place.hotel_id].append(row)
    return [
        HotelBoard(
            hotel=hotel,
            places=rows[hotel.pk],
            totals=totals[hotel.pk],
            incidents=incidents_by_hotel.get(hotel.pk, []),
        )
        for hotel in hotels
    ]


def overall_totals(boards: list[HotelBoard]) -> dict[str, int]:
    totals = _empty_totals()
    for board in boards:
        for key, count in board.totals.items():
            totals[key] += count
    return totals


# The tables `occupancy_totals` reads: the home cards built on it are cached until one changes.
BOARD_MODELS = (
    "placements.Hotel",
    "placements.Place",
    "placements.Placement",
    "placements.Absence",
    "placements.PlaceOutage",
)


def occupancy_totals(on: datetime.date | None = None) -> dict[str, int]:
    """The board's overall totals counted by the database in one query, for the home card.

    The places of the board's hotels, each counted once in its state (see `hotel_boards`):
    held when its current stay has an absence covering the day, occupied when it has a current
    stay otherwise, out of service when `occupancy.out_of_service_places` lists it, else free.
    Each condition is a subquery that does not depend on the place: the database runs it once.
    """
    sql, params = _occupancy_totals_sql(on or timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        totals = dict(
            zip((column.name for column in cursor.description), cursor.fetchone(), strict=True)
        )
    totals["free"] = totals["total"] - totals["occupied"] - totals["held"] - totals["out"]
    return totals


@functools.lru_cache(maxsize=4)
def _occupancy_totals_sql(on: datetime.date) -> tuple[str, tuple]:
    """The SQL of `occupancy_totals` for the day `on`, built once a day and process: the ORM
    takes ~3 ms of CPU to build these subqueries, the board's costliest step. Only the
    statement is kept, never a count: each call asks the database."""
    housing = Placement.objects.current(on)
    away = Absence.objects.filter(_covering(on)).values("placement_id")
    housed = Q(pk__in=housing.values("place_id"))
    held = Q(pk__in=housing.filter(pk__in=away).values("place_id"))
    out = Q(pk__in=occupancy.out_of_service_places(on).values("pk"))
    totals = (
        Place.objects.filter(Q(hotel__active=True) | Q(hotel__in=housing.values("place__hotel_id")))
        .order_by()
        # One group for every place: a constant is left out of GROUP BY, one row comes back.
        .annotate(every_place=Value(1))
        .values("every_place")
        .annotate(
            total=Count("pk"),
            held=Count("pk", filter=held),
            occupied=Count("pk", filter=housed & ~held),
            out=Count("pk", filter=out),
        )
        .values("total", "held", "occupied", "out")
    )
    return totals.query.sql_with_params()


def _totals_of_the_day(request) -> dict[str, int]:
    """Today's `occupancy_totals`, counted once for the two home cards that show them."""
    if not hasattr(request, "_occupancy_totals"):
        request._occupancy_totals = occupancy_totals()
    return request._occupancy_totals


def occupancy_card(request) -> dict | None:
    """The coordinator's home card: today's totals and the way to the board."""
    if not may(request.user, "placements.manage"):
        return None
    totals = _totals_of_the_day(request)
    return {"totals": totals, "free": totals[PlaceState.FREE]}


def free_places(on: datetime.date | None = None):
    """Places of active hotels that can take a stay from `on`: no stay from that day on, and not
    out of service that day. The services check again at save time."""
    on = on or timezone.localdate()
    taken = Placement.objects.overlapping(on, None).values("place_id")
    # Every outage covering the day: a free place under an outage cannot be given either.
    out = PlaceOutage.objects.filter(_covering(on)).values("place_id")
    return (
        Place.objects.filter(hotel__active=True)
        .exclude(pk__in=taken)
        .exclude(pk__in=out)
        .select_related("hotel")
        .order_by("hotel__name", "room", "bed")
    )


# --- One stay and its chain of transfers ----------------------------------------------------------


def stay_chain(placement: Placement) -> list[Placement]:
    """The stays of one continuous stay in the programme (linked by transfers), oldest first.

    One query: all the stays of the person, linked in Python.
    """
    stays = {
        stay.pk: stay
        for stay in Placement.objects.filter(resident_id=placement.resident_id).select_related(
            "place__hotel", "admission", "created_by", "ended_by"
        )
    }
    first = stays[placement.pk]
    while first.previous_id and first.previous_id in stays:
        first = stays[first.previous_id]
    following = {stay.previous_id: stay for stay in stays.values() if stay.previous_id}
    chain = [first]
    while chain[-1].pk in following:
        chain.append(following[chain[-1].pk])
    return chain


# --- The operator's monthly statement ------------------------------------------------------------


@dataclass
class StatementRow:
    """One line of the statement: a place, a hotel's total or the programme's total."""

    label: str
    nights: int = 0
    billable: int = 0
    available: int = 0
    entries: int = 0
    exits: int = 0
    hotel: str = ""
    is_total: bool = False  # a hotel's total or the programme's: bold in the files

    @property
    def rate(self) -> float | None:
        """Billable nights ÷ available place-nights (as `occupancy.occupancy_rate` defines it)."""
        return self.billable / self.available if self.available > 0 else None

    @property
    def rate_percent(self) -> Decimal | None:
        """The rate in percent to one decimal, rounded half up: the page and the files agree."""
        if self.available <= 0:
            return None
        percent = Decimal(self.billable * 100) / Decimal(self.available)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rate_shown(self) -> str:
        """The rate as the page shows it: “62,5 %”, or a dash without available nights."""
        percent = self.rate_percent
        return "—" if percent is None else f"{number_format(percent, 1)} %"

    def add(self, other: "StatementRow") -> None:
        self.nights += other.nights
        self.billable += other.billable
        self.available += other.available
        self.entries += other.entries
        self.exits += other.exits


@dataclass
class HotelStatement:
    hotel: Hotel
    places: list[StatementRow]
    total: StatementRow


@dataclass
class Statement:
    start: datetime.date
    end: datetime.date
    hotels: list[HotelStatement]
    total: StatementRow

    def lines(self) -> list[StatementRow]:
        """Every line in page order: each hotel's places then its total, then the total."""
        lines = []
        for hotel in self.hotels:
            lines.extend(hotel.places)
            lines.append(hotel.total)
        lines.append(self.total)
        return lines


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


# A counted place as the statement reads it: values, not a model (`room_order` takes either).
_StatementPlace = namedtuple("_StatementPlace", "pk hotel_id hotel_name room bed")


def monthly_statement(month: datetime.date) -> Statement:
    """Per hotel and place, for the month of `month`: nights, billable nights, available
    place-nights, occupancy, entries and exits — every figure from `placements.occupancy`.

    Six queries whatever the number of places and hotels: stay nights, released nights (the
    billable nights are their difference), the counted places with their hotels, outage nights,
    entries, exits. The places are read as values and the labels translated once: the whole
    scheme has hundreds of places.
    """
    start, end = month_bounds(month)
    nights = occupancy.stay_nights_by_place(start, end)
    released = occupancy.released_nights_by_place(start, end)
    billable = {pk: count - released.get(pk, 0) for pk, count in nights.items()}
    places = [
        _StatementPlace(*values)
        for values in occupancy.counted_places(start, end).values_list(
            "pk", "hotel_id", "hotel__name", "room", "bed"
        )
    ]
    available = occupancy.available_place_nights_by_place(
        start, end, place_ids=[place.pk for place in places]
    )
    entries = occupancy.entries_by_place(start, end)
    exits = occupancy.exits_by_place(start, end)
    room_label = _("Room %(room)s%(bed)s")  # as `Place.label` reads
    hotel_total_label = _("Total %(hotel)s")
    by_hotel: dict[int, HotelStatement] = {}
    total = StatementRow(label=_("Total"), hotel=_("All hotels"), is_total=True)
    for place in sorted(places, key=lambda place: (place.hotel_name, *room_order(place))):
        hotel = by_hotel.get(place.hotel_id)
        if hotel is None:
            hotel = by_hotel[place.hotel_id] = HotelStatement(
                hotel=Hotel(pk=place.hotel_id, name=place.hotel_name),
                places=[],
                total=StatementRow(
                    label=hotel_total_label % {"hotel": place.hotel_name},
                    hotel=place.hotel_name,
                    is_total=True,
                ),
            )
        row = StatementRow(
            label=room_label % {"room": place.room, "bed": f" {place.bed}" if place.bed else ""},
            hotel=place.hotel_name,
            nights=nights.get(place.pk, 0),
            billable=billable.get(place.pk, 0),
            available=available.get(place.pk, 0),
            entries=entries.get(place.pk, 0),
            exits=exits.get(place.pk, 0),
        )
        hotel.places.append(row)
        hotel.total.add(row)
        total.add(row)
    return Statement(start=start, end=end, hotels=list(by_hotel.values()), total=total)


def last_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


# --- Incidents ------------------------------------------------------------------------------------


def incidents_for_list(*, status: str = "open", hotel_id: int | None = None):
    """The incidents of the list page, with the columns it shows of their hotel, place and
    person (the whole file of a person is not needed to write a nickname)."""
    incidents = Incident.objects.select_related("hotel", "place", "resident").only(
        "occurred_on",
        "kind",
        "closed_on",
        "hotel__name",
        "place__room",
        "place__bed",
        "resident__nickname",
    )
    if status == "open":
        incidents = incidents.open()
    elif status == "closed":
        incidents = incidents.filter(closed_on__isnull=False)
    if hotel_id is not None:
        incidents = incidents.filter(hotel_id=hotel_id)
    # A count per row shown rather than a join grouped on every column: the page's 25 rows are
    # counted, and the paginator's count needs no join.
    actions = (
        IncidentAction.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return incidents.annotate(action_count=Coalesce(Subquery(actions), 0)).order_by(
        "-occurred_on", "-pk"
    )


# --- Timeline source of the resident page ---------------------------------------------------------


def _short(text: str) -> str:
    return Truncator(text).chars(140)


@timeline.reads(
    "placements.Placement",
    "placements.Place",
    "placements.Hotel",
    "placements.Absence",
    "placements.Incident",
)
def stay_entries(resident, user) -> list[Days]:
    """Entries, transfers and exits, absences and hotel incidents about the person: their days
    read with the other sources', one query for each kind of row shown."""
    stays = resident.placements.all()
    stay_rows = Rows(stays.select_related("place__hotel"))
    exits = stays.filter(end__isnull=False).exclude(exit_destination=ExitDestination.TRANSFER)
    absences = Absence.objects.filter(placement__resident=resident)
    incidents = resident.incidents.all()
    return [
        Days(stays, "start", "stay", _stay_start_entry, stay_rows),
        Days(exits, "end", "stay", _stay_exit_entry, stay_rows),
        Days(absences, "start", "absence", _absence_entry, Rows(absences)),
        Days(
            incidents,
            "occurred_on",
            "incident",
            _incident_entry,
            Rows(incidents.select_related("hotel")),
        ),
    ]


def _stay_start_entry(stay: Placement) -> TimelineEntry:
    where = str(stay.place)
    if stay.previous_id:
        title, icon = _("Transfer to %(place)s") % {"place": where}, "arrow-left-right"
    else:
        title, icon = _("Entry: %(place)s") % {"place": where}, "house-door"
    return TimelineEntry(
        at=stay.start,
        kind="stay",
        title=title,
        url=reverse("placements:placement_detail", args=[stay.pk]),
        icon=icon,
    )


def _stay_exit_entry(stay: Placement) -> TimelineEntry:
    return TimelineEntry(
        at=stay.end,
        kind="stay",
        title=_("Exit: %(destination)s") % {"destination": stay.get_exit_destination_display()},
        detail=" · ".join(
            part for part in (stay.get_exit_reason_display(), _short(stay.exit_comment)) if part
        ),
        url=reverse("placements:placement_detail", args=[stay.pk]),
        icon="box-arrow-right",
    )


def _absence_entry(absence: Absence) -> TimelineEntry:
    parts = []
    if absence.end:
        parts.append(_("back on %(date)s") % {"date": _day(absence.end)})
    elif absence.planned_return:
        parts.append(_("return planned on %(date)s") % {"date": _day(absence.planned_return)})
    if absence.released:
        parts.append(_("place released"))
    return TimelineEntry(
        at=absence.start,
        kind="absence",
        title=_("Away: %(reason)s") % {"reason": absence.get_reason_display()},
        detail=" · ".join(parts),
        url=reverse("placements:placement_detail", args=[absence.placement_id]),
        icon="person-walking",
    )


def _incident_entry(incident: Incident) -> TimelineEntry:
    return TimelineEntry(
        at=incident.occurred_on,
        kind="incident",
        title=_("Incident at %(hotel)s: %(kind)s")
        % {"hotel": incident.hotel.name, "kind": incident.get_kind_display()},
        detail=_short(incident.description),
        url=reverse("placements:incident_detail", args=[incident.pk]),
        icon="exclamation-triangle",
    )


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def resident_actions(resident, user) -> list:
    """ "Assign a place" on the page of a person without a current stay, for the coordinator."""
    from residents.actions import ResidentAction

    if not may(user, "placements.manage"):
        return []
    if hasattr(resident, "current_place_id"):
        # Read with the person (residents.hooks.with_current_place): the stay covering today.
        housed = resident.current_place_id is not None
    else:
        housed = Placement.objects.current().filter(resident=resident).exists()
    if housed:
        return []
    url = reverse("placements:resident_assign", args=[resident.pk])
    return [ResidentAction(_("Assign a place"), url, icon="key")]


# --- For the residents app (residents.hooks) ------------------------------------------------------


def residents_with_current_place(residents, on: datetime.date | None = None):
    """`residents` annotated with their place on `on` (today), in the same query: a person holds
    at most one place a night, so the join through the stay covering `on` adds no row. The entry
    date is the start of the person's latest entry into the programme (a transfer continues a
    stay, it is not an entry)."""
    on = on or timezone.localdate()
    entries = Placement.objects.entries().filter(resident=OuterRef("pk"), start__lte=on)
    return residents.annotate(
        stay_today=FilteredRelation(
            "placements",
            condition=Q(placements__start__lte=on)
            & (Q(placements__end__isnull=True) | Q(placements__end__gt=on)),
        ),
    ).annotate(
        current_place_id=F("stay_today__place_id"),
        current_hotel=F("stay_today__place__hotel__name"),
        current_room=F("stay_today__place__room"),
        current_bed=F("stay_today__place__bed"),
        entered_on=Subquery(entries.order_by("-start").values("start")[:1]),
    )


def assign_place_url(resident, user) -> str | None:
    """The page where the coordinator gives `resident` a place (it links the admitted request)."""
    if not may(user, "placements.manage"):
        return None
    return reverse("placements:resident_assign", args=[resident.pk])
