# Two commands for a newcomer: `make reports` and `make test`. Both bootstrap .venv by themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KERNEL := naravard
REPORTS ?= reports

# DATA=DIR: read another data folder (a new year, another län; see data/README.md) in every target that reads
# data (reports, lab, dashboard, kit): passed on as NARAVARD_DATA, which kernels and workers inherit.
ifdef DATA
export NARAVARD_DATA := $(abspath $(DATA))
endif

.PHONY: help venv test test-browser browser pdf-libs office reports notebooks participant lab benchmark clean kit

help:
	@echo "make reports     build the municipality reports + index into $(REPORTS)/ (DATA=DIR: another data folder)"
	@echo "make test        run all tests (unit tests, nbval on every notebook, browser tests)"
	@echo "make test-browser run only the browser tests (JupyterLab, reports, dashboard in chromium)"
	@echo "make lab         open JupyterLab on the workbook"
	@echo "make dashboard   the dashboard as a web page (Voilà) on http://127.0.0.1:8866/; IP=0.0.0.0 for a classroom, KERNELS=4 visitors' kernels at most"
	@echo "make notebooks   re-execute the reference notebooks in place (refresh committed outputs)"
	@echo "make participant write participant copies of the exercises (solutions removed) to build/"
	@echo "make kit         the trainer's kit for one municipality in build/kit/ and build/kit.zip (KOMMUN=Habo)"
	@echo "make benchmark   time the batch against a naive papermill loop"
	@echo "make lock        refresh requirements.lock (exact versions + hashes) after editing pyproject.toml"

# Re-installs only when pyproject.toml or the lock changes (the stamp is newer otherwise). Installs the exact
# versions of requirements.lock (hash-checked), then the workbook itself without touching them.
$(STAMP): pyproject.toml requirements.lock naravard_lib/jupyterlab-overrides.json
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@# -qq: setuptools prints an advisory about editable installs of a flat layout on every install
	$(PY) -m pip install -qq --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (naravard)" >/dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp naravard_lib/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

venv: $(STAMP)

# Refresh requirements.lock from pyproject.toml (needs PyPI). Keeps every pin the ranges still allow and
# resolves only what changed; `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed versions.
# Needs only uv (installed into .venv if missing), so it works before the environment matches the new lock.
UV := $(VENV)/bin/uv
LOCK_ARGS ?=
$(UV):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "uv>=0.5,<1"

lock: $(UV)
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 \
		--quiet --output-file requirements.lock $(LOCK_ARGS)

# Debian packages the project needs beyond Python: chromium for the browser tests (with poppler-utils, which
# the tests use to read PDFs back), and Pango/HarfBuzz and a font for WeasyPrint's PDFs
# (naravard_lib.pages.PDF_SYSTEM_PACKAGES). As root with apt (CI, containers) the missing ones are installed;
# otherwise the browser tests, or the PDFs, are skipped with one line.
BROWSER_PACKAGES := chromium poppler-utils
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# LibreOffice opens the spreadsheets and decks in the tests, as the users' Excel and PowerPoint would.
OFFICE_PACKAGES := libreoffice-calc libreoffice-impress
define apt_ensure
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" \
		|| missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian packages for $(2):$$missing"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

browser:
	$(call apt_ensure,$(BROWSER_PACKAGES),the browser tests)

pdf-libs:
	$(call apt_ensure,$(PDF_PACKAGES),PDF reports)

office:
	$(call apt_ensure,$(OFFICE_PACKAGES),the spreadsheet and deck tests)

# One pytest worker per core (pytest-xdist); a file's tests, and a notebook's cells, stay on one worker.
# The library's docstring examples run too (--doctest-modules on naravard_lib).
test: $(STAMP) browser pdf-libs office
	$(PY) -m pytest tests notebooks naravard_lib --doctest-modules --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg \
		--ignore=notebooks/kommunrapport.ipynb -p no:cacheprovider -n auto --dist loadfile

test-browser: $(STAMP) browser
	@if command -v chromium >/dev/null 2>&1; then $(PY) -m pytest tests/browser -p no:cacheprovider; \
	else $(PY) -c 'import sys; sys.path.insert(0, "tests/browser"); from harness import BROWSER_SKIP; print(BROWSER_SKIP)'; fi

reports: $(STAMP) pdf-libs
	$(VENV)/bin/naravard build --pdf --out $(REPORTS)

notebooks: $(STAMP)
	$(PY) -m naravard_lib.refresh

participant: $(STAMP)
	$(VENV)/bin/naravard participant --out build/participant

# The trainer's kit (decks, handouts, participant notebooks, the municipality's report, LÄS MIG.md, zip), offline.
# An earlier kit with an edited file is refused; FORCE=1 replaces it anyway.
KOMMUN ?= Jönköping
kit: $(STAMP) pdf-libs
	$(VENV)/bin/naravard kit --kommun "$(KOMMUN)" --out build/kit $(if $(FORCE),--force)

# Offline by design: no extension manager, update check or news feed reaching the network.
LAB_OFFLINE := --LabApp.extension_manager=readonly --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.news_url=None

# The reference notebooks are the project's own: trusting them lets JupyterLab draw their stored controls.
# Notebooks 00-04 carry slide metadata: open one and press Alt+R for the slideshow (jupyterlab-rise, offline).
lab: $(STAMP)
	$(VENV)/bin/jupyter trust notebooks/*.ipynb notebooks/ovningar/*.ipynb >/dev/null
	@echo "Bildspel: öppna en anteckningsbok 00-04 och tryck Alt+R (View > Render as slideshow)."
	$(VENV)/bin/jupyter lab $(LAB_OFFLINE) $(LAB_ARGS) notebooks

# The dashboard (notebooks/oversikt.ipynb) as a web page with Voilà: code hidden, nothing fetched from outside,
# on this machine only. For a classroom: make dashboard IP=0.0.0.0 PORT=8866 (anyone on the network can open
# it; see README). Stop with Ctrl-C.
IP   ?= 127.0.0.1
PORT ?= 8866
# Kernels at most (the pre-heated one included; about 270 MB each); a visitor beyond them is asked to try again.
KERNELS ?= 4
.PHONY: dashboard
dashboard: $(STAMP)
	$(VENV)/bin/naravard dashboard --ip $(IP) --port $(PORT) --max-kernels $(KERNELS)

benchmark: $(STAMP) browser
	$(PY) benchmarks/batch.py
	$(PY) benchmarks/lab_widgets.py
	$(PY) benchmarks/dashboard.py

clean:
	rm -rf $(VENV) $(REPORTS) build
