from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def quantity_inputs(groups) -> str:
    """{% quantity_inputs groups %}: the quantity grid of `includes/quantity_fields.html` for
    fields without batch and expiry date (the visit form, drawn on every visit), written out
    here: the template's nodes, two dozen per item, cost more than the rest of the form."""
    html = []
    for label, fields in groups:
        html.append(
            format_html('<fieldset class="mb-3"><legend class="h6 mb-2">{}</legend>', label)
        )
        html.append('<div class="row g-2">')
        for field in fields:
            field_id = field.id_for_label
            value = field.value()
            errors = field.errors
            html.append(
                format_html(
                    '<div class="col-6 col-sm-4 col-lg-3">'
                    '<label class="form-label small mb-0 d-block text-truncate" for="{}" '
                    'title="{}">{}</label><div class="input-group input-group-sm">'
                    '<input type="number" name="{}" id="{}" value="{}" min="0" '
                    'inputmode="numeric" class="form-control{}" aria-describedby="{}-unit">'
                    '<span class="input-group-text" id="{}-unit">{}</span></div>',
                    field_id,
                    field.label,
                    field.label,
                    field.html_name,
                    field_id,
                    "" if value is None else value,
                    " is-invalid" if errors else "",
                    field_id,
                    field_id,
                    field.help_text,
                )
            )
            html.extend(
                format_html('<div class="invalid-feedback d-block">{}</div>', error)
                for error in errors
            )
            html.append("</div>")
        html.append("</div></fieldset>")
    return mark_safe("".join(html))
