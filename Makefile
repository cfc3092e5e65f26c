# Thin wrappers over the go command. `make test` is what CI runs.
GO ?= go
FUZZTIME ?= 30s
# The packages that run goroutines (followers, parallel matching and loading,
# bleve batches, zip accounting, tail): tested again under the race detector.
RACE_PKGS ?= ./internal/follow/... ./internal/diagnose ./internal/cli ./internal/logsource ./index ./kb ./cmd/arcdiag

# What --version prints; from git when building in a checkout (a tarball
# without git builds as "(devel)", commit "unknown").
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS = -X github.com/arcdiag/arcdiag/internal/cli.buildVersion=$(VERSION) -X github.com/arcdiag/arcdiag/internal/cli.buildCommit=$(COMMIT)

.PHONY: build install test bench lint fuzz golden evidence man clean

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/arcdiag ./cmd/arcdiag

# Installs to $(go env GOBIN), or $(go env GOPATH)/bin.
install:
	$(GO) install -ldflags '$(LDFLAGS)' ./cmd/arcdiag

# deploy/otelcol is a module of its own (the collector's dependencies stay
# out of arcdiag's go.mod); its test runs a real collector over arcdiag's output.
test: lint
	$(GO) test ./...
	cd deploy/otelcol && $(GO) test ./...
	$(GO) test -race -short -timeout 30m $(RACE_PKGS)
	GOOS=windows $(GO) build ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	cd deploy/otelcol && $(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Each target fuzzes for FUZZTIME and reports its executions. Minimizing a
# new input is capped (-fuzzminimizetime): left at its default of a minute,
# it stalled the fuzzing and its count for the rest of a short run.
FUZZ_TARGETS = kb:FuzzLoad kb:FuzzMatcher parser:FuzzScanner internal/logsource:FuzzZip internal/report:FuzzAppendJSONString \
	internal/redact:FuzzRedact internal/follow:FuzzLineAssembly

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t#*:}; \
		out=$$($(GO) test ./$$pkg -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s 2>&1); rc=$$?; \
		secs=$$(printf '%s\n' "$$out" | grep -o 'elapsed: [0-9]*s' | tail -1 | tr -dc 0-9); \
		execs=$$(printf '%s\n' "$$out" | grep -o 'execs: [0-9]*' | tail -1 | tr -dc 0-9); \
		printf '%-22s %10s execs in %ss (%s/min)%s\n' "$$fn" "$${execs:-0}" "$${secs:-0}" "$$(( $${execs:-0} * 60 / ($${secs:-1} + ($${secs:-1} == 0)) ))" \
			"$$( [ -z "$$execs" ] && echo ': still gathering baseline coverage; raise FUZZTIME')"; \
		if [ $$rc -ne 0 ]; then printf '%s\n' "$$out"; exit 1; fi; \
	done

golden:
	$(GO) test ./kb -run TestBuiltinSnapshot -update
	$(GO) test ./internal/cli -run TestGolden -update

# The manual page, generated from the command tree (not committed: it is
# rebuilt from the code, like the binary). man -l build/man/arcdiag.1 reads it.
man:
	mkdir -p build/man
	$(GO) run ./cmd/arcdiag man > build/man/arcdiag.1

# The tail libraries' rotation evidence, a module of its own (see README, tail).
evidence:
	cd internal/follow/evidence && ARCDIAG_TAIL_EVIDENCE=1 $(GO) test -run TestTailLibraryEvidence -v

clean:
	rm -rf bin build
