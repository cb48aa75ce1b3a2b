# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast install reader translations catalog chromium bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP) reader translations

# The ballot-file reader's tokenizer in C (openbargain/tally/_cells.c), built beside its source.
# Without a C compiler the app and the count still work: the csv module reads the same files, slower
# (the test suite, which holds the two to the same output, then fails).
CELLS := openbargain/tally/_cells
reader: $(STAMP)
	@suffix=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))'); \
	include=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])'); \
	[ $(CELLS)$$suffix -nt $(CELLS).c ] || \
	$${CC:-cc} -O2 -Wall -shared -fPIC -I"$$include" -o $(CELLS)$$suffix $(CELLS).c || \
	echo "warning: the compiled ballot-file reader was not built; the csv module will read ballot files" >&2

# The pages' translations, compiled from the catalogs kept in git (openbargain/translations/*/LC_MESSAGES/messages.po).
translations: $(STAMP)
	$(BIN)/pybabel compile -d openbargain/translations

# After marking new text: extract it and merge it into each catalog, then translate what is new.
catalog: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -k phrase --no-location --sort-output -o openbargain/translations/messages.pot openbargain
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 -i openbargain/translations/messages.pot -d openbargain/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) openbargain demo --if-empty
	BASE_URL=$${BASE_URL:-http://$(HOST):$(PORT)} $(FLASK) run --host $(HOST) --port $(PORT)

test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium: installed here when missing (it needs root and apt).
chromium:
	@[ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium: sudo apt-get install chromium" \
	         "(or run 'make test-fast', the suite without them)." >&2; exit 1; \
	  fi; }

# The inner loop: everything but the browser and fuzz tests. `make test` still runs them all.
test-fast: install
	$(BIN)/python -m pytest -m "not browser and not fuzz" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/tally.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
