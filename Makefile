# Two commands for a fresh machine: `make site` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SSG    := $(VENV)/bin/ssg

.PHONY: setup site test bench clean-venv

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# lunr.js (copied into the site) and axe-core (accessibility tests), from the npm registry.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

site: setup
	$(SSG) build

test: setup
	$(PY) -m pytest -q -p no:cacheprovider

bench: setup
	$(PY) bench/run --hugo $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV) node_modules
