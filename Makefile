# Thin wrappers over the go command. `make test` is what CI runs.
GO ?= go
FUZZTIME ?= 30s

.PHONY: build test bench lint fuzz golden clean

build:
	$(GO) build -o bin/arcdiag ./cmd/arcdiag

test: lint
	$(GO) test ./...
	GOOS=windows $(GO) build ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fuzz:
	$(GO) test ./kb -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)
	$(GO) test ./kb -run '^$$' -fuzz FuzzMatcher -fuzztime $(FUZZTIME)
	$(GO) test ./parser -run '^$$' -fuzz FuzzScanner -fuzztime $(FUZZTIME)
	$(GO) test ./internal/logsource -run '^$$' -fuzz FuzzZip -fuzztime $(FUZZTIME)
	$(GO) test ./internal/cli -run '^$$' -fuzz FuzzAppendJSONString -fuzztime $(FUZZTIME)

golden:
	$(GO) test ./kb -run TestBuiltinSnapshot -update
	$(GO) test ./internal/cli -run TestGolden -update

clean:
	rm -rf bin
