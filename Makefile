# Näringsdash: the two commands.
#   make app    install what the app needs and start it (the first start seeds the demo data)
#   make test   install what the tests need (Chromium and nginx from Debian included) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: app test chromium bench demo

$(VENV)/.app: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.app requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

app: $(VENV)/.app
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 && test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core nginx >/dev/null; }

test: $(VENV)/.dev chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider

demo: $(VENV)/.app
	$(BIN)/python -m naringsdash demo

bench: $(VENV)/.dev
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/pages.py
