"""Test settings: the real settings, with a fast password hasher and in-memory e-mail.

Under pytest-xdist (`make test` runs one worker per core) each worker gets its own database
(pytest-django adds the worker's name), its own Redis database and its own data folder, so
workers never see each other's messages, results or files.
"""

import os
import re

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("SECURE_HTTPS", "false")
# Tests of the second factor turn it on with the `settings` fixture.
os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"… or "" without xdist
if _WORKER:
    _index = int(_WORKER.removeprefix("gw"))
    if os.environ.get("REDIS_URL"):
        # The next database numbers after the given one; subprocesses (a real Celery worker)
        # read it from the environment too.
        _url = os.environ["REDIS_URL"].rstrip("/")
        _base = re.search(r"/(\d+)$", _url)
        _number = (int(_base.group(1)) if _base else 0) + 1 + _index
        os.environ["REDIS_URL"] = (
            f"{_url.removesuffix(_base.group(0)) if _base else _url}/{_number % 16}"
        )
    if os.environ.get("ANCRAGE_DATA_DIR") is None:
        _data = os.path.join(os.path.dirname(os.path.dirname(__file__)), ".data", "xdist")
        os.environ["ANCRAGE_DATA_DIR"] = os.path.join(_data, _WORKER)

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# A test database is thrown away: commits need not wait for the disk (the real server and the
# embedded one alike). Durability is all this gives up.
_options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
_options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# The file result backend and the filesystem broker's folders (no Redis), as `make run` has them.
from config.devservices import ensure_data_dirs  # noqa: E402

ensure_data_dirs(DATA_DIR)  # noqa: F405
