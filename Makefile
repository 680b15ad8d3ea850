# The two commands a newcomer needs (see README):
#   make demo   install what is needed and run the demo
#   make test   install what is needed (test tools and the browser included) and run all tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist); the tests marked serial run alone afterwards.
TEST_WORKERS ?= 2
# The demo renders PDF reports (WeasyPrint: Pango and a CJK font); the tests also drive
# Chromium and read PDFs back with poppler.
DEMO_APT_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
TEST_APT_PACKAGES := $(DEMO_APT_PACKAGES) chromium chromium-driver poppler-utils

.PHONY: demo test install install-test demo-system-deps system-deps lint layers bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The embedded index's C tokenizer is built by pip at install: rebuild when it changes.
NATIVE_SOURCES := $(addprefix tracker/index/embedded/fts5/,yuqing_tokenizer.c unicode_tables.h)

$(VENV)/.installed: pyproject.toml $(NATIVE_SOURCES) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(NATIVE_SOURCES) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Debian packages, installed only when missing (as root, or through sudo).
demo-system-deps:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="$(DEMO_APT_PACKAGES)"

APT_PACKAGES ?= $(TEST_APT_PACKAGES)
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

demo: install demo-system-deps
	$(BIN)/yuqing demo

test: install-test system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not serial"
	$(BIN)/python -m pytest -q -m serial

lint: install-test
	$(BIN)/ruff check .

layers: install-test
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache
