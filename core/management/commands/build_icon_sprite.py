"""Write static/icons.svg: the Bootstrap Icons the project names (see core/icons.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.icons import SPRITE_PATH, build_sprite, icons_used


class Command(BaseCommand):
    help = "Build static/icons.svg from Bootstrap Icons' icons/ folder (npm pack bootstrap-icons)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the icons/ folder of the package")

    def handle(self, *args, source: Path, **options):
        names = icons_used()
        missing = sorted(name for name in names if not (source / f"{name}.svg").exists())
        if missing:
            raise CommandError(f"Not in {source}: {', '.join(missing)}")
        SPRITE_PATH.write_text(build_sprite(source, names))
        self.stdout.write(f"{SPRITE_PATH}: {len(names)} icons, {SPRITE_PATH.stat().st_size} bytes")
