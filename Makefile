# guidebuilder: `make guides` builds every guide into build/site/, `make test` runs the tests.
# Both set up everything they need first (system packages where apt is usable, then .venv).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Pango/HarfBuzz for WeasyPrint, libharfbuzz-subset0 for fast PDF font subsetting
# (absent from a fresh Debian), ICU for Khmer word breaks (PyICU builds against it),
# GNU gettext for catalog layout and msgfmt checks, poppler-utils for the PDF tests and for
# import-translation's PDF text (pdftotext). pandoc comes from PyPI (pypandoc_binary) with the package.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig \
	libicu-dev pkg-config g++ gettext poppler-utils chromium
# Commands the browser tests need (axe-core via npm, the Nu HTML checker on Java), installed
# from Debian only when the machine has none already: command=package.
APT_COMMANDS := java=default-jre-headless npm=npm
GB := $(BIN)/guidebuilder

.PHONY: setup system-deps guides catalogs test lint fuzz bench fonts clean

setup: system-deps $(STAMP)

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for cp in $(APT_COMMANDS); do command -v $${cp%%=*} >/dev/null 2>&1 || missing="$$missing $${cp#*=}"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "note: no apt-get here; install the equivalents of:$$missing"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else \
	  echo "note: not root and no sudo; install these Debian packages yourself:$$missing"; exit 0; fi; \
	echo "installing:$$missing"; \
	$$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing >/dev/null

$(STAMP): pyproject.toml tests/browser/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; \
	else echo "note: npm not found; the browser tests will be skipped"; fi
	touch $(STAMP)

catalogs: setup
	$(GB) extract
	$(GB) update
	$(GB) stats

# The site to publish is build/site/; proofs (build/proof), pseudo-translations (build/pseudo) and the
# build state (build/.guidebuilder) are written beside it, never in it.
guides: catalogs
	$(GB) build-guides

# Static checks first (seconds), then the suite on every core (pytest-xdist), a module's tests on one
# core so that the guides its fixtures build are built once, modules in the order tests/conftest.py gives.
test: setup lint
	$(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder

# Static checks (configured in pyproject.toml); both run, and the target fails if either finds anything.
lint: setup
	$(BIN)/ruff check guidebuilder tests; ruff=$$?; $(BIN)/mypy guidebuilder; mypy=$$?; test $$ruff = 0 -a $$mypy = 0

# A longer mutation campaign than `make test` runs: 5,000 malformed guides, catalogs and configs;
# the summary table goes to build/fuzz/summary.md, failing inputs to build/fuzz/failures/.
fuzz: setup
	$(BIN)/python tests/fuzz/campaign.py --cases 5000

# The peers (bare WeasyPrint, Chromium) render with system fonts: Debian's Noto packages.
bench: setup
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  for p in fonts-noto-core fonts-noto-cjk chromium; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; fi; \
	else echo "note: install fonts-noto-core, fonts-noto-cjk and chromium for the peers"; fi
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/bench.py

# Refresh fonts/ from Debian's Noto packages (maintainers only; fonts/ is committed).
fonts: setup
	@command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-core fonts-noto-cjk >/dev/null
	$(BIN)/python fonts/import_debian_fonts.py

clean:
	rm -rf build
