package diagnose

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/faultline-dev/faultline/matcher"
	"github.com/faultline-dev/faultline/playbooks"
	"github.com/faultline-dev/faultline/redact"
)

// Options tune a whole-log analysis.
type Options struct {
	// Context is how many lines before and after each evidence line are
	// kept. Default 2; negative means none.
	Context int
	// MaxEvidence is how many evidence lines a diagnosis shows. Default 5.
	MaxEvidence int
}

func (o Options) withDefaults() Options {
	if o.Context == 0 {
		o.Context = 2
	}
	if o.Context < 0 {
		o.Context = 0
	}
	if o.MaxEvidence <= 0 {
		o.MaxEvidence = 5
	}
	return o
}

// MaxLineBytes is how much of one line is matched; the rest of a longer
// line is skipped (and counted in Result.TruncatedLines), so a line of
// megabytes costs bounded time and memory.
const MaxLineBytes = 256 << 10

// maxTextBytes bounds the text of an evidence or context line in a report.
const maxTextBytes = 1000

// Per playbook, how many evidence lines are kept while streaming: enough to
// choose the best few from, few enough that memory stays constant.
const (
	keepPerSignal = 3
	keepPerPlay   = 48
)

// ContextLine is a line around an evidence line.
type ContextLine struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Evidence is one line that made a playbook match.
type Evidence struct {
	File   string        `json:"file,omitempty"`
	Step   string        `json:"step,omitempty"`
	Line   int           `json:"line"`
	Text   string        `json:"text"`
	Signal string        `json:"signal"`
	Before []ContextLine `json:"before,omitempty"`
	After  []ContextLine `json:"after,omitempty"`

	weight    float64
	needAfter int
}

// CauseRef names the cause picked inside a diagnosis.
type CauseRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Fix   string `json:"fix,omitempty"`
}

// Diagnosis is one playbook that explains the log.
type Diagnosis struct {
	Playbook   string     `json:"playbook"`
	Title      string     `json:"title"`
	Category   string     `json:"category"`
	Severity   string     `json:"severity"`
	Score      float64    `json:"score"`
	Confidence float64    `json:"confidence"`
	Cause      *CauseRef  `json:"cause"`
	Evidence   []Evidence `json:"evidence"`
	// Occurrences counts every matching line, shown or not.
	Occurrences int    `json:"occurrences"`
	Summary     string `json:"summary"`
	Fix         string `json:"fix"`
	File        string `json:"file,omitempty"`
}

// Result is a whole analysis.
type Result struct {
	Diagnoses      []Diagnosis `json:"diagnoses"`
	Lines          int         `json:"lines"`
	TruncatedLines int         `json:"truncated_lines,omitempty"`
}

// Analysis consumes a log line by line in constant memory. Use Engine.Analyze
// for a reader; use an Analysis directly to feed several sources into one
// result. An Analysis is not safe for concurrent use.
type Analysis struct {
	e    *Engine
	opts Options

	s    matcher.Scratch
	hits []int

	file string
	step string
	line int

	ring     [][]byte // the last opts.Context lines
	ringLine []int
	ringNext int

	states  map[int32]*pbState
	pending []*Evidence // evidence waiting for after-context

	vetoedHere []int32 // playbooks vetoed on the current line
	truncated  int
}

type pbState struct {
	sigSeen   []int // hits per top-level signal
	groupLast [][]int
	groupDone []bool
	causeSeen [][]bool
	hits      int // matching lines
	lastLine  int
	lastFile  string
	logVetoed bool
	perSignal map[int32]int // evidence kept per pattern
	evidence  []*Evidence
}

// NewAnalysis starts an analysis.
func (e *Engine) NewAnalysis(opts Options) *Analysis {
	opts = opts.withDefaults()
	a := &Analysis{e: e, opts: opts, states: map[int32]*pbState{}}
	a.ring = make([][]byte, opts.Context)
	a.ringLine = make([]int, opts.Context)
	return a
}

// SetFile names the source of the following lines and restarts line
// numbering; the step is reset too.
func (a *Analysis) SetFile(name string) {
	a.file, a.step, a.line = name, "", 0
	a.pending = a.pending[:0]
	for i := range a.ringLine {
		a.ringLine[i] = 0
	}
}

// Analyze reads a whole log and returns its diagnoses, best first.
func (e *Engine) Analyze(r io.Reader, opts Options) (*Result, error) {
	a := e.NewAnalysis(opts)
	if err := a.Read(r); err != nil {
		return nil, err
	}
	return a.Result(), nil
}

// Read feeds every line of r to the analysis.
func (a *Analysis) Read(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte // reused for lines longer than the reader's buffer
	for {
		chunk, err := br.ReadSlice('\n')
		line := chunk
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], chunk...)
			for errors.Is(err, bufio.ErrBufferFull) {
				chunk, err = br.ReadSlice('\n')
				if len(long) < MaxLineBytes {
					long = append(long, chunk[:min(len(chunk), MaxLineBytes-len(long))]...)
				}
			}
			if len(long) >= MaxLineBytes {
				a.truncated++
			}
			line = long
		}
		if len(line) > 0 {
			a.Line(line)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading log: %w", err)
		}
	}
}

var (
	groupMarker = []byte("##[group]")
	stepMarker  = []byte("##[")
)

// Line feeds one line (with or without its newline).
func (a *Analysis) Line(raw []byte) {
	a.line++
	clean := matcher.Clean(&a.s, raw)
	if i := bytes.Index(clean, stepMarker); i >= 0 {
		if j := bytes.Index(clean, groupMarker); j >= 0 {
			a.step = string(bytes.TrimSpace(clean[j+len(groupMarker):]))
		}
	}
	if len(a.pending) > 0 {
		a.addAfter(clean)
	}
	a.hits = a.e.m.MatchClean(&a.s, clean, a.hits[:0])
	if len(a.hits) > 0 {
		a.record(clean)
	}
	if len(a.ring) > 0 {
		k := a.ringNext
		a.ring[k] = append(a.ring[k][:0], clean[:min(len(clean), maxTextBytes)]...)
		a.ringLine[k] = a.line
		a.ringNext = (k + 1) % len(a.ring)
	}
}

func (a *Analysis) state(pb int32) *pbState {
	st := a.states[pb]
	if st == nil {
		cp := &a.e.pbs[pb]
		st = &pbState{
			sigSeen:   make([]int, len(cp.signalPattern)),
			groupLast: make([][]int, len(cp.groupPattern)),
			groupDone: make([]bool, len(cp.groupPattern)),
			causeSeen: make([][]bool, len(cp.causePattern)),
			perSignal: map[int32]int{},
		}
		for i, g := range cp.groupPattern {
			st.groupLast[i] = make([]int, len(g))
		}
		for i, c := range cp.causePattern {
			st.causeSeen[i] = make([]bool, len(c))
		}
		a.states[pb] = st
	}
	return st
}

// record applies the current line's hits: vetoes first, then signals.
func (a *Analysis) record(clean []byte) {
	a.vetoedHere = a.vetoedHere[:0]
	for _, id := range a.hits {
		for _, r := range a.e.refs[id] {
			if r.kind != refVeto {
				continue
			}
			if a.e.pbs[r.pb].pb.Vetoes[r.i].EffectiveScope() == playbooks.VetoLog {
				a.state(r.pb).logVetoed = true
			} else {
				a.vetoedHere = append(a.vetoedHere, r.pb)
			}
		}
	}
	for _, id := range a.hits {
		for _, r := range a.e.refs[id] {
			if r.kind == refVeto || slices.Contains(a.vetoedHere, r.pb) {
				continue
			}
			cp := &a.e.pbs[r.pb]
			st := a.state(r.pb)
			var weight float64
			var pattern string
			switch r.kind {
			case refSignal:
				st.sigSeen[r.i]++
				s := cp.pb.Signals[r.i]
				weight, pattern = s.EffectiveWeight()*cp.specificity[r.i], s.Pattern
			case refGroup:
				g := cp.pb.AllOf[r.i]
				st.groupLast[r.i][r.j] = a.line
				if !st.groupDone[r.i] && groupComplete(st.groupLast[r.i], a.line, g.EffectiveWindow()) {
					st.groupDone[r.i] = true
				}
				weight, pattern = g.EffectiveWeight()/float64(len(g.Signals)), g.Signals[r.j].Pattern
			case refCause:
				st.causeSeen[r.i][r.j] = true
				// Cause lines are good evidence, but only once the playbook
				// itself is diagnosed, which Result decides.
				weight, pattern = 0.5*cp.pb.Causes[r.i].Signals[r.j].EffectiveWeight(), cp.pb.Causes[r.i].Signals[r.j].Pattern
			}
			if st.lastLine != a.line || st.lastFile != a.file {
				st.hits++
				st.lastLine, st.lastFile = a.line, a.file
			}
			a.keepEvidence(st, id, weight, pattern, clean)
		}
	}
}

func groupComplete(last []int, now, window int) bool {
	for _, l := range last {
		if l == 0 || now-l > window {
			return false
		}
	}
	return true
}

func (a *Analysis) keepEvidence(st *pbState, pattern int, weight float64, signal string, clean []byte) {
	if len(st.evidence) > 0 && st.evidence[len(st.evidence)-1].Line == a.line && st.evidence[len(st.evidence)-1].File == a.file {
		// One line, several signals: keep the line once, at its best weight.
		ev := st.evidence[len(st.evidence)-1]
		if weight > ev.weight {
			ev.weight, ev.Signal = weight, signal
		}
		return
	}
	if st.perSignal[int32(pattern)] >= keepPerSignal {
		return
	}
	if len(st.evidence) >= keepPerPlay {
		// Replace the weakest kept line if this one is stronger.
		weakest := 0
		for i, ev := range st.evidence {
			if ev.weight < st.evidence[weakest].weight {
				weakest = i
			}
		}
		if st.evidence[weakest].weight >= weight {
			return
		}
		st.evidence = slices.Delete(st.evidence, weakest, weakest+1)
	}
	st.perSignal[int32(pattern)]++
	ev := &Evidence{
		File: a.file, Step: a.step, Line: a.line, Text: text(clean), Signal: signal,
		weight: weight, needAfter: a.opts.Context,
	}
	ev.Before = a.before()
	st.evidence = append(st.evidence, ev)
	if ev.needAfter > 0 {
		a.pending = append(a.pending, ev)
	}
}

func text(b []byte) string {
	if len(b) > maxTextBytes {
		b = b[:maxTextBytes]
	}
	return redact.Line(string(bytes.ToValidUTF8(b, []byte("\uFFFD"))))
}

// before returns the context lines preceding the current line.
func (a *Analysis) before() []ContextLine {
	var out []ContextLine
	n := len(a.ring)
	for k := 0; k < n; k++ {
		i := (a.ringNext + k) % n
		if l := a.ringLine[i]; l > 0 && l < a.line && a.line-l <= n {
			out = append(out, ContextLine{Line: l, Text: text(a.ring[i])})
		}
	}
	return out
}

func (a *Analysis) addAfter(clean []byte) {
	kept := a.pending[:0]
	for _, ev := range a.pending {
		ev.After = append(ev.After, ContextLine{Line: a.line, Text: text(clean)})
		ev.needAfter--
		if ev.needAfter > 0 {
			kept = append(kept, ev)
		}
	}
	a.pending = kept
}

// Result scores and ranks what the analysis has seen so far.
func (a *Analysis) Result() *Result {
	res := &Result{Diagnoses: []Diagnosis{}, Lines: a.line, TruncatedLines: a.truncated}
	for pbi, st := range a.states {
		if d, ok := a.e.diagnose(pbi, st, a.opts); ok {
			res.Diagnoses = append(res.Diagnoses, d)
		}
	}
	SortDiagnoses(res.Diagnoses)
	return res
}

// SortDiagnoses orders diagnoses best first: score, then severity, then id.
func SortDiagnoses(ds []Diagnosis) {
	slices.SortStableFunc(ds, func(x, y Diagnosis) int {
		if x.Score != y.Score {
			if x.Score > y.Score {
				return -1
			}
			return 1
		}
		sx, sy := playbooks.Severity(x.Severity).Rank(), playbooks.Severity(y.Severity).Rank()
		if sx != sy {
			return sy - sx
		}
		switch {
		case x.Playbook < y.Playbook:
			return -1
		case x.Playbook > y.Playbook:
			return 1
		}
		return 0
	})
}

// diagnose decides whether a playbook is diagnosed and builds its report.
func (e *Engine) diagnose(pbi int32, st *pbState, opts Options) (Diagnosis, bool) {
	cp := &e.pbs[pbi]
	pb := cp.pb
	if st.logVetoed {
		return Diagnosis{}, false
	}
	var raw, score float64
	distinct := 0
	for i, n := range st.sigSeen {
		if n > 0 {
			w := pb.Signals[i].EffectiveWeight()
			raw += w
			score += w * cp.specificity[i]
			distinct++
		}
	}
	for i, done := range st.groupDone {
		if done {
			w := pb.AllOf[i].EffectiveWeight()
			raw += w
			score += w
		}
	}
	if raw < 1 {
		return Diagnosis{}, false
	}
	// Repeated evidence adds a little, with diminishing returns, so that a
	// failure seen ten times outranks one seen once but never drowns a
	// more specific diagnosis.
	score += 0.1 * math.Log2(1+float64(max(0, st.hits-distinct)))
	cause := bestCause(pb, st)
	if cause != nil {
		score += 0.25
	}
	d := Diagnosis{
		Playbook:    pb.ID,
		Title:       pb.Title,
		Category:    pb.Category,
		Severity:    string(pb.Severity),
		Score:       round2(score),
		Confidence:  round2(1 - math.Exp(-score)),
		Cause:       cause,
		Occurrences: st.hits,
		Summary:     pb.Summary,
		Fix:         pb.Fix,
		Evidence:    pickEvidence(st.evidence, opts.MaxEvidence),
	}
	if len(d.Evidence) > 0 {
		d.File = d.Evidence[0].File
	}
	return d, true
}

// bestCause ranks the playbook's causes by the weight of their matched
// signals; the first declared wins a tie.
func bestCause(pb *playbooks.Playbook, st *pbState) *CauseRef {
	best, bestW := -1, 0.0
	for i, seen := range st.causeSeen {
		w := 0.0
		for j, ok := range seen {
			if ok {
				w += pb.Causes[i].Signals[j].EffectiveWeight()
			}
		}
		if w > bestW {
			best, bestW = i, w
		}
	}
	if best < 0 {
		return nil
	}
	c := pb.Causes[best]
	return &CauseRef{ID: c.ID, Title: c.Title, Fix: c.Fix}
}

// supportingShare is how strong, relative to the best evidence line, a line
// must be to be shown: a broad supporting signal ("No such file or
// directory") is not what a person would point at next to "exec format
// error".
const supportingShare = 0.4

// pickEvidence keeps the strongest lines (earliest first on a tie) and shows
// them in log order.
func pickEvidence(all []*Evidence, n int) []Evidence {
	best := 0.0
	for _, ev := range all {
		best = max(best, ev.weight)
	}
	sorted := make([]*Evidence, 0, len(all))
	for _, ev := range all {
		if ev.weight >= supportingShare*best {
			sorted = append(sorted, ev)
		}
	}
	slices.SortStableFunc(sorted, func(x, y *Evidence) int {
		if x.weight != y.weight {
			if x.weight > y.weight {
				return -1
			}
			return 1
		}
		return 0
	})
	if len(sorted) > n {
		sorted = sorted[:n]
	}
	slices.SortStableFunc(sorted, func(x, y *Evidence) int {
		if x.File != y.File {
			if x.File < y.File {
				return -1
			}
			return 1
		}
		return x.Line - y.Line
	})
	out := make([]Evidence, len(sorted))
	for i, ev := range sorted {
		out[i] = *ev
	}
	return out
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
