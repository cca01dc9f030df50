import datetime

from placements.models import Hotel, Place, PlaceFeature, PlaceKind, PlaceOutage

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
        today = datetime.date.today()
        PlaceOutage.objects.create(
            place=place,
            start=today - datetime.timedelta(days=12),
            end=today + datetime.timedelta(days=20),
            reason="Dégât des eaux, travaux de plomberie",
        )
