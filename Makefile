# Two commands on a fresh machine:  `make run` (the app on its embedded SQLite default) and
# `make test` (lint + the whole suite, browser and PostgreSQL tests included).
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint audit catalogue bench clean-venv system-deps

$(VENV)/.runtime: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# `clinic check` opens the store first: on a first start it creates the key and says where;
# with encrypted data and no key (or the wrong one) it refuses, and the app does not start.
run: $(VENV)/.runtime
	$(PY) -m clinic check
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

# Debian packages the tests drive: chromium (browser tests), postgresql (the PostgreSQL
# store), poppler-utils (PDF to PNG), nodejs and npm (the LHC-Forms check). Installed only
# when missing; needs root or sudo.
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium postgresql poppler-utils >/dev/null; }
	@# nginx and openssl: the deployment test runs deploy/nginx/ with a throw-away certificate.
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    nginx openssl >/dev/null; }
	@command -v node >/dev/null && command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

# pip-audit of every pinned requirement against PyPI's advisory data (needs the network). A known
# vulnerability fails; advisory data that cannot be read is never a pass: a banner, and a failure
# with SCREENER_REQUIRE_AUDIT=1 (README.md, "Tests").
audit: $(VENV)/.dev
	$(PY) .ci/audit.py

test: $(VENV)/.dev system-deps lint audit
	$(PY) -m pytest $(PYTEST_ARGS)

catalogue: $(VENV)/.runtime
	$(PY) -m questionnaire.catalogue > docs/item-catalogue.md

bench: $(VENV)/.dev system-deps
	$(PY) bench/kiosk_rerun.py
	$(PY) bench/kiosk_taps.py
	$(PY) bench/scoring_batch.py
	$(PY) bench/workspace_list.py
	$(PY) bench/workspace_browser.py
	$(PY) bench/exports.py

clean-venv:
	rm -rf $(VENV)
