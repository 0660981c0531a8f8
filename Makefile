# `make demo` and `make test` work on a fresh machine: they install what they need, then run.
# Both are idempotent: the venv is rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench reliability deps system-deps clean

# The main demo: seed 001's Fashion-MNIST classifier (a few epochs, under a minute).
demo: deps
	$(PY) -m demos.fashion_mnist

# The unit tests, then the notebooks (notebooks/*.ipynb, each executed in a fresh kernel by nbmake).
test: deps
	$(PY) -m pytest -q --nbmake --nbmake-timeout=300

# Timings of tensorgrad beside hand-written numpy (and PyTorch when installed: pip install torch==2.13.0);
# writes benchmarks/RESULTS.md. A few minutes.
bench: deps
	$(PY) -m benchmarks.run_all

# Re-run the reliability tests and rewrite the counts table in RELIABILITY.md.
reliability: deps
	$(PY) scripts/reliability_report.py

deps: system-deps $(STAMP)

# As root, install the Debian packages the tests and demos use (graphviz's `dot`, Fashion-MNIST).
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || missing="$$missing dataset-fashion-mnist"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "note: not root, so not installing:$$missing (tests that need them are skipped)"; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
