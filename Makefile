# PingToPass: `make run` sets up and serves the site at http://127.0.0.1:8000 on the embedded
# default (SQLite, no other server); `make test` sets up and runs the test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run setup test lint worker clean

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed-run
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed --env dev

run: setup
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test:
	./scripts/test

lint:
	$(VENV)/bin/ruff check .

worker:
	$(VENV)/bin/celery -A pingtopass worker --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3-writers.lock staticfiles test-artifacts
