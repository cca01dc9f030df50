"""Labels of choice values without `get_FOO_display()`.

`Model.get_FOO_display()` builds a dict of every choice of the field on each call, hashing (and
so translating) each label: a page that writes dozens of labels pays that dozens of times.
"""

from django.db.models import Choices


def choice_label(choices: type[Choices], value) -> str:
    """What `get_FOO_display()` returns for `value` of a field with `choices`: its translated
    label, or the value itself when it is not one of the choices."""
    member = choices._value2member_map_.get(value)
    return value if member is None else str(member.label)
