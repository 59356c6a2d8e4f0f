package faultlineconnector

import (
	"context"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/faultline-dev/faultline/connector/faultlineconnector/internal/metadata"
)

var update = flag.Bool("update", false, "rewrite the golden files")

type rec struct {
	playbook, category, severity string
	event                        bool
}

// processorOutput builds what the faultline processor emits for one
// resource: tagged and untagged records, and events in their own scope.
func processorOutput(service, namespace string, recs ...rec) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", service)
	rl.Resource().Attributes().PutStr("k8s.namespace.name", namespace)
	rl.Resource().Attributes().PutStr("k8s.pod.name", service+"-abc")
	app := rl.ScopeLogs().AppendEmpty()
	var events plog.ScopeLogs
	for _, r := range recs {
		var lr plog.LogRecord
		if r.event {
			if events == (plog.ScopeLogs{}) {
				events = rl.ScopeLogs().AppendEmpty()
				events.Scope().SetName("faultline")
			}
			lr = events.LogRecords().AppendEmpty()
			lr.SetEventName("faultline.diagnosis")
		} else {
			lr = app.LogRecords().AppendEmpty()
		}
		lr.Body().SetStr("line")
		if r.playbook != "" {
			lr.Attributes().PutStr("faultline.playbook", r.playbook)
			lr.Attributes().PutStr("faultline.category", r.category)
			lr.Attributes().PutStr("faultline.severity", r.severity)
		}
	}
	return ld
}

func newTestConnector(t *testing.T, cfg *Config) (*faultlineConnector, *consumertest.MetricsSink, *time.Time) {
	t.Helper()
	sink := new(consumertest.MetricsSink)
	now := time.Unix(1_700_000_000, 0)
	c := newConnector(connectortest.NewNopSettings(metadata.Type), cfg, sink, func() time.Time { return now })
	return c, sink, &now
}

func TestCumulativeGolden(t *testing.T) {
	c, sink, now := newTestConnector(t, createDefaultConfig())
	ctx := context.Background()
	crash := rec{"k8s-crashloopbackoff", "kubernetes", "high", false}
	crashEvent := rec{"k8s-crashloopbackoff", "kubernetes", "high", true}
	oom := rec{"oom-killed", "kubernetes", "critical", false}
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("api", "prod", rec{}, crash, crash, crashEvent, rec{})))
	*now = now.Add(10 * time.Second)
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("api", "prod", crash, oom)))
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("worker", "batch", rec{}, rec{})))
	*now = now.Add(10 * time.Second)
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("api", "staging", crash, crashEvent)))

	all := sink.AllMetrics()
	require.Len(t, all, 3, "a batch without tags sends nothing")
	for i, md := range all {
		path := filepath.Join("testdata", "cumulative", []string{"batch1.yaml", "batch2.yaml", "batch3.yaml"}[i])
		if *update {
			require.NoError(t, golden.WriteMetricsToFile(path, md))
			continue
		}
		want, err := golden.ReadMetrics(path)
		require.NoError(t, err)
		require.NoError(t, pmetrictest.CompareMetrics(want, md, pmetrictest.IgnoreMetricDataPointsOrder(), pmetrictest.IgnoreTimestamp(), pmetrictest.IgnoreStartTimestamp()))
	}
	// Cumulative: the api/prod crash loop counted 3 records over two batches
	// with one start time.
	dp := findPoint(t, all[1], MetricMatchedRecords, "k8s-crashloopbackoff", "prod")
	require.Equal(t, int64(3), dp.IntValue())
	require.Equal(t, findPoint(t, all[0], MetricMatchedRecords, "k8s-crashloopbackoff", "prod").StartTimestamp(), dp.StartTimestamp())
	require.Equal(t, pmetric.AggregationTemporalityCumulative, all[1].ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().AggregationTemporality())
}

func findPoint(t *testing.T, md pmetric.Metrics, metric, playbook, namespace string) pmetric.NumberDataPoint {
	t.Helper()
	ms := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
	for i := 0; i < ms.Len(); i++ {
		if ms.At(i).Name() != metric {
			continue
		}
		dps := ms.At(i).Sum().DataPoints()
		for j := 0; j < dps.Len(); j++ {
			pb, _ := dps.At(j).Attributes().Get("faultline.playbook")
			ns, _ := dps.At(j).Attributes().Get("k8s.namespace.name")
			if pb.Str() == playbook && ns.Str() == namespace {
				return dps.At(j)
			}
		}
	}
	t.Fatalf("no %s point for %s in %s", metric, playbook, namespace)
	return pmetric.NumberDataPoint{}
}

func TestOverflow(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.MaxSeries = 2
	c, sink, _ := newTestConnector(t, cfg)
	for _, svc := range []string{"a", "b", "c", "d"} {
		require.NoError(t, c.ConsumeLogs(context.Background(), processorOutput(svc, "prod", rec{"oom-killed", "kubernetes", "critical", false})))
	}
	last := sink.AllMetrics()[len(sink.AllMetrics())-1]
	dps := last.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints()
	require.Equal(t, 1, dps.Len(), "only the changed overflow series is sent")
	v, ok := dps.At(0).Attributes().Get(AttrOverflow)
	require.True(t, ok && v.Bool())
	require.Equal(t, int64(2), dps.At(0).IntValue())
	require.Len(t, c.series, 3)
}

func TestFlushResendsEverySeries(t *testing.T) {
	c, sink, now := newTestConnector(t, createDefaultConfig())
	ctx := context.Background()
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("a", "prod", rec{"oom-killed", "kubernetes", "critical", false})))
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("b", "prod", rec{"oom-killed", "kubernetes", "critical", false})))
	require.Equal(t, 1, sink.AllMetrics()[1].DataPointCount())
	*now = now.Add(2 * time.Minute)
	require.NoError(t, c.ConsumeLogs(ctx, processorOutput("b", "prod", rec{"oom-killed", "kubernetes", "critical", false})))
	require.Equal(t, 2, sink.AllMetrics()[2].DataPointCount())
}

func TestFactory(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	require.NoError(t, cfg.Validate())
	cfg.MaxSeries = 0
	require.ErrorContains(t, cfg.Validate(), "max_series")
	c, err := f.CreateLogsToMetrics(context.Background(), connectortest.NewNopSettings(metadata.Type), createDefaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background(), nil))
	require.NoError(t, c.Shutdown(context.Background()))
	require.Equal(t, component.MustNewType("faultline"), f.Type())
}
