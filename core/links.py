"""Links to objects' pages for the pages that show hundreds of them (the occupancy board).

`reverse()` walks the URLconf on every call. `object_url(name, *args)` reverses each URL name
once, with stand-in arguments, and then only puts each object's arguments in their places: the
same address as `reverse(name, args=args)` for views whose arguments are integers (ids) or
days (written as ISO dates). What it learned is kept per URLconf and script prefix, the two
things that change an address.
"""

import datetime
import functools
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, reverse

# Values no object will have, so they cannot be mistaken for another part of the address.
_STAND_INS = {
    int: (918_273_645_091, 918_273_645_092, 918_273_645_093),
    datetime.date: (datetime.date(1901, 2, 3), datetime.date(1902, 3, 4)),
}


@functools.cache
def _parts(name: str, kinds: tuple[type, ...], urlconf: str, prefix: str) -> tuple[str, ...]:
    """The address of `name` cut around its arguments, of these kinds."""
    stand_ins = [_STAND_INS[kind][kinds[:n].count(kind)] for n, kind in enumerate(kinds)]
    url = reverse(name, args=stand_ins)
    parts = []
    for stand_in in stand_ins:
        before, url = url.split(_written(stand_in))
        parts.append(before)
    parts.append(url)
    return tuple(parts)


def _written(value: int | datetime.date) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(int(value))


def id_url(name: str) -> Callable[[int], str]:
    """The address of the view `name` for an object's id, as a function learned now (for the
    URLconf and script prefix of this moment): for a page that writes it a hundred times."""
    before, after = _parts(name, (int,), settings.ROOT_URLCONF, get_script_prefix())
    return lambda pk: f"{before}{int(pk)}{after}"


def object_url(name: str, *args: int | datetime.date) -> str:
    kinds = tuple(datetime.date if isinstance(arg, datetime.date) else int for arg in args)
    parts = _parts(name, kinds, settings.ROOT_URLCONF, get_script_prefix())
    url = parts[0]
    for arg, part in zip(args, parts[1:], strict=True):
        url += _written(arg) + part
    return url


def url_maker(name: str, *kinds: type) -> Callable[..., str]:
    """The address of the view `name` as a function of its arguments, of these `kinds` (int or
    datetime.date), learned now (for the URLconf and script prefix of this moment): the same
    address as `object_url`, without looking up the script prefix on each call, for a page
    that writes it a hundred times."""
    first, *rest = _parts(name, kinds, settings.ROOT_URLCONF, get_script_prefix())

    def url(*args: int | datetime.date) -> str:
        return first + "".join(_written(arg) + part for arg, part in zip(args, rest, strict=True))

    return url
