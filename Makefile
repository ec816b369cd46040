# Näringsdash: the two commands.
#   make app    install what the app needs and start it (the first start seeds the demo data)
#   make test   install what the tests need (Chromium and nginx from Debian included) and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: app test chromium reportlibs bench demo

$(VENV)/.app: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.app requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

app: $(VENV)/.app reportlibs
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 && test -x /usr/sbin/nginx || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core nginx >/dev/null; }

# The report's PDF (WeasyPrint) needs Pango, the Word charts (CairoSVG) cairo, both fonts that cover Swedish.
reportlibs:
	@{ ldconfig -p | grep -q libpangoft2-1.0.so.0 && ldconfig -p | grep -q libcairo.so.2 && fc-list | grep -qi "Liberation Sans"; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fontconfig fonts-liberation fonts-dejavu-core >/dev/null; }

test: $(VENV)/.dev chromium reportlibs
	$(BIN)/ruff check --no-cache .
	$(BIN)/python -m mypy naringsdash
	$(BIN)/python -m pytest -q -p no:cacheprovider

demo: $(VENV)/.app
	$(BIN)/python -m naringsdash demo

bench: $(VENV)/.dev chromium reportlibs
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/login.py
