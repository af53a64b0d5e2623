# PingToPass: `make run` sets up and serves the site at http://127.0.0.1:8000 on the embedded
# default (SQLite, no other server); `make test` sets up and runs the test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run setup test lint worker clean lock

# Installs come from the lock files (every package, indirect ones too, at one version); the
# requirements*.txt files name what we depend on directly, and `make lock` compiles them.
$(VENV)/.installed-run: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.lock
	touch $@

setup: $(VENV)/.installed-run
	@echo "== Setting up the database (the first time takes a few minutes: dj-stripe alone has ~80 migrations; later runs take seconds)"
	DEBUG=1 $(PY) manage.py migrate --noinput
	@echo "== Loading the exams and demo accounts"
	DEBUG=1 $(PY) manage.py seed --env dev
	@echo "== Ready: http://127.0.0.1:8000 (sign in as learner@pingtopass.local / pingtopass-demo)"

run: setup
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test:
	./scripts/test

lock:
	$(VENV)/bin/uv pip compile requirements.txt --universal --python-version 3.11 -q \
		--custom-compile-command "make lock" -o requirements.lock
	$(VENV)/bin/uv pip compile requirements-dev.txt --universal --python-version 3.11 -q \
		--custom-compile-command "make lock" -c requirements.lock -o requirements-dev.lock

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

worker:
	$(VENV)/bin/celery -A pingtopass worker --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm db.sqlite3-writers.lock cache.sqlite3 cache.sqlite3-wal cache.sqlite3-shm staticfiles test-artifacts
