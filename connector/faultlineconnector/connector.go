package faultlineconnector

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"
)

// The names the processor writes and the metrics this connector makes;
// DESIGN.md fixes them.
const (
	attrPlaybook = "faultline.playbook"
	attrCategory = "faultline.category"
	attrSeverity = "faultline.severity"
	eventScope   = "faultline"
	eventName    = "faultline.diagnosis"

	MetricDiagnoses      = "faultline.diagnoses"
	MetricMatchedRecords = "faultline.matched_records"

	// AttrOverflow marks the series that counts everything past MaxSeries.
	AttrOverflow = "otel.metric.overflow"
)

type kind int

const (
	diagnoses kind = iota
	matchedRecords
)

// series is one cumulative counter.
type series struct {
	kind  kind
	attrs pcommon.Map
	start pcommon.Timestamp
	value int64
	dirty bool
}

type faultlineConnector struct {
	component.StartFunc
	component.ShutdownFunc

	cfg    *Config
	next   consumer.Metrics
	logger *zap.Logger
	now    func() time.Time

	mu        sync.Mutex
	series    map[string]*series
	count     [2]int // series per kind, overflow excluded
	lastFlush time.Time
	warned    bool
	keyBuf    []byte
}

func newConnector(set connector.Settings, cfg *Config, next consumer.Metrics, now func() time.Time) *faultlineConnector {
	return &faultlineConnector{cfg: cfg, next: next, logger: set.Logger, now: now, series: map[string]*series{}, lastFlush: now()}
}

var _ connector.Logs = (*faultlineConnector)(nil)

func (c *faultlineConnector) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// ConsumeLogs counts the batch's events and tagged records and sends the
// series that changed (every series once per FlushInterval).
func (c *faultlineConnector) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	c.mu.Lock()
	now := c.now()
	ts := pcommon.NewTimestampFromTime(now)
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		res := rl.Resource().Attributes()
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			isEvents := sl.Scope().Name() == eventScope
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				attrs := lr.Attributes()
				pb, ok := attrs.Get(attrPlaybook)
				if !ok {
					continue
				}
				kd := matchedRecords
				if isEvents && lr.EventName() == eventName {
					kd = diagnoses
				}
				c.add(kd, pb.AsString(), attrs, res, ts)
			}
		}
	}
	full := c.cfg.FlushInterval > 0 && now.Sub(c.lastFlush) >= c.cfg.FlushInterval
	if full {
		c.lastFlush = now
	}
	md := c.build(ts, full)
	c.mu.Unlock()
	if md.DataPointCount() == 0 {
		return nil
	}
	return c.next.ConsumeMetrics(ctx, md)
}

// add counts one record into its series. c.mu must be held.
func (c *faultlineConnector) add(kd kind, playbook string, attrs, res pcommon.Map, ts pcommon.Timestamp) {
	b := append(c.keyBuf[:0], byte('0'+kd), 0)
	b = append(b, playbook...)
	b = appendAttr(b, attrs, attrCategory)
	b = appendAttr(b, attrs, attrSeverity)
	for _, name := range c.cfg.ResourceAttributes {
		b = appendAttr(b, res, name)
	}
	c.keyBuf = b
	s, ok := c.series[string(b)]
	if !ok {
		if c.count[kd] >= c.cfg.MaxSeries {
			s = c.overflow(kd, ts)
		} else {
			s = &series{kind: kd, attrs: pcommon.NewMap(), start: ts}
			s.attrs.PutStr(attrPlaybook, playbook)
			copyStr(s.attrs, attrs, attrCategory)
			copyStr(s.attrs, attrs, attrSeverity)
			for _, name := range c.cfg.ResourceAttributes {
				copyStr(s.attrs, res, name)
			}
			c.series[string(b)] = s
			c.count[kd]++
		}
	}
	s.value++
	s.dirty = true
}

func (c *faultlineConnector) overflow(kd kind, ts pcommon.Timestamp) *series {
	key := string([]byte{byte('0' + kd), 1}) + "overflow"
	if s, ok := c.series[key]; ok {
		return s
	}
	if !c.warned {
		c.warned = true
		c.logger.Warn("faultline connector: series limit reached; further series are counted in one overflow series (otel.metric.overflow=true); raise max_series or keep fewer resource_attributes",
			zap.Int("max_series", c.cfg.MaxSeries))
	}
	s := &series{kind: kd, attrs: pcommon.NewMap(), start: ts}
	s.attrs.PutBool(AttrOverflow, true)
	c.series[key] = s
	return s
}

// build makes the metrics of the dirty series (all series when full).
// c.mu must be held.
func (c *faultlineConnector) build(ts pcommon.Timestamp, full bool) pmetric.Metrics {
	md := pmetric.NewMetrics()
	sm := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(eventScope)
	var sums [2]pmetric.Sum
	for _, s := range c.series {
		if !s.dirty && !full {
			continue
		}
		if sums[s.kind] == (pmetric.Sum{}) {
			m := sm.Metrics().AppendEmpty()
			if s.kind == diagnoses {
				m.SetName(MetricDiagnoses)
				m.SetDescription("Diagnosis events emitted by the faultline processor.")
				m.SetUnit("{diagnoses}")
			} else {
				m.SetName(MetricMatchedRecords)
				m.SetDescription("Log records tagged with a faultline playbook.")
				m.SetUnit("{records}")
			}
			sum := m.SetEmptySum()
			sum.SetIsMonotonic(true)
			sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			sums[s.kind] = sum
		}
		dp := sums[s.kind].DataPoints().AppendEmpty()
		s.attrs.CopyTo(dp.Attributes())
		dp.SetStartTimestamp(s.start)
		dp.SetTimestamp(ts)
		dp.SetIntValue(s.value)
		s.dirty = false
	}
	if sm.Metrics().Len() == 0 {
		return pmetric.NewMetrics()
	}
	sortMetrics(sm)
	return md
}

// sortMetrics orders metrics by name and points by attributes, so that
// output is stable for tests and diffs.
func sortMetrics(sm pmetric.ScopeMetrics) {
	sm.Metrics().Sort(func(a, b pmetric.Metric) bool { return a.Name() < b.Name() })
	for i := 0; i < sm.Metrics().Len(); i++ {
		sm.Metrics().At(i).Sum().DataPoints().Sort(func(a, b pmetric.NumberDataPoint) bool {
			return attrString(a.Attributes()) < attrString(b.Attributes())
		})
	}
}

func attrString(m pcommon.Map) string {
	var b strings.Builder
	m.Range(func(k string, v pcommon.Value) bool {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v.AsString())
		b.WriteByte(0)
		return true
	})
	return b.String()
}

func appendAttr(b []byte, m pcommon.Map, name string) []byte {
	b = append(b, 0)
	if v, ok := m.Get(name); ok {
		b = append(b, v.AsString()...)
	}
	return b
}

func copyStr(dst, src pcommon.Map, name string) {
	if v, ok := src.Get(name); ok {
		dst.PutStr(name, v.AsString())
	}
}
