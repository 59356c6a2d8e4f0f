package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// binary returns the path of a binary built by `make e2e`, or skips.
func binary(t *testing.T, env, def string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		p = def
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("%s not built (run 'make e2e'): %v", abs, err)
	}
	return abs
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs a server process until the test ends; its output goes to a
// file shown when the test fails.
func start(t *testing.T, name, bin string, args ...string) {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
		if t.Failed() {
			data, _ := os.ReadFile(logPath)
			if len(data) > 8000 {
				data = data[len(data)-8000:]
			}
			t.Logf("--- %s output (tail):\n%s", name, data)
		}
	})
}

func waitFor(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}

func get(url string) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error(), 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body), resp.StatusCode
}

const lokiConfig = `auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: %d
  grpc_listen_address: 127.0.0.1
  grpc_listen_port: %d
  log_level: warn
common:
  instance_addr: 127.0.0.1
  path_prefix: %[3]s
  storage:
    filesystem:
      chunks_directory: %[3]s/chunks
      rules_directory: %[3]s/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
schema_config:
  configs:
    - from: 2020-10-24
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
limits_config:
  allow_structured_metadata: true
  reject_old_samples: false
memberlist:
  bind_addr: [127.0.0.1]
  join_members: []
analytics:
  reporting_enabled: false
`

const collectorConfig = `receivers:
  file_log:
    include: [%s]
    start_at: beginning
    resource:
      service.name: e2e-app
      k8s.namespace.name: e2e
processors:
  faultline:
  batch:
    timeout: 200ms
connectors:
  faultline:
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:%d/otlp
    tls:
      insecure: true
  prometheus:
    endpoint: 127.0.0.1:%d
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [file_log]
      processors: [faultline, batch]
      exporters: [otlp_http, faultline]
    metrics:
      receivers: [faultline]
      exporters: [prometheus]
`

type lokiResult struct {
	Data struct {
		Result []struct {
			Stream map[string]string `json:"stream"`
			Values [][]string        `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// lokiQueryRange asks Loki's query_range API for the last day (and the
// next hour: the sample's timestamps are the file's) and returns the body
// and status.
func lokiQueryRange(base, query string) (string, int) {
	q := url.Values{}
	q.Set("query", query)
	q.Set("start", strconv.FormatInt(time.Now().Add(-24*time.Hour).UnixNano(), 10))
	q.Set("end", strconv.FormatInt(time.Now().Add(time.Hour).UnixNano(), 10))
	q.Set("limit", "1000")
	q.Set("step", "60")
	return get(base + "/loki/api/v1/query_range?" + q.Encode())
}

func queryLoki(t *testing.T, base, query string) (lines []string, metas []map[string]string) {
	t.Helper()
	body, code := lokiQueryRange(base, query)
	if code != http.StatusOK {
		t.Fatalf("loki query %s: %d %s", query, code, body)
	}
	var r lokiResult
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("loki answer: %v: %s", err, body)
	}
	for _, s := range r.Data.Result {
		for _, v := range s.Values {
			lines = append(lines, v[1])
			metas = append(metas, s.Stream)
		}
	}
	return lines, metas
}

// TestCollectorToLokiAndPrometheus is the user's path: the distribution
// reads a failing log, tags its failing lines, emits one diagnosis event,
// ships both to Loki and counts them for Prometheus.
func TestCollectorToLokiAndPrometheus(t *testing.T) {
	loki := binary(t, "LOKI_BIN", "../bin/loki")
	collector := binary(t, "COLLECTOR_BIN", "../bin/otelcol-faultline-src/otelcol-faultline")

	dir := t.TempDir()
	lokiPort, lokiGRPC, promPort := freePort(t), freePort(t), freePort(t)
	lokiCfg := filepath.Join(dir, "loki.yaml")
	if err := os.WriteFile(lokiCfg, []byte(fmt.Sprintf(lokiConfig, lokiPort, lokiGRPC, filepath.Join(dir, "loki"))), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, "loki", loki, "-config.file="+lokiCfg)
	lokiURL := fmt.Sprintf("http://127.0.0.1:%d", lokiPort)
	waitFor(t, "loki /ready", 90*time.Second, func() bool { _, code := get(lokiURL + "/ready"); return code == 200 })

	sample, err := filepath.Abs("../testdata/logs/deploy-entrypoint.log")
	if err != nil {
		t.Fatal(err)
	}
	colCfg := filepath.Join(dir, "collector.yaml")
	if err := os.WriteFile(colCfg, []byte(fmt.Sprintf(collectorConfig, sample, lokiPort, promPort)), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, "otelcol-faultline", collector, "--config", colCfg)

	// The tagged lines, exactly.
	tagged := `{service_name="e2e-app"} | faultline_playbook="entrypoint-misconfigured" | faultline_docs_url=""`
	var lines []string
	waitFor(t, "tagged lines in loki", 60*time.Second, func() bool {
		lines, _ = queryLoki(t, lokiURL, tagged)
		return len(lines) >= 2
	})
	time.Sleep(2 * time.Second) // let every batch land before counting
	lines, metas := queryLoki(t, lokiURL, tagged)
	want := []string{"exec /app/api: exec format error", "container smoke-api exited immediately"}
	var got []string
	for _, l := range lines {
		for _, w := range want {
			if strings.Contains(l, w) {
				got = append(got, w)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(lines) != len(want) {
		t.Errorf("tagged lines in loki:\n%s\nwant exactly the lines containing %q", strings.Join(lines, "\n"), want)
	}
	for _, m := range metas {
		if m["faultline_severity"] != "high" || m["faultline_category"] != "container" {
			t.Errorf("structured metadata of a tagged line: %v", m)
		}
	}

	// The diagnosis event, with its attributes.
	events, emetas := queryLoki(t, lokiURL, `{service_name="e2e-app"} | faultline_playbook="entrypoint-misconfigured" | faultline_docs_url!=""`)
	if len(events) != 1 {
		t.Fatalf("diagnosis events in loki: %q, want one", events)
	}
	m := emetas[0]
	for k, want := range map[string]string{
		"faultline_title":       "Docker entrypoint or CMD misconfiguration",
		"faultline_severity":    "high",
		"faultline_cause":       "architecture-mismatch",
		"faultline_occurrences": "1",
	} {
		if m[k] != want {
			t.Errorf("event %s = %q, want %q (all: %v)", k, m[k], want, m)
		}
	}
	if !strings.HasSuffix(m["faultline_docs_url"], "/entrypoint-misconfigured.md") || !strings.Contains(m["faultline_evidence"], "exec format error") {
		t.Errorf("event docs url / evidence: %v", m)
	}

	// Every query the deploy kit ships (cookbook, dashboard, ruler) is
	// valid LogQL on this Loki and finds what it should.
	checkShippedLogQL(t, lokiURL)

	// The connector's counters, as Prometheus scrapes them.
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", promPort)
	var diagnoses, matched float64
	waitFor(t, "faultline metrics", 30*time.Second, func() bool {
		body, _ := get(metricsURL)
		diagnoses = sample1(body, "faultline_diagnoses_total", `faultline_playbook="entrypoint-misconfigured"`)
		matched = sample1(body, "faultline_matched_records_total", `faultline_playbook="entrypoint-misconfigured"`)
		return diagnoses > 0 && matched > 0
	})
	if diagnoses != 1 || matched != float64(len(want)) {
		t.Errorf("faultline_diagnoses_total = %v (want 1), faultline_matched_records_total = %v (want %d)", diagnoses, matched, len(want))
	}
}

// sample1 returns the value of the first sample of metric whose labels hold
// label, or 0.
func sample1(exposition, metric, label string) float64 {
	sc := bufio.NewScanner(strings.NewReader(exposition))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, metric+"{") || !strings.Contains(line, label) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil {
			return v
		}
	}
	return 0
}

// TestDeployConfigsValidate runs `otelcol-faultline validate` on every
// collector config under deploy/.
func TestDeployConfigsValidate(t *testing.T) {
	collector := binary(t, "COLLECTOR_BIN", "../bin/otelcol-faultline-src/otelcol-faultline")
	configs, _ := filepath.Glob("../deploy/collector/*.yaml")
	if len(configs) == 0 {
		t.Fatal("no collector configs under deploy/collector")
	}
	playbooks := t.TempDir() // stands in for the team playbooks ConfigMap
	for _, cfg := range configs {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			cmd := exec.Command(collector, "validate", "--config", cfg)
			cmd.Env = append(os.Environ(),
				"LOKI_OTLP_ENDPOINT=http://127.0.0.1:3100/otlp",
				"PROMETHEUS_REMOTE_WRITE_ENDPOINT=http://127.0.0.1:9090/api/v1/write",
				"K8S_NODE_NAME=node-1",
				"FAULTLINE_PLAYBOOKS_DIR="+playbooks,
			)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("validate %s: %v\n%s", cfg, err, out)
			}
		})
	}
}

// TestVersionAndComponents: the distribution names the playbook library it
// embeds and lists the faultline processor and connector.
func TestVersionAndComponents(t *testing.T) {
	collector := binary(t, "COLLECTOR_BIN", "../bin/otelcol-faultline-src/otelcol-faultline")
	out, err := exec.Command(collector, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "+playbooks.") {
		t.Errorf("--version: %v: %s (want the playbook library version)", err, out)
	}
	out, err = exec.Command(collector, "components").CombinedOutput()
	if err != nil {
		t.Fatalf("components: %v: %s", err, out)
	}
	for _, want := range []string{"name: faultline", "logs-to-metrics: Alpha", "module: github.com/faultline-dev/faultline"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("components output lacks %q", want)
		}
	}
}
