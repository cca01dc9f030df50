"""Icons come from a small SVG sprite of the icons used, not from the whole icon font."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from core.icons import build_sprite, icons_used, sprite_icons
from core.navigation import menu

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_it_has_every_icon_the_templates_and_the_code_name():
    used = icons_used()
    # The menu, the timeline and the buttons name about seventy: a scan that found few is broken.
    assert len(used) > 50, sorted(used)
    assert {"door-open", "circle", "arrow-left-right", "exclamation-triangle-fill"} <= used
    assert used <= sprite_icons(), sorted(used - sprite_icons())


def test_it_has_the_icon_of_every_menu_entry():
    assert {item.icon for item in menu} <= sprite_icons()


def test_it_finds_the_icons_a_template_or_the_code_names(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load icons %}{% icon "bell" %} {% icon entry.icon %} {% icon \'key\' classes="fs-5" %}'
    )
    (tmp_path / "selectors.py").write_text(
        'NavItem(_("Board"), "placements:board", icon="grid-3x3-gap")\n'
        'title, icon = _("Transfer to %(place)s") % {"place": where}, "arrow-left-right"\n'
        'icon = "heart-pulse" if note.is_medical else "journal-text"\n'
        '    icon: str = "circle"\n'
        '# icon = "not-an-icon" in a comment\n'
        'if icon == "compared":\n'
    )
    assert icons_used(tmp_path) == {
        "bell",
        "key",
        "grid-3x3-gap",
        "arrow-left-right",
        "heart-pulse",
        "journal-text",
        "circle",
    }


def test_it_builds_one_symbol_per_icon(tmp_path):
    (tmp_path / "bell.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" fill="currentColor" '
        'class="bi bi-bell" viewBox="0 0 16 16">\n  <path d="M8 16a2 2 0 0 0 2-2H6"/>\n</svg>'
    )
    sprite = tmp_path / "icons.svg"
    sprite.write_text(build_sprite(tmp_path, {"bell"}))
    assert sprite_icons(sprite) == {"bell"}
    assert '<symbol id="bell" viewBox="0 0 16 16"><path d="M8 16a2 2 0 0 0 2-2H6" />' in (
        sprite.read_text()
    )


def test_the_icon_tag_draws_a_symbol_of_the_sprite():
    html = Template('{% load icons %}{% icon "door-open" %}{% icon name classes="fs-5" %}').render(
        Context({"name": "key"})
    )
    assert html == (
        '<svg class="bi" aria-hidden="true">'
        '<use href="/static/icons.svg#door-open"></use></svg>'
        '<svg class="bi fs-5" aria-hidden="true">'
        '<use href="/static/icons.svg#key"></use></svg>'
    )


def test_no_template_uses_the_icon_font():
    for path in TEMPLATES.rglob("*.html"):
        assert not re.search(r"\bbi-|bootstrap-icons", path.read_text()), path


@pytest.mark.django_db
def test_the_pages_draw_icons_from_the_sprite_without_the_font(client, client_for, alice):
    html = client_for(alice).get(reverse("home")).content.decode()
    assert '<use href="/static/icons.svg#door-open">' in html  # "Mes visites" in the menu
    login = client.get(reverse("login")).content.decode()
    for page in (html, login):
        assert '<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css">' in page
        assert "bootstrap-icons" not in page and ".woff" not in page
