# Chorus: `make run` serves the demo; `make test` runs every check CI runs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/chorus
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-quick install lint types migrations-check deploy-check audit-deps test-sqlite test-postgres test-e2e lock bench-install clean

$(BIN)/activate:
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

# Every package is pinned with its hashes (`make lock`): a download that does not match is refused.
$(VENV)/.installed: requirements/base.txt requirements/dev.txt | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

run: install
	@mkdir -p var/mail
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) sync_roles
	@$(MANAGE) demo_staff
	@echo "Starting the task worker and scheduler beside the web server (Ctrl-C stops all three)."
# When the web server stops (Ctrl-C, or the port is taken) the worker and scheduler stop
# with it. Only this shell's own jobs are signalled: "kill 0" would signal make and this
# shell too, and re-enter the trap until the shell crashed.
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(MANAGE) db_worker --interval 0.5 & \
	$(MANAGE) run_scheduler & \
	echo "Chorus is at http://127.0.0.1:8000/  (staff: http://127.0.0.1:8000/admin/; mail: var/mail/)"; \
	$(MANAGE) runserver 127.0.0.1:8000 --noreload

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy chorus config

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

# Production settings with dummy values must pass Django's deployment checks.
deploy-check: install
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=dummy-$$(printf '%060d' 0)-not-used DEBUG=false ALLOWED_HOSTS=chorus.example.org \
	SITE_URL=https://chorus.example.org DATABASE_URL=postgres://chorus@127.0.0.1:5432/chorus \
	REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_HOST=smtp.example.org \
	CHORUS_ENCRYPTION_KEYS=k1:$$(printf 'k%.0s' $$(seq 43)) \
	CHORUS_BLIND_INDEX_KEY=$$(printf 'b%.0s' $$(seq 40)) CHORUS_IP_HASH_KEY=$$(printf 'i%.0s' $$(seq 40)) \
	CHORUS_AUDIT_SEAL_KEY=$$(printf 'a%.0s' $$(seq 40)) \
	$(MANAGE) check --deploy --fail-level WARNING

# Known vulnerabilities in the locks fail the build; without network access the audit
# says it could not run and the build goes on (scripts/audit_deps.py, docs/decisions/0025).
audit-deps: install
	$(PY) scripts/audit_deps.py

# Tests write bytecode (and pytest its rewritten test modules) under var/, outside the
# source tree, so each worker of each run need not compile them all again.
PYTEST := env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(CURDIR)/var/pycache $(BIN)/pytest

test-sqlite: install
	$(PYTEST) -n 2 -q chorus

# While working: the suite without the tests that start other processes (marked slow).
test-quick: install
	$(PYTEST) -n 2 -q -m "not slow" chorus

# The same suite on PostgreSQL whenever one is reachable (CI always has one).
test-postgres: install
	@if $(PY) scripts/pg_reachable.py "$(PG_TEST_URL)"; then \
		DATABASE_URL="$(PG_TEST_URL)" $(PYTEST) -n 2 -q chorus; \
	else echo "PostgreSQL is not reachable at $(PG_TEST_URL): skipping the PostgreSQL run."; fi

test-e2e: install
	@if [ ! -x /usr/bin/chromium ]; then echo "Browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)."; exit 1; fi
	@if ! command -v java >/dev/null; then echo "Browser tests need Java for the Nu HTML Checker (apt-get install default-jre-headless)."; exit 1; fi
	$(PYTEST) -q e2e

test: lint types migrations-check deploy-check audit-deps test-sqlite test-postgres test-e2e
	@echo "All checks passed."

LOCK := $(BIN)/uv pip compile --quiet --python-version 3.12 --generate-hashes

lock:
	$(PY) -m pip install --quiet uv
	$(LOCK) requirements/base.in -o requirements/base.txt
	$(LOCK) requirements/dev.in -o requirements/dev.txt
	$(LOCK) requirements/bench.in -o requirements/bench.txt

# The benchmarks' own packages (bench/README.md), on top of the runtime and development ones.
bench-install: install
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt -r requirements/bench.txt

clean:
	rm -rf $(VENV) var
