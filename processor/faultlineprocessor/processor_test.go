package faultlineprocessor

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/faultline-dev/faultline/processor/faultlineprocessor/internal/metadata"
)

var update = flag.Bool("update", false, "rewrite the expected.yaml golden files")

// testConfig uses the small, stable library under testdata/playbooks so
// that goldens do not change when the bundled library grows.
func testConfig() *Config {
	cfg := createDefaultConfig()
	cfg.Playbooks.Bundled = false
	cfg.Playbooks.Directories = []string{"testdata/playbooks"}
	cfg.Playbooks.ReloadInterval = 0
	cfg.Events.DocsBaseURL = "https://docs.example/playbooks/"
	return cfg
}

// stream is one resource's records; a record is a string body or a
// function that fills it.
type stream struct {
	attrs   map[string]string
	records []any
}

func makeLogs(streams ...stream) plog.Logs {
	ld := plog.NewLogs()
	for _, s := range streams {
		rl := ld.ResourceLogs().AppendEmpty()
		for k, v := range s.attrs {
			rl.Resource().Attributes().PutStr(k, v)
		}
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("app")
		for i, r := range s.records {
			lr := sl.LogRecords().AppendEmpty()
			lr.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + int64(i)))
			switch r := r.(type) {
			case string:
				lr.Body().SetStr(r)
			case func(plog.LogRecord):
				r(lr)
			}
		}
	}
	return ld
}

type harness struct {
	p    *faultlineProcessor
	proc processor.Logs
	sink *consumertest.LogsSink
	tel  *componenttest.Telemetry
	logs *observer.ObservedLogs
	now  time.Time
}

func newHarness(t *testing.T, cfg *Config) *harness {
	t.Helper()
	require.NoError(t, cfg.Validate())
	h := &harness{sink: new(consumertest.LogsSink), tel: componenttest.NewTelemetry(), now: time.Unix(1_700_000_000, 0)}
	t.Cleanup(func() { require.NoError(t, h.tel.Shutdown(context.Background())) })
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = h.tel.NewTelemetrySettings()
	core, logs := observer.New(zap.InfoLevel)
	set.Logger = zap.New(core)
	h.logs = logs
	p, err := newProcessor(set, cfg)
	require.NoError(t, err)
	p.now = func() time.Time { return h.now }
	h.p = p
	proc, err := createLogsWith(context.Background(), set, cfg, h.sink, p)
	require.NoError(t, err)
	require.NoError(t, proc.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, proc.Shutdown(context.Background())) })
	h.proc = proc
	return h
}

func (h *harness) consume(t *testing.T, ld plog.Logs) plog.Logs {
	t.Helper()
	before := len(h.sink.AllLogs())
	require.NoError(t, h.proc.ConsumeLogs(context.Background(), ld))
	all := h.sink.AllLogs()
	require.Len(t, all, before+1)
	return all[len(all)-1]
}

func checkGolden(t *testing.T, name string, got plog.Logs) {
	t.Helper()
	path := filepath.Join("testdata", name, "expected.yaml")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, golden.WriteLogsToFile(path, got))
		return
	}
	want, err := golden.ReadLogs(path)
	require.NoError(t, err, "run 'go test ./processor/faultlineprocessor -update' to create it")
	require.NoError(t, plogtest.CompareLogs(want, got))
}

func TestGolden(t *testing.T) {
	api := map[string]string{"service.name": "api", "k8s.namespace.name": "prod", "k8s.pod.name": "api-7f9c", "k8s.container.name": "api"}
	worker := map[string]string{"service.name": "worker", "k8s.namespace.name": "prod"}
	tests := []struct {
		name    string
		streams []stream
	}{
		{"tagging", []stream{
			{api, []any{"GET /healthz 200 1ms", "exec /app/api: exec format error", "GET /items 200 4ms"}},
			{worker, []any{"job 41 done", "job 42 done"}},
		}},
		{"untouched", []stream{{api, []any{"GET /healthz 200 1ms", "cache warmed", "no such file: nothing to do"}}}},
		{"correlation-and-cause", []stream{{api, []any{
			"open /app/config.yaml: no such file or directory",
			"GET /healthz 200 1ms",
			"container api exited: exit code 127",
		}}}},
		{"all-of-across-records", []stream{{api, []any{
			"Liveness probe failed: HTTP probe failed with statuscode: 500",
			"GET /items 200 3ms",
			"Container api failed liveness probe, will be restarted",
		}}}},
		{"redaction", []stream{{api, []any{
			"exec https://deploy:hunter2pass@registry.example.com/app AKIAIOSFODNN7EXAMPLE: exec format error",
		}}}},
		{"body-types", []stream{{api, []any{
			func(lr plog.LogRecord) {
				lr.Body().SetEmptyMap().PutStr("msg", "exec /app: exec format error")
			},
			func(lr plog.LogRecord) { lr.Body().SetEmptyBytes().FromRaw([]byte("bytes body: exec format error")) },
			func(lr plog.LogRecord) { lr.Body().SetInt(127) },
			func(lr plog.LogRecord) {
				lr.Body().SetEmptySlice().AppendEmpty().SetStr("exec format error in a slice")
			},
			func(lr plog.LogRecord) {
				lr.Body().SetStr("unhandled exception")
				lr.Attributes().PutStr("exception.message", "fork/exec /app: exec format error")
			},
			func(lr plog.LogRecord) {
				lr.Body().SetEmptyMap().PutStr("user", "exec format error is not scanned here")
			},
			func(lr plog.LogRecord) { lr.Body().SetDouble(1.5) },
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			in := makeLogs(tt.streams...)
			inCount := in.LogRecordCount()
			got := h.consume(t, in)
			require.GreaterOrEqual(t, got.LogRecordCount(), inCount, "records were dropped")
			checkGolden(t, tt.name, got)
		})
	}
}

// TestUntouchedAndOrder: records the processor cannot diagnose come out
// exactly as they went in, in order, and every record is still there.
func TestUntouchedAndOrder(t *testing.T) {
	h := newHarness(t, testConfig())
	var recs []any
	for i := range 200 {
		if i%50 == 7 {
			recs = append(recs, fmt.Sprintf("line %d: exec format error", i))
		} else {
			recs = append(recs, fmt.Sprintf("line %d: all fine", i))
		}
	}
	in := makeLogs(stream{map[string]string{"service.name": "api"}, recs})
	want := plog.NewLogs()
	in.CopyTo(want)
	got := h.consume(t, in)
	gotRecs := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	wantRecs := want.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(t, wantRecs.Len(), gotRecs.Len())
	for i := 0; i < wantRecs.Len(); i++ {
		w, g := wantRecs.At(i), gotRecs.At(i)
		require.Equal(t, w.Body().Str(), g.Body().Str(), "record %d moved", i)
		_, tagged := g.Attributes().Get(AttrPlaybook)
		require.Equal(t, strings.Contains(w.Body().Str(), "exec format"), tagged, "record %d", i)
		if !tagged {
			require.Equal(t, 0, g.Attributes().Len(), "untagged record %d was changed", i)
		}
	}
	// One event for four matching records within the cooldown.
	events := got.ResourceLogs().At(0).ScopeLogs().At(1)
	require.Equal(t, ScopeName, events.Scope().Name())
	require.Equal(t, 1, events.LogRecords().Len())
}

func TestCooldown(t *testing.T) {
	cfg := testConfig()
	cfg.Events.Cooldown = time.Minute
	h := newHarness(t, cfg)
	api := map[string]string{"service.name": "api"}
	events := func(ld plog.Logs) (n int, occ []int64) {
		rls := ld.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				if sls.At(j).Scope().Name() != ScopeName {
					continue
				}
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					v, _ := lrs.At(k).Attributes().Get(AttrOccurrences)
					occ = append(occ, v.Int())
					n++
				}
			}
		}
		return n, occ
	}
	n, occ := events(h.consume(t, makeLogs(stream{api, []any{"exec format error"}})))
	require.Equal(t, 1, n)
	require.Equal(t, []int64{1}, occ)
	h.now = h.now.Add(10 * time.Second)
	n, _ = events(h.consume(t, makeLogs(stream{api, []any{"exec format error", "exec format error"}})))
	require.Equal(t, 0, n, "an event inside the cooldown")
	// Another stream has its own cooldown.
	n, _ = events(h.consume(t, makeLogs(stream{map[string]string{"service.name": "web"}, []any{"exec format error"}})))
	require.Equal(t, 1, n)
	h.now = h.now.Add(time.Minute)
	n, occ = events(h.consume(t, makeLogs(stream{api, []any{"exec format error"}})))
	require.Equal(t, 1, n)
	require.Equal(t, []int64{3}, occ, "the records in between are counted")
}

func TestStreamLimit(t *testing.T) {
	cfg := testConfig()
	cfg.Streams.MaxStreams = 10
	h := newHarness(t, cfg)
	for i := range 100 {
		h.consume(t, makeLogs(stream{map[string]string{"service.name": fmt.Sprint("svc-", i)}, []any{"no such file or directory"}}))
	}
	require.Equal(t, 10, h.p.streams.len())
}

func TestConcurrentConsumers(t *testing.T) {
	h := newHarness(t, testConfig())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				ld := makeLogs(stream{map[string]string{"service.name": fmt.Sprint("svc-", (g*200+i)%17)}, []any{"ok", "exec format error", "no such file or directory"}})
				require.NoError(t, h.proc.ConsumeLogs(context.Background(), ld))
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, ld := range h.sink.AllLogs() {
		total += ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().Len()
	}
	require.Equal(t, 8*200*3, total)
}

func TestHotReload(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/playbooks/exec-format.yaml")
	require.NoError(t, err)
	path := filepath.Join(dir, "exec-format.yaml")
	require.NoError(t, os.WriteFile(path, src, 0o644))
	cfg := testConfig()
	cfg.Playbooks.Directories = []string{dir}
	cfg.Playbooks.ReloadInterval = 5 * time.Millisecond
	h := newHarness(t, cfg)
	first := h.p.engine.Load()

	// A good change is picked up.
	changed := strings.Replace(string(src), "title: Binary built for another architecture", "title: Reloaded", 1)
	require.NoError(t, os.WriteFile(path, []byte(changed), 0o644))
	require.Eventually(t, func() bool { return h.p.engine.Load() != first }, 5*time.Second, 5*time.Millisecond)
	pb, _ := h.p.engine.Load().Library().Get("exec-format")
	require.Equal(t, "Reloaded", pb.Title)

	// A broken change keeps the last good library and says why.
	good := h.p.engine.Load()
	require.NoError(t, os.WriteFile(path, []byte(changed+"\nunknown_field: 1\n"), 0o644))
	require.Eventually(t, func() bool {
		return h.logs.FilterMessageSnippet("reloading playbooks failed").Len() > 0
	}, 5*time.Second, 5*time.Millisecond)
	require.Same(t, good, h.p.engine.Load())
	entry := h.logs.FilterMessageSnippet("reloading playbooks failed").All()[0]
	require.Contains(t, fmt.Sprint(entry.ContextMap()["error"]), "exec-format.yaml:")
	got := h.consume(t, makeLogs(stream{map[string]string{"service.name": "api"}, []any{"exec format error"}}))
	v, ok := got.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(AttrPlaybook)
	require.True(t, ok)
	require.Equal(t, "exec-format", v.Str())
}

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("title: x\nsignals: ['(unclosed']\n"), 0o644))
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"defaults are valid", func(*Config) {}, ""},
		{"bad playbook names file, line, field", func(c *Config) { c.Playbooks.Directories = []string{dir} }, "bad.yaml:2: field signals[0].pattern"},
		{"missing directory", func(c *Config) { c.Playbooks.Directories = []string{filepath.Join(dir, "nope")} }, "nope"},
		{"nothing to match", func(c *Config) { c.Playbooks.Bundled = false }, "nothing to match"},
		{"filters leave nothing", func(c *Config) { c.Playbooks.Include = []string{"no-such-playbook"} }, "leave no playbook"},
		{"window", func(c *Config) { c.Streams.Window = 0 }, "streams.window"},
		{"max streams", func(c *Config) { c.Streams.MaxStreams = -1 }, "streams.max_streams"},
		{"max bytes", func(c *Config) { c.Scan.MaxBytes = 0 }, "scan.max_bytes"},
		{"cooldown", func(c *Config) { c.Events.Cooldown = -time.Second }, "events.cooldown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := createDefaultConfig()
			tt.edit(cfg)
			err := cfg.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func FuzzProcessLogs(f *testing.F) {
	f.Add("exec /app: exec format error", "exception", "no such file or directory", uint8(0))
	f.Add("\xff\xfe\x1b[31m", "", "", uint8(3))
	cfg := testConfig()
	set := processortest.NewNopSettings(metadata.Type)
	p, err := newProcessor(set, cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, key, attr string, kind uint8) {
		ld := makeLogs(stream{map[string]string{"service.name": key}, []any{func(lr plog.LogRecord) {
			switch kind % 4 {
			case 0:
				lr.Body().SetStr(body)
			case 1:
				lr.Body().SetEmptyMap().PutStr(key, body)
			case 2:
				lr.Body().SetEmptyBytes().FromRaw([]byte(body))
			case 3:
				lr.Body().SetEmptySlice().AppendEmpty().SetStr(body)
			}
			lr.Attributes().PutStr("exception.stacktrace", attr)
		}, "ok"}})
		out, err := p.processLogs(context.Background(), ld)
		if err != nil {
			t.Fatal(err)
		}
		lrs := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		if lrs.Len() != 2 || lrs.At(1).Body().Str() != "ok" {
			t.Fatalf("records changed: %d", lrs.Len())
		}
	})
}
