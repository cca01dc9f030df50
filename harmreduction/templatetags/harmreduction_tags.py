from django import template

from harmreduction.models.vouchers import euros as format_euros

register = template.Library()


@register.filter
def euros(cents) -> str:
    """An amount in cents as euros: {{ 3500|euros }} -> "35,00 €"."""
    return format_euros(int(cents or 0))


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }}: a dictionary lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def item_id(field) -> int:
    """The item id of a quantity field named `item_<pk>`."""
    return int(field.name.removeprefix("item_"))
