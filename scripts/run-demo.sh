#!/usr/bin/env bash
# make run: start otelcol-faultline on the bundled sample logs, show what it
# found (the tagged lines and the diagnosis event from the debug exporter,
# the connector's metrics from the prometheus exporter), then stop it.
# RUN_SECONDS bounds the run; `make run-collector` keeps it running.
set -euo pipefail
collector=${1:?usage: run-demo.sh COLLECTOR_BINARY}
seconds=${RUN_SECONDS:-30}
out=$(mktemp)
"$collector" --config deploy/collector/local-run.yaml >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT

metrics=""
for _ in $(seq 1 "$seconds"); do
  sleep 1
  metrics=$(curl -fsS http://127.0.0.1:9464/metrics 2>/dev/null | grep '^faultline_' || true)
  if grep -q 'faultline_diagnoses_total' <<<"$metrics"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$out"; echo "otelcol-faultline exited early" >&2; exit 1; fi
done
sleep 1

echo "== diagnosis events (debug exporter) =="
grep -A14 'EventName: faultline.diagnosis' "$out" | grep -E 'EventName|Body|faultline\.' || echo "(none yet)"
echo
echo "== tagged log records =="
grep -B12 -- '-> faultline.playbook' "$out" | grep -E '^Body:' | grep -v 'matching record' | sort -u | head -20 || true
echo
echo "== metrics on http://127.0.0.1:9464/metrics =="
echo "${metrics:-(none yet)}"
echo
echo "Keep it running with 'make run-collector'; analyze a log with 'go run ./cmd/faultline analyze FILE'."
