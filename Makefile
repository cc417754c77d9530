# make run  - set up everything and run the portal, its worker and the provider simulators
# make run DB=postgres - the same on a private PostgreSQL + Redis (data under var/), with
#            CLUSTERS (default 2) qcluster processes sharing the work
# make test - set up and run every test (embedded default, then PostgreSQL + Redis)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run on up to 4 processes (pytest-xdist: one per core): the suite is ~2,400 tests; `make test PYTEST_PARALLEL=` runs them in one.
PYTEST_PARALLEL ?= -n auto --maxprocesses 4
PORT ?= 8000
SIM_PORT ?= 8025
HOST ?= 127.0.0.1
DB ?= sqlite
ifeq ($(DB),postgres)
WITH_DB := bash deploy/services.sh run --
CLUSTERS ?= 2
else
WITH_DB :=
CLUSTERS ?= 1
endif

.PHONY: run test test-embedded test-pg setup setup-dev env migrate demo lint benchmark clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

env: .env
.env:
	@$(PY) -c "import secrets; from cryptography.fernet import Fernet; \
	print('DEBUG=false'); print('SECRET_KEY=' + secrets.token_urlsafe(50)); \
	print('FIELD_ENCRYPTION_KEY=' + Fernet.generate_key().decode())" > .env
	@echo "wrote .env (secret key and credential encryption key)"

setup: $(VENV)/.runtime .env
	$(WITH_DB) $(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

run: setup
	SITE_URL=http://$(HOST):$(PORT) $(WITH_DB) $(PY) manage.py seed_demo --simulator-url http://$(HOST):$(SIM_PORT)
	@echo ""
	@echo "  Portal:     http://$(HOST):$(PORT)"
	@echo "  Simulators: http://$(HOST):$(SIM_PORT)/<provider>/   (Ctrl-C stops everything)"
	@echo ""
	@# exec: Ctrl-C or a SIGTERM to make reaches the runner itself, which exits 0 after a clean stop
	exec env WEB_PORT=$(PORT) SIM_PORT=$(SIM_PORT) BIND_HOST=$(HOST) SITE_URL=http://$(HOST):$(PORT) \
		$(WITH_DB) $(PY) -m portal.procfile Procfile worker=$(CLUSTERS)

setup-dev: $(VENV)/.dev .env
	@bash .ci/system-packages.sh
	$(PY) manage.py collectstatic --noinput -v 0

test: setup-dev test-embedded test-pg

test-embedded:
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -p no:cacheprovider $(PYTEST_PARALLEL)

test-pg:
	bash .ci/with-services.sh $(VENV)/bin/pytest -p no:cacheprovider -m "not browser" $(PYTEST_PARALLEL)

lint:
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

benchmark: setup
	$(PY) manage.py benchmark

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-wal db.sqlite3-shm
