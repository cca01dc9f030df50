#!/usr/bin/env python
import os
import sys

# Commands that read the code only: they get placeholders for the settings that are required
# to serve (a secret key, a database), so that a developer or a pre-commit hook can run them
# without a configured environment. Every other command needs the real values.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages"}
PLACEHOLDERS = {"SECRET_KEY": "code-only-not-secret", "DATABASE_URL": "postgres://unused/ancrage"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        defaults = PLACEHOLDERS
    else:
        # Beside `make run`: its secret key and embedded database (nothing in production).
        from config.devservices import local_settings

        defaults = local_settings()
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
