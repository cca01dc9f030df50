"""The preview: every row of the file as it will be recorded, and every problem found with it.

`check(parsed)` reads each cell (imports.values), finds what each row names (its person, hotel
and place, admission request, stock location and item), then checks the rows against each other
and against what Ancrage already holds: a place or a person taken on the same nights, a place out
of service, a probable duplicate of an existing file (the residents app's own duplicate search),
a second waiting request, a row already imported. It writes nothing.

Each row is a JSON object kept in the ImportBatch until the import:

- ``kind``, ``sheet`` and ``row``: where it comes from; ``key``: its source key;
- ``status``: ``new`` (will be created), ``duplicate`` (a person resembling an existing file:
  created only if the coordinator says so), ``existing`` (a person already in Ancrage under the
  file number given), ``already`` (imported before: skipped), ``error`` (skipped);
- ``problems``: ``[{"column": …, "message": …}]`` in French, ``warnings`` likewise;
- ``data``: the values to record (dates in ISO form), ``shown``: the same as the preview shows
  them, ``links``: the rows or the Ancrage rows it depends on.

Queries: a fixed number for the whole file (hotels, places, outages, stays, requests, stock,
keys, and the duplicate search of all the new people in one). The stays are compared in memory
with the stays of their own place and person only (14 queries and 1–2.5 s for 2,000 rows at
the scale of the whole scheme: bench/import.py).
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from harmreduction.models import Item, Location, LocationKind, StockLevel, VoucherStock
from imports import columns, values
from imports.columns import ADMISSIONS, PEOPLE, SHEET_BY_KIND, name_key, normalised
from imports.models import ImportedRow, RowKind, RowStatus
from imports.reading import ParsedFile
from placements.models import ExitDestination, Hotel, Place, Placement, PlaceOutage
from residents.models import AdmissionRequest, AdmissionStatus, Resident
from residents.selectors import possible_duplicates_in_bulk

NEW, DUPLICATE, EXISTING, ALREADY, ERROR = RowStatus.values
VOUCHERS = "vouchers"
VOUCHER_WORDS = {
    "tickets service",
    "ticket service",
    "tickets",
    "tickets repas",
    "tickets restaurant",
    "meal vouchers",
    "vouchers",
}
FILE_NUMBER = re.compile(r"^(?:n\s*o?|no|num|numero|dossier|file|#)\s*(\d{1,9})$")
HOTEL_WORDS = {"hotel", "l", "le", "la", "les", "du", "de", "des", "d"}
DUPLICATES_SHOWN = 3


def day(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def source_key(kind: str, *parts) -> str:
    """The key of a row: a hash of its kind and the cells that identify it, normalised."""
    text = "\x1f".join(
        [kind, *(normalised(str(part)) if part is not None else "" for part in parts)]
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Row:
    index: int
    kind: str
    sheet: str
    number: int
    raw: dict
    data: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    links: dict = field(default_factory=dict)
    key: str = ""
    status: str = NEW
    label: str = ""

    def problem(self, column: str | None, message: str) -> None:
        label = str(SHEET_BY_KIND[self.kind].column(column).label) if column else ""
        self.problems.append({"column": label, "message": str(message)})

    def warning(self, column: str | None, message: str) -> None:
        label = str(SHEET_BY_KIND[self.kind].column(column).label) if column else ""
        self.warnings.append({"column": label, "message": str(message)})

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def where(self) -> str:
        return _("row %(row)s of “%(sheet)s”") % {"row": self.number, "sheet": self.sheet}

    def as_json(self) -> dict:
        status = ERROR if self.problems else self.status
        return {
            "index": self.index,
            "kind": self.kind,
            "sheet": self.sheet,
            "row": self.number,
            "key": self.key,
            "label": self.label,
            "status": status,
            "problems": self.problems,
            "warnings": self.warnings,
            "data": {
                name: value.isoformat() if isinstance(value, datetime.date) else value
                for name, value in self.data.items()
            },
            "shown": shown(self),
            "links": self.links,
        }


def check(parsed: ParsedFile) -> list[dict]:
    """The rows of `parsed`, checked (see the module's docstring)."""
    return Checker(parsed).run()


class Checker:
    def __init__(self, parsed: ParsedFile):
        self.rows: list[Row] = []
        for raw_sheet in parsed.sheets:
            for raw in raw_sheet.rows:
                self.rows.append(
                    Row(len(self.rows), raw_sheet.sheet.kind, raw_sheet.name, raw.number, raw.cells)
                )
        self.today = timezone.localdate()

    def of_kind(self, kind: str) -> list[Row]:
        return [row for row in self.rows if row.kind == kind]

    def run(self) -> list[dict]:
        for row in self.rows:
            self.read_cells(row)
        people = self.of_kind(RowKind.PERSON)
        self.index_people(people)
        # People imported before are found first: the other sheets' checks need their files.
        self.mark_already_imported(people)
        for row in self.of_kind(RowKind.STAY) + self.of_kind(RowKind.ADMISSION):
            self.link_person(row)
        self.check_people(people)
        self.check_admissions(self.of_kind(RowKind.ADMISSION))
        self.check_stays(self.of_kind(RowKind.STAY))
        self.check_stocks(self.of_kind(RowKind.STOCK))
        self.mark_already_imported([row for row in self.rows if row.kind != RowKind.PERSON])
        self.check_new_people_are_not_duplicates(people)
        self.propagate_failures()
        return [row.as_json() for row in self.rows]

    # --- Cells ---------------------------------------------------------------------------------

    def read_cells(self, row: Row) -> None:
        for column in SHEET_BY_KIND[row.kind].columns:
            try:
                row.data[column.key] = values.read(row.raw.get(column.key), column)
            except values.CellError as error:
                row.data[column.key] = None
                row.problem(column.key, error.message)
                continue
            if column.required and row.data[column.key] in (None, ""):
                row.problem(column.key, _("This cell is required."))

    # --- People --------------------------------------------------------------------------------

    def index_people(self, people: list[Row]) -> None:
        """Who the other sheets may name: by reference, else by name in use."""
        self.by_reference: dict[str, Row] = {}
        self.by_nickname: dict[str, list[Row]] = defaultdict(list)
        self.existing_files = self._existing_files(people)
        for row in people:
            data = row.data
            row.label = data.get("nickname") or ""
            reference = normalised(data.get("reference") or "")
            if reference:
                other = self.by_reference.get(reference)
                if other and normalised(other.label) != normalised(row.label):
                    row.problem(
                        "reference",
                        _("This reference already names another person (%(where)s).")
                        % {"where": other.where()},
                    )
                else:
                    self.by_reference.setdefault(reference, row)
            if row.label:
                self.by_nickname[normalised(row.label)].append(row)
            row.key = source_key(
                RowKind.PERSON,
                *(
                    (reference, row.label)
                    if reference
                    else (
                        row.label,
                        data.get("first_name"),
                        data.get("last_name"),
                        data.get("birth_date") or data.get("birth_year"),
                    )
                ),
            )
            if data.get("file_number"):
                self._link_file(row)

    def _file_number(self, text: str) -> int | None:
        found = FILE_NUMBER.match(normalised(text)) if text else None
        if found:
            return int(found.group(1))
        return int(text) if text and text.isdigit() and len(text) < 10 else None

    def _existing_files(self, people: list[Row]) -> dict[int, Resident]:
        numbers = {self._file_number(row.data.get("file_number") or "") for row in people}
        for row in self.of_kind(RowKind.STAY) + self.of_kind(RowKind.ADMISSION):
            numbers.add(self._file_number(row.data.get("person") or ""))
        numbers.discard(None)
        return Resident.objects.in_bulk(numbers) if numbers else {}

    def _link_file(self, row: Row) -> None:
        number = self._file_number(row.data["file_number"])
        resident = self.existing_files.get(number) if number else None
        if resident is None:
            row.problem(
                "file_number",
                _("There is no file no. %(number)s in Ancrage.")
                % {"number": row.data["file_number"]},
            )
        elif resident.is_anonymised:
            row.problem(
                "file_number", _("File no. %(number)s was anonymised.") % {"number": number}
            )
        else:
            row.status = EXISTING
            row.links["resident"] = resident.pk
            row.key = ""  # nothing is created from this row

    def link_person(self, row: Row) -> None:
        """Find the person a stay or a request names (see PERSON_REFERENCE_HELP)."""
        text = row.data.get("person") or ""
        if not text:
            return
        number = self._file_number(text) if FILE_NUMBER.match(normalised(text)) else None
        if number is not None:
            resident = self.existing_files.get(number)
            if resident is None:
                row.problem(
                    "person", _("There is no file no. %(number)s in Ancrage.") % {"number": number}
                )
            else:
                row.links["resident"] = resident.pk
                row.links["person_key"] = f"file:{resident.pk}"
                row.label = resident.nickname
            return
        person = self.by_reference.get(normalised(text))
        if person is None:
            named = self.by_nickname.get(normalised(text), [])
            if len(named) > 1:
                row.problem(
                    "person",
                    _(
                        "Several people are called “%(name)s” in the sheet “%(sheet)s”: "
                        "name them by their reference."
                    )
                    % {"name": text, "sheet": named[0].sheet},
                )
                return
            person = named[0] if named else None
        if person is None:
            row.problem(
                "person",
                _(
                    "Unknown person: “%(name)s” is not in the sheet “People” (by reference or "
                    "name in use), nor a file number written “no. 123”."
                )
                % {"name": text},
            )
            return
        row.links["person"] = person.index
        row.label = person.label

    def check_people(self, people: list[Row]) -> None:
        earliest = self._earliest_dates()
        seen: dict[str, Row] = {}
        for row in people:
            if row.status in (EXISTING, ALREADY):
                continue
            if row.key in seen and not row.failed:
                row.problem(
                    None,
                    _("This person is already on %(where)s.") % {"where": seen[row.key].where()},
                )
                continue
            seen.setdefault(row.key, row)
            data = row.data
            opened = data.get("opened_on") or earliest.get(row.index)
            data["created_on"] = min(opened, self.today) if opened else None
            self._validate_person(row)
            if data.get("opened_on") and data["opened_on"] > self.today:
                row.problem("opened_on", _("A file cannot be opened in the future."))

    def _earliest_dates(self) -> dict[int, datetime.date]:
        """For each person row, the earliest date the file gives about them."""
        found: dict[int, datetime.date] = {}
        for row in self.of_kind(RowKind.STAY) + self.of_kind(RowKind.ADMISSION):
            person = row.links.get("person")
            when = row.data.get("start") or row.data.get("received_on")
            if person is not None and when:
                found[person] = min(found.get(person, when), when)
        for row in self.of_kind(RowKind.PERSON):
            informed = row.data.get("informed_on")
            if informed:
                found[row.index] = min(found.get(row.index, informed), informed)
        return found

    def _validate_person(self, row: Row) -> None:
        if row.failed:
            return  # a cell it could not read: the file's form would say the same again
        data = row.data
        if data.get("birth_date") and data.get("birth_year"):
            if data["birth_date"].year != data["birth_year"]:
                row.problem(
                    "birth_year",
                    _("The year of birth does not match the date of birth (%(date)s).")
                    % {"date": day(data["birth_date"])},
                )
                return
        resident = person_from(data)
        try:
            # The database constraints: the year against the date is checked above.
            resident.full_clean(
                exclude=["search_text"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in {c.key for c in PEOPLE.columns} else None
                for message in messages:
                    row.problem(column, message)

    def check_new_people_are_not_duplicates(self, people: list[Row]) -> None:
        """A new person who resembles an existing file: the residents app's duplicate search."""
        new = [row for row in people if not row.failed and row.status == NEW]
        found = possible_duplicates_in_bulk(
            [
                {
                    "nickname": row.data.get("nickname") or "",
                    "first_name": row.data.get("first_name") or "",
                    "last_name": row.data.get("last_name") or "",
                    "birth_year": (
                        row.data["birth_date"].year if row.data.get("birth_date") else None
                    )
                    or row.data.get("birth_year"),
                }
                for row in new
            ],
            limit=DUPLICATES_SHOWN,
        )
        residents = Resident.objects.in_bulk({pk for ids in found.values() for pk in ids})
        for position, ids in found.items():
            row = new[position]
            files = [residents[pk] for pk in ids if pk in residents]
            row.status = DUPLICATE
            row.links["duplicates"] = ids
            row.warning(
                "nickname",
                _(
                    "Probable duplicate: this person resembles %(files)s, already in "
                    "Ancrage. To use that file, write its number in the column “%(column)s”; "
                    "to create a new file anyway, tick the box before importing."
                )
                % {
                    "files": ", ".join(describe_file(resident) for resident in files),
                    "column": PEOPLE.column("file_number").label,
                },
            )

    # --- Admission requests --------------------------------------------------------------------

    def person_key(self, row: Row) -> str | None:
        if "person_key" in row.links:
            return row.links["person_key"]
        person = row.links.get("person")
        if person is None:
            return None
        target = self.rows[person]
        if target.status == EXISTING:
            return f"file:{target.links['resident']}"
        return target.key

    def resident_id(self, row: Row) -> int | None:
        """The existing file a row is about, when it is already in Ancrage."""
        if "resident" in row.links:
            return row.links["resident"]
        person = row.links.get("person")
        return self.rows[person].links.get("resident") if person is not None else None

    def check_admissions(self, requests: list[Row]) -> None:
        waiting_in_file: dict[str, Row] = {}
        for row in requests:
            data = row.data
            row.key = source_key(RowKind.ADMISSION, self.person_key(row), data.get("received_on"))
            status = data.get("status") or AdmissionStatus.WAITING
            data["status"] = status
            received, decided = data.get("received_on"), data.get("decided_on")
            if status == AdmissionStatus.WAITING and decided:
                row.problem(
                    "decided_on", _("A waiting request has no decision date: leave it empty.")
                )
            if status != AdmissionStatus.WAITING and not decided:
                row.problem("decided_on", _("Give the date of the decision."))
            if decided and received and decided < received:
                row.problem("decided_on", _("The decision cannot predate the request."))
            if decided and decided > self.today:
                row.problem("decided_on", _("This date cannot be in the future."))
            if status == AdmissionStatus.REFUSED and not data.get("decision_reason"):
                row.problem("decision_reason", _("Give the reason for the refusal."))
            request = AdmissionRequest(
                received_on=received or self.today, last_news_on=data.get("last_news_on")
            )
            try:
                request.clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        row.problem(
                            name if name in ("received_on", "last_news_on") else None, message
                        )
            person = self.person_key(row)
            if status == AdmissionStatus.WAITING and person:
                other = waiting_in_file.get(person)
                if other:
                    row.problem(
                        "status",
                        _("This person already has a waiting request on %(where)s.")
                        % {"where": other.where()},
                    )
                else:
                    waiting_in_file[person] = row
        self._check_waiting_in_ancrage(requests)

    def _check_waiting_in_ancrage(self, requests: list[Row]) -> None:
        residents = {
            self.resident_id(row)
            for row in requests
            if row.data.get("status") == AdmissionStatus.WAITING
        } - {None}
        waiting = {
            request.resident_id: request
            for request in AdmissionRequest.objects.waiting().filter(resident_id__in=residents)
        }
        for row in requests:
            request = waiting.get(self.resident_id(row))
            if row.data.get("status") == AdmissionStatus.WAITING and request:
                # (A request imported before is found again later: its problems are dropped.)
                row.problem(
                    "status",
                    _(
                        "%(name)s already has a request on the waiting list in Ancrage "
                        "(received on %(date)s)."
                    )
                    % {"name": row.label, "date": day(request.received_on)},
                )

    # --- Stays ---------------------------------------------------------------------------------

    def check_stays(self, stays: list[Row]) -> None:
        hotels = list(Hotel.objects.all())
        places = defaultdict(list)
        for place in Place.objects.select_related("hotel"):
            places[place.hotel_id, name_key(place.room)].append(place)
        hotel_named: dict[str, Hotel | None] = {}  # each name of the file looked up once
        for row in stays:
            self._place(row, hotels, places, hotel_named)
            self._dates(row, stays)
            if row.links.get("place") and row.data.get("start"):
                row.key = source_key(
                    RowKind.STAY, self.person_key(row), row.links["place"], row.data["start"]
                )
        self._admissions_of_stays(stays)
        self._transfers(stays)
        self._occupancy(stays)

    def _place(self, row: Row, hotels: list[Hotel], places, hotel_named: dict) -> None:
        name = row.data.get("hotel")
        if not name:
            return
        if name not in hotel_named:
            hotel_named[name] = _find_hotel(name, hotels)
        hotel = hotel_named[name]
        if hotel is None:
            known = ", ".join(hotel.name for hotel in hotels[:12])
            row.problem(
                "hotel",
                _("Unknown hotel: “%(name)s” is not a hotel of Ancrage (%(known)s).")
                % {"name": name, "known": known or _("none yet")},
            )
            return
        row.data["hotel"] = hotel.name
        row.links["hotel_active"] = hotel.active
        room = row.data.get("room")
        if not room:
            return
        in_room = places.get((hotel.pk, name_key(room)), [])
        bed = name_key(row.data.get("bed") or "")
        if bed:
            in_room = [place for place in in_room if name_key(place.bed) == bed]
        if not in_room:
            row.problem(
                "bed" if bed and places.get((hotel.pk, name_key(room))) else "room",
                _("Room %(room)s%(bed)s does not exist at %(hotel)s.")
                % {"room": room, "bed": f" {row.data['bed']}" if bed else "", "hotel": hotel.name},
            )
        elif len(in_room) > 1:
            row.problem(
                "bed",
                _("Room %(room)s of %(hotel)s has several beds (%(beds)s): give the bed.")
                % {
                    "room": room,
                    "hotel": hotel.name,
                    "beds": ", ".join(place.bed or "—" for place in in_room),
                },
            )
        else:
            place = in_room[0]
            row.links["place"] = place.pk
            row.links["place_label"] = place_label(place)

    def _dates(self, row: Row, stays: list[Row]) -> None:
        data = row.data
        start, end, destination = data.get("start"), data.get("end"), data.get("exit_destination")
        if start and start > self.today:
            row.problem(
                "start",
                _("This stay starts in the future: assign the place in Ancrage on the day."),
            )
        if start and end and end <= start:
            row.problem("end", _("The exit date must be after the entry date."))
        if end and end > self.today:
            row.problem("end", _("A stay cannot be ended in advance."))
        if end and not destination:
            row.problem("exit_destination", _("An ended stay needs its exit destination."))
        if destination and not end:
            row.problem(
                "exit_destination",
                _("An exit destination needs an exit date: give it, or leave both empty."),
            )
        if data.get("exit_reason") and not end:
            row.problem(
                "exit_reason",
                _("A reason for leaving needs an exit date: give it, or leave both empty."),
            )
        if data.get("transfer_reason") and destination != ExitDestination.TRANSFER:
            row.problem(
                "transfer_reason",
                _("A reason for the transfer goes with the exit destination “Transfer”."),
            )
        if not end and row.links.get("hotel_active") is False:
            row.problem("hotel", _("This hotel is no longer active."))

    def _admissions_of_stays(self, stays: list[Row]) -> None:
        wanted = [row for row in stays if row.data.get("admission_received_on")]
        if not wanted:
            return
        in_file = {
            (self.person_key(row), row.data.get("received_on")): row
            for row in self.of_kind(RowKind.ADMISSION)
        }
        residents = {self.resident_id(row) for row in wanted} - {None}
        in_ancrage = {
            (request.resident_id, request.received_on): request.pk
            for request in AdmissionRequest.objects.filter(resident_id__in=residents)
        }
        for row in wanted:
            received = row.data["admission_received_on"]
            request = in_file.get((self.person_key(row), received))
            if request is not None:
                row.links["admission_row"] = request.index
                continue
            found = in_ancrage.get((self.resident_id(row), received))
            if found:
                row.links["admission"] = found
            elif self.person_key(row):
                row.problem(
                    "admission_received_on",
                    _(
                        "%(name)s has no admission request received on %(date)s, neither in the "
                        "sheet “%(sheet)s” nor in Ancrage."
                    )
                    % {"name": row.label, "date": day(received), "sheet": ADMISSIONS.label},
                )

    def _transfers(self, stays: list[Row]) -> None:
        """A stay ended by a transfer continues in the next stay of the same person, which
        starts on its exit day: the next one names it as its previous stay."""
        starts = {
            (self.person_key(row), row.data.get("start")): row
            for row in stays
            if self.person_key(row) and row.data.get("start")
        }
        for row in stays:
            if row.data.get("exit_destination") != ExitDestination.TRANSFER:
                continue
            following = starts.get((self.person_key(row), row.data.get("end")))
            if following is None or following is row:
                row.problem(
                    "exit_destination",
                    _(
                        "A transfer goes on in the person's next stay, starting on the exit "
                        "day: add that stay to this sheet."
                    ),
                )
                continue
            following.links["previous_row"] = row.index
        residents = {self.resident_id(row) for row in stays} - {None}
        ended_by_transfer = {
            (stay.resident_id, stay.end): stay.pk
            for stay in Placement.objects.filter(
                resident_id__in=residents,
                exit_destination=ExitDestination.TRANSFER,
                next_placement__isnull=True,
            )
        }
        for row in stays:
            if "previous_row" in row.links:
                continue
            previous = ended_by_transfer.get((self.resident_id(row), row.data.get("start")))
            if previous:
                row.links["previous"] = previous

    def _occupancy(self, stays: list[Row]) -> None:
        """No place holds two people, no person two places, on any night: within the file and
        with the stays and the outages already in Ancrage."""
        candidates = [
            row
            for row in stays
            if not row.failed and row.links.get("place") and row.data.get("start")
        ]
        place_ids = {row.links["place"] for row in candidates}
        residents = {self.resident_id(row) for row in candidates} - {None}
        existing = list(
            Placement.objects.filter(Q(place_id__in=place_ids) | Q(resident_id__in=residents))
            .select_related("resident", "place__hotel")
            .order_by("start")
        )
        already = set(
            ImportedRow.objects.filter(key__in=[row.key for row in candidates]).values_list(
                "key", flat=True
            )
        )
        outages = defaultdict(list)
        for outage in PlaceOutage.objects.filter(place_id__in=place_ids):
            outages[outage.place_id].append(outage)
        # Each row is compared with the stays of its place and of its person only, found by
        # these indexes (comparing every row with every stay of the scheme took seconds).
        existing_at, existing_of = defaultdict(list), defaultdict(list)
        for position, stay in enumerate(existing):
            existing_at[stay.place_id].append((position, stay))
            existing_of[stay.resident_id].append((position, stay))
        accepted_at, accepted_of = defaultdict(list), defaultdict(list)
        accepted = 0
        for row in sorted(candidates, key=lambda row: row.data["start"]):
            if row.key in already:
                continue  # the stay is in Ancrage already: it does not clash with itself
            start, end = row.data["start"], row.data.get("end")
            place, person = row.links["place"], self.person_key(row)
            resident = self.resident_id(row)
            previous_stay = row.links.get("previous")
            nearby = dict(existing_at[place])
            if resident is not None:
                nearby.update(existing_of[resident])
            for _position, stay in sorted(nearby.items(), key=lambda item: item[0]):
                if stay.pk == previous_stay or not _overlap(start, end, stay.start, stay.end):
                    continue
                if stay.place_id == place:
                    row.problem(
                        "room", _occupied(row, stay.resident.nickname, stay.start, stay.end)
                    )
                elif stay.resident_id == resident:
                    row.problem(
                        "start", _housed(row.label, stay.start, stay.end, place_label(stay.place))
                    )
            nearby = dict(accepted_at[place])
            nearby.update(accepted_of[person])
            for _order, other in sorted(nearby.items(), key=lambda item: item[0]):
                if other.index == row.links.get("previous_row"):
                    continue
                if not _overlap(start, end, other.data["start"], other.data.get("end")):
                    continue
                if other.links["place"] == place:
                    row.problem(
                        "room",
                        _occupied(
                            row,
                            f"{other.label} ({other.where()})",
                            other.data["start"],
                            other.data.get("end"),
                        ),
                    )
                elif self.person_key(other) == person:
                    row.problem(
                        "start",
                        _housed(
                            f"{row.label} ({other.where()})",
                            other.data["start"],
                            other.data.get("end"),
                            other.links["place_label"],
                        ),
                    )
            outage_end = end or start + datetime.timedelta(days=1)
            for outage in outages[place]:
                if _overlap(start, outage_end, outage.start, outage.end):
                    row.problem(
                        "room",
                        _("%(place)s is out of service from %(start)s: %(reason)s.")
                        % {
                            "place": row.links["place_label"],
                            "start": day(outage.start),
                            "reason": outage.reason_label,
                        },
                    )
                    break
            if not row.failed:
                accepted_at[place].append((accepted, row))
                accepted_of[person].append((accepted, row))
                accepted += 1

    # --- Stock levels --------------------------------------------------------------------------

    def check_stocks(self, stocks: list[Row]) -> None:
        if not stocks:
            return
        items = {name_key(item.name): item for item in Item.objects.all()}
        locations = {name_key(location.name): location for location in Location.objects.all()}
        levels = {
            (level.location_id, level.item_id): level.quantity for level in StockLevel.objects.all()
        }
        voucher_stock = VoucherStock.objects.filter(pk=1).first()
        voucher_balance = voucher_stock.balance if voucher_stock else 0
        seen: dict[tuple, Row] = {}
        for row in stocks:
            data = row.data
            if data.get("counted_on") and data["counted_on"] > self.today:
                row.problem("counted_on", _("A stock count cannot be dated in the future."))
            item_name, location_name = data.get("item") or "", data.get("location") or ""
            location = locations.get(name_key(location_name)) if location_name else None
            if location_name and location is None:
                row.problem(
                    "location",
                    _("Unknown location: “%(name)s” is not a stock location (%(known)s).")
                    % {
                        "name": location_name,
                        "known": ", ".join(place.name for place in locations.values()),
                    },
                )
            if normalised(item_name) in VOUCHER_WORDS:
                target = (VOUCHERS, VOUCHERS)
                row.label = _("Meal vouchers")
                if location is not None and location.kind != LocationKind.OFFICE:
                    row.problem(
                        "location",
                        _("Meal vouchers are counted in one stock: leave the location empty."),
                    )
                current = voucher_balance
            else:
                item = items.get(name_key(item_name)) if item_name else None
                if item_name and item is None:
                    row.problem(
                        "item",
                        _("Unknown item: “%(name)s” is not in the catalogue of Ancrage.")
                        % {"name": item_name},
                    )
                if not location_name:
                    row.problem("location", _("This cell is required."))
                if item is None or location is None:
                    continue
                target = (location.pk, item.pk)
                row.label = f"{item.name} – {location.name}"
                row.links["item"], row.links["location"] = item.pk, location.pk
                current = levels.get(target, 0)
            row.links["target"] = list(target)
            row.key = source_key(RowKind.STOCK, *target, data.get("counted_on"))
            if target in seen:
                row.problem(
                    "item",
                    _("This item and location are already counted on %(where)s.")
                    % {"where": seen[target].where()},
                )
                continue
            seen[target] = row
            quantity = data.get("quantity")
            if target[0] == VOUCHERS and quantity is not None and quantity < current:
                row.problem(
                    "quantity",
                    _(
                        "There are already %(balance)s meal vouchers in stock: an opening balance "
                        "cannot lower it. Record the vouchers lost or returned on the voucher "
                        "stock page."
                    )
                    % {"balance": current},
                )
            row.links["current"] = current

    # --- Across the rows -----------------------------------------------------------------------

    def mark_already_imported(self, rows: list[Row]) -> None:
        keys = {row.key for row in rows if row.key}
        found = {
            imported.key: imported
            for imported in ImportedRow.objects.filter(key__in=keys).select_related("batch")
        }
        for row in rows:
            imported = found.get(row.key) if row.key else None
            if imported is None:
                continue
            row.problems = []
            row.status = ALREADY
            if imported.resident_id:
                row.links["resident"] = imported.resident_id
            row.warning(
                None,
                _("Already imported on %(date)s (import no. %(number)s): not imported again.")
                % {
                    "date": day(timezone.localdate(imported.batch.created_at)),
                    "number": imported.batch_id,
                },
            )

    def propagate_failures(self) -> None:
        """A row that depends on a row in error is not imported either: a stay or a request of
        a person in error, a stay continuing a transfer in error (and the other way round)."""
        changed = True
        while changed:
            changed = False
            for row in self.rows:
                if row.failed or row.status == ALREADY:
                    continue
                for name in ("person", "previous_row", "admission_row"):
                    other = row.links.get(name)
                    if other is not None and self.rows[other].failed:
                        row.problem(
                            None,
                            _("%(where)s has a problem: this row cannot be imported either.")
                            % {"where": capitalised(self.rows[other].where())},
                        )
                        changed = True
                        break
            for row in self.rows:
                previous = row.links.get("previous_row")
                if row.failed and previous is not None and not self.rows[previous].failed:
                    self.rows[previous].problem(
                        None,
                        _("The stay that continues this transfer (%(where)s) has a problem.")
                        % {"where": row.where()},
                    )
                    changed = True


# --- Helpers ------------------------------------------------------------------------------------


def person_from(data: dict) -> Resident:
    """The unsaved file of a person row (created_at: the day the file opens)."""
    created_on = data.get("created_on")
    if isinstance(created_on, str):
        created_on = datetime.date.fromisoformat(created_on)
    created_at = (
        timezone.make_aware(datetime.datetime.combine(created_on, datetime.time(12)))
        if created_on
        else timezone.now()
    )
    birth_date = data.get("birth_date")
    informed_on = data.get("informed_on")
    return Resident(
        nickname=data.get("nickname") or "",
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        birth_year=data.get("birth_year"),
        birth_date=datetime.date.fromisoformat(birth_date)
        if isinstance(birth_date, str)
        else birth_date,
        gender=data.get("gender") or "not_stated",
        phone=data.get("phone") or "",
        languages=data.get("languages") or "",
        informed_on=(
            datetime.date.fromisoformat(informed_on)
            if isinstance(informed_on, str)
            else informed_on
        ),
        objects_to_sharing=bool(data.get("objects_to_sharing")),
        created_at=created_at,
    )


def describe_file(resident: Resident) -> str:
    parts = [
        _("file no. %(number)s “%(name)s”") % {"number": resident.pk, "name": resident.nickname}
    ]
    if resident.full_name:
        parts.append(resident.full_name)
    if resident.birth_year:
        parts.append(_("born in %(year)s") % {"year": resident.birth_year})
    return " – ".join(parts)


def _find_hotel(name: str, hotels: list[Hotel]) -> Hotel | None:
    """The hotel `name` means: its exact name (without accents or case), else the only hotel
    whose name matches without punctuation, or without "Hôtel du…" ("Canal")."""

    def core(text: str) -> str:
        return " ".join(word for word in normalised(text).split() if word not in HOTEL_WORDS)

    for same in (name_key, normalised, core):
        if not same(name):
            continue
        matches = [hotel for hotel in hotels if same(hotel.name) == same(name)]
        if len(matches) == 1 or (matches and same is name_key):
            return matches[0]
    return None


def _overlap(start, end, other_start, other_end) -> bool:
    """Do [start, end) and [other_start, other_end) share a night (an empty end: open)?"""
    return (other_end is None or start < other_end) and (end is None or other_start < end)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def place_label(place: Place) -> str:
    """ "Room 12 (Hôtel du Canal)", as the problems name a place."""
    return _("%(room)s (%(hotel)s)") % {"room": place.label, "hotel": place.hotel.name}


def _occupied(row: Row, occupant: str, start, end) -> str:
    values = {
        "place": row.links["place_label"],
        "occupant": occupant,
        "start": day(start),
        "end": day(end),
    }
    if end:
        return (
            _("%(place)s is already occupied by %(occupant)s from %(start)s to %(end)s.") % values
        )
    return (
        _("%(place)s is already occupied by %(occupant)s since %(start)s (stay ongoing).") % values
    )


def _housed(name: str, start, end, place: str) -> str:
    values = {"name": name, "start": day(start), "end": day(end), "place": place}
    if end:
        return _("%(name)s already has a place from %(start)s to %(end)s: %(place)s.") % values
    return _("%(name)s already has a place since %(start)s (stay ongoing): %(place)s.") % values


# --- How each row shows in the preview ---------------------------------------------------------


def shown(row: Row) -> list[str]:
    """The row's cells as the preview table shows them, in the order of `shown_columns`."""
    data = row.data
    sheet = SHEET_BY_KIND[row.kind]
    cells = []
    for column in sheet.columns:
        value = data.get(column.key)
        if column.key == "person" and row.label:
            value = row.label
        elif column.key == "room" and row.links.get("place_label"):
            value = row.links["place_label"]
        elif isinstance(value, datetime.date):
            value = day(value)
        elif isinstance(value, bool):
            value = _("yes") if value else ""
        elif column.type == columns.CHOICE and value:
            value = dict(values.CHOICES[column.choices][0].choices).get(value, value)
        cells.append("" if value is None else str(value))
    return cells


def shown_columns(kind: str) -> list[str]:
    sheet = SHEET_BY_KIND[kind]
    return [str(_("Place") if column.key == "room" else column.label) for column in sheet.columns]
