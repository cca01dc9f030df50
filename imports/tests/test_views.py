"""The import pages: upload, preview, import, summary and templates, for the coordinator and the
administrator only."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import BatchStatus, ImportBatch
from imports.reading import MAX_BYTES
from imports.tests.conftest import PEOPLE_HEADER, STAYS_HEADER, xlsx
from imports.tests.conftest import csv as csv_bytes
from placements.models import Placement
from residents.models import Resident

pytestmark = pytest.mark.django_db
START = reverse("imports:import_start")


def upload(client, data: bytes, name: str = "tableur.xlsx"):
    return client.post(START, {"file": SimpleUploadedFile(name, data)})


def a_file() -> bytes:
    return xlsx(
        {
            "Personnes": [
                PEOPLE_HEADER,
                ["A1", "Abdel", "", "", 1980, "H"],
                ["S1", "<script>alert(1)</script>", "", "", 1985, "H"],
            ],
            "Séjours": [
                STAYS_HEADER,
                ["A1", "Hôtel du Canal", "12", "", "01/02/2025", "", ""],
                ["A1", "Hôtel Lune", "3", "", "01/01/2024", "01/02/2024", "rue"],
            ],
        }
    )


def test_it_shows_the_upload_form_and_the_templates(client_for, chloe):
    page = client_for(chloe).get(START)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Importer les tableurs" in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("imports:template_xlsx") in html
    assert reverse("imports:template_csv", args=["sejours"]) in html


def test_it_previews_a_file_with_its_problems_and_saves_nothing(client_for, chloe, canal):
    client = client_for(chloe)
    response = upload(client, a_file(), name="export.csv")  # read by content, not by name
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch_detail", args=[batch.pk])
    assert not Resident.objects.exists()

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Aperçu : rien n’est encore enregistré." in html
    assert "Hôtel inconnu : « Hôtel Lune » n’est pas un hôtel d’Ancrage (Hôtel du Canal)." in html
    assert "<script>alert(1)</script>" not in html
    rows = client.get(response["Location"], {"type": "personnes"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rows
    assert batch.file_format == "xlsx"
    assert batch.file_name == "export.csv"


def test_it_imports_after_the_preview_and_offers_the_summary(client_for, chloe, canal):
    client = client_for(chloe)
    batch_url = upload(client, a_file())["Location"]
    form = client.get(batch_url).context["form"]
    response = client.post(batch_url, {"form_token": form.initial["form_token"]})
    assert response.status_code == 302
    assert Resident.objects.count() == 2
    assert Placement.objects.get().resident.nickname == "Abdel"
    page = client.get(batch_url).content.decode()
    assert "Le fichier a été importé : son bilan est ci-dessous." in page

    batch = ImportBatch.objects.get()
    summary = client.get(reverse("imports:batch_summary_csv", args=[batch.pk]))
    assert summary["Content-Disposition"] == (
        f'attachment; filename="ancrage-import-{batch.pk}-bilan.csv"'
    )
    assert summary["Cache-Control"] == "private, no-store"
    lines = list(csv.reader(io.StringIO(summary.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Feuille", "Ligne", "Type", "Résultat", "Enregistré", "Précisions"]
    assert lines[1][:4] == ["Personnes", "2", "Personne", "Créée"]
    assert lines[4][:4] == ["Séjours", "3", "Séjour", "Pas importée"]
    assert "Hôtel inconnu" in lines[4][5]
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("imports:batch_summary_xlsx", args=[batch.pk])).content)
    )
    assert workbook.active.title == "Bilan"
    assert workbook.active.max_row == 5


def test_a_second_click_imports_once(client_for, chloe, canal):
    client = client_for(chloe)
    batch_url = upload(client, a_file())["Location"]
    token = client.get(batch_url).context["form"].initial["form_token"]
    client.post(batch_url, {"form_token": token})
    again = client.post(batch_url, {"form_token": token})
    assert again.status_code == 302
    assert Resident.objects.count() == 2


def test_all_or_nothing_from_the_page(client_for, chloe, canal):
    client = client_for(chloe)
    batch_url = upload(client, a_file())["Location"]
    token = client.get(batch_url).context["form"].initial["form_token"]
    response = client.post(batch_url, {"form_token": token, "all_or_nothing": "on"})
    assert response.status_code == 400
    assert "Tout ou rien : 1 lignes n’ont pas pu être importées" in response.content.decode()
    assert not Resident.objects.exists()


def test_it_refuses_a_file_larger_than_5_mb(client_for, chloe):
    data = csv_bytes("Nom d’usage\n" + "x" * 100 + "\n") * (MAX_BYTES // 100)
    response = upload(client_for(chloe), data, name="gros.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Ce fichier dépasse 5 Mo : découpez-le en plusieurs fichiers."
    ]
    assert not ImportBatch.objects.exists()


def test_an_upload_stays_in_memory_and_stops_at_5_mb(settings, tmp_path):
    from django.core.files.uploadedfile import InMemoryUploadedFile
    from django.test import RequestFactory

    from imports.uploads import refused_as_too_large

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)  # where Django would spill a large upload
    three_mb = RequestFactory().post(START, {"file": SimpleUploadedFile("a.csv", b"x" * 3_000_000)})
    assert isinstance(three_mb.FILES["file"], InMemoryUploadedFile)
    assert three_mb.FILES["file"].size == 3_000_000
    assert not refused_as_too_large(three_mb)
    too_large = RequestFactory().post(
        START, {"file": SimpleUploadedFile("a.csv", b"x" * (MAX_BYTES + 1)), "after": "kept"}
    )
    assert "file" not in too_large.FILES
    assert refused_as_too_large(too_large)
    assert too_large.POST["after"] == "kept"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Le fichier soumis est vide."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Ce fichier est un ancien classeur"),
        (b"PK\x03\x04 tronqu\xc3\xa9", "Ce fichier XLSX est abîmé ou incomplet"),
    ],
)
def test_it_refuses_what_it_cannot_read_in_french(client_for, chloe, data, message):
    response = upload(client_for(chloe), data)
    assert response.status_code == 400
    assert response.context["form"].errors["file"][0].startswith(message)


@pytest.mark.parametrize("role", ["alice", "nina", "paul", "marc"])
def test_other_roles_may_not_import(client_for, role, request, canal):
    client = client_for(request.getfixturevalue(role))
    assert client.get(START).status_code == 403
    assert upload(client, a_file()).status_code == 403
    assert client.get(reverse("imports:template_xlsx")).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_administrator_may_import(client_for, ada, canal):
    client = client_for(ada)
    batch_url = upload(client, a_file())["Location"]
    token = client.get(batch_url).context["form"].initial["form_token"]
    assert client.post(batch_url, {"form_token": token}).status_code == 302
    assert Resident.objects.count() == 2


def test_it_answers_404_for_an_unknown_import_or_template(client_for, chloe):
    client = client_for(chloe)
    assert client.get(reverse("imports:batch_detail", args=[999])).status_code == 404
    assert client.get(reverse("imports:template_csv", args=["inconnu"])).status_code == 404
    assert client.put(START).status_code == 405


def test_the_summary_is_gone_after_its_delay(client_for, chloe, canal, settings):
    from django.utils import timezone

    from imports.services import purge_expired
    from imports.tasks import purge_import_previews

    client = client_for(chloe)
    batch_url = upload(client, a_file())["Location"]
    batch = ImportBatch.objects.get()
    assert purge_import_previews() == 0
    later = timezone.now() + timezone.timedelta(hours=settings.IMPORT_PREVIEW_HOURS, minutes=1)
    assert purge_expired(later) == 1
    batch.refresh_from_db()
    assert (batch.rows, batch.status) == ([], BatchStatus.EXPIRED)
    assert "Cet aperçu a expiré" in client.get(batch_url).content.decode()
    assert client.get(reverse("imports:batch_summary_csv", args=[batch.pk])).status_code == 404
    response = client.post(batch_url, {"form_token": "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f"})
    assert response.status_code == 302
    assert not Resident.objects.exists()


def test_the_templates_hold_french_instructions_and_one_sheet_per_kind(client_for, chloe):
    client = client_for(chloe)
    response = client.get(reverse("imports:template_xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="ancrage-modele-import.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Mode d’emploi",
        "Personnes",
        "Séjours",
        "Demandes d’admission",
        "Stocks",
        "Valeurs acceptées",
    ]
    assert workbook["Mode d’emploi"]["A1"].value == "Importer vos tableurs dans Ancrage"
    assert [cell.value for cell in workbook["Séjours"][1]][:5] == [
        "Personne",
        "Hôtel",
        "Chambre",
        "Lit",
        "Date d’entrée",
    ]
    template_csv = client.get(reverse("imports:template_csv", args=["demandes"]))
    assert template_csv.content.decode("utf-8-sig").startswith("Personne;Reçue le;Structure")


def test_an_empty_template_filled_in_imports(client_for, chloe, canal):
    client = client_for(chloe)
    workbook = load_workbook(io.BytesIO(client.get(reverse("imports:template_xlsx")).content))
    workbook["Personnes"].append(["A1", "", "Abdel"])
    stream = io.BytesIO()
    workbook.save(stream)
    batch_url = upload(client, stream.getvalue())["Location"]
    batch = ImportBatch.objects.get()
    assert [(row["kind"], row["status"]) for row in batch.rows] == [("person", "new")]
    assert batch.notes == []
    assert client.get(batch_url).status_code == 200


def people_file(count: int, *, bad_every: int = 0) -> bytes:
    """`count` people, P0001… in order; every `bad_every`-th has no usage name (a problem)."""
    rows = [PEOPLE_HEADER]
    for i in range(1, count + 1):
        bad = bad_every and i % bad_every == 0
        rows.append([f"P{i:04}", "" if bad else f"Personne{i:04}", "", "", 1980, "H"])
    return xlsx({"Personnes": rows})


def test_the_preview_pages_the_rows_of_each_table_in_the_file_order(client_for, chloe):
    client = client_for(chloe)
    batch_url = upload(client, people_file(120, bad_every=40))["Location"]

    problems = client.get(batch_url).content.decode()  # the problems come first
    assert 'data-testid="problems"' in problems
    assert problems.count('class="table-danger"') == 3  # rows 41, 81 and 121 of the sheet
    people = client.get(batch_url, {"type": "personnes"})
    html = people.content.decode()
    assert '>Personnes <span class="badge text-bg-light">120</span>' in html
    assert "Personne0001" in html and "Personne0050" in html and "Personne0051" not in html
    assert people.context["page"].paginator.num_pages == 3
    last = client.get(batch_url, {"type": "personnes", "page": 3}).content.decode()
    assert "Personne0101" in last and "Personne0119" in last and "Personne0100" not in last


def test_the_preview_reads_a_page_of_rows_whatever_the_file_size(
    client_for, chloe, django_assert_num_queries
):
    client = client_for(chloe)
    small = upload(client, people_file(30, bad_every=10))["Location"]
    large = upload(client, people_file(300, bad_every=10))["Location"]
    client.get(small)  # the session and the user, read once; the tabs' counts, kept
    client.get(large)
    with django_assert_num_queries(8) as small_queries:
        assert client.get(small, {"type": "personnes"}).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        page = client.get(large, {"type": "personnes"})
    assert len(page.context["page"].object_list) == 50
    # The page decodes its 50 rows, not the file's 300: the batch's rows are never loaded.
    assert "rows" in page.context["batch"].get_deferred_fields()


def test_the_preview_keeps_what_it_read_until_the_import(client_for, chloe, canal):
    client = client_for(chloe)
    batch_url = upload(client, a_file())["Location"]
    first = client.get(batch_url, {"type": "personnes"})
    with CaptureQueriesContext(connection) as again:
        assert client.get(batch_url, {"type": "personnes"}).content.decode().count("Créée") == 0
    assert not any("jsonb_array_elements" in query["sql"] for query in again.captured_queries)

    client.post(batch_url, {"form_token": first.context["form"].initial["form_token"]})
    after = client.get(batch_url, {"type": "personnes"}).content.decode()
    rows = after[after.index('data-testid="rows"') :]
    assert "Créée" in rows  # what the import made of each row, not the kept preview
