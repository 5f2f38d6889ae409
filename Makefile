# Developer entry points. `make up` runs the whole backend on this machine; `make test` is what CI runs.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Debian installs nats-server and mariadbd in sbin, which a normal user's PATH may lack.
export PATH := $(PATH):/usr/local/sbin:/usr/sbin:/sbin

NPM_CI := npm ci --no-audit --no-fund
NODE_TS := node --conditions=development --import tsx

.PHONY: help up build test bench lint docs clean deps-present deps-fresh

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-7s %s\n", $$1, $$2}'

deps-present: # npm ci when node_modules is missing
	@[ -d node_modules ] || $(NPM_CI)

deps-fresh: # npm ci when node_modules is missing or package-lock.json changed since the last install
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then $(NPM_CI); fi

up: deps-present build ## build, then run nats-server + every service + the gateway on http://127.0.0.1:9380 (Ctrl-C stops)
	# one machine: local model servers (Ollama on localhost) are fine unless the caller says otherwise
	MODEL_ALLOW_PRIVATE_NETWORKS=$${MODEL_ALLOW_PRIVATE_NETWORKS:-true} node services/launcher/dist/main.js

build: deps-present ## compile every workspace (tsc -b)
	npx tsc -b

test: deps-fresh ## install what the tests need (npm packages, nats-server, MariaDB), then run every test
	bash scripts/ensure-services.sh
	node scripts/run-tests.mjs

bench: deps-present ## API latency, BEIR retrieval quality, ingestion, 100k-chunk retrieval, streaming (BENCH=api,beir,large,stream picks parts)
	bash scripts/ensure-services.sh nats
	$(NODE_TS) test/bench/run.ts

lint: deps-present ## type-check everything, tests included, and the repository's own rules
	npx tsc -p tsconfig.check.json
	node scripts/lint.mjs

docs: deps-present ## regenerate docs/configuration.md (config specs), docs/errors.md (error registry) and docs/openapi.json (routes + contracts)
	$(NODE_TS) scripts/gen-config-docs.ts
	$(NODE_TS) scripts/gen-error-docs.ts
	$(NODE_TS) scripts/gen-openapi.ts

clean: ## remove build output and benchmark results (keeps node_modules and .data)
	rm -rf shared/*/dist services/*/dist bench-results
	find shared services -name '*.tsbuildinfo' -not -path '*/node_modules/*' -delete
