"""Imported people are people like the others: the duplicate search, the access log and the
person-data declarations (anonymisation) apply to them."""

import pytest
from django.urls import reverse

from imports.models import ImportedRow
from imports.reading import read_upload
from imports.services import import_preview, import_run
from imports.tests.conftest import csv
from privacy.models import AccessLog
from privacy.retention import anonymise
from residents.models import Resident
from residents.selectors import possible_duplicates_in_bulk

pytestmark = pytest.mark.django_db


def test_the_bulk_duplicate_search_finds_what_the_search_of_one_person_finds():
    for nickname, first, last, year in [
        ("Abdel", "Abdelkader", "Benali", 1980),
        ("Abdel", "", "", None),
        ("Kiki Senior", "Ousmane", "", 1988),
        ("Kiki", "", "", 1990),
        ("La Puce K.", "Samira", "Fontaine", 1984),
        ("La Puce du 19", "Farid", "Keita", None),
        ("Léa", "", "", 1990),
    ]:
        Resident.objects.create(
            nickname=nickname, first_name=first, last_name=last, birth_year=year
        )
    people = [
        {"nickname": "abdel", "first_name": "", "last_name": "", "birth_year": None},
        {
            "nickname": "Abdel",
            "first_name": "Abdelkader",
            "last_name": "Benali",
            "birth_year": 1980,
        },
        {"nickname": "Abdel", "first_name": "", "last_name": "", "birth_year": 1950},
        {"nickname": "Kiki", "first_name": "Ousmane", "last_name": "", "birth_year": 1988},
        {"nickname": "La Puce", "first_name": "", "last_name": "", "birth_year": None},
        {"nickname": "Lea", "first_name": "", "last_name": "", "birth_year": 1990},
        {"nickname": "Zorro", "first_name": "", "last_name": "", "birth_year": None},
    ]
    found = possible_duplicates_in_bulk(people, limit=3)
    for position, person in enumerate(people):
        one = list(Resident.objects.possible_duplicates(**person)[:3].values_list("pk", flat=True))
        assert found.get(position, []) == one, person
    assert found.get(6) is None and len(found[0]) >= 2


def test_anonymisation_replaces_the_source_key_of_an_imported_person(chloe):
    batch = import_preview(
        parsed=read_upload(csv("Nom d’usage;Prénom\nAbdel;Abdelkader\n")),
        file_name="a.csv",
        by=chloe,
    )
    import_run(batch=batch, by=chloe)
    resident = Resident.objects.get()
    key = ImportedRow.objects.get().key
    anonymise([resident.pk])
    imported = ImportedRow.objects.get()
    assert imported.key == f"anonymised:{imported.pk}" != key
    assert imported.resident == resident


def test_opening_an_imported_persons_file_is_logged(client_for, chloe):
    batch = import_preview(
        parsed=read_upload(csv("Nom d’usage\nAbdel\n")), file_name="a.csv", by=chloe
    )
    import_run(batch=batch, by=chloe)
    resident = Resident.objects.get()
    client_for(chloe).get(reverse("residents:resident_detail", args=[resident.pk]))
    assert AccessLog.objects.filter(resident=resident, user=chloe).count() == 1
    # The preview and the summary list many people: they are not a person's file.
    client_for(chloe).get(reverse("imports:batch_detail", args=[batch.pk]))
    assert AccessLog.objects.count() == 1
