"""{% state_totals totals %}: places counted by state (a hotel's, or every hotel's), as badges.

An inclusion tag rather than an include: the board shows the counts of each of its hotels, and
the plural labels cost less as ngettext() here than as {% blocktranslate count %} tags.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from placements import cards

register = template.Library()


@register.inclusion_tag("placements/includes/totals.html")
def state_totals(totals: dict[str, int], testid: str = "totals") -> dict:
    """`totals` as the selectors count them: occupied, free, held, out and total."""
    occupied, free, held, out = (totals[key] for key in ("occupied", "free", "held", "out"))
    badges = [
        ("primary", ngettext("%(n)s occupied", "%(n)s occupied", occupied) % {"n": occupied}),
        ("success", ngettext("%(n)s free", "%(n)s free", free) % {"n": free}),
    ]
    if held:
        badges.append(("warning", ngettext("%(n)s held", "%(n)s held", held) % {"n": held}))
    if out:
        label = ngettext("%(n)s out of service", "%(n)s out of service", out) % {"n": out}
        badges.append(("secondary", label))
    total = totals["total"]
    return {
        "badges": badges,
        "of_total": ngettext("of %(n)s place", "of %(n)s places", total) % {"n": total},
        "testid": testid,
    }


@register.simple_tag(takes_context=True)
def place_cards(
    context, rows, *, can_assign=False, manage=False, show_last_visit=False
) -> SafeString:
    """{% place_cards board.places can_assign=… %}: the cards of a board's places, written in
    Python (`placements.cards`) rather than by a template included once per card. The lists
    of one page share their translated words and formatted days."""
    words = context.render_context.setdefault("placements.cards.Words", cards.Words())
    options = cards.CardOptions(
        can_assign=bool(can_assign),
        manage=bool(manage),
        show_last_visit=bool(show_last_visit),
        csrf_token=str(context.get("csrf_token", "")) if manage else "",
    )
    return cards.place_cards(rows, options, words)


@register.simple_tag
def hotel_options(hotels, selected=None) -> SafeString:
    """{% hotel_options hotels hotel_id %}: the board's filter offers every hotel on the board
    (dozens at the scale of the scheme), one `<option>` each, `selected` marked."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<option value="{hotel.pk}"{" selected" if hotel.pk == selected else ""}>'
            f"{escape(hotel.name)}</option>"
            for hotel in hotels
        )
    )
