# kmsconform — every target a user or CI needs. `make run` and `make test` are
# the two commands the README promises work on a fresh machine.
GO        ?= go
BIN       := bin/kmsconform
OUT       ?= out
GOFLAGS_TEST ?= -race -count=1

.PHONY: all build run test deps vet fmt-check conform-moto fuzz bench clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/kmsconform

## run: the whole suite against the embedded reference KMS.
run: build
	./$(BIN) run --out $(OUT)

## deps: everything the tests need that Go modules do not bring (idempotent).
deps:
	bash scripts/install-deps.sh

## test: what CI runs.
test: deps vet fmt-check
	$(GO) test $(GOFLAGS_TEST) ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin $(OUT)
