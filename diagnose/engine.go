// Package diagnose compiles a playbook library into one matcher and turns
// the signals it finds into ranked diagnoses: for a whole log (the CLI) and,
// through the same Engine, for single records (the collector processor).
package diagnose

import (
	"errors"
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/matcher"
	"github.com/faultline-dev/faultline/playbooks"
)

// refKind says what role a pattern plays in a playbook.
type refKind uint8

const (
	refSignal refKind = iota
	refGroup
	refVeto
	refCause
)

// ref ties a compiled pattern to one place in one playbook. A pattern shared
// by several playbooks has several refs.
type ref struct {
	pb   int32
	kind refKind
	i    int16 // signal, group, veto or cause index
	j    int16 // signal index within a group or cause
}

// Engine is a compiled library. It is immutable and safe for concurrent use.
type Engine struct {
	lib  *playbooks.Library
	m    *matcher.Matcher
	refs [][]ref // by pattern id
	pbs  []compiledPlaybook
}

type compiledPlaybook struct {
	pb *playbooks.Playbook
	// specificity of each top-level signal: 1 / (1 + other playbooks whose
	// match examples it fires on).
	specificity []float64
	// pattern id of each top-level signal, for lint and tests.
	signalPattern []int
	groupPattern  [][]int
	causePattern  [][]int
	hasLogVeto    bool
}

// Library returns the library the engine was compiled from.
func (e *Engine) Library() *playbooks.Library { return e.lib }

// Matcher returns the compiled matcher (for benchmarks and lint).
func (e *Engine) Matcher() *matcher.Matcher { return e.m }

// Compile builds the engine. A pattern the matcher rejects is reported with
// its playbook's file, line and field.
func Compile(lib *playbooks.Library) (*Engine, error) {
	e := &Engine{lib: lib, pbs: make([]compiledPlaybook, len(lib.Playbooks))}
	var pats []matcher.Pattern
	type origin struct {
		pb    *playbooks.Playbook
		line  int
		field string
	}
	var origins []origin
	index := map[matcher.Pattern]int{}
	add := func(pb int, r ref, expr string, noLit bool, line int, field string) int {
		p := matcher.Pattern{Expr: expr, NoLiteral: noLit}
		id, ok := index[p]
		if !ok {
			id = len(pats)
			index[p] = id
			pats = append(pats, p)
			origins = append(origins, origin{lib.Playbooks[pb], line, field})
			e.refs = append(e.refs, nil)
		}
		r.pb = int32(pb)
		e.refs[id] = append(e.refs[id], r)
		return id
	}
	for pi, pb := range lib.Playbooks {
		cp := &e.pbs[pi]
		cp.pb = pb
		for si, s := range pb.Signals {
			cp.signalPattern = append(cp.signalPattern,
				add(pi, ref{kind: refSignal, i: int16(si)}, s.Expr(), s.NoLiteral, s.Line, fmt.Sprintf("signals[%d].pattern", si)))
		}
		for gi, g := range pb.AllOf {
			var ids []int
			for sj, s := range g.Signals {
				ids = append(ids, add(pi, ref{kind: refGroup, i: int16(gi), j: int16(sj)}, s.Expr(), s.NoLiteral, s.Line, fmt.Sprintf("all_of[%d].signals[%d].pattern", gi, sj)))
			}
			cp.groupPattern = append(cp.groupPattern, ids)
		}
		for vi, v := range pb.Vetoes {
			add(pi, ref{kind: refVeto, i: int16(vi)}, v.Expr(), v.NoLiteral, v.Line, fmt.Sprintf("vetoes[%d].pattern", vi))
			if v.EffectiveScope() == playbooks.VetoLog {
				cp.hasLogVeto = true
			}
		}
		for ci, c := range pb.Causes {
			var ids []int
			for sj, s := range c.Signals {
				ids = append(ids, add(pi, ref{kind: refCause, i: int16(ci), j: int16(sj)}, s.Expr(), s.NoLiteral, s.Line, fmt.Sprintf("causes[%d].signals[%d].pattern", ci, sj)))
			}
			cp.causePattern = append(cp.causePattern, ids)
		}
	}
	m, err := matcher.Compile(pats)
	if err != nil {
		var pe *matcher.PatternError
		if errors.As(err, &pe) {
			o := origins[pe.Index]
			return nil, &playbooks.FieldError{File: o.pb.Source, Line: o.line, Field: o.field, Msg: pe.Msg}
		}
		return nil, err
	}
	e.m = m
	e.computeSpecificity()
	return e, nil
}

// computeSpecificity runs every playbook's match examples through the
// matcher and counts, for each signal, the other playbooks whose examples it
// fires on: a signal that also describes other failures says less.
func (e *Engine) computeSpecificity() {
	firedIn := make([]map[int32]bool, e.m.Len()) // pattern -> playbooks whose examples it fires on
	var s matcher.Scratch
	var hits []int
	for pi, cp := range e.pbs {
		for _, ex := range cp.pb.Examples.Match {
			for line := range strings.Lines(ex.Log) {
				hits = e.m.Match(&s, []byte(line), hits[:0])
				for _, h := range hits {
					if firedIn[h] == nil {
						firedIn[h] = map[int32]bool{}
					}
					firedIn[h][int32(pi)] = true
				}
			}
		}
	}
	for pi := range e.pbs {
		cp := &e.pbs[pi]
		cp.specificity = make([]float64, len(cp.signalPattern))
		for si, id := range cp.signalPattern {
			others := 0
			for q := range firedIn[id] {
				if q != int32(pi) {
					others++
				}
			}
			cp.specificity[si] = 1 / (1 + float64(others))
		}
	}
}

// SignalPatterns returns, per playbook (in library order), the pattern ids
// of its top-level signals, group signals and cause signals; lint uses it to
// check that every signal fires in some example.
func (e *Engine) SignalPatterns(pb int) (signals []int, groups [][]int, causes [][]int) {
	cp := &e.pbs[pb]
	return cp.signalPattern, cp.groupPattern, cp.causePattern
}
