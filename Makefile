# faultline — see README.md. Every target works on a fresh machine with Go.
GO       ?= go
FUZZTIME ?=
BIN      := bin

export PATH := $(PATH):/usr/local/go/bin

.PHONY: all build run run-cli collector run-collector e2e loki test vet fmt-check unit lint docs docs-check fuzz bench rarity clean

all: build

build:
	mkdir -p $(BIN)
	$(GO) build -o $(BIN)/faultline ./cmd/faultline

## run: build the otelcol-faultline distribution and run it on the bundled samples (bounded by RUN_SECONDS)
run: collector
	bash scripts/run-demo.sh $(COLLECTOR)

## run-cli: analyze the bundled sample failure with the CLI
run-cli:
	$(GO) run ./cmd/faultline analyze testdata/logs/deploy-entrypoint.log

COLLECTOR := $(BIN)/otelcol-faultline-src/otelcol-faultline

## collector: build the otelcol-faultline distribution (OCB, builder-config.yaml)
collector: $(COLLECTOR)

$(COLLECTOR): builder-config.yaml go.mod go.sum $(shell find playbooks processor connector diagnose matcher redact -name '*.go' -o -name '*.yaml' 2>/dev/null)
	mkdir -p $(BIN)
	@# The distribution's version names the playbook library it embeds:
	@# 0.1.0+playbooks.<content hash> in --version and components.
	lib=$$($(GO) run ./cmd/faultline version | sed -n 's/^playbook library \([0-9a-f]*\) .*/\1/p'); \
	  sed "s/^  version: \(.*\)$$/  version: \1+playbooks.$$lib/" builder-config.yaml > $(BIN)/builder-config.yaml
	$(GO) run go.opentelemetry.io/collector/cmd/builder@v0.158.0 --config $(BIN)/builder-config.yaml
	ln -sf otelcol-faultline-src/otelcol-faultline $(BIN)/otelcol-faultline

## run-collector: the distribution on the bundled samples; debug exporter, metrics on 127.0.0.1:9464
run-collector: collector
	$(COLLECTOR) --config deploy/collector/local-run.yaml

LOKI := $(BIN)/loki

## loki: build a real Grafana Loki for the end-to-end tests (cached in bin/)
loki: $(LOKI)

$(LOKI): e2e/lokibuild/go.mod
	mkdir -p $(BIN)
	cd e2e/lokibuild && $(GO) build -o ../../$(LOKI) github.com/grafana/loki/v3/cmd/loki

## e2e: the distribution against a real Loki and Prometheus exposition; promtool on the alert rules
e2e: collector loki
	$(GO) test ./e2e -count=1 -v -timeout 20m
	bash deploy/check-prometheus.sh

## test: everything CI checks
test: vet fmt-check unit lint docs-check fuzz

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files "*.go")); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /e2e)

lint:
	$(GO) run ./cmd/faultline lint --warnings=false

docs:
	$(GO) run ./cmd/faultline docs

docs-check:
	$(GO) run ./cmd/faultline docs --check

# Each fuzz target runs a fixed number of executions, sized to about ten
# seconds on a 2-core CI machine. Counts, not durations: with a duration,
# Go 1.26's fuzz coordinator can report "context deadline exceeded" when the
# deadline races a worker mid-input (golang/go#75804, fixed in Go 1.27), a
# failure that names no input. FUZZTIME=60s (or 1000000x) overrides every
# count for a longer local run. A failure leaves its input under testdata/fuzz.
fuzz:
	$(GO) test ./matcher -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(or $(FUZZTIME),80000x)
	$(GO) test ./matcher -run '^$$' -fuzz '^FuzzClean$$' -fuzztime $(or $(FUZZTIME),100000x)
	$(GO) test ./playbooks -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(or $(FUZZTIME),60000x)
	$(GO) test ./diagnose -run '^$$' -fuzz '^FuzzAnalyze$$' -fuzztime $(or $(FUZZTIME),250000x)
	$(GO) test ./cmd/faultline -run '^$$' -fuzz '^FuzzAnalyzeInput$$' -fuzztime $(or $(FUZZTIME),10000x)
	$(GO) test ./redact -run '^$$' -fuzz '^FuzzLine$$' -fuzztime $(or $(FUZZTIME),50000x)
	$(GO) test ./processor/faultlineprocessor -run '^$$' -fuzz '^FuzzProcessLogs$$' -fuzztime $(or $(FUZZTIME),30000x)

## bench: engine vs a bytes.Index floor, analyze vs grep (figures and ratios)
bench:
	$(GO) test ./matcher ./diagnose ./cmd/faultline ./processor/faultlineprocessor -run '^$$' -bench . -benchtime 1x -count 1 -timeout 30m

## rarity: regenerate the trigram table the matcher uses to pick triggers
rarity:
	$(GO) run ./internal/gen/rarity -n 3 -keep 6000 -o matcher/trigrams.txt ../shared/corpus
	$(GO) run ./internal/gen/rarity -n 4 -keep 20000 -o matcher/fourgrams.txt ../shared/corpus

clean:
	rm -rf $(BIN)
