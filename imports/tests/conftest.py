"""Spreadsheets for the import's tests, and the hotel they refer to."""

import datetime
import io

import pytest
from openpyxl import Workbook

from placements.models import Hotel, Place, PlaceKind

PEOPLE_HEADER = ["Référence", "Nom d’usage", "Prénom", "Nom", "Année de naissance", "Genre"]
STAYS_HEADER = [
    "Personne",
    "Hôtel",
    "Chambre",
    "Lit",
    "Date d’entrée",
    "Date de sortie",
    "Orientation de sortie",
]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets ({title: rows, the first one the header})."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv(text: str, *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = text.encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def canal(db) -> Hotel:
    """Hôtel du Canal: rooms 12 and 15 (single), 14 (a double room: beds A and B)."""
    hotel = Hotel.objects.create(name="Hôtel du Canal", address="12 rue Fictive", arrondissement=10)
    Place.objects.bulk_create(
        [
            Place(hotel=hotel, room="12"),
            Place(hotel=hotel, room="14", bed="A", kind=PlaceKind.DOUBLE),
            Place(hotel=hotel, room="14", bed="B", kind=PlaceKind.DOUBLE),
            Place(hotel=hotel, room="15"),
        ]
    )
    return hotel


def place(hotel: Hotel, room: str, bed: str = "") -> Place:
    return Place.objects.get(hotel=hotel, room=room, bed=bed)


def problems(rows: list[dict]) -> list[tuple]:
    """(sheet, row, column, message) of every problem of the checked rows."""
    return [
        (row["sheet"], row["row"], problem["column"], problem["message"])
        for row in rows
        for problem in row["problems"]
    ]


def warnings(rows: list[dict]) -> list[tuple]:
    return [
        (row["sheet"], row["row"], warning["column"], warning["message"])
        for row in rows
        for warning in row["warnings"]
    ]
