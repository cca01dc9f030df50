import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import ConsumptionAssessment, ConsumptionLine, Product
from tests.factories import ConsumptionLineFactory, ResidentFactory

TODAY = timezone.localdate()
PRODUCTS = list(Product.values)


def _create_url(resident):
    return reverse("residents:consumption_create", args=[resident.pk])


def _rows(lines: dict, existing: dict | None = None) -> dict:
    """The formset's POST data: one row per product, as the page sends it.

    `lines` maps a product to (frequency, route, prescribed); `existing` maps a product to the
    id of its saved line (those rows come first, as the formset renders them).
    """
    existing = existing or {}
    ordered = [p for p in PRODUCTS if p in existing] + [p for p in PRODUCTS if p not in existing]
    data = {
        "lines-TOTAL_FORMS": str(len(PRODUCTS)),
        "lines-INITIAL_FORMS": str(len(existing)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": str(len(PRODUCTS)),
    }
    for index, product in enumerate(ordered):
        frequency, route, prescribed = lines.get(product, ("", "", False))
        data[f"lines-{index}-product"] = product
        data[f"lines-{index}-frequency"] = str(frequency)
        data[f"lines-{index}-route"] = route
        data[f"lines-{index}-id"] = str(existing.get(product, ""))
        if prescribed:
            data[f"lines-{index}-ost_prescribed"] = "on"
    return data


def _data(lines=None, existing=None, **overrides):
    lines = {"crack": (4, "inhaled", False)} if lines is None else lines
    data = {
        "assessed_on": TODAY.isoformat(),
        "context": "admission",
        "notes": "",
        "form_token": str(uuid.uuid4()),
        **_rows(lines, existing),
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_records_products_with_frequency_and_route(client_for, nina):
    resident = ResidentFactory()
    lines = {
        "crack": (4, "inhaled", False),
        "ost": (4, "swallowed", True),
        "alcohol": (0, "", False),
    }
    response = client_for(nina).post(_create_url(resident), _data(lines), follow=True)
    assert "L’évaluation des consommations a été enregistrée." in response.content.decode()
    assessment = ConsumptionAssessment.objects.get()
    assert (assessment.resident, assessment.assessed_by) == (resident, nina)
    saved = set(assessment.lines.values_list("product", "frequency", "route", "ost_prescribed"))
    assert saved == {
        ("crack", 4, "inhaled", False),
        ("ost", 4, "swallowed", True),
        ("alcohol", 0, "", False),
    }


@pytest.mark.django_db
def test_it_shows_one_row_per_product(client_for, nina):
    response = client_for(nina).get(_create_url(ResidentFactory()))
    rows = response.context["formset"].rows
    assert [row.product_label for row in rows] == [str(label) for label in Product.labels]
    assert response.content.decode().count('name="lines-') > len(PRODUCTS) * 3


@pytest.mark.django_db
def test_it_requires_at_least_one_product(client_for, nina):
    resident = ResidentFactory()
    response = client_for(nina).post(_create_url(resident), _data(lines={}))
    assert "Indiquez une fréquence pour au moins un produit" in response.content.decode()
    assert not ConsumptionAssessment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_route_without_frequency_and_saves_nothing(client_for, nina):
    resident = ResidentFactory()
    lines = {"crack": (4, "inhaled", False), "heroin": ("", "injected", False)}
    response = client_for(nina).post(_create_url(resident), _data(lines))
    assert "Indiquez la fréquence, ou laissez la ligne vide." in response.content.decode()
    assert not ConsumptionAssessment.objects.exists()
    assert not ConsumptionLine.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_route_for_a_product_not_used(client_for, nina):
    resident = ResidentFactory()
    response = client_for(nina).post(_create_url(resident), _data({"crack": (0, "inhaled", False)}))
    assert "Pas de mode de consommation pour un produit non consommé." in response.content.decode()
    assert not ConsumptionAssessment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_prescription_for_another_product(client_for, nina):
    resident = ResidentFactory()
    response = client_for(nina).post(_create_url(resident), _data({"crack": (4, "inhaled", True)}))
    assert "Seul un traitement de substitution aux opiacés peut être marqué comme prescrit." in (
        response.content.decode()
    )
    assert not ConsumptionAssessment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_date_in_the_future(client_for, nina):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client_for(nina).post(_create_url(ResidentFactory()), _data(assessed_on=tomorrow))
    assert "Une évaluation ne peut pas être datée dans le futur." in response.content.decode()
    assert not ConsumptionAssessment.objects.exists()


@pytest.mark.django_db
def test_it_saves_a_double_submission_once(client_for, nina):
    resident = ResidentFactory()
    data = _data()
    client = client_for(nina)
    assert client.post(_create_url(resident), data).status_code == 302
    replay = client.post(_create_url(resident), data)
    assert "Ce formulaire a déjà été envoyé" in replay.content.decode()
    assert ConsumptionAssessment.objects.count() == 1
    assert ConsumptionLine.objects.count() == 1


@pytest.mark.django_db
def test_it_updates_lines_and_removes_a_cleared_one(client_for, alice):
    crack = ConsumptionLineFactory(product="crack", frequency=4)
    alcohol = ConsumptionLineFactory(
        assessment=crack.assessment, product="alcohol", frequency=2, route="swallowed"
    )
    assessment = crack.assessment
    url = reverse("residents:consumption_update", args=[assessment.resident.pk, assessment.pk])
    data = _data(
        {"crack": (2, "inhaled", False), "cannabis": (1, "inhaled", False)},
        existing={"crack": crack.pk, "alcohol": alcohol.pk},
        context="quarterly",
    )
    response = client_for(alice).post(url, data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.context == "quarterly"
    assert set(assessment.lines.values_list("product", "frequency")) == {
        ("crack", 2),
        ("cannabis", 1),
    }


@pytest.mark.django_db
def test_it_answers_404_for_an_assessment_of_another_file(client_for, alice):
    line = ConsumptionLineFactory()
    other = ResidentFactory()
    url = reverse("residents:consumption_update", args=[other.pk, line.assessment.pk])
    assert client_for(alice).get(url).status_code == 404


@pytest.mark.django_db
def test_it_forbids_the_manager_and_the_admin(client_for, marc, ada):
    resident = ResidentFactory()
    for user in (marc, ada):
        assert client_for(user).post(_create_url(resident), _data()).status_code == 403
    assert not ConsumptionAssessment.objects.exists()
