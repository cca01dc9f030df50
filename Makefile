# The handful of commands a newcomer needs. `make run` and `make test` work from a fresh clone
# with only Python >= 3.11: they install into .venv first, and start an embedded PostgreSQL
# unless DATABASE_URL points at a server (see README.md).

PYTHON ?= $(shell command -v python3 || command -v python)
VENV := .venv
PY := $(VENV)/bin/python
# Rebuilt only when the dependencies change.
STAMP := $(VENV)/.installed
ARGS ?=
# Test processes (pytest-xdist): one per core; each has its own database. TEST_WORKERS=0: one.
TEST_WORKERS ?= auto

.PHONY: install run test messages lint bench backup restore

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Ancrage needs Python >= 3.11 (found: $(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the dependencies into $(VENV) (a few minutes the first time)"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: install
	$(PY) -m config.devservices run

test: install
	$(PY) -m config.devservices test -n $(TEST_WORKERS) --dist worksteal $(ARGS)

# makemessages needs GNU gettext (apt-get install gettext); compiling does not.
messages: install
	$(PY) manage.py makemessages -l fr --ignore=staticfiles --ignore=bench
	$(PY) -m config.devservices compilemessages

# ruff, djlint, and the layers of the apps (import-linter's contracts in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint templates
	$(VENV)/bin/lint-imports

bench: install
	$(PY) bench/run.py $(ARGS)

# pg_dump of the database (DATABASE_URL, or the embedded one) into BACKUP_DIR (.data/backups).
backup: install
	$(PY) -m config.devservices manage backup $(ARGS)

# make restore FILE=.data/backups/ancrage-….dump — replaces the database's content.
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=path/to/ancrage-….dump"; exit 1; }
	$(PY) -m config.devservices manage restore "$(FILE)" --yes
