package faultlineprocessor

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/playbooks"
	"github.com/faultline-dev/faultline/processor/faultlineprocessor/internal/metadata"
	"github.com/faultline-dev/faultline/redact"
)

// The attributes and names users see; DESIGN.md fixes them.
const (
	AttrPlaybook    = "faultline.playbook"
	AttrCategory    = "faultline.category"
	AttrSeverity    = "faultline.severity"
	AttrCause       = "faultline.cause"
	AttrTitle       = "faultline.title"
	AttrConfidence  = "faultline.confidence"
	AttrEvidence    = "faultline.evidence"
	AttrOccurrences = "faultline.occurrences"
	AttrDocsURL     = "faultline.docs_url"

	// ScopeName is the instrumentation scope of diagnosis events.
	ScopeName = "faultline"
	// EventName is the event name of diagnosis events.
	EventName = "faultline.diagnosis"
)

type faultlineProcessor struct {
	cfg       *Config
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder

	engine   atomic.Pointer[diagnose.Engine]
	scanners sync.Pool // *scanner of the current engine

	mu      sync.Mutex
	streams *streams

	now func() time.Time // the clock, replaced in tests

	reload *reloader
}

// scanner is the per-goroutine scratch of one engine.
type scanner struct {
	engine *diagnose.Engine
	rec    *diagnose.RecordScanner
	key    []byte
	text   []byte
}

func newProcessor(set processor.Settings, cfg *Config) (*faultlineProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("creating the processor's telemetry: %w", err)
	}
	e, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	p := &faultlineProcessor{
		cfg:       cfg,
		logger:    set.Logger,
		telemetry: tb,
		streams:   newStreams(cfg.Streams.MaxStreams),
		now:       time.Now,
	}
	p.engine.Store(e)
	return p, nil
}

func (p *faultlineProcessor) start(_ context.Context, _ component.Host) error {
	if len(p.cfg.Playbooks.Directories) > 0 && p.cfg.Playbooks.ReloadInterval > 0 {
		p.reload = startReloader(p, p.cfg.Playbooks.ReloadInterval)
	}
	lib := p.engine.Load().Library()
	p.logger.Info("faultline processor started", zap.Int("playbooks", lib.Len()), zap.String("library_version", playbooks.LibraryVersion(lib)))
	return nil
}

func (p *faultlineProcessor) shutdown(context.Context) error {
	if p.reload != nil {
		p.reload.stop()
	}
	p.telemetry.Shutdown()
	return nil
}

// swap installs a new engine. Stream states refer to the old engine's
// playbooks, so they start afresh.
func (p *faultlineProcessor) swap(e *diagnose.Engine) {
	p.engine.Store(e)
	p.mu.Lock()
	n := p.streams.len()
	p.streams.reset()
	p.mu.Unlock()
	p.telemetry.ProcessorFaultlineStreamsTracked.Add(context.Background(), -int64(n))
}

func (p *faultlineProcessor) getScanner() *scanner {
	e := p.engine.Load()
	if s, ok := p.scanners.Get().(*scanner); ok && s.engine == e {
		return s
	}
	return &scanner{engine: e, rec: e.NewRecordScanner()}
}

// processLogs tags matching records and appends diagnosis events. It never
// removes or reorders a record.
func (p *faultlineProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	sc := p.getScanner()
	defer p.scanners.Put(sc)
	scanned := 0
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		scanned += p.processResource(ctx, sc, rls.At(i))
	}
	p.telemetry.ProcessorFaultlineRecordsScanned.Add(ctx, int64(scanned))
	return ld, nil
}

// tagged is a record tagged in this batch, kept for its event.
type pendingEvent struct {
	v   diagnose.Verdict
	es  *eventState
	occ int
	ev  []string
}

func (p *faultlineProcessor) processResource(ctx context.Context, sc *scanner, rl plog.ResourceLogs) int {
	var (
		st      *streamState
		locked  bool
		skipped int
		events  []pendingEvent
		count   int
	)
	sc.key = streamKey(sc.key[:0], rl.Resource().Attributes(), p.cfg.Streams.Attributes)
	sls := rl.ScopeLogs()
	for i := 0; i < sls.Len(); i++ {
		lrs := sls.At(i).LogRecords()
		for j := 0; j < lrs.Len(); j++ {
			lr := lrs.At(j)
			count++
			sc.rec.Reset()
			p.scanRecord(sc, lr)
			if !sc.rec.Matched() {
				skipped++
				continue
			}
			if !locked {
				p.mu.Lock()
				locked = true
				st = p.stream(ctx, sc.key)
			}
			st.diag.Skip(skipped)
			skipped = 0
			v, ok := st.diag.Observe(sc.engine, sc.rec, p.cfg.Streams.Window)
			if !ok {
				continue
			}
			tag(lr.Attributes(), v)
			p.telemetry.ProcessorFaultlineRecordsMatched.Add(ctx, 1, metric.WithAttributes(attribute.String("playbook", v.Playbook.ID)))
			if pe, ok := p.noteEvent(st, v); ok {
				events = append(events, pe)
			}
		}
	}
	if !locked && count > 0 {
		// No signal here, but a known stream's windows still move on.
		p.mu.Lock()
		locked = true
		if st = p.streams.lookup(sc.key); st != nil {
			st.diag.Skip(skipped)
		}
	} else if st != nil {
		st.diag.Skip(skipped)
	}
	if locked {
		p.mu.Unlock()
	}
	if len(events) > 0 {
		p.appendEvents(ctx, rl, events)
	}
	return count
}

// stream returns the state of the stream with key, creating it. p.mu must
// be held.
func (p *faultlineProcessor) stream(ctx context.Context, key []byte) *streamState {
	if st := p.streams.lookup(key); st != nil {
		return st
	}
	st, evicted := p.streams.add(key)
	if evicted {
		p.telemetry.ProcessorFaultlineStreamEvictions.Add(ctx, 1)
	} else {
		p.telemetry.ProcessorFaultlineStreamsTracked.Add(ctx, 1)
	}
	return st
}

// noteEvent counts a tagged record towards its playbook's next event and
// says whether an event is due now. p.mu must be held.
func (p *faultlineProcessor) noteEvent(st *streamState, v diagnose.Verdict) (pendingEvent, bool) {
	if !p.cfg.Events.Enabled {
		return pendingEvent{}, false
	}
	es := st.event(v.Playbook.ID)
	es.pending++
	for _, line := range append(v.Precursors, v.Evidence) {
		if len(es.evidence) < p.cfg.Events.MaxEvidence {
			es.evidence = append(es.evidence, redact.Line(line))
		}
	}
	now := p.now()
	if !es.lastSent.IsZero() && now.Sub(es.lastSent) < p.cfg.Events.Cooldown {
		return pendingEvent{}, false
	}
	pe := pendingEvent{v: v, occ: es.pending, ev: es.evidence}
	es.lastSent, es.pending, es.evidence = now, 0, nil
	return pe, true
}

// scanRecord feeds the record's text to the scanner: the body (a string,
// bytes, the message-like keys of a map, the strings of a slice) and the
// configured attributes, up to MaxBytes.
func (p *faultlineProcessor) scanRecord(sc *scanner, lr plog.LogRecord) {
	budget := p.cfg.Scan.MaxBytes
	scan := func(b []byte) {
		if budget <= 0 || len(b) == 0 {
			return
		}
		if len(b) > budget {
			b = b[:budget]
		}
		budget -= len(b)
		sc.rec.Scan(b)
	}
	if p.cfg.Scan.Body {
		scanValue(lr.Body(), p.cfg.Scan.BodyKeys, scan)
	}
	attrs := lr.Attributes()
	for _, k := range p.cfg.Scan.Attributes {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr {
			scan(stringBytes(v.Str()))
		}
	}
}

func scanValue(v pcommon.Value, keys []string, scan func([]byte)) {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		scan(stringBytes(v.Str()))
	case pcommon.ValueTypeBytes:
		scan(v.Bytes().AsRaw())
	case pcommon.ValueTypeMap:
		m := v.Map()
		for _, k := range keys {
			if inner, ok := m.Get(k); ok && inner.Type() == pcommon.ValueTypeStr {
				scan(stringBytes(inner.Str()))
			}
		}
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		for i := 0; i < s.Len(); i++ {
			if s.At(i).Type() == pcommon.ValueTypeStr {
				scan(stringBytes(s.At(i).Str()))
			}
		}
	}
}

// stringBytes views a string as bytes without copying; the matcher only
// reads them.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// streamKey names the record's stream from the configured resource
// attributes; a resource with none of them falls back to all its
// attributes, and one with no attributes at all shares the empty stream.
func streamKey(dst []byte, attrs pcommon.Map, names []string) []byte {
	for _, n := range names {
		if v, ok := attrs.Get(n); ok {
			dst = append(dst, n...)
			dst = append(dst, '=')
			dst = append(dst, v.AsString()...)
			dst = append(dst, 0)
		}
	}
	if len(dst) > 0 {
		return dst
	}
	attrs.Range(func(k string, v pcommon.Value) bool {
		dst = append(dst, k...)
		dst = append(dst, '=')
		dst = append(dst, v.AsString()...)
		dst = append(dst, 0)
		return true
	})
	return dst
}

func tag(attrs pcommon.Map, v diagnose.Verdict) {
	attrs.PutStr(AttrPlaybook, v.Playbook.ID)
	attrs.PutStr(AttrCategory, v.Playbook.Category)
	attrs.PutStr(AttrSeverity, string(v.Playbook.Severity))
	if v.Cause != nil {
		attrs.PutStr(AttrCause, v.Cause.ID)
	}
}

// appendEvents adds the diagnosis events to the resource, in a scope of
// their own, after every original record.
func (p *faultlineProcessor) appendEvents(ctx context.Context, rl plog.ResourceLogs, events []pendingEvent) {
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(ScopeName)
	now := pcommon.NewTimestampFromTime(p.now())
	for _, pe := range events {
		pb := pe.v.Playbook
		lr := sl.LogRecords().AppendEmpty()
		lr.SetEventName(EventName)
		lr.SetTimestamp(now)
		lr.SetObservedTimestamp(now)
		num, text := severity(string(pb.Severity))
		lr.SetSeverityNumber(num)
		lr.SetSeverityText(text)
		summary := fmt.Sprintf("%s: %s", pb.ID, pb.Title)
		if pe.v.Cause != nil {
			summary += fmt.Sprintf(" (cause: %s)", pe.v.Cause.ID)
		}
		summary += fmt.Sprintf(", %d matching record%s", pe.occ, map[bool]string{true: "", false: "s"}[pe.occ == 1])
		lr.Body().SetStr(summary)
		a := lr.Attributes()
		a.PutStr(AttrPlaybook, pb.ID)
		a.PutStr(AttrTitle, pb.Title)
		a.PutStr(AttrCategory, pb.Category)
		a.PutStr(AttrSeverity, string(pb.Severity))
		if pe.v.Cause != nil {
			a.PutStr(AttrCause, pe.v.Cause.ID)
		}
		a.PutDouble(AttrConfidence, math.Round((1-math.Exp(-pe.v.Score))*100)/100)
		ev := a.PutEmptySlice(AttrEvidence)
		for _, line := range pe.ev {
			ev.AppendEmpty().SetStr(line)
		}
		a.PutInt(AttrOccurrences, int64(pe.occ))
		a.PutStr(AttrDocsURL, strings.TrimSuffix(p.cfg.Events.DocsBaseURL, "/")+"/"+pb.ID+".md")
		p.telemetry.ProcessorFaultlineEventsEmitted.Add(ctx, 1, metric.WithAttributes(attribute.String("playbook", pb.ID)))
	}
}

func severity(s string) (plog.SeverityNumber, string) {
	switch s {
	case "critical":
		return plog.SeverityNumberFatal, "FATAL"
	case "high":
		return plog.SeverityNumberError, "ERROR"
	case "medium":
		return plog.SeverityNumberWarn, "WARN"
	}
	return plog.SeverityNumberInfo, "INFO"
}
