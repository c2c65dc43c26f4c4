# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | md5sum | cut -c1-12)

.PHONY: demo test lint typecheck lock bench clean-demo messages

$(STAMP): requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Start the main job on the embedded default: SQLite, UP demo data, web + worker on :8000.
# SAMPARK_DEMO=1: the public demo may use the demo SECRET_KEY and needs no MFA (issue #12).
demo: $(STAMP)
	SAMPARK_DEMO=1 $(BIN)/sampark start

# Every test: lint, types, the suite on SQLite, then again on PostgreSQL.
test: $(STAMP)
	$(BIN)/python scripts/run_tests.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

bench: $(STAMP)
	$(BIN)/sampark bench coverage

messages: $(STAMP)
	cd sampark && ../$(BIN)/sampark makemessages -l hi --no-obsolete && ../$(BIN)/sampark compilemessages

# Regenerate the lock after changing pyproject.toml dependencies.
lock:
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.lock --python-version 3.11 --quiet
	$(BIN)/uv pip compile pyproject.toml -o requirements/base.lock --python-version 3.11 --quiet

clean-demo:
	rm -f var/sampark.sqlite3 var/sampark.sqlite3-wal var/sampark.sqlite3-shm
