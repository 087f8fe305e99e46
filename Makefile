PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 4010

.PHONY: install serve test bench

install:
	$(PYTHON) -m pip install -q -e '.[test]'

serve: install
	$(PYTHON) -m twilio_emulator serve --host $(HOST) --port $(PORT)

test: install
	$(PYTHON) -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

bench: install
	$(PYTHON) benchmarks/bench_create.py
