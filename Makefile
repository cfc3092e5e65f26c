# Thin wrappers over the go command. `make test` is what CI runs.
GO ?= go
FUZZTIME ?= 30s
# The packages that run goroutines (followers, parallel matching and loading,
# bleve batches, zip accounting, tail, the web server): tested again under the race detector.
RACE_PKGS ?= ./internal/follow/... ./internal/cores ./internal/diagnose ./internal/cli ./internal/logsource ./internal/serve ./index ./kb ./cmd/arcdiag

# What --version prints; from git when building in a checkout (a tarball
# without git builds as "(devel)", commit "unknown").
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS = -X github.com/arcdiag/arcdiag/internal/cli.buildVersion=$(VERSION) -X github.com/arcdiag/arcdiag/internal/cli.buildCommit=$(COMMIT)

.PHONY: build install test bench lint fuzz golden evidence man dist clean

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/arcdiag ./cmd/arcdiag

# Installs to $(go env GOBIN), or $(go env GOPATH)/bin.
install:
	$(GO) install -ldflags '$(LDFLAGS)' ./cmd/arcdiag

# deploy/otelcol and tools are modules of their own (the collector's and
# nfpm's dependencies stay out of arcdiag's go.mod): the first's test runs a
# real collector over arcdiag's output, the second's runs make dist and
# installs the deb. CGO_ENABLED=0: the rpm reader's zstd would build C;
# -timeout 30m: from an empty build cache on a busy machine, building the
# collector or make dist took over the default 10 minutes.
test: lint
	$(GO) test -timeout 30m ./...
	cd deploy/otelcol && $(GO) test -timeout 30m ./...
	cd tools && CGO_ENABLED=0 $(GO) test -timeout 30m ./...
	$(GO) test -race -short -timeout 30m $(RACE_PKGS)
	GOOS=windows $(GO) build ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	cd deploy/otelcol && $(GO) vet ./...
	cd tools && CGO_ENABLED=0 $(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Each target fuzzes for FUZZTIME and reports its executions. Minimizing a
# new input is capped (-fuzzminimizetime): left at its default of a minute,
# it stalled the fuzzing and its count for the rest of a short run.
FUZZ_TARGETS = kb:FuzzLoad kb:FuzzMatcher parser:FuzzScanner parser:FuzzChunks parser:FuzzLogrusFastPath internal/logsource:FuzzZip internal/report:FuzzAppendJSONString \
	internal/redact:FuzzRedact internal/follow:FuzzLineAssembly internal/cli:FuzzAnalyzeDifferential

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
	$(GO) test ./index -run TestBuiltinSegments -update
	$(GO) test ./internal/cli -run TestGolden -update

# The manual page, generated from the command tree (not committed: it is
# rebuilt from the code, like the binary). man -l build/man/arcdiag.1 reads it.
man:
	mkdir -p build/man
	$(GO) run ./cmd/arcdiag man > build/man/arcdiag.1

# The tail libraries' rotation evidence, a module of its own (see README, tail).
evidence:
	cd internal/follow/evidence && ARCDIAG_TAIL_EVIDENCE=1 $(GO) test -run TestTailLibraryEvidence -v

# Release files in $(DIST): per DIST_TARGETS entry an archive (tar.gz for
# linux with the man page, completions and systemd unit, zip for windows
# with the PowerShell completion), deb and rpm packages for linux
# (deploy/nfpm), and SHA-256 checksums of them all (sha256sum -c
# checksums.txt). Binaries are static (CGO_ENABLED=0), -trimpath and
# stripped (-s -w); archives and packages take their file times from the
# commit (SOURCE_DATE_EPOCH), not from the build.
DIST ?= dist
DIST_TARGETS ?= linux/amd64 linux/arm64 windows/amd64 windows/arm64
# Packages need a version that starts with a digit: tag v1.2.3 gives 1.2.3;
# an untagged commit gives 0.0.0-dev+<commit> (semver, sorts before 0.0.0).
PKG_VERSION ?= $(if $(shell printf '%s' '$(VERSION)' | grep -E '^v[0-9]'),$(patsubst v%,%,$(VERSION)),0.0.0-dev+$(or $(shell git rev-parse --short HEAD 2>/dev/null),unknown))
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
NFPM = $(GO) tool -modfile=tools/go.mod nfpm
STAGE ?= build/dist

dist: man
	rm -rf $(STAGE) && mkdir -p $(STAGE)/completions $(DIST)
	$(GO) build -o $(STAGE)/arcdiag-host ./cmd/arcdiag
	$(STAGE)/arcdiag-host completion bash > $(STAGE)/completions/arcdiag.bash
	$(STAGE)/arcdiag-host completion zsh > $(STAGE)/completions/_arcdiag
	$(STAGE)/arcdiag-host completion fish > $(STAGE)/completions/arcdiag.fish
	$(STAGE)/arcdiag-host completion powershell > $(STAGE)/completions/arcdiag.ps1
	gzip -9n < build/man/arcdiag.1 > $(STAGE)/arcdiag.1.gz
	@set -e; out=$$(cd $(DIST) && pwd); for t in $(DIST_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; name=arcdiag_$(PKG_VERSION)_$${os}_$${arch}; dir=$(STAGE)/$$name; \
		exe=arcdiag; [ $$os = windows ] && exe=arcdiag.exe; \
		echo "$$t: $$name"; mkdir -p $$dir; cp README.md $$dir/; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o $$dir/$$exe ./cmd/arcdiag; \
		touch -d @$(SOURCE_DATE_EPOCH) $$dir/*; \
		if [ $$os = windows ]; then \
			cp $(STAGE)/completions/arcdiag.ps1 $$dir/; touch -d @$(SOURCE_DATE_EPOCH) $$dir $$dir/*; \
			(cd $(STAGE) && rm -f $$out/$$name.zip && zip -qrX $$out/$$name.zip $$name); \
		else \
			cp build/man/arcdiag.1 $(STAGE)/completions/arcdiag.bash $(STAGE)/completions/_arcdiag $(STAGE)/completions/arcdiag.fish \
				deploy/systemd/arcdiag.service $$dir/; \
			touch -d @$(SOURCE_DATE_EPOCH) $$dir $$dir/*; \
			tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) -C $(STAGE) -czf $$out/$$name.tar.gz $$name; \
			for p in deb rpm; do \
				ARCH=$$arch VERSION=$(PKG_VERSION) BIN=$$dir/arcdiag STAGE=$(STAGE) $(NFPM) package --config deploy/nfpm/nfpm.yaml --packager $$p --target $$out/ >/dev/null; \
			done; \
		fi; \
	done
	cd $(DIST) && rm -f checksums.txt && sha256sum -- * > $(abspath $(STAGE))/checksums.txt && mv $(abspath $(STAGE))/checksums.txt .
	@ls -l $(DIST)

clean:
	rm -rf bin build dist
