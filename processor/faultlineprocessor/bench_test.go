package faultlineprocessor

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/faultline-dev/faultline/playbooks"
	"github.com/faultline-dev/faultline/processor/faultlineprocessor/internal/metadata"
)

// benchBodies are realistic record bodies: lines of real CI logs (mostly
// lines nothing should match) with a few failures mixed in.
func benchBodies(b *testing.B, n int) []string {
	b.Helper()
	files, _ := filepath.Glob("../../../shared/corpus/passing/*.log")
	if len(files) == 0 {
		b.Skip("no shared corpus beside the repository")
	}
	failures := []string{
		"exec /app/api: exec format error",
		"Back-off restarting failed container api in pod api-7f9c",
		"java.lang.OutOfMemoryError: Java heap space",
		"panic: runtime error: invalid memory address or nil pointer dereference",
		"dial tcp 10.0.0.12:5432: connect: connection refused",
	}
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() && len(out) < n {
			out = append(out, sc.Text())
			if len(out)%500 == 0 {
				out = append(out, failures[len(out)/500%len(failures)])
			}
		}
		fh.Close()
		if len(out) >= n {
			break
		}
	}
	return out[:min(n, len(out))]
}

// batches groups bodies into batches of 100 records, ten services.
func batches(bodies []string) []plog.Logs {
	var out []plog.Logs
	for i := 0; i < len(bodies); i += 100 {
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", fmt.Sprint("svc-", i/100%10))
		rl.Resource().Attributes().PutStr("k8s.namespace.name", "prod")
		lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
		for _, body := range bodies[i:min(i+100, len(bodies))] {
			lrs.AppendEmpty().Body().SetStr(body)
		}
		out = append(out, ld)
	}
	return out
}

// recordsPerSecond runs a processor from newProc over input passes times,
// a fresh one each time so that no pass finds the streams and cooldowns of
// the one before, and returns the median records per second: one pass
// lasts a tenth of a second, short enough for a shared machine's drift to
// move a single figure by tens of percent.
func recordsPerSecond(b *testing.B, newProc func() processor.Logs, input []plog.Logs, passes int) float64 {
	b.Helper()
	var rates []float64
	for range passes {
		proc := newProc()
		// Each pass gets fresh copies, made untimed: the processors mutate
		// what they get.
		copies := make([]plog.Logs, len(input))
		records := 0
		for i, ld := range input {
			copies[i] = plog.NewLogs()
			ld.CopyTo(copies[i])
			records += ld.LogRecordCount()
		}
		start := time.Now()
		for _, ld := range copies {
			if err := proc.ConsumeLogs(context.Background(), ld); err != nil {
				b.Fatal(err)
			}
		}
		rates = append(rates, float64(records)/time.Since(start).Seconds())
	}
	slices.Sort(rates)
	return rates[len(rates)/2]
}

func newBenchFaultline(b *testing.B) processor.Logs {
	cfg := createDefaultConfig()
	proc, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	return proc
}

// transformStatements writes, for every signal of every bundled playbook,
// the OTTL statement a user would write to do faultline's tagging with the
// contrib transform processor.
func transformStatements(b *testing.B) []string {
	lib, err := playbooks.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	quote := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	var stmts []string
	for _, p := range lib.Playbooks {
		for _, s := range p.Signals {
			stmts = append(stmts, fmt.Sprintf(`set(attributes["faultline.playbook"], "%s") where IsMatch(body, "%s")`, p.ID, quote.Replace(s.Expr())))
		}
	}
	return stmts
}

// BenchmarkProcessorVsTransform runs the faultline processor and the
// contrib transform processor doing the same tagging with one OTTL
// statement per signal, on one core, in one process, and prints the ratio.
func BenchmarkProcessorVsTransform(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	bodies := benchBodies(b, 200_000)
	stmts := transformStatements(b)
	tf := transformprocessor.NewFactory()
	tcfg := tf.CreateDefaultConfig()
	cm := confmap.NewFromStringMap(map[string]any{
		"error_mode":     "ignore",
		"log_statements": []any{map[string]any{"context": "log", "statements": stmts}},
	})
	if err := cm.Unmarshal(tcfg); err != nil {
		b.Fatal(err)
	}
	tp, err := tf.CreateLogs(context.Background(), processortest.NewNopSettings(tf.Type()), tcfg, consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	all := batches(bodies)
	small := all[:max(1, len(all)/100)] // the transform processor is far slower; 1% of the records suffice
	var flRate, tfRate float64
	for range b.N {
		flRate = recordsPerSecond(b, func() processor.Logs { return newBenchFaultline(b) }, all, 5)
		tfRate = recordsPerSecond(b, func() processor.Logs { return tp }, small, 1)
	}
	b.ReportMetric(flRate, "faultline-records/s")
	b.ReportMetric(tfRate, "transform-records/s")
	b.ReportMetric(flRate/tfRate, "faultline/transform")
	b.Logf("GOMAXPROCS=1, %d OTTL statements: faultline %.0f records/s, transform %.0f records/s, ratio %.0fx",
		len(stmts), flRate, tfRate, flRate/tfRate)
}

// BenchmarkStreams measures the memory of tracked streams: bytes per stream
// while under the bound, and the heap after 1,000,000 distinct streams with
// the default bound (the LRU keeps it flat).
func BenchmarkStreams(b *testing.B) {
	cfg := createDefaultConfig()
	cfg.Events.Enabled = false
	set := processortest.NewNopSettings(metadata.Type)
	for range b.N {
		p, err := newProcessor(set, cfg)
		if err != nil {
			b.Fatal(err)
		}
		heap := func() uint64 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return ms.HeapAlloc
		}
		ld := plog.NewLogs()
		rl := ld.ResourceLogs().AppendEmpty()
		lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
		before := heap()
		n := cfg.Streams.MaxStreams
		for i := range 1_000_000 {
			rl.Resource().Attributes().PutStr("service.name", fmt.Sprint("svc-", i))
			lr.Body().SetStr("open /etc/app.yaml: no such file or directory")
			lr.Attributes().Clear()
			if _, err := p.processLogs(context.Background(), ld); err != nil {
				b.Fatal(err)
			}
			if i == n-1 {
				b.ReportMetric(float64(heap()-before)/float64(n), "bytes/stream")
			}
		}
		after := heap()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(after-before)/1e6, "heap-MB-after-1M-streams")
		b.ReportMetric(float64(ms.Sys)/1e6, "sys-MB")
		b.Logf("tracked %d streams (bound %d); heap grew %.1f MB after 1,000,000 distinct streams", p.streams.len(), n, float64(after-before)/1e6)
	}
}
