package diagnose

import (
	"bytes"

	"github.com/faultline-dev/faultline/matcher"
	"github.com/faultline-dev/faultline/playbooks"
)

// RecordScanner finds the signals in one log record, which may hold several
// lines (a stack trace). It is the per-goroutine half of the engine: the
// Engine is shared, a RecordScanner is not.
type RecordScanner struct {
	e    *Engine
	s    matcher.Scratch
	hits []int

	gen     uint32
	stamp   []uint32 // per pattern: the record generation it was last hit in
	pattern []int    // distinct patterns hit in the current record
	// lineOf holds, per hit pattern, the first line it matched (indexes into
	// lines), for evidence.
	lineOf map[int]int
	lines  []string
}

// NewRecordScanner returns a scanner for records.
func (e *Engine) NewRecordScanner() *RecordScanner {
	return &RecordScanner{e: e, stamp: make([]uint32, e.m.Len()), lineOf: map[int]int{}}
}

// Reset starts a new record.
func (r *RecordScanner) Reset() {
	r.gen++
	if r.gen == 0 {
		clear(r.stamp)
		r.gen = 1
	}
	r.pattern = r.pattern[:0]
	r.lines = r.lines[:0]
	clear(r.lineOf)
}

// Scan adds the signals of text (one or more lines) to the current record.
func (r *RecordScanner) Scan(text []byte) {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		clean := matcher.Clean(&r.s, line)
		r.hits = r.e.m.MatchClean(&r.s, clean, r.hits[:0])
		if len(r.hits) == 0 {
			continue
		}
		li := -1
		for _, id := range r.hits {
			if r.stamp[id] == r.gen {
				continue
			}
			r.stamp[id] = r.gen
			r.pattern = append(r.pattern, id)
			if li < 0 {
				r.lines = append(r.lines, string(clean[:min(len(clean), maxTextBytes)]))
				li = len(r.lines) - 1
			}
			r.lineOf[id] = li
		}
	}
}

// Matched reports whether the current record holds any signal.
func (r *RecordScanner) Matched() bool { return len(r.pattern) > 0 }

// Stream is what one stream's recent records showed, for correlating
// signals across records: all-of groups, supporting signals, causes and
// vetoes within a window of records. Its size grows only with the playbooks
// the stream has touched. A Stream is not safe for concurrent use.
type Stream struct {
	seq uint64
	pbs []streamPlaybook
}

type streamPlaybook struct {
	pb          int32
	sigLast     []uint64 // record number each top-level signal was last seen at
	groupLast   [][]uint64
	causeLast   [][]uint64
	vetoedUntil uint64
	// recent holds the last lines that touched the playbook before it was
	// diagnosed (a supporting signal, the first half of a group), so that
	// the diagnosis can show them; at most maxPrecursors.
	recent     []string
	recentSeen []uint64
}

// maxPrecursors bounds the lines a stream keeps per playbook while it is not
// yet diagnosed.
const maxPrecursors = 3

// Skip counts n records of the stream that held no signal, so that windows
// span records, not only matching ones.
func (st *Stream) Skip(n int) { st.seq += uint64(n) }

// Size estimates the stream's memory in bytes, for telemetry and benchmarks.
func (st *Stream) Size() int {
	n := 48
	for _, p := range st.pbs {
		n += 64 + 8*len(p.sigLast)
		for _, l := range p.recent {
			n += 24 + len(l)
		}
		for _, g := range p.groupLast {
			n += 24 + 8*len(g)
		}
		for _, c := range p.causeLast {
			n += 24 + 8*len(c)
		}
	}
	return n
}

func (st *Stream) playbook(e *Engine, pb int32) *streamPlaybook {
	for i := range st.pbs {
		if st.pbs[i].pb == pb {
			return &st.pbs[i]
		}
	}
	cp := &e.pbs[pb]
	sp := streamPlaybook{pb: pb, sigLast: make([]uint64, len(cp.signalPattern))}
	for _, g := range cp.groupPattern {
		sp.groupLast = append(sp.groupLast, make([]uint64, len(g)))
	}
	for _, c := range cp.causePattern {
		sp.causeLast = append(sp.causeLast, make([]uint64, len(c)))
	}
	st.pbs = append(st.pbs, sp)
	return &st.pbs[len(st.pbs)-1]
}

// Verdict is what one record is tagged with.
type Verdict struct {
	Playbook *playbooks.Playbook
	// Cause is the best cause seen in the stream's window, or nil.
	Cause *playbooks.Cause
	// Evidence is the record's line that matched the playbook.
	Evidence string
	// Score is the playbook's score over the stream's window.
	Score float64
	// Precursors are earlier lines of the stream's window that supported
	// the diagnosis before it was made, oldest first.
	Precursors []string
}

// Observe applies the scanner's current record to the stream and returns
// the playbook the record should be tagged with: the best of the playbooks
// whose signals the record holds and that the stream's window diagnoses.
// window is how many records a signal stays in mind (all_of groups use
// their own windows).
func (st *Stream) Observe(e *Engine, r *RecordScanner, window int) (Verdict, bool) {
	st.seq++
	now := st.seq
	var vetoed []int32
	for _, id := range r.pattern {
		for _, ref := range e.refs[id] {
			if ref.kind != refVeto {
				continue
			}
			if e.pbs[ref.pb].pb.Vetoes[ref.i].EffectiveScope() == playbooks.VetoLog {
				st.playbook(e, ref.pb).vetoedUntil = now + uint64(window)
			} else {
				vetoed = append(vetoed, ref.pb)
			}
		}
	}
	type touched struct {
		pb     int32
		record float64 // the record's own weight for the playbook
		line   int
	}
	var cands []touched
	for _, id := range r.pattern {
		for _, ref := range e.refs[id] {
			if ref.kind == refVeto || containsPB(vetoed, ref.pb) {
				continue
			}
			sp := st.playbook(e, ref.pb)
			cp := &e.pbs[ref.pb]
			w := 0.0
			switch ref.kind {
			case refSignal:
				sp.sigLast[ref.i] = now
				w = cp.pb.Signals[ref.i].EffectiveWeight() * cp.specificity[ref.i]
			case refGroup:
				sp.groupLast[ref.i][ref.j] = now
				w = cp.pb.AllOf[ref.i].EffectiveWeight() / float64(len(cp.groupPattern[ref.i]))
			case refCause:
				sp.causeLast[ref.i][ref.j] = now
			}
			found := false
			for k := range cands {
				if cands[k].pb == ref.pb {
					cands[k].record += w
					found = true
				}
			}
			if !found {
				cands = append(cands, touched{pb: ref.pb, record: w, line: r.lineOf[id]})
			}
		}
	}
	var best Verdict
	var bestSP *streamPlaybook
	bestRecord := -1.0
	for _, c := range cands {
		sp := st.playbook(e, c.pb)
		if sp.vetoedUntil >= now {
			continue
		}
		raw, score := sp.weights(e, now, uint64(window))
		if raw < 1 {
			sp.remember(r.lines[c.line], now)
			continue
		}
		cp := &e.pbs[c.pb]
		better := c.record > bestRecord ||
			(c.record == bestRecord && (score > best.Score ||
				(score == best.Score && cp.pb.Severity.Rank() > best.Playbook.Severity.Rank())))
		if !better {
			continue
		}
		bestRecord, bestSP = c.record, sp
		best = Verdict{Playbook: cp.pb, Score: score, Evidence: r.lines[c.line], Cause: sp.cause(cp.pb, now, uint64(window))}
	}
	if bestSP != nil {
		best.Precursors = bestSP.precursors(now, uint64(window))
	}
	return best, best.Playbook != nil
}

// remember keeps a line that touched the playbook before it was diagnosed.
func (sp *streamPlaybook) remember(line string, now uint64) {
	if len(sp.recent) == maxPrecursors {
		sp.recent = append(sp.recent[:0], sp.recent[1:]...)
		sp.recentSeen = append(sp.recentSeen[:0], sp.recentSeen[1:]...)
	}
	sp.recent = append(sp.recent, line)
	sp.recentSeen = append(sp.recentSeen, now)
}

// precursors hands over the remembered lines still inside the window.
func (sp *streamPlaybook) precursors(now, window uint64) []string {
	var out []string
	for i, l := range sp.recent {
		if now-sp.recentSeen[i] < window {
			out = append(out, l)
		}
	}
	sp.recent, sp.recentSeen = sp.recent[:0], sp.recentSeen[:0]
	return out
}

// weights adds up the signals and complete groups inside their windows.
func (sp *streamPlaybook) weights(e *Engine, now, window uint64) (raw, score float64) {
	cp := &e.pbs[sp.pb]
	for i, last := range sp.sigLast {
		if last > 0 && now-last < window {
			w := cp.pb.Signals[i].EffectiveWeight()
			raw += w
			score += w * cp.specificity[i]
		}
	}
	for i, last := range sp.groupLast {
		g := cp.pb.AllOf[i]
		complete := true
		for _, l := range last {
			if l == 0 || now-l >= uint64(g.EffectiveWindow()) {
				complete = false
				break
			}
		}
		if complete {
			raw += g.EffectiveWeight()
			score += g.EffectiveWeight()
		}
	}
	return raw, score
}

func (sp *streamPlaybook) cause(pb *playbooks.Playbook, now, window uint64) *playbooks.Cause {
	best, bestW := -1, 0.0
	for i, last := range sp.causeLast {
		w := 0.0
		for j, l := range last {
			if l > 0 && now-l < window {
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
	return &pb.Causes[best]
}

func containsPB(list []int32, pb int32) bool {
	for _, p := range list {
		if p == pb {
			return true
		}
	}
	return false
}
