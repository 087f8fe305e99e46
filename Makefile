PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 4010

.PHONY: install serve test fuzz bench

install:
	$(PYTHON) -m pip install -q -e '.[test]'

serve: install
	$(PYTHON) -m twilio_emulator serve --host $(HOST) --port $(PORT)

test: install
	$(PYTHON) -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

# Schema-driven and property-based fuzzing at length (make test runs the same tests with 3 examples each).
fuzz: install
	FUZZ_EXAMPLES=100 FUZZ_RANDOM=1 $(PYTHON) -m pytest -q -s tests/fuzz

bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq wrk; } || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; }
	$(PYTHON) benchmarks/bench_create.py
	$(PYTHON) benchmarks/bench_scheduler.py
	$(PYTHON) benchmarks/bench_inbound.py
	$(PYTHON) benchmarks/bench_plugin.py
