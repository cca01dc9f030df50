"""Importing a team's spreadsheets: the preview, the import itself, and forgetting both.

`import_preview` reads and checks a file and keeps its rows in an ImportBatch (the file is not
kept). `import_run` then records the rows the preview accepted, in one transaction: people's
files, their admission requests, their stays (`placements.services.placements_record`, which
checks them as assignments and sends the stays' signals: the visits of the people housed today
are planned as for a stay assigned by hand), and the opening stock (`harmreduction.services`: a
count of the material, vouchers received: ledger lines, never a balance written). Each kind is
written in bulk; if the database refuses (something changed since the preview), its rows are
recorded one by one through the same workflows as by hand, and only the rows concerned are
skipped. Every change carries the user and the import in the change history's context.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harmreduction.models import Item, Location, VoucherStock
from harmreduction.services import stock_count, voucher_receive
from imports import checks
from imports.checks import ALREADY, DUPLICATE, ERROR, EXISTING, VOUCHERS
from imports.models import BatchStatus, ImportBatch, ImportedRow, RowKind, RowOutcome, RowStatus
from imports.reading import ParsedFile
from placements.models import (
    OLD_EXIT_DESTINATIONS,
    ExitDestination,
    Place,
    Placement,
    TransferReason,
    implied_exit_reason,
)
from placements.services import placement_assign, placement_record_ended, placements_record
from residents.models import AdmissionRequest, AdmissionStatus, Resident
from residents.services import admission_request_create

CREATED, SKIPPED, UNCHANGED = RowOutcome.CREATED, RowOutcome.SKIPPED, RowOutcome.UNCHANGED


def import_preview(*, parsed: ParsedFile, file_name: str, by) -> ImportBatch:
    """Check the rows of `parsed` and keep them, with what was found, for the preview."""
    rows = checks.check(parsed)
    return ImportBatch.objects.create(
        created_by=by,
        file_name=file_name[:200],
        file_format=parsed.format,
        rows=rows,
        notes=parsed.notes,
        counts=preview_counts(rows),
    )


def preview_counts(rows: list[dict]) -> dict:
    """{kind: {status: rows}} and {"total": {status: rows}}."""
    counts: dict = {}
    for row in rows:
        for group in (row["kind"], "total"):
            counts.setdefault(group, Counter())[row["status"]] += 1
    return {group: dict(counter) for group, counter in counts.items()}


@dataclass
class Outcome:
    result: str
    message: str = ""
    label: str = ""  # what was created ("file no. 12")

    def as_json(self) -> dict:
        return {"result": self.result, "message": str(self.message), "label": str(self.label)}


class _Skipped(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


# One import at a time: the rows' source keys are checked again under this lock.
IMPORT_LOCK = 5_000_019


def import_run(
    *, batch: ImportBatch, by, all_or_nothing: bool = False, create_duplicates: bool = False
) -> ImportBatch:
    """Record the rows of a previewed batch, in one transaction (raises ValidationError).

    The rows are recorded kind by kind, in bulk (people, then their admission requests, then
    their stays, then the stock). If a bulk write is refused (a colleague took a place since the
    preview), that kind's rows are recorded one by one, each in a savepoint, so that only the
    rows concerned are skipped, with their reason. With `all_or_nothing`, any row not recorded
    rolls everything back. A row already imported (its source key is known) adds nothing.
    """
    with transaction.atomic(), pghistory.context(user=by.pk, import_batch=batch.pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == BatchStatus.IMPORTED:
            raise ValidationError(_("This file was already imported: see its summary below."))
        if not batch.may_import:
            raise ValidationError(_("This preview has expired: upload the file again."))
        importer = _Importer(batch, by=by, create_duplicates=create_duplicates)
        importer.run()
        failed = [row for row in batch.rows if row["outcome"]["result"] == SKIPPED]
        if all_or_nothing and failed:
            raise ValidationError(_all_or_nothing_message(failed))
        batch.status = BatchStatus.IMPORTED
        batch.imported_at = timezone.now()
        batch.imported_by = by
        batch.all_or_nothing = all_or_nothing
        batch.counts = summary_counts(batch.rows)
        batch.save()
    return batch


def _all_or_nothing_message(failed: list[dict]) -> str:
    shown = "; ".join(
        _("row %(row)s of “%(sheet)s”: %(message)s")
        % {"row": row["row"], "sheet": row["sheet"], "message": row["outcome"]["message"]}
        for row in failed[:5]
    )
    return _("All or nothing: %(count)s rows could not be imported, so nothing was. %(rows)s") % {
        "count": len(failed),
        "rows": shown + ("…" if len(failed) > 5 else "."),
    }


def status_label(row: dict) -> str:
    """What the preview says of a row."""
    return str(RowStatus(row["status"]).label)


def outcome_label(row: dict) -> str:
    """What became of a row at the import (its preview status before)."""
    outcome = row.get("outcome")
    return str(RowOutcome(outcome["result"]).label) if outcome else status_label(row)


def summary_counts(rows: list[dict]) -> dict:
    """{kind: {outcome: rows}} and {"total": {outcome: rows}}."""
    counts: dict = {}
    for row in rows:
        for group in (row["kind"], "total"):
            counts.setdefault(group, Counter())[row["outcome"]["result"]] += 1
    return {group: dict(counter) for group, counter in counts.items()}


class _Importer:
    """Records a batch's rows (see `import_run`); each row gets its `outcome`."""

    def __init__(self, batch: ImportBatch, *, by, create_duplicates: bool):
        self.batch = batch
        self.by = by
        self.create_duplicates = create_duplicates
        self.rows = batch.rows
        self.residents: dict[int, Resident] = {}  # row index -> the file it created or names
        self.requests: dict[int, AdmissionRequest] = {}
        self.stays: dict[int, Placement] = {}
        self.imported: list[ImportedRow] = []
        self._load()

    def _load(self) -> None:
        """The Ancrage rows the batch names, in a few queries."""
        links = [row["links"] for row in self.rows]

        def ids(name: str) -> set:
            return {link.get(name) for link in links} - {None}

        self.existing_residents = Resident.objects.in_bulk(ids("resident"))
        self.places = Place.objects.select_related("hotel").in_bulk(ids("place"))
        self.existing_requests = AdmissionRequest.objects.in_bulk(ids("admission"))
        self.existing_stays = Placement.objects.in_bulk(ids("previous"))
        self.items = Item.objects.in_bulk(ids("item"))
        self.locations = Location.objects.in_bulk(ids("location"))
        # Imported since the preview (by another import): not imported twice.
        self.known_keys = dict(
            ImportedRow.objects.filter(
                key__in=[row["key"] for row in self.rows if row["key"]]
            ).values_list("key", "resident_id")
        )

    def run(self) -> None:
        for kind, record_all, record_one in (
            (RowKind.PERSON, self._people, self._person),
            (RowKind.ADMISSION, self._admissions, self._admission),
            (RowKind.STAY, self._stays, self._stay),
            (RowKind.STOCK, self._stocks, self._stock),
        ):
            rows = [row for row in self.rows if row["kind"] == kind]
            rows.sort(key=lambda row: (row["data"].get("start") or "", row["index"]))
            to_record = [row for row in rows if self._settled(row) is None]
            if record_all is not None and to_record and self._in_bulk(record_all, to_record):
                continue
            for row in to_record:
                row["outcome"] = self._one(record_one, row).as_json()
        ImportedRow.objects.bulk_create(self.imported)

    def _settled(self, row: dict) -> dict | None:
        """The outcome of a row that is not to be recorded (set on it), else None."""
        status = row["status"]
        outcome = None
        if status == ERROR:
            outcome = Outcome(SKIPPED, why(row))
        elif status == ALREADY or row["key"] in self.known_keys:
            resident = row["links"].get("resident") or self.known_keys.get(row["key"])
            if row["kind"] == RowKind.PERSON and resident:
                self.residents[row["index"]] = self.existing_residents.get(
                    resident
                ) or Resident.objects.get(pk=resident)
            warning = row["warnings"][0]["message"] if row["warnings"] else ""
            outcome = Outcome(ALREADY, warning or _("Imported meanwhile by another import."))
        elif status == EXISTING:
            resident = self.existing_residents.get(row["links"]["resident"])
            if resident is None:
                outcome = Outcome(SKIPPED, _("This file no longer exists."))
            else:
                self.residents[row["index"]] = resident
                outcome = Outcome(
                    UNCHANGED, _("Existing file used: %(file)s.") % {"file": _file(resident)}
                )
        elif status == DUPLICATE and not self.create_duplicates:
            outcome = Outcome(
                SKIPPED, _("Probable duplicate of an existing file: not created (see the preview).")
            )
        if outcome is not None:
            row["outcome"] = outcome.as_json()
            return row["outcome"]
        return None

    def _in_bulk(self, record_all, rows: list[dict]) -> bool:
        """Record `rows` in one go; False (nothing recorded) if the database refused."""
        outcomes: dict[int, Outcome] = {}
        imported = len(self.imported)
        try:
            with transaction.atomic():
                record_all(rows, outcomes)
        except (ValidationError, IntegrityError):
            for row in rows:
                self._forget(row)
            del self.imported[imported:]
            return False
        for row in rows:
            row["outcome"] = outcomes[row["index"]].as_json()
        return True

    def _one(self, record_one, row: dict) -> Outcome:
        imported = len(self.imported)
        try:
            with transaction.atomic():
                return record_one(row)
        except _Skipped as skipped:
            outcome = Outcome(SKIPPED, skipped.message)
        except ValidationError as error:
            outcome = Outcome(SKIPPED, " ".join(error.messages))
        except IntegrityError:
            outcome = Outcome(
                SKIPPED, _("Another change was recorded at the same moment: try again.")
            )
        self._forget(row)
        del self.imported[imported:]
        return outcome

    def _forget(self, row: dict) -> None:
        for created in (self.residents, self.requests, self.stays):
            created.pop(row["index"], None)

    def _keep(self, row: dict, *, resident=None, placement=None, admission=None) -> None:
        """Keep the row's source key, written with the others at the end."""
        self.imported.append(
            ImportedRow(
                key=row["key"],
                kind=row["kind"],
                batch=self.batch,
                resident=resident,
                placement=placement,
                admission=admission,
            )
        )

    def _resident_of(self, row: dict) -> Resident:
        links = row["links"]
        if "person" in links:
            resident = self.residents.get(links["person"])
            if resident is None:
                person = self.rows[links["person"]]
                raise _Skipped(
                    _("The person of row %(row)s of “%(sheet)s” was not imported.")
                    % {"row": person["row"], "sheet": person["sheet"]}
                )
            return resident
        resident = self.existing_residents.get(links.get("resident"))
        if resident is None:
            raise _Skipped(_("This file no longer exists."))
        return resident

    # --- People ----------------------------------------------------------------------------------

    def _new_person(self, row: dict) -> Resident:
        resident = checks.person_from(row["data"])
        resident.created_by = self.by
        resident.full_clean(
            exclude=["search_text", "created_by", "informed_by", "archived_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        return resident

    def _people(self, rows: list[dict], outcomes: dict) -> None:
        built = {}
        for row in rows:
            try:
                built[row["index"]] = self._new_person(row)
            except ValidationError as error:
                outcomes[row["index"]] = Outcome(SKIPPED, " ".join(error.messages))
        Resident.objects.bulk_create(built.values())
        for index, resident in built.items():
            row = self.rows[index]
            self.residents[index] = resident
            self._keep(row, resident=resident)
            outcomes[index] = Outcome(CREATED, label=_file(resident))

    def _person(self, row: dict) -> Outcome:
        resident = self._new_person(row)
        resident.save()
        self.residents[row["index"]] = resident
        self._keep(row, resident=resident)
        return Outcome(CREATED, label=_file(resident))

    # --- Admission requests ----------------------------------------------------------------------

    def _new_request(self, row: dict) -> AdmissionRequest:
        data = row["data"]
        return AdmissionRequest(
            resident=self._resident_of(row),
            received_on=_date(data["received_on"]),
            referring_structure=data["referring_structure"],
            referrer_name=data.get("referrer_name") or "",
            psychic_situation=data["psychic_situation"],
            isolation=data["isolation"],
            vulnerability=data["vulnerability"],
            status=data.get("status") or AdmissionStatus.WAITING,
            decided_on=_date(data.get("decided_on")),
            decision_reason=data.get("decision_reason") or "",
            last_news_on=_date(data.get("last_news_on")),
            created_by=self.by,
        )

    def _admissions(self, rows: list[dict], outcomes: dict) -> None:
        built = {}
        for row in rows:
            try:
                request = self._new_request(row)
                request.full_clean(
                    exclude=["resident", "created_by", "decided_by"],
                    validate_unique=False,
                    validate_constraints=False,
                )
                built[row["index"]] = request
            except _Skipped as skipped:
                outcomes[row["index"]] = Outcome(SKIPPED, skipped.message)
            except ValidationError as error:
                outcomes[row["index"]] = Outcome(SKIPPED, " ".join(error.messages))
        AdmissionRequest.objects.bulk_create(built.values())
        for index, request in built.items():
            self.requests[index] = request
            self._keep(self.rows[index], resident=request.resident, admission=request)
            outcomes[index] = Outcome(CREATED, label=str(request))

    def _admission(self, row: dict) -> Outcome:
        request = admission_request_create(request=self._new_request(row), by=self.by)
        self.requests[row["index"]] = request
        self._keep(row, resident=request.resident, admission=request)
        return Outcome(CREATED, label=str(request))

    # --- Stays -----------------------------------------------------------------------------------

    def _new_stay(self, row: dict, *, pending: dict | None = None) -> Placement:
        """The unsaved stay of a row; `pending`: stays of this batch not saved yet, by row."""
        data, links = row["data"], row["links"]
        resident = self._resident_of(row)
        place = self.places.get(links.get("place"))
        if place is None:
            raise _Skipped(_("This place no longer exists."))
        admission = None
        if "admission_row" in links:
            admission = self.requests.get(links["admission_row"])
            if admission is None:
                raise _Skipped(_("Its admission request was not imported."))
        elif "admission" in links:
            admission = self.existing_requests.get(links["admission"])
        previous = None
        if "previous_row" in links:
            previous = self.stays.get(links["previous_row"]) or (pending or {}).get(
                links["previous_row"]
            )
            if previous is None:
                raise _Skipped(_("The stay this transfer continues was not imported."))
        elif "previous" in links:
            previous = self.existing_stays.get(links["previous"])
        end = _date(data.get("end"))
        destination, exit_reason, transfer_reason = data.get("exit_destination") or "", "", ""
        if destination in OLD_EXIT_DESTINATIONS:
            destination, exit_reason = OLD_EXIT_DESTINATIONS[destination]
        if destination == ExitDestination.TRANSFER:
            transfer_reason = data.get("transfer_reason") or TransferReason.NOT_RECORDED
        elif end is not None:
            exit_reason = data.get("exit_reason") or exit_reason or implied_exit_reason(destination)
        return Placement(
            resident=resident,
            place=place,
            start=_date(data["start"]),
            end=end,
            exit_destination=destination,
            exit_reason=exit_reason,
            transfer_reason=transfer_reason,
            exit_comment=data.get("exit_comment") or "",
            admission=admission,
            previous=previous,
        )

    def _stay_outcome(self, stay: Placement) -> Outcome:
        return Outcome(
            CREATED,
            label=_("stay of %(name)s, %(place)s")
            % {"name": stay.resident.nickname, "place": checks.place_label(stay.place)},
        )

    def _stays(self, rows: list[dict], outcomes: dict) -> None:
        built: dict[int, Placement] = {}
        for row in rows:  # by entry date: a transfer's first stay comes before its next one
            try:
                built[row["index"]] = self._new_stay(row, pending=built)
            except _Skipped as skipped:
                outcomes[row["index"]] = Outcome(SKIPPED, skipped.message)
        placements_record(list(built.values()), by=self.by)
        for index, stay in built.items():
            self.stays[index] = stay
            self._keep(self.rows[index], resident=stay.resident, placement=stay)
            outcomes[index] = self._stay_outcome(stay)

    def _stay(self, row: dict) -> Outcome:
        """One stay, as by hand: assigned if ongoing, else recorded with its exit."""
        stay = self._new_stay(row)
        if stay.end is None:
            stay = placement_assign(
                resident=stay.resident,
                place=stay.place,
                start=stay.start,
                by=self.by,
                admission=stay.admission,
                previous=stay.previous,
            )
        else:
            stay = placement_record_ended(
                resident=stay.resident,
                place=stay.place,
                start=stay.start,
                end=stay.end,
                destination=stay.exit_destination,
                reason=stay.exit_reason or stay.transfer_reason,
                comment=stay.exit_comment,
                by=self.by,
                admission=stay.admission,
                previous=stay.previous,
            )
        self.stays[row["index"]] = stay
        self._keep(row, resident=stay.resident, placement=stay)
        return self._stay_outcome(stay)

    # --- Stock levels ----------------------------------------------------------------------------

    def _stocks(self, rows: list[dict], outcomes: dict) -> None:
        """One count per location for all its items, and the vouchers received."""
        by_location: dict[int, list[dict]] = {}
        for row in rows:
            if row["links"]["target"][0] == VOUCHERS:
                try:
                    outcomes[row["index"]] = self._stock(row)
                except _Skipped as skipped:
                    outcomes[row["index"]] = Outcome(SKIPPED, skipped.message)
            else:
                by_location.setdefault(row["links"]["location"], []).append(row)
        for location_id, counted_rows in by_location.items():
            location = self.locations.get(location_id)
            items = {row["index"]: self.items.get(row["links"]["item"]) for row in counted_rows}
            if location is None or None in items.values():
                raise ValidationError(_("This item or location no longer exists."))
            stock_count(
                location=location,
                counted={items[row["index"]]: row["data"]["quantity"] for row in counted_rows},
                by=self.by,
                note=self._opening_note(),
            )
            for row in counted_rows:
                self._keep(row)
                outcomes[row["index"]] = self._counted(row, items[row["index"]], location)

    def _opening_note(self) -> str:
        return _("Opening balance (import no. %(number)s)") % {"number": self.batch.pk}

    def _counted(self, row: dict, item, location) -> Outcome:
        return Outcome(
            CREATED,
            label=_("%(item)s at %(location)s: %(quantity)s")
            % {"item": item.name, "location": location.name, "quantity": row["data"]["quantity"]},
        )

    def _stock(self, row: dict) -> Outcome:
        data, links = row["data"], row["links"]
        quantity = data["quantity"]
        note = self._opening_note()
        if links["target"][0] == VOUCHERS:
            stock = VoucherStock.objects.filter(pk=1).first()
            missing = quantity - (stock.balance if stock else 0)
            if missing < 0:
                raise _Skipped(
                    _("There are already %(balance)s meal vouchers in stock: not lowered.")
                    % {"balance": stock.balance}
                )
            self._keep(row)
            if missing == 0:
                return Outcome(UNCHANGED, _("Already at this level: nothing to record."))
            voucher_receive(
                quantity=missing,
                on=_date(data.get("counted_on")) or timezone.localdate(),
                by=self.by,
                note=note[:200],
            )
            return Outcome(CREATED, label=_("%(count)s meal vouchers") % {"count": quantity})
        item = self.items.get(links.get("item"))
        location = self.locations.get(links.get("location"))
        if item is None or location is None:
            raise _Skipped(_("This item or location no longer exists."))
        stock_count(location=location, counted={item: quantity}, by=self.by, note=note)
        self._keep(row)
        return self._counted(row, item, location)


def why(row: dict) -> str:
    """The problems of a row, each with its column."""
    return " ".join(
        _("%(column)s: %(message)s") % problem if problem["column"] else problem["message"]
        for problem in row["problems"]
    )


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date) or value is None:
        return value
    return datetime.date.fromisoformat(value) if value else None


def _file(resident: Resident) -> str:
    return _("file no. %(number)s “%(name)s”") % {"number": resident.pk, "name": resident.nickname}


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Forget the rows of the batches older than IMPORT_PREVIEW_HOURS (they name people): the
    batch keeps who uploaded what, when, and its counts. Returns the batches emptied."""
    expired = ImportBatch.objects.expired(now)
    previews = expired.filter(status=BatchStatus.PREVIEWED).update(
        rows=[], notes=[], status=BatchStatus.EXPIRED
    )
    return previews + expired.update(rows=[], notes=[])
