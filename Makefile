# reportgen – the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE := data/eksempler/allerod-2024
NEXT_YEAR := data/eksempler/allerod-2025
OIDC := tests/oidc
OIDC_STAMP := $(OIDC)/node_modules/.installed-stamp
WORKSPACE := arbejdsmappe

.PHONY: demo test serve lint check figures golden bench system-deps clean

$(STAMP): pyproject.toml constraints.txt scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test,dev]'
	touch $@

# the real OpenID Connect provider the team-mode tests log in at (oidc-provider on Node.js, pinned by its lock file)
$(OIDC_STAMP): $(OIDC)/package.json $(OIDC)/package-lock.json scripts/install-system-deps.sh
	cd $(OIDC) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bash scripts/install-system-deps.sh

## demo: install everything and build the example case and the following year's, which follows up on its plan
demo: $(STAMP)
	$(BIN)/reportgen check $(EXAMPLE)
	$(BIN)/reportgen build $(EXAMPLE)
	$(BIN)/reportgen check $(NEXT_YEAR)
	$(BIN)/reportgen build $(NEXT_YEAR)

## test: install everything and run the whole test suite, one worker per core (tests/conftest.py)
test: $(STAMP) $(OIDC_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadscope

## serve: the example cases in the browser (prints the address with the access token), in a workspace of their own,
##        arbejdsmappe/ (ignored by git): made the first time from a copy of data/eksempler, whose two cases are built
##        into arbejdsmappe/output/ as `make demo` builds them into output/; cases created in the browser and every
##        version land there, never among the checkout's files
serve: $(STAMP)
	@if [ ! -d $(WORKSPACE) ]; then \
		mkdir -p $(WORKSPACE) && cp -R data/eksempler/. $(WORKSPACE)/ && \
		echo "Arbejdsmappen $(WORKSPACE)/ er lavet med en kopi af eksemplerne; de bygges første gang:" && \
		$(BIN)/reportgen build $(WORKSPACE)/$(notdir $(EXAMPLE)) --out $(WORKSPACE)/output && \
		$(BIN)/reportgen build $(WORKSPACE)/$(notdir $(NEXT_YEAR)) --out $(WORKSPACE)/output; \
	fi
	$(BIN)/reportgen serve $(WORKSPACE)

## lint: formatting, lint rules, types and the pipeline's import contracts (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff format --check reportgen tests benchmarks scripts
	$(BIN)/ruff check reportgen tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

## check: validate the example case and print its key figures and warnings
check: $(STAMP)
	$(BIN)/reportgen check $(EXAMPLE)

## figures: every computed figure of the example case as JSON (docs/figurer.md)
figures: $(STAMP)
	$(BIN)/reportgen figures $(EXAMPLE)

## golden: regenerate the golden files after an intended change (review the diff!)
golden: $(STAMP)
	REPORTGEN_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py

## bench: all 98 packets, a cold single build and the pandoc + LibreOffice chain (benchmarks/README.md)
bench: $(STAMP)
	bash scripts/install-system-deps.sh --bench
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) output $(OIDC)/node_modules
