"""Links to objects' pages for the pages that show hundreds of them (the occupancy board).

`reverse()` walks the URLconf on every call. `object_url(name, *pks)` reverses each URL name
once, with stand-in numbers, and then only puts each object's numbers in their places: the
same address as `reverse(name, args=pks)` for views whose arguments are integers. What it
learned is kept per URLconf and script prefix, the two things that change an address.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse

# Numbers no object will have, so they cannot be mistaken for another part of the address.
_STAND_INS = (918_273_645_091, 918_273_645_092, 918_273_645_093)


@functools.cache
def _parts(name: str, arity: int, urlconf: str, prefix: str) -> tuple[str, ...]:
    """The address of `name` cut around its `arity` arguments."""
    url = reverse(name, args=_STAND_INS[:arity])
    parts = []
    for stand_in in _STAND_INS[:arity]:
        before, url = url.split(str(stand_in))
        parts.append(before)
    parts.append(url)
    return tuple(parts)


def object_url(name: str, *pks: int) -> str:
    parts = _parts(name, len(pks), settings.ROOT_URLCONF, get_script_prefix())
    url = parts[0]
    for pk, part in zip(pks, parts[1:], strict=True):
        url += f"{int(pk)}{part}"
    return url
