"""The operator's figures added for issue 17, on hand-built years. The expected values are
worked out in the comments, never by the code under test.

Two datasets: the shared year of reports/tests/dataset.py, and `year` below, built for the edge
cases: a stay beginning on 1 January and one ending on 31 December, transfers mid-month between
two hotels and inside one, absences with the place held and released (one across the first day
of the year, one still open), a hotel leaving the scheme mid-year, out-of-service places that
are occupied, a caught-up week of vouchers and a corrected one.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from harmreduction.models import VoucherDistribution
from placements import occupancy
from placements.models import Absence, PlaceOutage
from reports import figures, rendering
from reports.figures import DAY
from reports.models import Report
from reports.tests import dataset
from reports.tests.conftest import pdf_text
from reports.tests.dataset import END, START, at, d
from tests.factories import (
    AdmissionRequestFactory,
    HotelFactory,
    IncidentFactory,
    PlaceFactory,
    PlacementFactory,
    ResidentFactory,
    UserFactory,
)

NEW_FIGURES = [
    "people_housed",
    "out_of_service_by_hotel",
    "absence_nights",
    "waiting_list_outcomes",
    "flows_by_month",
    "flows_by_hotel",
    "transfers",
    "length_of_stay_bands",
    "incidents_by_hotel",
    "voucher_weeks",
]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def rows(function):
    return function(START, END)["rows"]


def months(**counts):
    """The 12 rows of 2025 of a table by month, zero but for `counts` (jan=[...], ...)."""
    names = "jan feb mar apr may jun jul aug sep oct nov dec".split()
    width = len(next(iter(counts.values())))
    return [
        [f"2025-{i + 1:02d}-01", *counts.get(name, [0] * width)] for i, name in enumerate(names)
    ]


# --- The shared year of dataset.py -----------------------------------------------------------


@pytest.fixture
def shared(db):
    return dataset.build()


def test_it_gives_the_operator_figures_of_the_shared_year(shared):
    alpha, beta = str(shared["alpha"].pk), str(shared["beta"].pk)
    # Night of 1 January: r1 (s1); of 31 December: r3 (s4). Billable nights 418 / 365 = 1.15.
    assert rows(figures.people_housed) == [
        ["first_night", 1],
        ["last_night", 1],
        ["mean_occupied", 1.1],
    ]
    # a2 out of service 1–11 Oct, nobody there.
    assert rows(figures.out_of_service_by_hotel) == [[alpha, 1, 10], ["total", 1, 10]]
    # r2's absence 10–15 March, place released.
    assert rows(figures.absence_nights) == [["hospital", 0, 5, 5], ["total", 0, 5, 5]]
    # On the list in 2025: the June 2024 one (waiting), r2's (admitted 20 Jan), the 1 March one
    # (refused 1 April), the 1 November one (waiting); r1's was decided in 2024.
    assert rows(figures.waiting_list_outcomes) == [
        ["admitted", 1],
        ["refused", 1],
        ["lost", 0],
        ["waiting", 2],
        ["total", 4],
    ]
    # Entries s2 (February), s4 (June); transfer s2 -> s3 (1 April); exits s1 (1 March),
    # s3 (1 July).
    assert rows(figures.flows_by_month) == months(
        feb=[1, 0, 0], mar=[0, 0, 1], apr=[0, 1, 0], jun=[1, 0, 0], jul=[0, 0, 1]
    )
    # columns: entries, transfers in, transfers out, exits
    assert rows(figures.flows_by_hotel) == [
        [alpha, 2, 0, 1, 1],
        [beta, 0, 1, 0, 1],
        ["total", 2, 1, 1, 2],
    ]
    # The factory's transfer reason is "other"; Alpha to Beta.
    assert rows(figures.transfers) == [["other", 1, 0, 1], ["total", 1, 0, 1]]
    # s1 120 days, s2 + s3 150 days.
    assert rows(figures.length_of_stay_bands) == [
        ["-29", 0],
        ["30-89", 0],
        ["90-179", 2],
        ["180-364", 0],
        ["365-729", 0],
        ["730-", 0],
    ]
    # All at Alpha: noise 2, violence 1 (December 2024 left out).
    assert rows(figures.incidents_by_hotel) == [[alpha, 3], ["total", 3]]
    # Weeks with a Monday in 2025 (6 Jan – 29 Dec) housed at least one night: r1 6 Jan – 24 Feb
    # = 8; r2 27 Jan – 30 Jun = 23 (the week of the transfer once); r3 26 May – 29 Dec = 32.
    # r3: 2 and 9 June given, 16 June absent.
    assert rows(figures.voucher_weeks) == [
        ["due", 63],
        ["given", 2],
        ["not_given_absent", 1],
        ["not_given_hospital", 0],
        ["not_given_prison", 0],
        ["not_given_refused", 0],
        ["not_given_away", 0],
        ["not_given_other", 0],
        ["not_recorded", 60],
        ["share_given", 2 / 63],
    ]


def test_the_labels_do_not_depend_on_the_year(shared):
    # The same labels for the previous year's figures printed beside these.
    labels = figures.people_housed(START, END)["labels"]
    assert labels["first_night"] == "Personnes hébergées la nuit du premier jour de la période"
    assert labels["last_night"] == "Personnes hébergées la nuit du dernier jour de la période"
    assert figures.flows_by_month(START, END)["columns"][0] == ["month", "Mois", "month"]


# --- The edge cases ------------------------------------------------------------------------


@pytest.fixture
def year(db):
    """Nord (18e): n1, n2, n3; Sud (19e): s1; Gamma (20e) left the scheme on 1 July: g1.

    - P: n1 from 1 January to 31 December 2025 (the last night is 30 December), to the street.
      n1 is out of service 1–11 February while P sleeps there: no night out of service.
    - Q: n2 from 10 December 2024; away 28 Dec 2024 – 3 Jan 2025 (travel, place held: 2 nights
      in 2025), away 1–6 March (hospital, released: 5); moved on Saturday 15 March to s1 in
      the other hotel (works); away 1–4 June (prison, held: 3); still housed.
      n2 out of service 10–20 March: Q there until 15 March, so 5 nights out of service.
    - R: g1 from 1 February to 1 June 2025, to family. g1 out of service 1–11 June (10 nights)
      and 1–11 August, after Gamma left the scheme (not counted).
    - T: n3 from 1 September 2025, moved on Wednesday 1 October to n2 in the same hotel (at her
      request); away since 20 December (travel, held, still open: 12 nights).
    """
    worker = UserFactory(roles=["social_worker"])
    nord = HotelFactory(name="Nord", arrondissement=18)
    sud = HotelFactory(name="Sud", arrondissement=19)
    gamma = HotelFactory(name="Gamma", arrondissement=20, left_on=d(2025, 7, 1))
    n1, n2, n3 = (PlaceFactory(hotel=nord, room=str(room)) for room in (1, 2, 3))
    s1 = PlaceFactory(hotel=sud, room="1")
    g1 = PlaceFactory(hotel=gamma, room="1")

    p, q, r, t = (ResidentFactory() for _ in range(4))
    stay_p = PlacementFactory(
        resident=p, place=n1, start=d(2025, 1, 1), end=d(2025, 12, 31), exit_destination="street"
    )
    q_first = PlacementFactory(
        resident=q,
        place=n2,
        start=d(2024, 12, 10),
        end=d(2025, 3, 15),
        exit_destination="transfer",
        transfer_reason="works",
    )
    q_second = PlacementFactory(resident=q, place=s1, start=d(2025, 3, 15), previous=q_first)
    PlacementFactory(
        resident=r,
        place=g1,
        start=d(2025, 2, 1),
        end=d(2025, 6, 1),
        exit_destination="family_friends",
    )
    t_first = PlacementFactory(
        resident=t,
        place=n3,
        start=d(2025, 9, 1),
        end=d(2025, 10, 1),
        exit_destination="transfer",
        transfer_reason="request",
    )
    t_second = PlacementFactory(resident=t, place=n2, start=d(2025, 10, 1), previous=t_first)

    for stay, start, end, reason, released in (
        (q_first, d(2024, 12, 28), d(2025, 1, 3), "travel", False),
        (q_first, d(2025, 3, 1), d(2025, 3, 6), "hospital", True),
        (q_second, d(2025, 6, 1), d(2025, 6, 4), "prison", False),
        (t_second, d(2025, 12, 20), None, "travel", False),
    ):
        Absence.objects.create(
            placement=stay, start=start, end=end, reason=reason, released=released
        )
    for place, start, end in (
        (n1, d(2025, 2, 1), d(2025, 2, 11)),
        (n2, d(2025, 3, 10), d(2025, 3, 20)),
        (g1, d(2025, 6, 1), d(2025, 6, 11)),
        (g1, d(2025, 8, 1), d(2025, 8, 11)),
    ):
        PlaceOutage.objects.create(place=place, start=start, end=end, reason="x")

    # Waiting list: lost contact on 1 Feb 2025 (received Nov 2024); admitted 20 March; refused
    # on 10 January 2026 (still waiting on 31 December); waiting; decided in 2024 (left out).
    for received, status, decided in (
        (d(2024, 11, 1), "lost", d(2025, 2, 1)),
        (d(2025, 3, 1), "admitted", d(2025, 3, 20)),
        (d(2025, 6, 1), "refused", d(2026, 1, 10)),
        (d(2025, 12, 1), "waiting", None),
        (d(2024, 5, 1), "refused", d(2024, 6, 1)),
    ):
        AdmissionRequestFactory(
            received_on=received, status=status, decided_on=decided, decision_reason="x"
        )

    for hotel, day, kind in (
        (nord, d(2025, 1, 1), "noise"),
        (nord, d(2025, 2, 2), "violence"),
        (sud, d(2025, 6, 1), "noise"),
        (gamma, d(2025, 5, 1), "damage"),
        (nord, d(2024, 12, 31), "damage"),
    ):
        IncidentFactory(hotel=hotel, occurred_on=day, kind=kind, created_by=worker)

    def voucher(resident, week, status, reason="", cancelled=""):
        VoucherDistribution.objects.create(
            resident=resident,
            week=week,
            status=status,
            quantity=5,
            unit_value_cents=700,
            given_where="office" if status == "given" else "",
            missed_reason=reason,
            recorded_at=at(week.year, week.month, week.day),
            recorded_by=worker,
            cancelled_at=timezone.now() if cancelled else None,
            cancelled_by=worker if cancelled else None,
            cancel_kind=cancelled,
        )

    voucher(q, d(2025, 3, 10), "given")  # the week of the transfer
    voucher(q, d(2025, 3, 17), "not_given", "hospital")
    voucher(q, d(2025, 3, 24), "not_given", "absent", cancelled="caught_up")
    voucher(q, d(2025, 3, 24), "given")  # caught up
    voucher(p, d(2025, 1, 6), "given")
    voucher(p, d(2025, 1, 13), "given", cancelled="correction")  # not recorded
    voucher(p, d(2024, 12, 30), "given")  # Monday in 2024: the 2024 report's week
    return {"nord": nord, "sud": sud, "gamma": gamma, "stay_p": stay_p}


def test_people_housed_on_the_first_and_the_last_night(year):
    # 1 January: P (entered that day) and Q; 31 December: Q and T (away, place held), not P
    # (left on 31 December: her last night was the 30th).
    # Billable nights: P 364; Q n2 73 − 5 released + s1 292 = 360; R 120; T 30 + 92 = 122;
    # 966 / 365 = 2.65.
    assert rows(figures.people_housed) == [
        ["first_night", 2],
        ["last_night", 2],
        ["mean_occupied", 2.6],
    ]
    assert sum(occupancy.nights_by_place(START, END).values()) == 966


def test_absence_nights_held_and_released(year):
    # hospital 5 released; prison 3 held; travel 2 (from 1 January) + 12 (open, to the end of
    # the year) held.
    assert rows(figures.absence_nights) == [
        ["hospital", 0, 5, 5],
        ["prison", 3, 0, 3],
        ["travel", 14, 0, 14],
        ["total", 17, 5, 22],
    ]
    # The released nights are those the billable nights leave out.
    assert sum(occupancy.released_nights_by_place(START, END).values()) == 5


def test_out_of_service_nights_per_hotel(year):
    nord, gamma = str(year["nord"].pk), str(year["gamma"].pk)
    # Nord: n1 0 (occupied), n2 5; Gamma: g1 10 in June, none after leaving on 1 July.
    assert rows(figures.out_of_service_by_hotel) == [
        [nord, 1, 5],
        [gamma, 1, 10],
        ["total", 2, 15],
    ]
    # The outages after the hotel left count in `out_of_service_nights_by_place` (a place's
    # own figure), not in the hotel's place-nights of the scheme.
    assert sorted(occupancy.out_of_service_nights_by_place(START, END).values()) == [0, 5, 20]


def test_entries_transfers_and_exits_by_month_and_hotel(year):
    nord, sud, gamma = (str(year[name].pk) for name in ("nord", "sud", "gamma"))
    # Entries: P January, R February, T September; transfers: Q March, T October; exits: R
    # June, P December (31 December).
    assert rows(figures.flows_by_month) == [
        *months(
            jan=[1, 0, 0],
            feb=[1, 0, 0],
            mar=[0, 1, 0],
            jun=[0, 0, 1],
            sep=[1, 0, 0],
            oct=[0, 1, 0],
            dec=[0, 0, 1],
        ),
    ]
    # Nord: entries P, T; in: T (n3 -> n2); out: Q, T; exit P. Sud: in Q. Gamma: R in and out.
    assert rows(figures.flows_by_hotel) == [
        [nord, 2, 1, 2, 1],
        [sud, 0, 1, 0, 0],
        [gamma, 1, 0, 0, 1],
        ["total", 3, 2, 2, 2],
    ]
    assert rows(figures.transfers) == [
        ["request", 0, 1, 1],
        ["works", 1, 0, 1],
        ["total", 1, 1, 2],
    ]


def test_waiting_list_outcomes(year):
    assert rows(figures.waiting_list_outcomes) == [
        ["admitted", 1],
        ["refused", 0],
        ["lost", 1],
        ["waiting", 2],
        ["total", 4],
    ]
    # The same requests waiting as the waiting list's own figure.
    assert ["waiting_at_end", 2] in rows(figures.waiting_list)


def test_length_of_stay_bands(year):
    # R 1 Feb – 1 Jun = 120 days; P 1 Jan – 31 Dec = 364 days.
    assert rows(figures.length_of_stay_bands) == [
        ["-29", 0],
        ["30-89", 0],
        ["90-179", 1],
        ["180-364", 1],
        ["365-729", 0],
        ["730-", 0],
    ]


def test_incidents_per_hotel(year):
    nord, sud, gamma = (str(year[name].pk) for name in ("nord", "sud", "gamma"))
    # Nord: noise and violence (the damage of 31 December 2024 left out); Sud: noise; Gamma:
    # damage, before it left the scheme.
    assert rows(figures.incidents_by_hotel) == [
        [nord, 2],
        [sud, 1],
        [gamma, 1],
        ["total", 4],
    ]


def test_voucher_weeks_due_and_given(year):
    # Mondays of 2025: 6 Jan – 29 Dec. Due: P 52 (6 Jan – 29 Dec: nights of 29 and 30 Dec),
    # Q 52, R 27 Jan – 26 May = 18, T 1 Sep – 29 Dec = 18 (the week of her move once) = 140.
    # Given: Q 10 and 24 March (caught up), P 6 Jan = 3; not given: Q 17 March (hospital);
    # P's corrected week is not recorded; P's week of 30 Dec 2024 belongs to 2024.
    assert rows(figures.voucher_weeks) == [
        ["due", 140],
        ["given", 3],
        ["not_given_absent", 0],
        ["not_given_hospital", 1],
        ["not_given_prison", 0],
        ["not_given_refused", 0],
        ["not_given_away", 0],
        ["not_given_other", 0],
        ["not_recorded", 136],
        ["share_given", 3 / 140],
    ]


def test_the_new_figures_cost_the_same_queries_whatever_the_rows(year):
    def queries() -> dict[str, int]:
        counts = {}
        for key in NEW_FIGURES:
            function = getattr(figures, key)
            with CaptureQueriesContext(connection) as captured:
                function(START, END)
            counts[key] = len(captured)
        return counts

    before = queries()
    # Twice as many hotels, with stays, transfers, absences, outages and incidents.
    worker = UserFactory(roles=["social_worker"])
    for number in range(3):
        hotel = HotelFactory(name=f"Autre {number}", arrondissement=10)
        first, second = PlaceFactory(hotel=hotel), PlaceFactory(hotel=hotel)
        stay = PlacementFactory(
            place=first, start=d(2025, 2, 1), end=d(2025, 4, 1), exit_destination="transfer"
        )
        PlacementFactory(resident=stay.resident, place=second, start=d(2025, 4, 1), previous=stay)
        Absence.objects.create(
            placement=stay, start=d(2025, 2, 5), end=d(2025, 2, 8), reason="other"
        )
        PlaceOutage.objects.create(place=first, start=d(2025, 5, 1), end=d(2025, 5, 3))
        IncidentFactory(hotel=hotel, occurred_on=d(2025, 5, 5), kind="hygiene", created_by=worker)
        AdmissionRequestFactory(received_on=d(2025, 5, 1))
    assert queries() == before
    # people_housed 3 (one aggregate, the two readings of nights); flows_by_hotel 5 (entries,
    # exits, places, transfers, hotels); voucher_weeks 1.
    assert before["people_housed"] == 3
    assert before["flows_by_hotel"] == 5
    assert before["voucher_weeks"] == 1


def test_every_new_figure_is_in_the_operator_report(year):
    keys = [f.key for section in figures.OPERATOR_SECTIONS for f in section.figures]
    assert set(NEW_FIGURES) <= set(keys)
    computed = figures.compute("operator", START, END)
    assert all(computed[key] is not None for key in NEW_FIGURES)


# --- Small counts: complementary suppression across the new tables ----------------------------

SMALL = "< 5"


def _table(columns, rows, labels, kinds=None) -> dict:
    table = {"columns": columns, "rows": rows, "labels": labels}
    if kinds:
        table["kinds"] = kinds
    return table


def _printed(figures_of_report: dict) -> dict[str, list[list[str]]]:
    report = Report(
        audience="operator",
        period_start=START,
        period_end=END - DAY,
        version=1,
        figures=figures_of_report,
    )
    return {
        key: [
            row[1:]
            for row in csv.reader(io.StringIO(rendering.table_csv(report, key)), delimiter=";")
        ][1:]
        for key in figures_of_report
    }


def test_a_hidden_incident_count_is_not_given_back_by_the_incidents_table():
    # Alpha 6 incidents, Beta 2 (hidden), 8 in all: Alpha's 6 hides beside the total. By kind:
    # 6 noise and 2 violence (hidden), whose sum is the same 8: the 6 hides there too.
    by_hotel = _table(
        [["hotel", "Hôtel", "label"], ["incidents", "Incidents", "count"]],
        [["1", 6], ["2", 2], ["total", 8]],
        {"1": "Alpha", "2": "Beta", "total": "Tous"},
    )
    incidents = _table(
        [["kind", "Incident", "label"], ["count", "Nombre", "count"]],
        [["noise", 6], ["violence", 2], ["exclusions", 0]],
        {"noise": "Bruit", "violence": "Violence", "exclusions": "Exclusions"},
    )
    printed = _printed({"incidents": incidents, "incidents_by_hotel": by_hotel})
    assert printed["incidents_by_hotel"] == [["s"], [SMALL], ["8"]]
    assert printed["incidents"] == [["s"], [SMALL], ["0"]]


def test_the_requests_still_waiting_hide_in_both_tables():
    # 2 admitted (hidden) and 8 still waiting of 10: the 8 hides beside the total, and so does
    # the waiting list's own count of the requests waiting at the end (8).
    outcomes = _table(
        [["outcome", "Suite", "label"], ["requests", "Demandes", "count"]],
        [["admitted", 2], ["refused", 0], ["lost", 0], ["waiting", 8], ["total", 10]],
        {"admitted": "Admis", "refused": "Refus", "lost": "Perdu", "waiting": "En attente"}
        | {"total": "Toutes"},
    )
    waiting = _table(
        [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
        [["received", 12], ["waiting_at_end", 8]],
        {"received": "Reçues", "waiting_at_end": "En attente à la fin"},
        {"received": "count", "waiting_at_end": "count"},
    )
    printed = _printed({"waiting_list": waiting, "waiting_list_outcomes": outcomes})
    assert printed["waiting_list_outcomes"] == [[SMALL], ["0"], ["0"], ["s"], ["10"]]
    assert printed["waiting_list"] == [["12"], ["s"]]


def test_the_bands_of_length_of_stay_add_up_to_the_exits_printed():
    # 3 + 12 + 8 = 23 exits, printed in "Length of stay": the 8 hides beside the 3.
    bands = _table(
        [["band", "Durée", "label"], ["exits", "Sorties", "count"]],
        [["-29", 3], ["30-89", 12], ["90-179", 8]],
        {"-29": "< 30 j", "30-89": "30–89 j", "90-179": "90–179 j"},
    )
    stays = _table(
        [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
        [["exits", 23]],
        {"exits": "Sorties"},
        {"exits": "count"},
    )
    printed = _printed({"stays": stays, "length_of_stay_bands": bands})
    assert printed["length_of_stay_bands"] == [[SMALL], ["12"], ["s"]]
    assert printed["stays"] == [["23"]]


def test_the_mean_places_occupied_print_with_one_decimal(shared, make_report):
    report = make_report("operator")
    assert rendering.cell(57.25, "decimal", {}, hide_small=True) == "57,2"
    text = pdf_text(report)
    assert "Places occupées en moyenne par nuit 1,1" in text
    for key in NEW_FIGURES:
        assert rendering.table_csv(report, key)
    book = load_workbook(io.BytesIO(rendering.workbook(report)))
    assert len(book.sheetnames) == len(report.figures) + 2  # and the cover and definitions
    [name] = [name for name in book.sheetnames if name.startswith("Personnes hébergées")]
    # Hidden counts are empty cells (their mark in a comment), so that sums still work.
    assert [cell.value for cell in book[name]["B"]] == ["Valeur", None, None, 1.1]


def test_a_hidden_month_is_not_given_back_by_the_totals_per_hotel():
    # Entries: 3 in January (hidden), 9 in February; 12 printed in the total row per hotel: the
    # 9 hides too. Exits: none hidden, nothing else hides.
    by_month = _table(
        [
            ["month", "Mois", "month"],
            ["entries", "Entrées", "count"],
            ["transfers", "Transferts", "count"],
            ["exits", "Sorties", "count"],
        ],
        [["2025-01-01", 3, 0, 6], ["2025-02-01", 9, 0, 7]],
        {},
    )
    by_hotel = _table(
        [
            ["hotel", "Hôtel", "label"],
            ["entries", "Entrées", "count"],
            ["transfers_in", "Entrants", "count"],
            ["transfers_out", "Sortants", "count"],
            ["exits", "Sorties", "count"],
        ],
        [["1", 12, 0, 0, 13], ["total", 12, 0, 0, 13]],
        {"1": "Alpha", "total": "Tous"},
    )
    printed = _printed({"flows_by_month": by_month, "flows_by_hotel": by_hotel})
    assert printed["flows_by_month"] == [[SMALL, "0", "6"], ["s", "0", "7"]]
    assert printed["flows_by_hotel"] == [["12", "0", "0", "13"], ["12", "0", "0", "13"]]
