import datetime
import heapq
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from placements.models import (
    Absence,
    AbsenceReason,
    ExitDestination,
    ExitReason,
    Hotel,
    Incident,
    IncidentAction,
    IncidentKind,
    OutageReason,
    Place,
    PlaceFeature,
    PlaceKind,
    Placement,
    PlaceOutage,
    TransferReason,
)
from residents.demo import CARE_USERNAMES
from residents.models import AdmissionRequest, AdmissionStatus, ReferringStructure, Resident

# Fictional hotels of the programme: 70 places in the 10th, 18th, 19th and 20th.
PROGRAMME_HOTELS = [
    ("Hôtel du Canal", "12 rue Fictive-des-Écluses", 10, 14),
    ("Hôtel Magenta Nord", "48 boulevard Imaginaire", 10, 10),
    ("Hôtel de la Chapelle", "7 rue du Faux-Pont", 18, 12),
    ("Hôtel des Lilas", "31 rue des Lilas-Inventées", 19, 12),
    ("Hôtel Crimée", "5 passage Supposé", 19, 11),
    ("Hôtel Belleville Haut", "90 rue de l'Exemple", 20, 11),
]
ASSORE_PLACES = 610
ASSORE_HOTELS = 40


def seed(*, rng, scale: str) -> str:
    hotels = list(PROGRAMME_HOTELS)
    if scale == "assore":
        hotels += _partner_hotels(rng)
    for name, address, arrondissement, place_count in hotels:
        hotel, _created = Hotel.objects.get_or_create(
            name=name,
            defaults={
                "address": f"{address}, 750{arrondissement:02d} Paris",
                "arrondissement": arrondissement,
                "phone": f"01 40 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "contact_name": rng.choice(["M. Amrani", "Mme Petit", "M. Nguyen", "Mme Diallo"]),
            },
        )
        Place.objects.bulk_create(_places(rng, hotel, place_count), ignore_conflicts=True)
    _one_outage(rng)
    return f"{Hotel.objects.count()} hotels, {Place.objects.count()} places"


def _partner_hotels(rng) -> list[tuple[str, str, int, int]]:
    extra_hotels = ASSORE_HOTELS - len(PROGRAMME_HOTELS)
    remaining = ASSORE_PLACES - sum(count for *_rest, count in PROGRAMME_HOTELS)
    sizes = [remaining // extra_hotels] * extra_hotels
    for index in range(remaining - sum(sizes)):
        sizes[index] += 1
    arrondissements = [10, 11, 12, 13, 14, 15, 17, 18, 19, 20]
    return [
        (f"Hôtel partenaire {n:02d}", f"{n} rue du Dispositif", rng.choice(arrondissements), size)
        for n, size in enumerate(sizes, start=1)
    ]


def _places(rng, hotel: Hotel, count: int) -> list[Place]:
    places, room = [], 1
    while len(places) < count:
        floor = (room - 1) // 6
        label = str(floor * 100 + (room - 1) % 6 + 1)
        features = [f for f in PlaceFeature.values if rng.random() < 0.2]
        if count - len(places) >= 2 and rng.random() < 0.2:
            for bed in ("A", "B"):
                places.append(
                    Place(
                        hotel=hotel,
                        room=label,
                        bed=bed,
                        floor=floor,
                        kind=PlaceKind.DOUBLE,
                        features=features,
                    )
                )
        else:
            places.append(
                Place(
                    hotel=hotel, room=label, floor=floor, kind=PlaceKind.SINGLE, features=features
                )
            )
        room += 1
    return places


def _one_outage(rng) -> None:
    """One place of the programme under repair, so the demo shows an out-of-service place."""
    place = Place.objects.filter(hotel__name=PROGRAMME_HOTELS[3][0]).order_by("room", "bed").last()
    if place and not place.outages.exists():
        today = timezone.localdate()
        PlaceOutage.objects.create(
            place=place,
            start=today - datetime.timedelta(days=12),
            end=today + datetime.timedelta(days=20),
            kind=OutageReason.DAMAGE,
            reason="Dégât des eaux, travaux de plomberie",
        )


# --- Stays, absences and incidents (after residents.demo.seed) ------------------------------------

# Share of the places occupied today, and of the stays that include a transfer.
OCCUPIED_TODAY = {"demo": (61, 65), "assore": (0.90, 0.94)}
TRANSFER_SHARE = 0.12
INCIDENTS_PER_PLACE_AND_YEAR = 0.4
OPEN_INCIDENT_DAYS = 45  # incidents more recent than this are still being followed up
# How exits end, as (destination, reason): drawn with these weights. The list keeps the order and
# the weights of the destinations drawn before reasons were apart (0004), so that the same seed
# draws the same exits; an exclusion and a voluntary departure go to an unknown destination.
EXIT_WEIGHTS = {
    (ExitDestination.SOCIAL_HOUSING, ExitReason.MOVE_ON): 8,
    (ExitDestination.PRIVATE_HOUSING, ExitReason.MOVE_ON): 3,
    (ExitDestination.INTERMEDIATE_HOUSING, ExitReason.MOVE_ON): 8,
    (ExitDestination.CHRS, ExitReason.MOVE_ON): 10,
    (ExitDestination.CHU, ExitReason.MOVE_ON): 6,
    (ExitDestination.OTHER_HOTEL, ExitReason.MOVE_ON): 4,
    (ExitDestination.MEDICO_SOCIAL, ExitReason.MOVE_ON): 6,
    (ExitDestination.HOSPITAL, ExitReason.OTHER): 3,
    (ExitDestination.PSYCHIATRIC_HOSPITAL, ExitReason.OTHER): 4,
    (ExitDestination.RESIDENTIAL_ADDICTION_CARE, ExitReason.MOVE_ON): 5,
    (ExitDestination.PRISON, ExitReason.OTHER): 5,
    (ExitDestination.FAMILY_FRIENDS, ExitReason.MOVE_ON): 4,
    (ExitDestination.STREET, ExitReason.VOLUNTARY): 8,
    (ExitDestination.UNKNOWN, ExitReason.VOLUNTARY): 8,
    (ExitDestination.UNKNOWN, ExitReason.EXCLUSION): 5,
    (ExitDestination.DEATH, ExitReason.DEATH): 2,
    (ExitDestination.UNKNOWN, ExitReason.UNKNOWN): 4,
}
EXIT_COMMENTS = {
    ExitDestination.SOCIAL_HOUSING: "Bail signé, accompagnement à l'installation prévu.",
    ExitDestination.INTERMEDIATE_HOUSING: "Place obtenue via le SIAO en pension de famille.",
    ExitDestination.CHRS: "Orientation SIAO acceptée.",
    ExitDestination.STREET: "Départ sans prévenir, la maraude garde le contact.",
    ExitReason.EXCLUSION: "Exclusion par l'hôtel après plusieurs avertissements.",
}
TRANSFER_REASONS = [
    TransferReason.REQUEST,
    TransferReason.SUITED,
    TransferReason.INCIDENT,
    TransferReason.WORKS,
]
INCIDENT_TEXTS = {
    IncidentKind.COMPLAINT: "L'hôtel signale des allées et venues la nuit.",
    IncidentKind.DAMAGE: "Porte de la chambre endommagée.",
    IncidentKind.NOISE: "Plainte des voisins pour du bruit après minuit.",
    IncidentKind.HYGIENE: "Chambre très encombrée, odeurs signalées par le ménage.",
    IncidentKind.VIOLENCE: "Altercation dans le hall avec un autre client de l'hôtel.",
    IncidentKind.WARNING: "Avertissement écrit remis par la direction de l'hôtel.",
    IncidentKind.EXCLUSION_RISK: "L'hôtel menace de mettre fin à l'hébergement.",
    IncidentKind.OTHER: "Visite de personnes extérieures malgré le règlement.",
}
INCIDENT_ACTIONS = [
    "Visite en binôme et rappel du règlement de l'hôtel.",
    "Échange téléphonique avec le gérant de l'hôtel.",
    "Entretien avec la personne sur le « savoir habiter ».",
    "Aide au rangement et au nettoyage de la chambre.",
    "Point en réunion d'équipe, suivi renforcé décidé.",
]
ABSENCE_REASONS = [
    (AbsenceReason.HOSPITAL, 5),
    (AbsenceReason.PRISON, 2),
    (AbsenceReason.TRAVEL, 3),
    (AbsenceReason.OTHER, 1),
]
FOREVER = datetime.date.max


@dataclass
class Segment:
    """One stay being drawn: a person in a place for [start, end); end None is ongoing."""

    person: int
    start: datetime.date
    end: datetime.date | None
    place: Place | None = None
    next_segment: "Segment | None" = None
    placement: Placement | None = None


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def seed_stays(*, rng, scale: str) -> str:
    """Two years and more of stays in the places, built place by place in the order of time so no
    two stays of a place or of a person ever overlap; absences, exits and hotel incidents."""
    if Placement.objects.exists():
        return f"stays already present ({Placement.objects.count()}): nothing added"
    coordinator = User.objects.filter(username="coordination").first()
    carers = list(User.objects.filter(username__in=CARE_USERNAMES).order_by("username"))
    if coordinator is None or not carers:
        raise LookupError("The demo users are missing: run accounts.demo.seed first.")
    today = timezone.localdate()
    places, people = _places_to_fill(), _people_to_house()
    if not places or not people:
        return "no place or no resident to house: run the other seeders first"
    low, high = OCCUPIED_TODAY[scale]
    if isinstance(low, float):
        occupied_today = round(len(places) * rng.uniform(low, high))
    else:
        occupied_today = rng.randint(low, high)

    decided, segments = _draw_segments(rng, people, today, occupied_today, len(places))
    _allocate(rng, segments, places, today)
    firsts = [segment for segment in segments if segment.place is not None]
    requests = _admission_requests(rng, people, firsts, decided, coordinator)
    _write_stays(rng, firsts, people, requests, coordinator)
    all_segments = [s for first in firsts for s in _chain(first)]
    absences = _absences(rng, all_segments, today)
    incidents = _incidents(rng, all_segments, places, today, coordinator, carers)
    housed = sum(1 for s in all_segments if s.end is None)
    return (
        f"{len(all_segments)} stays of {len(firsts)} people, {housed} housed today; "
        f"{absences} absences, {incidents} incidents"
    )


def _places_to_fill() -> list[Place]:
    return list(
        Place.objects.filter(hotel__active=True)
        .select_related("hotel")
        .order_by("hotel__name", "room", "bed", "pk")
    )


def _people_to_house() -> list[Resident]:
    """The people the residents seeder drew as supported: files without any request (those
    with one are on the waiting list, admitted without a place yet, refused or lost)."""
    return list(
        Resident.objects.filter(admission_requests__isnull=True, archived_at__isnull=True)
        .order_by("created_at", "pk")
        .distinct()
    )


def _chain(segment: Segment):
    while segment is not None:
        yield segment
        segment = segment.next_segment


def _draw_segments(rng, people, today, occupied_today, places):
    """Each person's admission and planned stay: the most recent arrivals are still housed.

    With few files for the places (the programme's demo: about 100 people for 70 places), the
    others leave within the last year, so the last year's file active is about everyone; with
    many (the whole scheme), stays have the usual spread of lengths.
    """
    few_people = len(people) < 2 * places
    decided, segments = {}, []
    planned = []
    for index, person in enumerate(people):
        opened = timezone.localdate(person.created_at)
        decided_on = min(opened + _days(rng.randint(3, 30)), today)
        entry = min(decided_on + _days(rng.randint(0, 20)), today)
        decided[index] = decided_on
        planned.append((entry + _days(rng.randint(0, 420)), index, entry))
    planned.sort(reverse=True)
    still_housed = {index for _score, index, _entry in planned[:occupied_today]}
    for _score, index, entry in sorted(planned, key=lambda row: (row[2], row[1])):
        if index in still_housed:
            end = None
        elif few_people:
            end = max(today - _days(rng.randint(1, 365)), entry + _days(rng.randint(14, 60)))
        else:
            length = rng.choice(
                [rng.randint(14, 90)] * 3 + [rng.randint(90, 365)] * 5 + [rng.randint(365, 700)] * 2
            )
            end = entry + _days(length)
        if end is not None and end >= today:
            end = entry + _days(rng.randint(14, max((today - entry).days - 1, 14)))
        if end is not None and end >= today:
            continue
        segment = Segment(person=index, start=entry, end=end)
        last = end or today
        if (last - entry).days > 60 and rng.random() < TRANSFER_SHARE:
            moved = entry + _days(rng.randint(20, (last - entry).days - 10))
            segment.next_segment = Segment(person=index, start=moved, end=end)
            segment.end = moved
        segments.append(segment)
    return decided, segments


def _allocate(rng, segments, places, today) -> None:
    """Give each segment a place free for its whole period, in the order of time.

    A place is free from `busy_until[place]` on; outages are periods it cannot take. An entry
    with no free place waits for the next one to free up (its stay keeps its length); a transfer
    with no other free place is cancelled (the person stays where they are).
    """
    busy_until = {place.pk: datetime.date.min for place in places}
    outages: dict[int, list[tuple]] = defaultdict(list)
    for outage in PlaceOutage.objects.filter(place__in=places):
        outages[outage.place_id].append((outage.start, outage.end or FOREVER))

    def fits(place, start, end) -> bool:
        if busy_until[place.pk] > start:
            return False
        return all(
            not (o_start < (end or FOREVER) and start < o_end)
            for o_start, o_end in outages[place.pk]
        )

    queue = [(segment.start, 1, n, segment, None) for n, segment in enumerate(segments)]
    heapq.heapify(queue)
    counter = len(queue)
    while queue:
        start, _order, _n, segment, previous = heapq.heappop(queue)
        candidates = [place for place in places if fits(place, segment.start, segment.end)]
        if previous is not None:
            other_hotels = [p for p in candidates if p.hotel_id != previous.place.hotel_id]
            candidates = other_hotels or [p for p in candidates if p.pk != previous.place.pk]
            if not candidates:
                # No other place: the person stays where they are, or, if their place was taken
                # by another move that day or goes out of service, leaves the programme that day.
                previous.next_segment = None
                if fits(previous.place, segment.start, segment.end):
                    previous.end = segment.end
                    busy_until[previous.place.pk] = segment.end or FOREVER
                continue
        elif not candidates:
            later = [day for day in busy_until.values() if segment.start < day < FOREVER]
            if not later:
                continue
            if not _postpone(segment, min(later) - segment.start, today):
                continue
            counter += 1
            heapq.heappush(queue, (segment.start, 1, counter, segment, None))
            continue
        segment.place = rng.choice(candidates)
        busy_until[segment.place.pk] = segment.end or FOREVER
        if segment.next_segment is not None:
            counter += 1
            heapq.heappush(
                queue, (segment.next_segment.start, 0, counter, segment.next_segment, segment)
            )


def _postpone(segment: Segment, delay: datetime.timedelta, today) -> bool:
    """Move a stay that found no free place later, keeping its length (without its transfer);
    ongoing if it now reaches today. False when it would start after today."""
    last = segment.next_segment.end if segment.next_segment else segment.end
    segment.next_segment = None
    segment.start += delay
    if segment.start >= today:
        return False
    segment.end = last + delay if last is not None and last + delay < today else None
    return True


def _admission_requests(rng, people, firsts, decided, coordinator) -> dict[int, AdmissionRequest]:
    """The admitted request behind each entry, received when the file was opened."""
    requests = {}
    for segment in firsts:
        person = people[segment.person]
        received = timezone.localdate(person.created_at)
        requests[segment.person] = AdmissionRequest(
            resident=person,
            received_on=received,
            referring_structure=rng.choice(list(ReferringStructure)),
            referrer_name=rng.choice(["Équipe de maraude", "Dr Morel", "Mme Sow", "M. Durand"]),
            psychic_situation=rng.randint(2, 4),
            isolation=rng.randint(2, 4),
            vulnerability=rng.randint(2, 4),
            status=AdmissionStatus.ADMITTED,
            decided_on=max(min(decided[segment.person], segment.start), received),
            decided_by=coordinator,
            created_by=coordinator,
            created_at=person.created_at,
        )
    AdmissionRequest.objects.bulk_create(requests.values(), batch_size=1000)
    return requests


def _write_stays(rng, firsts, people, requests, coordinator) -> None:
    """Write the stays level by level: a transfer's stay points at the one it continues."""
    destinations, weights = zip(*EXIT_WEIGHTS.items(), strict=True)
    level, previous_of = list(firsts), {}
    while level:
        for segment in level:
            previous = previous_of.get(id(segment))
            placement = Placement(
                resident=people[segment.person],
                place=segment.place,
                start=segment.start,
                end=segment.end,
                admission=None if previous else requests[segment.person],
                previous=previous.placement if previous else None,
                created_by=coordinator,
            )
            if segment.next_segment is not None:
                placement.exit_destination = ExitDestination.TRANSFER
                # Not drawn from `rng`: the draws of the exits stay those of earlier versions.
                placement.transfer_reason = TRANSFER_REASONS[segment.person % len(TRANSFER_REASONS)]
                placement.ended_by = coordinator
            elif segment.end is not None:
                destination, reason = rng.choices(destinations, weights)[0]
                placement.exit_destination, placement.exit_reason = destination, reason
                placement.exit_comment = EXIT_COMMENTS.get(
                    reason if reason == ExitReason.EXCLUSION else destination, ""
                )
                placement.ended_by = coordinator
            segment.placement = placement
        Placement.objects.bulk_create([segment.placement for segment in level], batch_size=1000)
        following = []
        for segment in level:
            if segment.next_segment is not None:
                previous_of[id(segment.next_segment)] = segment
                following.append(segment.next_segment)
        level = following


def _absences(rng, segments, today) -> int:
    """Some stays had a spell away (hospital, prison…); a few people are away today."""
    absences = []
    away_today = max(2, len([s for s in segments if s.end is None]) // 20)
    for segment in segments:
        last = segment.end or today
        if (last - segment.start).days < 30:
            continue
        reason = rng.choices(*zip(*ABSENCE_REASONS, strict=True))[0]
        if segment.end is None and away_today and rng.random() < 0.2:
            away_today -= 1
            start = today - _days(rng.randint(1, 12))
            absences.append(
                Absence(
                    placement=segment.placement,
                    start=start,
                    planned_return=today + _days(rng.randint(2, 20)),
                    reason=reason,
                    released=reason == AbsenceReason.PRISON and rng.random() < 0.5,
                )
            )
            last = start - _days(1)
        if (last - segment.start).days < 30 or rng.random() > 0.25:
            continue
        length = rng.randint(3, min(40, (last - segment.start).days - 20))
        start = segment.start + _days(rng.randint(10, (last - segment.start).days - length - 5))
        absences.append(
            Absence(
                placement=segment.placement,
                start=start,
                end=start + _days(length),
                planned_return=start + _days(length + rng.randint(-3, 3)),
                reason=reason,
                released=length > 21 and rng.random() < 0.6,
                notes="Retour accompagné par l'équipe." if rng.random() < 0.3 else "",
            )
        )
    Absence.objects.bulk_create(absences, batch_size=1000)
    return len(absences)


def _incidents(rng, segments, places, today, coordinator, carers) -> int:
    """Incidents at the hotels, most about a resident in their room; the recent ones still open."""
    span = 730
    count = round(len(places) * INCIDENTS_PER_PLACE_AND_YEAR * span / 365)
    kinds = list(IncidentKind)
    incidents, actions = [], []
    for n in range(count):
        day = today - _days(rng.randint(0, span))
        present = [s for s in segments if s.start <= day and (s.end is None or day < s.end)]
        if n % 6 == 0 or not present:
            place = rng.choice(places)
            hotel, resident, place = place.hotel, None, None
        else:
            segment = rng.choice(present)
            place, hotel, resident = segment.place, segment.place.hotel, segment.placement.resident
        kind = rng.choice(kinds)
        recent = (today - day).days < OPEN_INCIDENT_DAYS
        incident = Incident(
            hotel=hotel,
            place=place,
            resident=resident,
            occurred_on=day,
            kind=kind,
            description=INCIDENT_TEXTS[kind],
            closed_on=None if recent else min(day + _days(rng.randint(1, 30)), today),
            created_by=rng.choice(carers),
        )
        incidents.append(incident)
        for step in range(rng.randint(0 if recent else 1, 3)):
            done = min(day + _days(step * rng.randint(1, 7)), today)
            actions.append(
                IncidentAction(
                    incident=incident,
                    done_on=done,
                    action=rng.choice(INCIDENT_ACTIONS),
                    handled_by=rng.choice(carers + [coordinator]),
                )
            )
    Incident.objects.bulk_create(incidents, batch_size=1000)
    IncidentAction.objects.bulk_create(actions, batch_size=1000)
    return len(incidents)
