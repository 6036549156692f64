# The two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test setup lint messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Development: `make setup`, `make run` and `make messages` run in debug mode unless DEBUG is set (the portal's
# default is DEBUG off, which needs SECRET_KEY and ALLOWED_HOSTS: docs/configuration.md).
setup run messages: export DEBUG ?= true

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compile_locale
	$(PY) manage.py collectstatic --noinput --verbosity 0

## run: set up, seed the demo on first start, then serve on 127.0.0.1:$(PORT) with a Celery worker and beat
run: setup
	$(PY) manage.py seed_demo --if-empty
	PORT=$(PORT) scripts/run.sh

## test: the whole suite (DATABASE_URL picks the database; SQLite by default)
test: $(STAMP)
	DJANGO_SETTINGS_MODULE=kipolicy.settings_test $(PY) manage.py compile_locale
	DJANGO_SETTINGS_MODULE=kipolicy.settings_test $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## messages: refresh the translation catalogue after changing strings (needs GNU gettext)
messages:
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=var --ignore=tests -e html,txt,py --no-obsolete
	$(PY) manage.py compile_locale

clean:
	rm -rf var/celery var/staticfiles
