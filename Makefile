# mati: the model artifact tarball inspector.

SHELL      := /bin/bash
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN        := $(CURDIR)/bin
GO         ?= go
VERSITYGW  := $(BIN)/versitygw
GORELEASER := $(BIN)/goreleaser
GORELEASER_VERSION := v2.12.0
export VERSITYGW

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/mati
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN)/mati ./cmd/mati

.PHONY: demo
demo: build ## build mati and run it on the bundled example artifacts
	@echo '$$ mati check fixtures/testdata/demo_clean_good.tar.gz'
	@$(BIN)/mati check fixtures/testdata/demo_clean_good.tar.gz; echo "exit status: $$?"
	@echo
	@echo '$$ mati check fixtures/testdata/demo_broken.tar.gz'
	@$(BIN)/mati check fixtures/testdata/demo_broken.tar.gz; echo "exit status: $$?"

$(VERSITYGW):
	@mkdir -p $(BIN)
	@echo "installing versitygw (the local S3-compatible server for the tests) into bin/"
	GOBIN=$(BIN) $(GO) install github.com/versity/versitygw/cmd/versitygw@v1.8.0

$(GORELEASER):
	@mkdir -p $(BIN)
	@echo "installing goreleaser $(GORELEASER_VERSION) into bin/"
	GOBIN=$(BIN) $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

.PHONY: tools
tools: $(VERSITYGW) ## install the tools the tests need into bin/

# ISA-L, the faster gzip decoder mati loads when it is installed: Debian's
# libisal-dev (libisal.so.2) for the tests, isal (igzip) for the bench.
ISAL_PKGS := libisal-dev isal
HAVE_ISAL := { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null; } | grep -q 'libisal\.so\.2 '

.PHONY: isal
isal: ## install ISA-L (libisal-dev, isal) where apt-get is available
	@if dpkg -s $(ISAL_PKGS) >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing $(ISAL_PKGS) (ISA-L, the faster gzip decoder)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq $(ISAL_PKGS) >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(ISAL_PKGS) >/dev/null 2>&1; } || \
	  echo "make: could not install $(ISAL_PKGS) with apt-get"; \
	else echo "make: no apt-get as root here: ISA-L ($(ISAL_PKGS)) not installed"; fi

.PHONY: test
test: tools isal ## run every test, the S3 integration tests included, with both gzip decoders
	@dpkg -s python3-h5py >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-h5py >/dev/null 2>&1 || echo "test: python3-h5py is not installed, so TestH5py skips"
	$(GO) vet ./...
	@if $(HAVE_ISAL); then \
	  echo "make: every test with ISA-L (MATI_INFLATE=isal), then artifact and rules with the Go decoder (MATI_INFLATE=go)"; \
	  MATI_INFLATE=isal $(GO) test -race -tags integration -timeout 30m ./... && \
	  MATI_INFLATE=go $(GO) test -race -timeout 30m ./artifact ./rules; \
	else \
	  echo "make: libisal.so.2 not found: the tests run the Go decoder only"; \
	  MATI_INFLATE=go $(GO) test -race -tags integration -timeout 30m ./...; \
	fi

.PHONY: lint
lint: $(GORELEASER) ## gofmt, go vet, staticcheck, govulncheck and goreleaser check
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GORELEASER) check
	@# govulncheck needs vuln.go.dev; where it cannot be reached, say so rather than fail.
	@out=$$($(GO) run golang.org/x/vuln/cmd/govulncheck@v1.9.0 ./... 2>&1); rc=$$?; echo "$$out"; \
	  if [ $$rc -ne 0 ] && echo "$$out" | grep -q 'fetching vulnerabilities'; then \
	    echo "lint: govulncheck could not fetch the vulnerability database; run it where vuln.go.dev is reachable"; \
	  else exit $$rc; fi

.PHONY: fmt
fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

.PHONY: fuzz
fuzz: ## run every fuzz target for 30 seconds
	@set -e; for pkg in $$(go list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzzing $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s $$pkg; \
	  done; \
	done

.PHONY: fixtures
fixtures: ## regenerate the test artifacts
	$(GO) generate ./...

.PHONY: golden
golden: ## regenerate the golden files (rules/testdata, rules/examples.go, the CLI goldens)
	$(GO) test ./rules ./cmd/mati -update

.PHONY: docs
docs: build ## regenerate docs/rules.md
	$(BIN)/mati rules --format markdown > docs/rules.md

.PHONY: man
man: build ## regenerate the man page docs/mati.1
	$(BIN)/mati man > docs/mati.1

.PHONY: bench
bench: build tools isal ## run the benchmarks and print their ratios
	$(GO) run ./internal/bench

.PHONY: cov
cov: ## test coverage report
	$(GO) test -coverprofile=coverage.out ./...
	$(GO) tool cover -func=coverage.out | tail -1

.PHONY: clean
clean: ## remove built files
	rm -rf $(BIN)/mati coverage.out

.PHONY: snapshot
snapshot: $(GORELEASER) ## build a release snapshot with goreleaser (needs zig and syft)
	$(GORELEASER) release --snapshot --clean
