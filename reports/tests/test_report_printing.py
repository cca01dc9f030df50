"""How the stored tables print: kinds of columns (units never hidden, people always hidden when
small), complementary suppression, and the charts.

Every expectation is written by hand from the tables built here (or from dataset.py), not
computed by the code under test.
"""

import csv
import datetime
import html
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import rendering
from reports.figures import SECTIONS
from reports.models import Report
from reports.tests import dataset
from reports.tests.conftest import pdf_text

SMALL = "< 5"


def _sheet(book, prefix: str):
    [name] = [name for name in book.sheetnames if name.startswith(prefix)]
    return book[name]


def _shown(cell):
    """A workbook cell as a reader sees it: its value, or the mark of a hidden cell (left empty,
    so that sums still work, with the mark as its comment)."""
    if cell.value is None and cell.comment is not None:
        return cell.comment.text
    return cell.value


def _csv_rows(report, key: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(rendering.table_csv(report, key)), delimiter=";"))


def _figure(key: str):
    return next(
        figure
        for sections in SECTIONS.values()
        for section in sections
        for figure in section.figures
        if figure.key == key
    )


def _report(audience: str, figures: dict) -> Report:
    return Report(
        audience=audience,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        version=1,
        figures=figures,
    )


def _text_of_pdf(report) -> str:
    html = rendering.report_html(report)
    pages = PdfReader(io.BytesIO(rendering.render_pdf(html))).pages
    text = " ".join(page.extract_text() for page in pages)
    return " ".join(text.replace("\u00a0", " ").split())


def _table(columns, rows, labels=None, kinds=None) -> dict:
    table = {"columns": columns, "rows": rows, "labels": labels or {}}
    if kinds:
        table["kinds"] = kinds
    return table


# --- Defects 3 and 4: units in clear, people hidden -------------------------------------------


@pytest.fixture
def built(db, make_report):
    dataset.build()
    return make_report("ars"), make_report("operator")


def test_it_prints_units_of_material_in_clear_and_overdoses_hidden(built):
    # dataset.py: 2 sharps boxes and 30 used items collected, 2 naloxone kits given (1 with a
    # training), 2 overdoses (1 recovered, 1 at hospital).
    ars, _operator = built

    text = pdf_text(ars)
    assert "Collecteurs DASRI récupérés 2 " in text
    assert "Matériel usagé rapporté 30 " in text
    assert "Kits de naloxone remis 2 " in text
    assert "Surdoses signalées < 5 " in text

    rows = _csv_rows(ars, "harm_reduction_activity")
    # Beside them, 2024's: 5 sharps boxes and 5 used items collected, no kit, no overdose.
    assert rows[1:4] == [
        ["Collecteurs DASRI récupérés", "2", "5"],
        ["Matériel usagé rapporté", "30", "5"],
        ["Kits de naloxone remis", "2", "0"],
    ]
    assert rows[5] == ["Surdoses signalées", SMALL, "0"]

    book = load_workbook(io.BytesIO(rendering.workbook(ars)))
    values = [[_shown(c) for c in row] for row in _sheet(book, "Collecte, naloxone").iter_rows()]
    assert values[1:4] == [
        ["Collecteurs DASRI récupérés", 2, 5],
        ["Matériel usagé rapporté", 30, 5],
        ["Kits de naloxone remis", 2, 0],
    ]
    assert values[5] == ["Surdoses signalées", SMALL, 0]


def test_it_hides_the_small_number_of_requests_waiting(built):
    # dataset.py: 3 requests received in 2025, 2 still waiting on 31 December (2024: 2 and 1).
    _ars, operator = built

    assert "Demandes en attente à la fin de la période < 5 " in pdf_text(operator)
    rows = _csv_rows(operator, "waiting_list")
    assert rows[1:3] == [
        ["Demandes d’admission reçues", SMALL, SMALL],
        ["Demandes en attente à la fin de la période", SMALL, SMALL],
    ]
    book = load_workbook(io.BytesIO(rendering.workbook(operator)))
    values = [[_shown(c) for c in row] for row in book["Liste d’attente"].iter_rows()]
    assert values[1:3] == [
        ["Demandes d’admission reçues", SMALL, SMALL],
        ["Demandes en attente à la fin de la période", SMALL, SMALL],
    ]


# --- Defect 8: complementary suppression --------------------------------------------------------

EXIT_LABELS = {
    "social_housing": "Logement social",
    "street": "Retour à la rue",
    "hospital": "Hospitalisation",
}


def _exits_report(destinations, reasons, exits, share, exclusions=0) -> Report:
    return _report(
        "operator",
        {
            "exits_by_destination": _table(
                [["destination", "Destination", "label"], ["exits", "Sorties", "count"]],
                destinations,
                EXIT_LABELS,
            ),
            "exits_by_reason": _table(
                [["reason", "Motif", "label"], ["exits", "Sorties", "count"]],
                reasons,
                {"voluntary": "Départ volontaire", "exclusion": "Exclusion"},
            ),
            "stays": _table(
                [["indicator", "Indicateur", "label"], ["value", "Valeur", "mixed"]],
                [["exits", exits], ["mainstream_share", share], ["mean_length", 100.0]],
                {
                    "exits": "Sorties",
                    "mainstream_share": "Part vers le logement",
                    "mean_length": "Durée moyenne",
                },
                {"exits": "count", "mainstream_share": "share", "mean_length": "days"},
            ),
            "incidents": _table(
                [["kind", "Incident", "label"], ["count", "Nombre", "count"]],
                [["noise", 6], ["exclusions", exclusions]],
                {"noise": "Bruit", "exclusions": "Exclusions"},
            ),
        },
    )


def test_it_hides_a_second_destination_when_the_total_of_exits_is_printed():
    # 3 + 12 + 8 = 23 exits: the 3 hides as "< 5"; with 23 printed in "Length of stay", the
    # smallest other destination (8) must hide too, and the share to housing (3 / 23) with it.
    report = _exits_report(
        [["social_housing", 3], ["street", 12], ["hospital", 8]],
        [["voluntary", 10], ["exclusion", 13]],
        23,
        3 / 23,
        exclusions=13,
    )

    assert _csv_rows(report, "exits_by_destination") == [
        ["Destination", "Sorties"],
        ["Logement social", SMALL],
        ["Retour à la rue", "12"],
        ["Hospitalisation", "s"],
    ]
    assert _csv_rows(report, "stays") == [
        ["Indicateur", "Valeur"],
        ["Sorties", "23"],
        ["Part vers le logement", "s"],
        ["Durée moyenne", "100,0"],
    ]
    assert _csv_rows(report, "exits_by_reason") == [
        ["Motif", "Sorties"],
        ["Départ volontaire", "10"],
        ["Exclusion", "13"],
    ]

    book = load_workbook(io.BytesIO(rendering.workbook(report)))
    assert [[_shown(c) for c in row] for row in book["Sorties par destination"].iter_rows()] == [
        ["Destination", "Sorties"],
        ["Logement social", SMALL],
        ["Retour à la rue", 12],
        ["Hospitalisation", "s"],
    ]
    assert [_shown(c) for c in book["Durée de séjour"]["B"]] == ["Valeur", 23, "s", 100.0]

    text = _text_of_pdf(report)
    assert "Logement social < 5 Retour à la rue 12 Hospitalisation s " in text
    assert "Sorties 23 Part vers le logement s Durée moyenne 100,0 jours" in text


def test_it_hides_the_total_and_the_share_when_every_exit_is_small():
    # The example: "< 5" per destination, "Sorties 3", "33,3 %".
    report = _exits_report([["social_housing", 1], ["street", 2]], [["voluntary", 3]], 3, 1 / 3)

    assert _csv_rows(report, "stays")[1:3] == [["Sorties", SMALL], ["Part vers le logement", "s"]]
    text = _text_of_pdf(report)
    assert "Sorties < 5 Part vers le logement s" in text
    assert "33,3" not in text
    assert "Sorties 3" not in text


def test_it_hides_an_exclusion_count_wherever_it_is_printed():
    # Exclusions hide as a second cell in "Exits by reason" (3 voluntary, 9 exclusions, 12 in
    # all): the same 9 in the incidents table must hide as well.
    report = _exits_report(
        [["street", 12]], [["voluntary", 3], ["exclusion", 9]], 12, 0.0, exclusions=9
    )

    assert _csv_rows(report, "exits_by_reason")[1:] == [
        ["Départ volontaire", SMALL],
        ["Exclusion", "s"],
    ]
    assert _csv_rows(report, "incidents")[1:] == [["Bruit", "6"], ["Exclusions", "s"]]


def test_it_hides_a_second_cell_beside_a_total_row_and_a_total_column():
    report = _report(
        "operator",
        {
            "entries": _table(
                [["structure", "Structure", "label"], ["entries", "Entrées", "count"]],
                [["outreach", 3], ["hospital", 10], ["caarud", 7], ["total", 20]],
                {"outreach": "Maraude", "hospital": "Hôpital", "caarud": "CAARUD", "total": "Tout"},
            )
        },
    )
    assert _csv_rows(report, "entries")[1:] == [
        ["Maraude", SMALL],
        ["Hôpital", "10"],
        ["CAARUD", "s"],
        ["Tout", "20"],
    ]

    ars = _report(
        "ars",
        {
            "referrals": _table(
                [
                    ["service", "Service", "label"],
                    ["total", "Orientations", "count"],
                    ["pending", "À venir", "count"],
                    ["attended", "Honorées", "count"],
                    ["missed", "Manquées", "count"],
                ],
                [["gp", 12, 2, 10, 0], ["csapa", 30, 10, 12, 8]],
                {"gp": "Médecin", "csapa": "CSAPA"},
            )
        },
    )
    assert _csv_rows(ars, "referrals")[1:] == [
        ["Médecin", "12", SMALL, "s", "0"],
        ["CSAPA", "30", "10", "12", "8"],
    ]


def test_it_hides_a_second_group_when_the_file_active_is_printed():
    # 30 people in the file active: 3 women and 27 men; the 27 would give the 3 back.
    report = _report(
        "ars",
        {
            "activity": _table(
                [["indicator", "Indicateur", "label"], ["people", "Personnes", "count"]],
                [["file_active", 30], ["new_people", 8], ["housed", 20]],
                {"file_active": "File active", "new_people": "Nouvelles", "housed": "Hébergées"},
            ),
            "sex": _table(
                [["gender", "Genre", "label"], ["people", "Personnes", "count"]],
                [["woman", 3], ["man", 27]],
                {"woman": "Femme", "man": "Homme"},
            ),
        },
    )
    assert _csv_rows(report, "sex")[1:] == [["Femme", SMALL], ["Homme", "s"]]
    assert _csv_rows(report, "activity")[1] == ["File active", "30"]


def test_it_states_the_method_in_the_definitions():
    text = _text_of_pdf(_report("operator", {}))
    assert "« s »" in text
    assert "ne puisse pas être recalculé" in text


# --- Defect 7: charts ---------------------------------------------------------------------------


def _texts(svg: str) -> list[str]:
    found = re.findall(r"<text[^>]*>.*?</text>", svg)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u00a0", " ") for text in found]


def test_it_rounds_the_axis_ticks():
    assert rendering.nice_ticks(431) == [0, 100, 200, 300, 400, 500]
    assert rendering.nice_ticks(575) == [0, 200, 400, 600]
    assert rendering.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert rendering.nice_ticks(1) == [0, 1]
    assert rendering.nice_ticks(0) == [0, 1]
    assert rendering.nice_ticks(12_345) == [0, 5000, 10_000, 15_000]


def _months_table() -> dict:
    return _table(
        [["month", "Mois", "month"], ["planned", "Prévues", "count"], ["done", "Faites", "count"]],
        [[f"2025-{month:02d}-01", 40 + month, 30 + month] for month in range(1, 13)],
    )


def test_it_abbreviates_the_months_in_french():
    with translation.override("fr"):
        svg = rendering.chart_for(_figure("visits_by_month"), _months_table())

    texts = _texts(svg)
    for month in ("janv.", "avr.", "juil.", "oct.", "déc."):
        assert month in texts
    assert not any(text in texts for text in ("avri", "octo", "déce"))
    # 52 visits planned in December at most: ticks 0, 20, 40, 60.
    assert [t for t in texts if t[:1].isdigit()] == ["0", "20", "40", "60"]


def test_it_prints_hotel_names_in_full():
    table = _table(
        [
            ["hotel", "Hôtel", "label"],
            ["places", "Places", "number"],
            ["available", "Disponibles", "number"],
            ["nights", "Nuitées", "number"],
            ["occupancy", "Taux", "share"],
        ],
        [
            ["1", 10, 3650, 3100, 0.85],
            ["2", 12, 4380, 4000, 0.91],
            ["total", 22, 8030, 7100, 0.88],
        ],
        {"1": "Hôtel du Parc des Buttes", "2": "Hôtel du Parc Montsouris", "total": "Tous"},
    )
    with translation.override("fr"):
        texts = _texts(rendering.chart_for(_figure("places_and_hotels"), table))

    assert "Hôtel du Parc des Buttes" in texts
    assert "Hôtel du Parc Montsouris" in texts
    assert not any(text.endswith("…") for text in texts)


def test_it_wraps_a_long_label_on_several_lines():
    svg = rendering.bar_chart(
        ["Collecte du matériel usagé et des collecteurs DASRI dans les hôtels"], [("U", [12])]
    )
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines) == "Collecte du matériel usagé et des collecteurs DASRI dans les hôtels"
    assert len(lines) > 1


def test_it_draws_the_exits_chart_with_its_visible_bars():
    table = _table(
        [["destination", "Destination", "label"], ["exits", "Sorties", "count"]],
        [["social_housing", 3], ["street", 12], ["hospital", 8]],
        EXIT_LABELS,
    )
    hidden = {(0, 1): rendering.SMALL, (2, 1): rendering.SECONDARY}
    svg = rendering.chart_for(_figure("exits_by_destination"), table, hidden)

    # Destinations are long labels: horizontal bars, whose length is their width.
    lengths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert len(lengths) == 3
    assert len([w for w in lengths if w > 0]) == 1  # only "Retour à la rue" (12) is drawn
    texts = _texts(svg)
    assert "Retour à la rue" in texts
    assert "< 5" in texts and "s" in texts


def test_it_says_so_instead_of_a_chart_whose_bars_are_all_hidden():
    report = _exits_report([["social_housing", 1], ["street", 2]], [["voluntary", 3]], 3, 1 / 3)

    text = _text_of_pdf(report)
    assert "Effectifs trop petits pour être représentés" in text
    with translation.override("fr"):
        printed = rendering.printed_sections(report)
    [exits] = [f for s in printed for f in s.figures if f.figure.key == "exits_by_destination"]
    assert "<svg" not in exits.chart
