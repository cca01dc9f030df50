"""{% icon "door-open" %}: one icon of the sprite static/icons.svg (core/icons.py)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, classes: str = ""):
    """A decorative icon: screen readers skip it, the text beside it says what it means."""
    return format_html(
        '<svg class="bi{}" aria-hidden="true"><use href="{}#{}"></use></svg>',
        f" {classes}" if classes else "",
        static("icons.svg"),
        name,
    )
