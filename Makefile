# kmsconform — every target a user or CI needs. `make run` and `make test` are
# the two commands the README promises work on a fresh machine.
GO        ?= go
BIN       := bin/kmsconform
OUT       ?= out
GOFLAGS_TEST ?= -race -count=1 -timeout 30m

.PHONY: all build run test deps vet fmt-check conform-moto conform-local-kms conform-localstack compare fuzz bench clean coverage test-soak

all: build

# The version and VCS stamp go into every run's results (some machines set
# GOFLAGS=-buildvcs=false, so ask for the stamp explicitly).
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
build:
	$(GO) build -buildvcs=auto -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/kmsconform

## run: the whole suite against the embedded reference KMS. Real clients the
## retry scenarios need are installed first when possible; a client that is
## still missing makes its scenarios skip, with the reason.
run: build
	@bash scripts/install-deps.sh || echo "run: some clients could not be installed; their retry scenarios will be skipped"
	./$(BIN) run --out $(OUT)

## coverage: which documented conditions and error pairs the scenarios check.
coverage: build
	./$(BIN) coverage --out $(OUT)

## conform-moto: the suite against moto_server (third-party emulator) on a free
## loopback port, with made-up custom key store fixtures; moto is stopped after.
## Exits 1 when moto fails scenarios (it lacks several operations).
## TAGS='~@retries' leaves out the (slower) client retry scenarios.
conform-moto: build
	@mkdir -p $(OUT)/moto; \
	port=$$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	moto=$$(pyenv which moto_server 2>/dev/null || command -v moto_server); \
	"$$moto" -H 127.0.0.1 -p $$port >$(OUT)/moto/moto_server.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null' EXIT; \
	for i in $$(seq 1 120); do \
	  python3 -c 'import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$$port/moto-api/" 2>/dev/null && break; \
	  [ $$i = 120 ] && { echo "moto_server did not start; see $(OUT)/moto/moto_server.log"; exit 1; }; sleep 0.5; \
	done; \
	AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN= AWS_PROFILE= AWS_REGION=us-east-1 \
	./$(BIN) run --endpoint http://127.0.0.1:$$port --config runner/testdata/fake-fixtures.yaml --out $(OUT)/moto --tags "$(TAGS)" \
	  --name "moto $$(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null)" $(if $(EXPECT),--expectations $(EXPECT))

## conform-local-kms: the suite against local-kms, installed with go install at
## the pinned version ($$(go env GOPATH)/bin). local-kms binds every interface,
## so it and the suite run in private network namespaces where loopback is the
## only interface; it is stopped after, however the run ends. TAGS as above;
## EXPECT=expectations/local-kms.yaml (any target) exits 0 on known failures only.
conform-local-kms: build
	$(GO) install $(LOCAL_KMS)
	bash scripts/conform-local-kms.sh $(BIN) $(OUT)/local-kms "$$($(GO) env GOPATH)/bin/local-kms" \
	  --tags "$(TAGS)" $(if $(EXPECT),--expectations $(EXPECT))

## conform-localstack: the suite against LocalStack's KMS (localstack-core
## from PyPI, pinned, in $(LOCALSTACK_DIR)), started without Docker on a
## loopback port, stopped after; TAGS and EXPECT as above. Says why and exits
## 1 when LocalStack cannot run that way here.
LOCALSTACK_VERSION ?= 2026.3.0
LOCALSTACK_DIR     ?= $(HOME)/.cache/kmsconform/localstack-$(LOCALSTACK_VERSION)
conform-localstack: build
	bash scripts/conform-localstack.sh $(BIN) $(OUT)/localstack $(LOCALSTACK_VERSION) $(LOCALSTACK_DIR) \
	  --tags "$(TAGS)" $(if $(EXPECT),--expectations $(EXPECT))

## compare: the endpoint scenarios (~@retries) on every target available here
## (the embedded reference, moto, local-kms, LocalStack) side by side:
## $(OUT)/compare/compare.html and summary.md, published as
## docs/implementations.md. A target that cannot run is left out, with why.
compare: build
	@rm -rf $(OUT)/compare-runs; mkdir -p $(OUT)/compare-runs; runs=""; \
	echo "compare: the embedded reference"; \
	./$(BIN) run --tags '~@retries' --out $(OUT)/compare-runs/reference >$(OUT)/compare-runs/reference.log 2>&1; \
	if [ -f $(OUT)/compare-runs/reference/results.json ]; then runs="$(OUT)/compare-runs/reference"; fi; \
	for t in moto local-kms localstack; do \
	  echo "compare: $$t"; \
	  $(MAKE) --no-print-directory conform-$$t TAGS='~@retries' OUT=$(OUT)/compare-runs >$(OUT)/compare-runs/$$t.log 2>&1; \
	  if [ -f $(OUT)/compare-runs/$$t/results.json ]; then runs="$$runs $(OUT)/compare-runs/$$t"; \
	  else echo "compare: $$t did not run, left out:"; tail -n 5 $(OUT)/compare-runs/$$t.log | sed 's/^/    /'; fi; \
	done; \
	./$(BIN) compare --out $(OUT)/compare $$runs && cp $(OUT)/compare/summary.md docs/implementations.md && \
	echo "compare: wrote docs/implementations.md"

## deps: everything the tests need that Go modules do not bring (idempotent),
## and local-kms, the emulator `make bench` compares the reference with
## (installed into $$(go env GOPATH)/bin; the pin matches bench.LocalKMSModule).
LOCAL_KMS ?= github.com/nsmithuk/local-kms@v0.0.0-20260228092603-2a5e92d09ab6
deps:
	bash scripts/install-deps.sh
	$(GO) install $(LOCAL_KMS)

## test: what CI runs: unit and integration tests (race detector on), the
## proxy soak, every fuzz target briefly, the suite itself against the embedded
## reference, and strict coverage of every operation in the catalog.
# SUITE_TESTS run the whole suite many times over (against every wrong
# endpoint, and against moto). They run without the race detector: under it
# they take longer than every other test together, and the detector already
# watches the same code run the whole suite in TestReferencePassesEveryTestableScenario.
SUITE_TESTS = TestWrongEndpointsFailEveryCheck|TestMotoRunNamesUnsupportedOperations
test: deps vet fmt-check build
	$(GO) test $(GOFLAGS_TEST) -skip '^($(SUITE_TESTS))$$' ./...
	$(GO) test -count=1 -timeout 30m -run '^($(SUITE_TESTS))$$' ./runner
	$(MAKE) --no-print-directory test-soak
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s
	./$(BIN) coverage --strict --out $(OUT)/coverage >/dev/null
	$(MAKE) --no-print-directory run OUT=$(OUT)/suite

## test-soak: 100,000 requests through seeded random faults, then counts
## goroutines, open fds and heap against a warm-up baseline. A plain (non-race)
## binary: under -race, `make test` runs the same test with fewer requests.
test-soak:
	$(GO) test -count=1 -run '^TestSoakRandomFaultsLeakNothing$$' -v ./proxy/

## fuzz: every fuzz target for FUZZTIME each (seed corpora are in the code;
## a crasher is written to the package's testdata/fuzz and fails the target).
## Go 1.26 can end a clean run with a bare "context deadline exceeded"
## (go.dev/issue/75804, fixed in 1.27): without a written crasher, that is
## reported and skipped rather than failed.
FUZZTIME ?= 10s
FUZZ_TARGETS := FuzzParseRules:./proxy/rules FuzzRequestFacts:./proxy \
	FuzzRedactBody:./proxy/journal FuzzParseKMSARN:./reference FuzzLooksLikeKeyID:./reference \
	FuzzServeKMS:./reference FuzzParse:./tagexpr
fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for t in $(FUZZ_TARGETS); do \
	  name=$${t%%:*}; pkg=$${t#*:}; \
	  echo "== $$name ($$pkg, $(FUZZTIME))"; \
	  if ! $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg >$$log 2>&1; then \
	    if grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log; then \
	      echo "   (ignored: go.dev/issue/75804 deadline race, no failing input)"; \
	    else cat $$log; exit 1; fi; \
	  else tail -n 1 $$log; fi; \
	done

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## bench: proxy overhead (direct vs our proxy vs Toxiproxy), fault timing, the
## reference against local-kms and moto (emulators), and suite wall time in one
## table; also written to $(OUT)/bench. A few minutes.
## BENCHFLAGS='--only emulators' runs one section.
bench: build
	./$(BIN) bench --out $(OUT)/bench $(BENCHFLAGS)

clean:
	rm -rf bin $(OUT)
