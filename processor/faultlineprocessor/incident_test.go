package faultlineprocessor

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// healthy returns n lines of ordinary traffic for a service.
func healthy(service string, n int) []string {
	var out []string
	for i := range n {
		switch i % 4 {
		case 0:
			out = append(out, fmt.Sprintf(`10.0.%d.%d - - [02/May/2024:10:00:%02d +0000] "GET /api/%s/items?page=%d HTTP/1.1" 200 %d "-" "Go-http-client/1.1"`, i%7, i%200, i%60, service, i, 512+i))
		case 1:
			out = append(out, fmt.Sprintf(`{"level":"info","ts":"2024-05-02T10:00:%02dZ","msg":"request served","service":"%s","status":200,"duration_ms":%d}`, i%60, service, 3+i%40))
		case 2:
			out = append(out, fmt.Sprintf("2024-05-02 10:00:%02d.000  INFO 1 --- [nio-8080-exec-%d] c.e.%s.OrderController : order %d created", i%60, i%9, service, 1000+i))
		case 3:
			out = append(out, fmt.Sprintf("level=info msg=\"cache refreshed\" entries=%d took=%dms", 100+i, i%17))
		}
	}
	return out
}

// TestIncidentInHealthyTraffic streams several services' healthy traffic
// with one incident mixed into one of them, through the bundled library:
// the incident's records are tagged, no healthy record is, and exactly the
// expected diagnosis event comes out.
func TestIncidentInHealthyTraffic(t *testing.T) {
	incident := []string{
		"2024-05-02 10:00:00.000 DEBUG 1 --- [l-1 housekeeper] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Pool stats (total=10, active=10, idle=0, waiting=37)",
		"2024-05-02 10:00:05.000 ERROR 1 --- [nio-8080-exec-4] o.h.engine.jdbc.spi.SqlExceptionHelper : HikariPool-1 - Connection is not available, request timed out after 30000ms.",
		"2024-05-02 10:00:06.000 ERROR 1 --- [nio-8080-exec-5] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception: java.net.SocketTimeoutException: Read timed out",
	}
	orders := healthy("orders", 40)
	// The incident arrives spread over healthy records of the same stream.
	orders = slices.Insert(orders, 30, incident[2])
	orders = slices.Insert(orders, 25, incident[1])
	orders = slices.Insert(orders, 20, incident[0])
	asAny := func(lines []string) []any {
		out := make([]any, len(lines))
		for i, l := range lines {
			out[i] = l
		}
		return out
	}
	cfg := createDefaultConfig()
	cfg.Playbooks.ReloadInterval = 0
	h := newHarness(t, cfg)
	var events []plog.LogRecord
	tagged := map[string]string{} // line -> playbook
	// Three batches, as a collector would receive them.
	for batch := range 3 {
		lo, hi := batch*len(orders)/3, (batch+1)*len(orders)/3
		ld := makeLogs(
			stream{map[string]string{"service.name": "web", "k8s.namespace.name": "shop"}, asAny(healthy("web", 30))},
			stream{map[string]string{"service.name": "orders", "k8s.namespace.name": "shop"}, asAny(orders[lo:hi])},
			stream{map[string]string{"service.name": "worker", "k8s.namespace.name": "shop"}, asAny(healthy("worker", 30))},
		)
		in := ld.LogRecordCount()
		got := h.consume(t, ld)
		rls := got.ResourceLogs()
		total := 0
		for i := 0; i < rls.Len(); i++ {
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					lr := lrs.At(k)
					if sls.At(j).Scope().Name() == ScopeName {
						events = append(events, lr)
						continue
					}
					total++
					if pb, ok := lr.Attributes().Get(AttrPlaybook); ok {
						tagged[lr.Body().Str()] = pb.Str()
					}
				}
			}
		}
		require.Equal(t, in, total, "batch %d: records lost or added", batch)
	}
	for line, pb := range tagged {
		require.Contains(t, incident, line, "a healthy record was tagged %s", pb)
		require.Equal(t, "connection-pool-exhausted", pb, "line %q", line)
	}
	// The pool line alone does not diagnose; the first timeout after it does
	// (all_of within the stream's window), and the event shows both.
	require.Contains(t, tagged, incident[1], "the first timeout after the pool line is not tagged")
	require.Len(t, events, 1, "want exactly one diagnosis event")
	ev := events[0].Attributes()
	pb, _ := ev.Get(AttrPlaybook)
	require.Equal(t, "connection-pool-exhausted", pb.Str())
	cause, _ := ev.Get(AttrCause)
	require.Equal(t, "pool-too-small-for-load", cause.Str())
	evidence, _ := ev.Get(AttrEvidence)
	require.True(t, strings.Contains(evidence.AsString(), "idle=0, waiting=37"), "evidence %s", evidence.AsString())
}

// TestProbeFailureThenKill: kubelet records of one pod, a liveness probe
// failure followed by the kill, among other pods' healthy records.
func TestProbeFailureThenKill(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Playbooks.ReloadInterval = 0
	h := newHarness(t, cfg)
	kubelet := func(pod string) map[string]string {
		return map[string]string{"service.name": "kubelet", "k8s.namespace.name": "shop", "k8s.pod.name": pod}
	}
	probe := `Liveness probe failed: Get "http://10.244.1.17:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
	kill := "Container api failed liveness probe, will be restarted"
	var events []string
	tagged := map[string]string{}
	for _, ld := range []plog.Logs{
		makeLogs(
			stream{kubelet("api-1"), []any{"Started container api", probe}},
			stream{kubelet("web-1"), []any{"Started container web", "Pulled image \"web:1.4\" in 1.2s"}},
		),
		makeLogs(
			stream{kubelet("web-1"), []any{"Readiness probe succeeded"}},
			stream{kubelet("api-1"), []any{kill, "Started container api"}},
		),
	} {
		got := h.consume(t, ld)
		rls := got.ResourceLogs()
		for i := 0; i < rls.Len(); i++ {
			sls := rls.At(i).ScopeLogs()
			for j := 0; j < sls.Len(); j++ {
				lrs := sls.At(j).LogRecords()
				for k := 0; k < lrs.Len(); k++ {
					pb, ok := lrs.At(k).Attributes().Get(AttrPlaybook)
					if !ok {
						continue
					}
					if sls.At(j).Scope().Name() == ScopeName {
						events = append(events, pb.Str())
					} else {
						tagged[lrs.At(k).Body().Str()] = pb.Str()
					}
				}
			}
		}
	}
	require.Equal(t, "liveness-probe-failure", tagged[kill], "the kill is not tagged")
	for line := range tagged {
		require.Contains(t, []string{probe, kill}, line, "a healthy record was tagged")
	}
	require.Equal(t, []string{"liveness-probe-failure"}, events)
}
