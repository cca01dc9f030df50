"""What a cell may hold, read the way a team writes it: each reader returns the value or raises
`CellError` with a French message about the cell.

Dates are taken as the spreadsheet's own dates, as dd/mm/yyyy or as ISO (yyyy-mm-dd); coded
values (a gender, an exit destination…) as Ancrage's French or English label, its code, or a
few other words teams use ("rue", "décès", "maraude").
"""

import datetime
import functools
import re

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.params import CONTROL_CHARACTERS, FIRST_DAY, LAST_DAY
from imports import columns
from imports.columns import normalised
from placements.models import ExitDestination, ExitReason, TransferReason
from residents.models import AdmissionStatus, Gender, ReferringStructure

MAX_QUANTITY = 1_000_000
LEVELS = range(1, 5)


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Other words for coded values, normalised (see columns.normalised).
CHOICES = {
    "gender": (
        Gender,
        {
            "f": Gender.WOMAN,
            "femme": Gender.WOMAN,
            "female": Gender.WOMAN,
            "h": Gender.MAN,
            "m": Gender.MAN,
            "homme": Gender.MAN,
            "male": Gender.MAN,
            "trans": Gender.TRANS,
            "nb": Gender.NON_BINARY,
            "non binaire": Gender.NON_BINARY,
            "autre": Gender.NON_BINARY,
            "nr": Gender.NOT_STATED,
            "inconnu": Gender.NOT_STATED,
        },
    ),
    "exit_destination": (
        ExitDestination,
        {
            "logement": ExitDestination.SOCIAL_HOUSING,
            "logement prive": ExitDestination.PRIVATE_HOUSING,
            "pension de famille": ExitDestination.INTERMEDIATE_HOUSING,
            "residence sociale": ExitDestination.INTERMEDIATE_HOUSING,
            "chu": ExitDestination.CHU,
            "hotel": ExitDestination.OTHER_HOTEL,
            "lhss": ExitDestination.MEDICO_SOCIAL,
            "lam": ExitDestination.MEDICO_SOCIAL,
            "act": ExitDestination.MEDICO_SOCIAL,
            "hopital": ExitDestination.HOSPITAL,
            "hospitalisation": ExitDestination.HOSPITAL,
            "hopital psychiatrique": ExitDestination.PSYCHIATRIC_HOSPITAL,
            "psychiatrie": ExitDestination.PSYCHIATRIC_HOSPITAL,
            "cure": ExitDestination.RESIDENTIAL_ADDICTION_CARE,
            "incarceration": ExitDestination.PRISON,
            "famille": ExitDestination.FAMILY_FRIENDS,
            "rue": ExitDestination.STREET,
            # Old sheets mixed reasons into the destinations: the import splits them
            # (placements.models.OLD_EXIT_DESTINATIONS).
            "exclusion": "exclusion",
            "depart volontaire": "voluntary",
            "voluntary departure": "voluntary",
            "deces": ExitDestination.DEATH,
            "inconnu": ExitDestination.UNKNOWN,
            "inconnue": ExitDestination.UNKNOWN,
            "transfert": ExitDestination.TRANSFER,
            "transfer": ExitDestination.TRANSFER,
        },
    ),
    "exit_reason": (
        ExitReason,
        {
            "orientation": ExitReason.MOVE_ON,
            "depart": ExitReason.VOLUNTARY,
            "exclu": ExitReason.EXCLUSION,
            "exclue": ExitReason.EXCLUSION,
            "deces": ExitReason.DEATH,
            "autre": ExitReason.OTHER,
            "inconnu": ExitReason.UNKNOWN,
        },
    ),
    "transfer_reason": (
        TransferReason,
        {
            "demande": TransferReason.REQUEST,
            "a sa demande": TransferReason.REQUEST,
            "travaux": TransferReason.WORKS,
            "incident": TransferReason.INCIDENT,
            "conflit": TransferReason.INCIDENT,
            "hotel": TransferReason.HOTEL,
            "autre": TransferReason.OTHER,
        },
    ),
    "referring_structure": (
        ReferringStructure,
        {
            "maraude": ReferringStructure.OUTREACH,
            "hopital": ReferringStructure.HOSPITAL,
            "accueil de jour": ReferringStructure.DAY_CENTRE,
            "services sociaux": ReferringStructure.SOCIAL_SERVICES,
            "ssd": ReferringStructure.SOCIAL_SERVICES,
            "autre": ReferringStructure.OTHER,
        },
    ),
    "admission_status": (
        AdmissionStatus,
        {
            "attente": AdmissionStatus.WAITING,
            "liste d attente": AdmissionStatus.WAITING,
            "admis": AdmissionStatus.ADMITTED,
            "admise": AdmissionStatus.ADMITTED,
            "refus": AdmissionStatus.REFUSED,
            "refuse": AdmissionStatus.REFUSED,
            "refusee": AdmissionStatus.REFUSED,
            "sans suite": AdmissionStatus.LOST,
            "perdu de vue": AdmissionStatus.LOST,
            "perdue de vue": AdmissionStatus.LOST,
        },
    ),
}


@functools.cache
def choice_names(name: str) -> dict[str, str]:
    """{normalised word: code} for the list `name`: codes, French and English labels, aliases."""
    choices, aliases = CHOICES[name]
    found = {normalised(value): value for value in choices.values}
    for language in ("en", "fr"):
        with translation.override(language):
            found.update({normalised(str(label)): value for value, label in choices.choices})
    found.update(aliases)
    return found


def choice_labels(name: str) -> list[str]:
    """The labels of the list `name` in the active language (the template's lists)."""
    choices, _aliases = CHOICES[name]
    return [str(label) for label in choices.labels]


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw, *, max_length: int | None = None, multiline: bool = False) -> str:
    if is_empty(raw):
        return ""
    if isinstance(raw, bool):
        value = _("yes") if raw else _("no")
    elif isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))
    elif isinstance(raw, datetime.datetime | datetime.date):
        value = date_format(raw, "SHORT_DATE_FORMAT")
    else:
        value = str(raw)
    value = CONTROL_CHARACTERS.sub("", value)
    value = value.strip() if multiline else " ".join(value.split())
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        # Ancrage's exports write such a text with an apostrophe (core.spreadsheets): the
        # apostrophe is not part of it.
        value = value[1:]
    if max_length and len(value) > max_length:
        raise CellError(
            _("This text is too long: %(max)s characters at most (it has %(length)s).")
            % {"max": max_length, "length": len(value)}
        )
    return value


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def date(raw) -> datetime.date | None:
    """A spreadsheet date, or text as dd/mm/yyyy or yyyy-mm-dd."""
    if is_empty(raw):
        return None
    if isinstance(raw, datetime.datetime):
        day = raw.date()
    elif isinstance(raw, datetime.date):
        day = raw
    elif isinstance(raw, str):
        day = _date_from_text(raw.strip())
    else:
        raise CellError(_("Not a date: write it as dd/mm/yyyy."))
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CellError(_("This date is out of range: write it as dd/mm/yyyy."))
    return day


def _date_from_text(value: str) -> datetime.date:
    # Excel writes times with a date-only value ("03/02/2025 00:00:00").
    value = value.split(" ")[0] if _DAY_FIRST.match(value.split(" ")[0]) else value
    if found := _DAY_FIRST.match(value):
        day, month, year = found.groups()
        if len(year) == 2:
            raise CellError(_("Write the year with four digits: dd/mm/yyyy."))
    elif found := _ISO.match(value):
        year, month, day = found.groups()
    else:
        raise CellError(_("Not a date: write it as dd/mm/yyyy."))
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("This date does not exist: write it as dd/mm/yyyy.")) from None


def _integer(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and abs(raw) < 10**9 else None
    if isinstance(raw, str):
        value = raw.strip().replace("\xa0", "").replace(" ", "")
        value = value[:-2] if value.endswith((".0", ",0")) else value
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
    return None


def year(raw) -> int | None:
    if is_empty(raw):
        return None
    if isinstance(raw, datetime.date):
        value = raw.year
    else:
        value = _integer(raw)
    if value is None or not 1900 <= value <= timezone.localdate().year:
        raise CellError(
            _("Not a year of birth: four digits, from 1900 to %(year)s.")
            % {"year": timezone.localdate().year}
        )
    return value


def level(raw) -> int | None:
    """A priority level from 1 to 4, or a label that starts with it ("3 – Serious…")."""
    if is_empty(raw):
        return None
    value = _integer(raw)
    if value is None and isinstance(raw, str) and raw.strip()[:1].isdigit():
        value = _integer(raw.strip()[:1]) if not raw.strip()[1:2].isdigit() else None
    if value not in LEVELS:
        raise CellError(_("Give a level from 1 to 4."))
    return value


def quantity(raw) -> int | None:
    if is_empty(raw):
        return None
    value = _integer(raw)
    if value is None or not 0 <= value <= MAX_QUANTITY:
        raise CellError(
            _("Give a whole number from 0 to %(max)s.")
            % {"max": f"{MAX_QUANTITY:,}".replace(",", " ")}
        )
    return value


_YES = {"oui", "o", "yes", "y", "x", "1", "vrai", "true"}
_NO = {"non", "n", "no", "0", "faux", "false"}


def boolean(raw) -> bool:
    if is_empty(raw):
        return False
    if isinstance(raw, bool):
        return raw
    word = normalised(text(raw))
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(_("Write “yes” or “no”."))


def choice(raw, name: str) -> str:
    if is_empty(raw):
        return ""
    word = normalised(text(raw))
    value = choice_names(name).get(word)
    if value is None:
        raise CellError(
            _("“%(value)s” is not one of the accepted values: %(accepted)s.")
            % {"value": text(raw)[:80], "accepted": ", ".join(choice_labels(name))}
        )
    return value


def read(raw, column: columns.Column):
    """The value of `raw` for `column` (raises CellError)."""
    if column.type == columns.DATE:
        return date(raw)
    if column.type == columns.YEAR:
        return year(raw)
    if column.type == columns.LEVEL:
        return level(raw)
    if column.type == columns.QUANTITY:
        return quantity(raw)
    if column.type == columns.BOOLEAN:
        return boolean(raw)
    if column.type == columns.CHOICE:
        return choice(raw, column.choices)
    return text(raw, max_length=column.max_length, multiline=column.multiline)
