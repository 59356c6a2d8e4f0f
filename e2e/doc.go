// Package e2e runs the otelcol-faultline distribution against a real
// Grafana Loki and checks what users query: tagged lines by playbook in
// Loki, the diagnosis events, and the connector's metrics as Prometheus
// scrapes them. The tests need the binaries `make e2e` builds; without
// them they skip.
package e2e
