from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


class _QuantityGrid:
    """The HTML of the quantity grid of an `ItemQuantitiesMixin` form: a label, a number input
    and its unit per item, category by category; with `counting`, the stock the ledger expects
    beside each item; a delivery's batch and expiry date under each item (shown for a dated
    item, folded for the others). Written in Python rather than by a template included per
    form: ~12 lookups of a bound field per item, 27 items, cost more than the rest of a page.
    Every value is escaped once, each word translated once a grid."""

    def __init__(self, *, counting: bool, expected):
        self.counting = counting
        self.expected = expected or {}
        self.words = {
            key: conditional_escape(word)
            for key, word in {
                "batch_expiry": gettext("Batch, expiry"),
                "batch_label": gettext("batch"),
                "batch": gettext("Batch"),
                "expires_on": gettext("expires on"),
                "dated": gettext("Dated: expiry date required"),
                "in_ledger": gettext("in the ledger:"),
            }.items()
        }

    @staticmethod
    def _value(field) -> str:
        value = field.value()
        return "" if value is None else conditional_escape(localize(value))

    @staticmethod
    def _errors(field, css: str) -> str:
        return "".join(
            f'<div class="{css}invalid-feedback d-block">{conditional_escape(error)}</div>'
            for error in field.errors
        )

    @staticmethod
    def _invalid(field) -> str:
        return " is-invalid" if field.errors else ""

    def _batch(self, quantity) -> str:
        words, batch, expires = self.words, quantity.batch, quantity.expires
        label = conditional_escape(quantity.label)
        batch_id, expires_id = batch.id_for_label, expires.id_for_label
        described = f' aria-describedby="{expires_id}-help"' if quantity.dated else ""
        dated = (
            f'<div class="col-12 small text-body-secondary" id="{expires_id}-help">'
            f"{words['dated']}</div>"
            if quantity.dated
            else ""
        )
        return (
            '<div class="row g-1 mt-1" data-testid="batch-fields"><div class="col-5">'
            f'<label class="visually-hidden" for="{batch_id}">{label} – {words["batch_label"]}'
            f'</label><input type="text" name="{batch.html_name}" id="{batch_id}" '
            f'value="{self._value(batch)}" maxlength="40" placeholder="{words["batch"]}" '
            f'class="form-control form-control-sm{self._invalid(batch)}"></div>'
            '<div class="col-7">'
            f'<label class="visually-hidden" for="{expires_id}">{label} – {words["expires_on"]}'
            f'</label><input type="date" name="{expires.html_name}" id="{expires_id}" '
            f'value="{self._value(expires)}"{described} '
            f'class="form-control form-control-sm{self._invalid(expires)}"></div>'
            f"{dated}{self._errors(batch, 'col-12 ')}{self._errors(expires, 'col-12 ')}</div>"
        )

    def _lot(self, field) -> str:
        if getattr(field, "expires", None) is None:
            return ""
        if field.dated:
            return self._batch(field)
        batch, expires = field.batch, field.expires
        is_open = batch.errors or expires.errors or batch.value() or expires.value()
        return (
            f'<details class="small"{" open" if is_open else ""}>'
            f'<summary class="text-body-secondary">{self.words["batch_expiry"]}</summary>'
            f"{self._batch(field)}</details>"
        )

    def _field(self, field) -> str:
        field_id = field.id_for_label
        label = conditional_escape(field.label)
        counted = ""
        if self.counting:
            expected = self.expected.get(item_id(field)) or 0
            counted = (
                f'<div class="small text-body-secondary">{self.words["in_ledger"]} '
                f"{conditional_escape(localize(expected))}</div>"
            )
        return (
            '<div class="col-6 col-sm-4 col-lg-3">'
            f'<label class="form-label small mb-0 d-block text-truncate" for="{field_id}" '
            f'title="{label}">{label}</label><div class="input-group input-group-sm">'
            f'<input type="number" name="{field.html_name}" id="{field_id}" '
            f'value="{self._value(field)}" min="0" inputmode="numeric" '
            f'class="form-control{self._invalid(field)}" aria-describedby="{field_id}-unit">'
            f'<span class="input-group-text" id="{field_id}-unit">'
            f"{conditional_escape(field.help_text)}</span></div>"
            f"{self._lot(field)}{counted}{self._errors(field, '')}</div>"
        )

    def html(self, groups) -> SafeString:
        return mark_safe(  # noqa: S308 - every value is escaped
            "".join(
                f'<fieldset class="mb-3"><legend class="h6 mb-2">{conditional_escape(label)}'
                f'</legend><div class="row g-2">{"".join(map(self._field, fields))}</div>'
                "</fieldset>"
                for label, fields in groups
            )
        )


@register.simple_tag
def quantity_grid(groups, *, counting=False, expected=None) -> SafeString:
    """{% quantity_grid groups counting=counting expected=expected %}: see `_QuantityGrid`."""
    return _QuantityGrid(counting=counting, expected=expected).html(groups)
