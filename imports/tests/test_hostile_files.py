"""Hostile files against the upload and the import: truncated or scrambled workbooks, zip bombs,
formulas, HTML, control characters, wrong encodings. Never a 500, never an unescaped script,
nothing half-saved (with "all or nothing", all the rows or none)."""

import io
import sys
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from imports.models import ImportBatch
from imports.tests.conftest import PEOPLE_HEADER, STAYS_HEADER, xlsx
from placements.models import Placement
from residents.models import Resident

pytestmark = pytest.mark.django_db
START = reverse("imports:import_start")
SCRIPT = "<script>alert(1)</script>"
HOSTILE_CELLS = [
    SCRIPT,
    f'"><img src=x onerror=alert(1)>{SCRIPT}',
    '=HYPERLINK("http://attaquant.example/","Cliquez")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+33 6 12 34 56 78",
    "-1",
    "nul\x00byte",
    "\x01\x02\x07\x1b[31m\x7f",
    "\u202e\u200b\ufeff",
    "😀" * 40,
    "x" * 5000,
    "'; DROP TABLE residents_resident; --",
    "31/02/2025",
    "9999-12-31",
    "1e308",
    "NaN",
    None,
]


def _writable(rows: list[list]) -> list[list]:
    """The cells an XLSX file can hold (XML has no control characters; CSV tests have them)."""
    return [
        [ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row]
        for row in rows
    ]


def _good_file() -> bytes:
    return xlsx(
        {
            "Personnes": [
                PEOPLE_HEADER,
                *[[f"P{n}", f"Personne {n}", "", "", 1980, "H"] for n in range(30)],
            ],
            "Séjours": [STAYS_HEADER, ["P1", "Hôtel du Canal", "12", "", "01/02/2025", "", ""]],
        }
    )


@pytest.fixture
def coordinator(chloe):
    client = Client(raise_request_exception=False)
    client.force_login(chloe)
    return client


@pytest.fixture
def exceptions():
    found = []

    def record(sender, request, **kwargs):
        found.append(sys.exc_info()[1])

    got_request_exception.connect(record, weak=False)
    yield found
    got_request_exception.disconnect(record)


def _send(client, data: bytes, exceptions: list, *, import_it: bool = True) -> None:
    """Upload, preview and (all or nothing) import, in a savepoint rolled back afterwards."""
    exceptions.clear()
    with transaction.atomic():
        people = Resident.objects.count()
        response = client.post(START, {"file": SimpleUploadedFile("f.xlsx", data)})
        assert response.status_code in (302, 400), (response.status_code, exceptions)
        assert SCRIPT.encode() not in response.content
        if response.status_code == 302:
            page = client.get(response["Location"])
            assert page.status_code == 200, exceptions
            assert SCRIPT.encode() not in page.content
            for kind in ("personnes", "sejours", "problemes"):
                assert (
                    SCRIPT.encode() not in client.get(response["Location"], {"type": kind}).content
                )
            form = page.context["form"]
            if import_it and form is not None:
                batch = ImportBatch.objects.get(pk=page.context["batch"].pk)
                to_create = sum(
                    1 for row in batch.rows if row["kind"] == "person" and row["status"] == "new"
                )
                imported = client.post(
                    response["Location"],
                    {"form_token": form.initial["form_token"], "all_or_nothing": "on"},
                )
                assert imported.status_code in (302, 400), exceptions
                created = Resident.objects.count() - people
                # All or nothing: every new person of the file, or none of them.
                assert created in (0, to_create), (created, to_create)
                if imported.status_code == 400:
                    assert created == 0
        assert exceptions == []
        transaction.set_rollback(True)


FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=20_000),
    flips=st.lists(st.integers(0, 20_000), max_size=8),
)
def test_truncated_or_scrambled_workbooks_never_crash(coordinator, exceptions, canal, cut, flips):
    data = bytearray(_good_file())
    for position in flips:
        data[position % len(data)] ^= 0xA5
    _send(coordinator, bytes(data[: max(1, len(data) - cut)]), exceptions)


@FUZZ
@given(
    cells=st.lists(
        st.lists(
            st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=30)), min_size=6, max_size=6
        ),
        min_size=1,
        max_size=6,
    ),
    stay=st.lists(
        st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=20)), min_size=7, max_size=7
    ),
)
def test_hostile_cells_never_crash_and_are_never_half_saved(
    coordinator, exceptions, canal, cells, stay
):
    data = xlsx(
        {
            "Personnes": [PEOPLE_HEADER, *_writable(cells)],
            "Séjours": [STAYS_HEADER, *_writable([stay])],
        }
    )
    _send(coordinator, data, exceptions)


@FUZZ
@given(
    text=st.text(max_size=300),
    encoding=st.sampled_from(
        ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32", "mac_roman"]
    ),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
)
def test_csv_in_any_encoding_never_crashes(
    coordinator, exceptions, canal, text, encoding, delimiter
):
    body = delimiter.join(["Nom d’usage", "Année de naissance"]) + "\n" + text
    _send(coordinator, body.encode(encoding, errors="replace"), exceptions)


@pytest.mark.parametrize(
    "members",
    [
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook"},  # broken XML
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        },
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"},
        {f"f{n}": b"" for n in range(2_500)},
    ],
)
def test_odd_archives_are_refused_in_french(coordinator, exceptions, members):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    _send(coordinator, stream.getvalue(), exceptions, import_it=False)
    assert not ImportBatch.objects.exists()


def test_a_file_with_every_hostile_cell_is_imported_as_text(coordinator, exceptions, canal, chloe):
    names = [cell for cell in HOSTILE_CELLS if isinstance(cell, str) and len(cell) <= 80]
    data = xlsx({"Personnes": [["Nom d’usage"], *_writable([[name] for name in names])]})
    response = coordinator.post(START, {"file": SimpleUploadedFile("f.xlsx", data)})
    page = coordinator.get(response["Location"])
    coordinator.post(
        response["Location"], {"form_token": page.context["form"].initial["form_token"]}
    )
    saved = set(Resident.objects.values_list("nickname", flat=True))
    # Kept as text; a formula in the cell is not evaluated.
    assert SCRIPT in saved
    assert '=HYPERLINK("http://attaquant.example/","Cliquez")' not in saved  # no stored value
    assert not Placement.objects.exists()
    assert exceptions == []
