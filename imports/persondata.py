"""What the imports app holds about a person (privacy.persondata).

An imported row keeps its source key, a hash of the cells that identified it (a name, a year of
birth…): anonymisation replaces it, so nothing of the person can be found from it. The rows of a
batch (the preview and the summary) are not linked to a file: they are emptied
IMPORT_PREVIEW_HOURS after the upload (imports.services.purge_expired).
"""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from imports.models import ImportedRow
from privacy.persondata import Held


def anonymised_key(name: str) -> Concat:
    """Erased value of a source key: still unique, no longer derived from the person."""
    return Concat(Value("anonymised:"), Cast("pk", CharField()))


HELD = (
    Held(
        ImportedRow,
        resident="resident_id",
        erased={"key": anonymised_key},
        delete_history=False,
    ),
)
