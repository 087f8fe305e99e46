HOST ?= 127.0.0.1
PORT ?= 4010
# Inside an active virtualenv, its python; else the project's own .venv, made with the system's python3
# (Debian's and Ubuntu's python3 refuse `pip install` outside one: PEP 668). PYTHON=... overrides both.
SYSTEM_PYTHON ?= python3
VENV ?= .venv
ifdef VIRTUAL_ENV
PYTHON ?= python
else
PYTHON ?= $(VENV)/bin/python
endif

.PHONY: install serve test fuzz bench bench-ab bench-instructions browser docs coverage image

install: $(if $(VIRTUAL_ENV),,$(VENV)/bin/python)
	$(PYTHON) -m pip install -q -e '.[test,docs]'

$(VENV)/bin/python:
	@$(SYSTEM_PYTHON) -m venv $(VENV) 2>/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq python3-venv && $(SYSTEM_PYTHON) -m venv $(VENV); } || \
		{ echo "make needs Python's venv module (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }

serve: install
	$(PYTHON) -m twilio_emulator serve --host $(HOST) --port $(PORT)

# The inspector's browser tests drive Debian's chromium (Playwright's own browser download cannot work on a
# closed network): installed here when root; without it they are skipped (and fail under CI=1).
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; } || \
		echo "note: no /usr/bin/chromium (Debian: apt-get install chromium): the browser tests will be skipped"

test: install browser
	$(PYTHON) -m pytest -q -rs; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

# The documentation site from docs/ (MkDocs, the Material theme), into site/: open site/index.html, or serve it
# (python3 -m http.server -d site) for its search; nothing is loaded from the internet.
docs: install
	NO_MKDOCS_2_WARNING=1 $(PYTHON) -m mkdocs build --strict

# docs/coverage.md from Twilio's OpenAPI descriptions (TWILIO_OAI_DIR, default ../shared/twilio-oai).
TWILIO_OAI_DIR ?= ../shared/twilio-oai
coverage: install
	$(PYTHON) -m twilio_emulator coverage --spec-dir $(TWILIO_OAI_DIR) --write

# The container image twilio-emulator:latest (needs a Docker engine). BASE=NAME builds it on another base image
# with python3 and venv, from a wheelhouse made here (build/wheels), for a builder that cannot reach the index.
IMAGE ?= twilio-emulator:latest
image: $(if $(VIRTUAL_ENV),,$(VENV)/bin/python)
ifdef BASE
	rm -rf build/wheels && $(PYTHON) -m pip wheel -q --wheel-dir build/wheels .
	docker build --network host --build-arg BASE=$(BASE) -t $(IMAGE) .
	rm -rf build/wheels
else
	docker build -t $(IMAGE) .
endif

# Schema-driven and property-based fuzzing at length (make test runs the same tests with 3 examples each).
fuzz: install
	FUZZ_EXAMPLES=100 FUZZ_RANDOM=1 $(PYTHON) -m pytest -q -s tests/fuzz

WRK = @command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq wrk; } || { echo "make $@ needs wrk (Debian: apt-get install wrk)"; exit 1; }

# Messages.create of BASE (a git revision; default: the latest tag, else the merge base with origin/main) against
# the working tree, in interleaved rounds with the bare handler: req/s, CPU per request and a verdict.
bench-ab: install
	$(WRK)
	$(PYTHON) benchmarks/bench_ab.py $(if $(BASE),--base $(BASE)) $(if $(OTHERS),--others)

# Messages.create in CPU instructions under callgrind (a change of one percent shows; timing cannot see it here);
# REV=<git rev> counts that revision's emulator too.
bench-instructions: install
	@command -v valgrind >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq valgrind; } || { echo "make $@ needs valgrind (Debian: apt-get install valgrind)"; exit 1; }
	$(PYTHON) benchmarks/bench_instructions.py $(if $(REV),--rev $(REV))

bench: install browser
	$(WRK)
	$(PYTHON) benchmarks/bench_create.py
	$(PYTHON) benchmarks/bench_scheduler.py
	$(PYTHON) benchmarks/bench_inbound.py
	$(PYTHON) benchmarks/bench_plugin.py
	$(PYTHON) benchmarks/bench_list.py
	$(PYTHON) benchmarks/bench_inspector.py
	$(PYTHON) benchmarks/bench_queue.py
