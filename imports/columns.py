"""The spreadsheets Ancrage reads: one sheet per kind of row, and the columns of each.

The template (imports.workbooks) is written from these definitions and the reader
(imports.reading) recognises sheets and columns by them: a header is matched, without accents,
case or punctuation, against the column's French name, its English name and a few other names
teams commonly use. The value a cell may hold is the column's `type`, read by imports.values.
"""

import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from imports.models import RowKind

# Cell types (imports.values reads each).
TEXT = "text"
DATE = "date"
YEAR = "year"
CHOICE = "choice"
LEVEL = "level"  # a priority level, 1 to 4
BOOLEAN = "boolean"
QUANTITY = "quantity"
PERSON = "person"  # a reference to a person of the file, or a file number


def normalised(text: str) -> str:
    """`text` without accents, case or punctuation: how headers and coded values are compared."""
    text = unicodedata.normalize("NFKD", str(text)).replace("·", "").replace("•", "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join("".join(char if char.isalnum() else " " for char in text).split())


def name_key(text: str) -> str:
    """How a name of Ancrage (an item, a stock location, a room) is compared: without accents,
    case or extra spaces, but with its punctuation ("Stéribox" is not "Stéribox+")."""
    text = unicodedata.normalize("NFKD", str(text)).replace("’", "'")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # the English name, translated: the template's header
    type: str = TEXT
    required: bool = False
    help: object = ""
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    multiline: bool = False
    choices: str = ""  # the name of a list in imports.values.CHOICES

    def names(self) -> set[str]:
        """Every header this column answers to, normalised."""
        found = {normalised(alias) for alias in self.aliases}
        for language in ("fr", "en"):
            with translation.override(language):
                found.add(normalised(str(self.label)))
        return found - {""}


@dataclass(frozen=True)
class Sheet:
    kind: str
    label: object  # the sheet's name in the template
    slug: str  # the CSV template's name
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    help: object = ""

    def names(self) -> set[str]:
        found = {normalised(alias) for alias in self.aliases}
        for language in ("fr", "en"):
            with translation.override(language):
                found.add(normalised(str(self.label)))
        return found

    @property
    def required(self) -> list[Column]:
        return [column for column in self.columns if column.required]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


PERSON_REFERENCE_HELP = _(
    "The reference of the person in the sheet “People” (or their name in use when the sheet "
    "has no reference), or the number of a file already in Ancrage written “no. 123”."
)

PEOPLE = Sheet(
    RowKind.PERSON,
    _("People"),
    "personnes",
    (
        Column(
            "reference",
            _("Reference"),
            help=_(
                "Optional: your own number or code for the person, used by the other sheets "
                "to name them. Keep the same one from one import to the next."
            ),
            aliases=("ref", "id", "identifiant", "numero", "n", "code"),
            max_length=80,
        ),
        Column(
            "file_number",
            _("Ancrage file number"),
            help=_(
                "Optional: the number of a file already in Ancrage that is this person. The row "
                "then creates no file: its stays and requests go into that one."
            ),
            aliases=("dossier", "numero de dossier", "file number"),
            max_length=20,
        ),
        Column(
            "nickname",
            _("Name in use"),
            required=True,
            help=_("The name the person uses: a nickname is enough."),
            aliases=("surnom", "pseudo", "alias", "nickname", "nom d usage", "prenom d usage"),
            max_length=80,
        ),
        Column("first_name", _("First name"), aliases=("prenom",), max_length=80),
        Column("last_name", _("Last name"), aliases=("nom", "nom de famille"), max_length=80),
        Column(
            "birth_year",
            _("Year of birth"),
            YEAR,
            help=_("Approximate if need be."),
            aliases=("annee", "naissance"),
        ),
        Column(
            "birth_date",
            _("Date of birth"),
            DATE,
            help=_("If known: it fills in the year of birth."),
            aliases=("ne le", "nee le", "dob"),
        ),
        Column(
            "gender",
            _("Gender"),
            CHOICE,
            aliases=("sexe", "sex", "genre"),
            choices="gender",
        ),
        Column("phone", _("Phone"), aliases=("tel", "portable", "telephone"), max_length=30),
        Column(
            "languages",
            _("Languages spoken"),
            aliases=("langues", "langue", "languages"),
            max_length=200,
        ),
        Column(
            "informed_on",
            _("Informed of the data processing on"),
            DATE,
            help=_("Consent: the day the person was told what is recorded about them and why."),
            aliases=("consentement", "consentement le", "informe le", "informee le", "consent"),
        ),
        Column(
            "objects_to_sharing",
            _("Objects to sharing"),
            BOOLEAN,
            help=_("“yes” if the person objects to their information being shared."),
            aliases=("opposition au partage", "refuse le partage"),
        ),
        Column(
            "opened_on",
            _("File opened on"),
            DATE,
            help=_(
                "Optional: when the team first met the person. Empty: the earliest date of the "
                "person in the file (a stay, a request), else the day of the import."
            ),
            aliases=("date d ouverture", "ouvert le", "suivi depuis"),
        ),
    ),
    aliases=("personnes", "residents", "residentes", "people", "usagers", "file active"),
    help=_("One row per person followed, housed or not."),
)

STAYS = Sheet(
    RowKind.STAY,
    _("Stays"),
    "sejours",
    (
        Column(
            "person",
            _("Person"),
            PERSON,
            required=True,
            help=PERSON_REFERENCE_HELP,
            aliases=("personne", "nom", "surnom", "resident", "residente"),
            max_length=120,
        ),
        Column(
            "hotel",
            _("Hotel"),
            required=True,
            help=_("The hotel's name as in Ancrage (the hotels are created first)."),
            aliases=("hotel", "etablissement"),
            max_length=120,
        ),
        Column(
            "room",
            _("Room"),
            required=True,
            aliases=("chambre", "n de chambre", "place"),
            max_length=20,
        ),
        Column(
            "bed",
            _("Bed"),
            help=_("For a double room: A or B."),
            aliases=("lit",),
            max_length=5,
        ),
        Column(
            "start",
            _("Entry date"),
            DATE,
            required=True,
            aliases=("entree", "date d entree", "arrivee", "debut", "start"),
        ),
        Column(
            "end",
            _("Exit date"),
            DATE,
            help=_("Empty while the person is housed. The day they left (not their last night)."),
            aliases=("sortie", "date de sortie", "depart", "fin", "end"),
        ),
        Column(
            "exit_destination",
            _("Exit destination"),
            CHOICE,
            help=_(
                "Required with an exit date. “Transfer” when the person moved to another place "
                "of the programme the same day (the next stay is a row of its own). "
                "“Exclusion” and “Voluntary departure” are reasons: they are recorded as such, "
                "with an unknown destination; any other destination implies its reason."
            ),
            aliases=("orientation", "destination", "orientation de sortie"),
            choices="exit_destination",
        ),
        Column(
            "exit_reason",
            _("Reason for leaving"),
            CHOICE,
            help=_(
                "Optional: why the stay ended (exclusion, voluntary departure…), apart from "
                "where the person went. Empty: the reason the destination implies."
            ),
            aliases=("raison de sortie", "raison de la sortie", "motif de fin", "exit reason code"),
            choices="exit_reason",
        ),
        Column(
            "exit_comment",
            _("Exit comment"),
            help=_("Why the person left, in a few words."),
            aliases=("motif", "motif de sortie", "commentaire de sortie", "exit comment"),
            max_length=2000,
            multiline=True,
        ),
        Column(
            "admission_received_on",
            _("Admission request of"),
            DATE,
            help=_(
                "Optional: the date of the admission request this stay answered (in the sheet "
                "“Admission requests” or already in Ancrage)."
            ),
            aliases=("demande du", "date de la demande"),
        ),
        Column(
            "transfer_reason",
            _("Reason for the transfer"),
            CHOICE,
            help=_(
                "Optional, for a transfer only: why the person moved to another place. Empty: "
                "not recorded."
            ),
            aliases=("raison du transfert", "motif du transfert", "transfer reason"),
            choices="transfer_reason",
        ),
    ),
    aliases=("sejours", "stays", "hebergements", "mises a l abri", "placements", "occupation"),
    help=_("One row per stay, current or past. A transfer is two rows."),
)

ADMISSIONS = Sheet(
    RowKind.ADMISSION,
    _("Admission requests"),
    "demandes",
    (
        Column(
            "person",
            _("Person"),
            PERSON,
            required=True,
            help=PERSON_REFERENCE_HELP,
            aliases=("personne", "nom", "surnom", "resident", "residente"),
            max_length=120,
        ),
        Column(
            "received_on",
            _("Received on"),
            DATE,
            required=True,
            aliases=("date", "date de la demande", "recue le", "date de reception"),
        ),
        Column(
            "referring_structure",
            _("Referring structure"),
            CHOICE,
            required=True,
            aliases=("orienteur", "structure", "orientee par", "oriente par"),
            choices="referring_structure",
        ),
        Column(
            "referrer_name",
            _("Referrer"),
            help=_("The person who made the referral."),
            aliases=("referent", "referente", "contact"),
            max_length=120,
        ),
        Column(
            "psychic_situation",
            _("Psychic situation"),
            LEVEL,
            required=True,
            help=_("From 1 (stable) to 4 (critical)."),
            aliases=("psy", "situation psychique", "psychique"),
        ),
        Column(
            "isolation",
            _("Isolation"),
            LEVEL,
            required=True,
            help=_("From 1 (supported) to 4 (cut off)."),
            aliases=("isolement",),
        ),
        Column(
            "vulnerability",
            _("Vulnerability"),
            LEVEL,
            required=True,
            help=_("From 1 (low) to 4 (very high)."),
            aliases=("vulnerabilite",),
        ),
        Column(
            "status",
            _("Status"),
            CHOICE,
            help=_("Empty: waiting. Otherwise admitted, refused or no follow-up."),
            aliases=("statut", "etat", "decision"),
            choices="admission_status",
        ),
        Column(
            "decided_on",
            _("Decided on"),
            DATE,
            help=_("Required when the request was decided."),
            aliases=("date de decision", "decision le"),
        ),
        Column(
            "decision_reason",
            _("Reason for the decision"),
            help=_("Required for a refusal."),
            aliases=("motif de la decision", "motif de refus", "raison"),
            max_length=2000,
            multiline=True,
        ),
        Column(
            "last_news_on",
            _("Last news on"),
            DATE,
            aliases=("dernieres nouvelles", "derniere nouvelle"),
        ),
    ),
    aliases=("demandes", "liste d attente", "admissions", "waiting list", "requests"),
    help=_("One row per admission request, waiting or decided."),
)

STOCKS = Sheet(
    RowKind.STOCK,
    _("Stock levels"),
    "stocks",
    (
        Column(
            "location",
            _("Location"),
            help=_(
                "Where the material is kept, as in Ancrage (the office, a visit bag). Meal "
                "vouchers are counted in one stock: leave it empty for them."
            ),
            aliases=("lieu", "emplacement"),
            max_length=80,
        ),
        Column(
            "item",
            _("Item"),
            required=True,
            help=_("The item's name in the catalogue, or “Meal vouchers”."),
            aliases=("article", "materiel", "produit", "designation"),
            max_length=80,
        ),
        Column(
            "quantity",
            _("Quantity"),
            QUANTITY,
            required=True,
            help=_("The number counted: the stock in Ancrage is set to it by a ledger line."),
            aliases=("quantite", "nombre", "qte", "stock", "en stock"),
        ),
        Column(
            "counted_on",
            _("Counted on"),
            DATE,
            aliases=("date", "date de comptage", "inventaire du"),
        ),
    ),
    aliases=("stocks", "stock", "inventaire", "stock levels"),
    help=_("One row per item and location: the opening balance."),
)

SHEETS = (PEOPLE, STAYS, ADMISSIONS, STOCKS)
SHEET_BY_KIND = {sheet.kind: sheet for sheet in SHEETS}
SHEET_BY_SLUG = {sheet.slug: sheet for sheet in SHEETS}
