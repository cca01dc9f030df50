"""The icons of the interface: a small SVG sprite (static/icons.svg) of the Bootstrap Icons the
templates and the code name, instead of the whole icon font (131 KB) and its stylesheet (85 KB).

A template draws one with `{% icon "door-open" %}` (core.templatetags.icons); menu entries,
resident actions and timeline entries name theirs in Python (`icon="door-open"`). After adding
an icon, rebuild the sprite from the Bootstrap Icons package of the vendored version:

    cd /tmp && npm pack bootstrap-icons@1.13.2 && tar xzf bootstrap-icons-1.13.2.tgz
    .venv/bin/python manage.py build_icon_sprite /tmp/package/icons

core/tests/test_icons.py fails while an icon named somewhere is missing from the sprite.
"""

import re
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

SPRITE_PATH = settings.BASE_DIR / "static" / "icons.svg"
SVG = "http://www.w3.org/2000/svg"

_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# {% icon "door-open" %} in a template.
_TEMPLATE_ICON = re.compile(r"""\{%\s*icon\s+["'](""" + _NAME + r""")["']""")
# In Python, the literals after `icon =` on its line (`icon="door-open"`, `icon: str = "circle"`,
# `title, icon = _("…"), "key"`, `icon = "x" if … else "y"`), except dictionary keys and comments.
_PYTHON_ICON_LINE = re.compile(r"^(?!\s*#).*?\bicon\b(?:\s*:\s*str)?\s*=(?!=)(.*)$", re.MULTILINE)
_PYTHON_LITERAL = re.compile(r'"(' + _NAME + r')"(?!\s*:)')


def _project_files(base: Path, pattern: str) -> list[Path]:
    skipped = {".venv", "staticfiles", "static", "node_modules", ".data", ".git"}
    return [
        path
        for path in base.rglob(pattern)
        if not skipped.intersection(path.relative_to(base).parts[:1])
        and "tests" not in path.relative_to(base).parts
    ]


def icons_used(base: Path | None = None) -> set[str]:
    """Every icon named in the templates and the Python code of the project (tests aside)."""
    base = Path(base or settings.BASE_DIR)
    names = set()
    for path in _project_files(base, "*.html"):
        names.update(_TEMPLATE_ICON.findall(path.read_text()))
    for path in _project_files(base, "*.py"):
        for tail in _PYTHON_ICON_LINE.findall(path.read_text()):
            names.update(_PYTHON_LITERAL.findall(tail))
    return names


def sprite_icons(path: Path = SPRITE_PATH) -> set[str]:
    """The ids of the symbols in the sprite."""
    root = ElementTree.parse(path).getroot()
    return {symbol.get("id") for symbol in root.iter(f"{{{SVG}}}symbol")}


def build_sprite(source_dir: Path, names: set[str]) -> str:
    """One <symbol id="name"> per icon, from Bootstrap Icons' icons/<name>.svg files."""
    ElementTree.register_namespace("", SVG)
    symbols = []
    for name in sorted(names):
        icon = ElementTree.parse(Path(source_dir) / f"{name}.svg").getroot()
        inner = "".join(
            ElementTree.tostring(child, encoding="unicode").replace(f' xmlns="{SVG}"', "").strip()
            for child in icon
        )
        symbols.append(f'<symbol id="{name}" viewBox="{icon.get("viewBox")}">{inner}</symbol>')
    body = "\n".join(symbols)
    return (
        f'<svg xmlns="{SVG}">\n'
        "<!-- Bootstrap Icons 1.13.2 (MIT, https://icons.getbootstrap.com/): the icons Ancrage "
        "uses. Built by manage.py build_icon_sprite (core/icons.py). -->\n"
        f"{body}\n</svg>\n"
    )
