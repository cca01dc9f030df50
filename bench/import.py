"""Time the import of a 2,000-row spreadsheet at the benchmark's scale (run bench/run.py once to
seed it, or point DATABASE_URL at a database seeded with `seed_demo --scale assore`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_bench .venv/bin/python bench/import.py

The file is made up for the seeded database, as a team switching to Ancrage would bring it: 800
people, 700 past stays (before the seeded years, in every place of the scheme), the current stays
the free places allow, 400 admission requests and the stock of every location. It is read,
previewed (checked against the 1,888 files, the stays and the outages of the scheme) and imported
by the demo coordinator, in a transaction rolled back at the end: the database is left as it
was. Prints the time and the queries of each step, against the targets (preview 5 s, import 10 s).

The database is vacuumed before and after (`--no-vacuum` not to): autovacuum may be off on a
development server, and then the trigram index of the people's names keeps every row added
since the seed in its pending list, which each search of the duplicates reads in full (8 s instead
of 0.5 s for the 800 people). The rows this run adds and rolls back would otherwise leave dead
entries there too, slowing the next run and the page benchmarks that share the database.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ancrage_bench")
os.environ.setdefault("SECRET_KEY", "bench-import")

PREVIEW_TARGET_S = 5.0
IMPORT_TARGET_S = 10.0
PEOPLE, PAST_STAYS, CURRENT_STAYS, REQUESTS = 800, 700, 100, 400


class Rollback(Exception):
    pass


def spreadsheet(rng: random.Random) -> bytes:
    """The 2,000 rows, in the template's format."""
    from django.utils import timezone

    from harmreduction.models import Item, Location
    from imports.models import RowKind
    from imports.workbooks import filled_xlsx
    from placements.models import Place, Placement, PlaceOutage
    from residents.demo import FIRST_NAMES_MEN, FIRST_NAMES_WOMEN, LAST_NAMES, NICKNAMES

    today = timezone.localdate()
    people = []
    for number in range(1, PEOPLE + 1):
        woman = rng.random() < 0.3
        first = rng.choice(FIRST_NAMES_WOMEN if woman else FIRST_NAMES_MEN)
        people.append(
            [
                f"R{number:04d}",
                "",
                " ".join(
                    (rng.choice(NICKNAMES), rng.choice(["B.", "du 18", "K.", "junior", "la Fusée"]))
                ),
                first if rng.random() < 0.7 else "",
                rng.choice(LAST_NAMES) if rng.random() < 0.5 else "",
                rng.randint(1955, 2000),
                None,
                "Femme" if woman else "Homme",
                "",
                "français",
                None,
                "",
                datetime.date(2014, 1, 1) + datetime.timedelta(days=rng.randint(0, 300)),
            ]
        )
    places = list(Place.objects.select_related("hotel").order_by("hotel__name", "room", "bed"))
    stays = []
    # Past stays, one after the other in each place, before the seeded years.
    start = {place.pk: datetime.date(2015, 1, 5) for place in places}
    for number in range(PAST_STAYS):
        place = places[number % len(places)]
        begins = start[place.pk]
        ends = begins + datetime.timedelta(days=rng.randint(20, 120))
        start[place.pk] = ends + datetime.timedelta(days=rng.randint(0, 10))
        stays.append(
            [
                f"R{number + 1:04d}",
                place.hotel.name,
                place.room,
                place.bed,
                begins,
                ends,
                rng.choice(["Logement social", "CHRS", "Retour à la rue", "Hospitalisation"]),
                "",
                None,
            ]
        )
    taken = set(Placement.objects.current().values_list("place_id", flat=True))
    closed = set(
        PlaceOutage.objects.filter(start__lte=today)
        .exclude(end__lte=today)
        .values_list("place_id", flat=True)
    )
    free = [place for place in places if place.pk not in taken | closed and place.hotel.active]
    current = free[:CURRENT_STAYS]
    for number, place in enumerate(current):
        stays.append(
            [
                f"R{PAST_STAYS + number + 1:04d}",
                place.hotel.name,
                place.room,
                place.bed,
                today - datetime.timedelta(days=rng.randint(1, 30)),
                None,
                "",
                "",
                None,
            ]
        )
    requests = []
    for number in range(REQUESTS):
        person = f"R{PEOPLE - number:04d}"
        received = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randint(0, 700))
        decided = number % 2 == 0
        requests.append(
            [
                person,
                received,
                rng.choice(["Maraude", "CAARUD", "Hôpital", "CSAPA"]),
                "",
                rng.randint(1, 4),
                rng.randint(1, 4),
                rng.randint(1, 4),
                "Refusé·e" if decided else "Sans suite / perdu·e de vue",
                received + datetime.timedelta(days=20),
                "Orientation vers un autre dispositif." if decided else "",
                None,
            ]
        )
    stocks = []
    items = list(Item.objects.order_by("pk"))
    room = PEOPLE + PAST_STAYS + len(current) + REQUESTS
    for location in Location.objects.order_by("pk"):
        for item in items:
            if room + len(stocks) >= 2000:
                break
            stocks.append([location.name, item.name, rng.randint(0, 200), None])
    rows = {
        RowKind.PERSON: people,
        RowKind.STAY: stays,
        RowKind.ADMISSION: requests,
        RowKind.STOCK: stocks,
    }
    print(
        f"file: {len(people)} people, {len(stays) - len(current)} past and {len(current)} "
        f"current stays, {len(requests)} requests, {len(stocks)} stock levels "
        f"= {sum(len(kind) for kind in rows.values())} rows"
    )
    return filled_xlsx(rows)


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from accounts.models import User
    from imports.reading import read_upload
    from imports.services import import_preview, import_run
    from residents.models import Resident

    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--no-vacuum", action="store_true", help="measure the database as it is")
    args = parser.parse_args()
    files = Resident.objects.count()
    if files < 1000:
        sys.exit(f"The database holds {files} files: seed it at the assore scale first.")
    coordinator = User.objects.get(username="coordination")
    data = spreadsheet(random.Random(args.seed))
    print(f"database: {files} files; file: {len(data) // 1024} KiB")
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    if not args.no_vacuum:
        vacuum(connection)
    print(
        f"autovacuum {autovacuum}; {'not ' if args.no_vacuum else ''}vacuumed first; "
        "load average %.2f %.2f %.2f" % os.getloadavg()
    )
    with translation.override("fr"):
        try:
            with transaction.atomic():
                began = time.perf_counter()
                parsed = read_upload(data)
                read_s = time.perf_counter() - began
                with CaptureQueriesContext(connection) as checked:
                    began = time.perf_counter()
                    batch = import_preview(parsed=parsed, file_name="bench.xlsx", by=coordinator)
                    check_s = time.perf_counter() - began
                preview_s = read_s + check_s
                print(
                    f"preview: {preview_s:5.2f} s (reading {read_s:.2f} s, checks {check_s:.2f} s, "
                    f"{len(checked)} queries; target {PREVIEW_TARGET_S:.0f} s) → "
                    f"{batch.counts['total']}"
                )
                with CaptureQueriesContext(connection) as imported:
                    began = time.perf_counter()
                    batch = import_run(batch=batch, by=coordinator, create_duplicates=True)
                    import_s = time.perf_counter() - began
                print(
                    f"import:  {import_s:5.2f} s ({len(imported)} queries; target "
                    f"{IMPORT_TARGET_S:.0f} s) → {batch.counts['total']}"
                )
                raise Rollback
        except Rollback:
            print("rolled back: the database is unchanged")
    if not args.no_vacuum:
        vacuum(connection)


def vacuum(connection) -> None:
    """VACUUM ANALYZE the database, as autovacuum would (see the module's docstring)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
